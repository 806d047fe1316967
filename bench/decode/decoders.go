package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/ssestream"
	goopenai "github.com/sashabaranov/go-openai"

	"qwendesk/internal/qwen"
)

// How the three are fed, and why it is fair.
//
// The figure is "SSE + chunk parsing": bytes of a response body in, decoded chunks out. No
// socket is involved for anyone — every decoder reads the same []byte through an
// *http.Response whose Body is io.NopCloser(bytes.NewReader(b)), handed over by an in-memory
// transport. Each library is entered at its lowest *public* streaming entry point:
//
//   - QwenDesk: internal/qwen has no exported constructor for a Stream over a reader, so it
//     goes through Client.Stream with an *http.Client whose RoundTripper returns the
//     in-memory response. That is the app's real path (the same Stream, idle timer,
//     SSE decoder and chunk decoder the app uses), plus one request encoding per stream.
//   - openai-go v3: ssestream.NewDecoder(resp) + ssestream.NewStream[openai.ChatCompletionChunk]
//     directly — the lowest public entry point, which skips the client's request building.
//   - go-openai: its stream reader is unexported, so Client.CreateChatCompletionStream with
//     ClientConfig.HTTPClient set to a doer returning the in-memory response.
//
// The one request built per stream by QwenDesk and go-openai costs a few microseconds against
// ~30,000 chunks (well under 0.1% of the figure); where the paths differ, the difference
// favours the peer (openai-go), never QwenDesk.
//
// Every decoder must hand over every chunk's content and reasoning text: each sums their
// lengths, and the sums are checked against the generator's. DashScope's reasoning_content
// is not a field of openai-go's chunk type; it sits in Delta.JSON.ExtraFields as raw JSON, so
// the openai-go side reads its length from there (without unquoting when it holds no escape:
// that shortcut, again, only helps the peer).

func memResponse(b []byte) *http.Response {
	return &http.Response{
		Status:     "200 OK",
		StatusCode: http.StatusOK,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			"Content-Type":     {"text/event-stream;charset=UTF-8"},
			"X-Request-Id":     {"bench-request"},
			"X-Dashscope-Call": {"bench"},
		},
		Body:          io.NopCloser(bytes.NewReader(b)),
		ContentLength: -1,
	}
}

// memTransport answers every request with the recorded stream.
type memTransport struct{ b []byte }

func (t memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	resp := memResponse(t.b)
	resp.Request = req
	return resp, nil
}

func (t memTransport) Do(req *http.Request) (*http.Response, error) { return t.RoundTrip(req) }

// --- QwenDesk ---

type qwenDecoder struct {
	c   *qwen.Client
	req qwen.Request
}

func newQwenDecoder(b []byte) *qwenDecoder {
	return &qwenDecoder{
		c: qwen.NewClient(qwen.Config{
			BaseURL:    "https://dashscope.invalid/compatible-mode/v1",
			HTTPClient: &http.Client{Transport: memTransport{b}},
			MaxRetries: -1,
		}),
		req: qwen.Request{Model: "qwen-plus", Messages: []qwen.Message{{Role: "user", Content: "你好, explain SSE"}}},
	}
}

func (d *qwenDecoder) decode() (int, error) {
	s, err := d.c.Stream(context.Background(), "sk-bench", d.req)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	n := 0
	for s.Next() {
		ev := s.Current()
		n += len(ev.Content) + len(ev.Reasoning)
	}
	return n, s.Err()
}

// --- openai-go v3 ---

type openaiGoDecoder struct{ b []byte }

func (d *openaiGoDecoder) decode() (int, error) {
	s := ssestream.NewStream[oai.ChatCompletionChunk](ssestream.NewDecoder(memResponse(d.b)), nil)
	defer s.Close()
	n := 0
	for s.Next() {
		c := s.Current()
		for i := range c.Choices {
			delta := &c.Choices[i].Delta
			n += len(delta.Content)
			if f, ok := delta.JSON.ExtraFields["reasoning_content"]; ok {
				l, err := jsonStringLen(f.Raw())
				if err != nil {
					return n, err
				}
				n += l
			}
		}
	}
	return n, s.Err()
}

// jsonStringLen is the decoded length of a raw JSON string ("null" counts as empty).
func jsonStringLen(raw string) (int, error) {
	if raw == "" || raw == "null" {
		return 0, nil
	}
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && !bytes.ContainsAny([]byte(raw[1:len(raw)-1]), `\`) {
		return len(raw) - 2, nil
	}
	s, err := strconv.Unquote(raw) // the generator's escapes (\n \t \" \\) are the same in Go
	if err != nil {
		return 0, fmt.Errorf("reasoning_content %s: %w", raw, err)
	}
	return len(s), nil
}

// --- go-openai ---

type goOpenAIDecoder struct {
	c   *goopenai.Client
	req goopenai.ChatCompletionRequest
}

func newGoOpenAIDecoder(b []byte) *goOpenAIDecoder {
	cfg := goopenai.DefaultConfig("sk-bench")
	cfg.BaseURL = "https://dashscope.invalid/compatible-mode/v1"
	cfg.HTTPClient = memTransport{b}
	return &goOpenAIDecoder{
		c: goopenai.NewClientWithConfig(cfg),
		req: goopenai.ChatCompletionRequest{
			Model:         "qwen-plus",
			Messages:      []goopenai.ChatCompletionMessage{{Role: "user", Content: "你好, explain SSE"}},
			Stream:        true,
			StreamOptions: &goopenai.StreamOptions{IncludeUsage: true},
		},
	}
}

func (d *goOpenAIDecoder) decode() (int, error) {
	s, err := d.c.CreateChatCompletionStream(context.Background(), d.req)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	n := 0
	for {
		c, err := s.Recv()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		for i := range c.Choices {
			n += len(c.Choices[i].Delta.Content) + len(c.Choices[i].Delta.ReasoningContent)
		}
	}
}

// --- the set ---

type peer struct {
	Name   string
	decode func() (int, error)
}

func peers(st Stream) []peer {
	q := newQwenDecoder(st.Bytes)
	o := &openaiGoDecoder{b: st.Bytes}
	g := newGoOpenAIDecoder(st.Bytes)
	return []peer{
		{"QwenDesk", q.decode},
		{"openai-go v3", o.decode},
		{"go-openai", g.decode},
	}
}

// check decodes once with each and verifies every one got all the text.
func check(st Stream) error {
	for _, p := range peers(st) {
		n, err := p.decode()
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		if n != st.Text {
			return fmt.Errorf("%s decoded %d bytes of text, want %d", p.Name, n, st.Text)
		}
	}
	return nil
}
