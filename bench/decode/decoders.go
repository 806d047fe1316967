package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/ssestream"
	goopenai "github.com/sashabaranov/go-openai"

	"qwendesk/internal/qwen"
)

// How they are fed, and why it is fair.
//
// The figure is "SSE + chunk parsing + what a client must do with each chunk": bytes of a
// response body in, steps (Out) out. No socket is involved for anyone — every decoder reads
// the same []byte through an *http.Response whose Body is an in-memory reader, handed over by
// an in-memory transport. Each library is entered at its lowest *public* streaming entry point:
//
//   - QwenDesk: internal/qwen has no exported constructor for a Stream over a reader, so it
//     goes through Client.Stream with an *http.Client whose RoundTripper returns the
//     in-memory response. That is the app's real path (the same Stream, idle timer,
//     SSE decoder, chunk decoder and tool-call assembly the app uses), plus one request
//     encoding per stream.
//   - openai-go v3: ssestream.NewDecoder(resp) + ssestream.NewStream[openai.ChatCompletionChunk]
//     directly — the lowest public entry point, which skips the client's request building.
//   - go-openai: its stream reader is unexported, so Client.CreateChatCompletionStream with
//     ClientConfig.HTTPClient set to a doer returning the in-memory response.
//
// The one request built per stream by QwenDesk and go-openai costs a few microseconds against
// ~30,000 chunks (well under 0.1% of the figure); where the paths differ, the difference
// favours the peer (openai-go), never QwenDesk.
//
// The work is the same: every decoder turns every chunk into an Out (text, reasoning, finish
// reason, usage, tool calls started, whole calls at the finish) and hands it to the same
// sink; the peers assemble tool calls with an assembler that follows QwenDesk's rules. The
// tests compare the steps equal, one by one, with the generator's and with each other.
//
// What is not the same, and is said in the report: QwenDesk decodes only the fields it uses
// (id, choices[].index/delta/finish_reason, usage, error) and skips the rest of the JSON
// unparsed, while the peers decode into their full chunk types, because that is what their
// public APIs do. The reference decoder "openai-go SSE + trimmed" takes that difference away:
// openai-go's own SSE decoder and encoding/json into a struct with only QwenDesk's fields.
// DashScope's reasoning_content is not a field of openai-go's chunk type; it sits in
// Delta.JSON.ExtraFields as raw JSON, so the openai-go side unquotes it from there (slicing
// without unquoting when it holds no escape: that shortcut only helps the peer).

// source opens the recorded bytes for one stream: the whole slice in one read for the
// benchmark; split in chosen places for the fault corpus.
type source func() io.Reader

func whole(b []byte) source { return func() io.Reader { return bytes.NewReader(b) } }

func memResponse(open source) *http.Response {
	return &http.Response{
		Status:     "200 OK",
		StatusCode: http.StatusOK,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			"Content-Type":     {"text/event-stream;charset=UTF-8"},
			"X-Request-Id":     {"bench-request"},
			"X-Dashscope-Call": {"bench"},
		},
		Body:          io.NopCloser(open()),
		ContentLength: -1,
	}
}

// memTransport answers every request with the recorded stream.
type memTransport struct{ open source }

func (t memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	resp := memResponse(t.open)
	resp.Request = req
	return resp, nil
}

func (t memTransport) Do(req *http.Request) (*http.Response, error) { return t.RoundTrip(req) }

// emit hands a peer's step to the sink after the work every client does at a chunk's end:
// the whole calls at the finish, and nothing for a chunk that carries nothing.
func emit(k sink, calls *assembler, o Out) error {
	if o.Finish != "" {
		var err error
		if o.Calls, err = calls.finish(); err != nil {
			return err
		}
	}
	if !o.empty() {
		k.add(o)
	}
	return nil
}

// --- QwenDesk ---

type qwenDecoder struct {
	c   *qwen.Client
	req qwen.Request
}

func newQwenDecoder(open source) *qwenDecoder {
	return &qwenDecoder{
		c: qwen.NewClient(qwen.Config{
			BaseURL:    "https://dashscope.invalid/compatible-mode/v1",
			HTTPClient: &http.Client{Transport: memTransport{open}},
			MaxRetries: -1,
		}),
		req: qwen.Request{Model: "qwen-plus", Messages: []qwen.Message{{Role: "user", Content: "你好, explain SSE"}}},
	}
}

func (d *qwenDecoder) decode(k sink) error {
	s, err := d.c.Stream(context.Background(), "sk-bench", d.req)
	if err != nil {
		return err
	}
	defer s.Close()
	for s.Next() {
		ev := s.Current()
		o := Out{Content: ev.Content, Reasoning: ev.Reasoning, Finish: ev.FinishReason}
		if u := ev.Usage; u != nil {
			o.Usage = &Usage{Prompt: int64(u.PromptTokens), Completion: int64(u.CompletionTokens), Total: int64(u.TotalTokens)}
			if u.PromptTokensDetails != nil {
				o.Usage.Cached = int64(u.PromptTokensDetails.CachedTokens)
			}
			if u.CompletionTokensDetails != nil {
				o.Usage.Reasoning = int64(u.CompletionTokensDetails.ReasoningTokens)
			}
		}
		if len(ev.CallsStarted) > 0 {
			o.Started = make([]Started, len(ev.CallsStarted))
			for i, c := range ev.CallsStarted {
				o.Started[i] = Started{Index: c.Index, ID: c.ID, Name: c.Name}
			}
		}
		if len(ev.ToolCalls) > 0 {
			o.Calls = make([]Call, len(ev.ToolCalls))
			for i, c := range ev.ToolCalls {
				o.Calls[i] = Call{ID: c.ID, Name: c.Function.Name, Arguments: c.Function.Arguments}
			}
		}
		k.add(o)
	}
	return s.Err()
}

// --- openai-go v3 ---

type openaiGoDecoder struct{ open source }

func (d *openaiGoDecoder) decode(k sink) error {
	s := ssestream.NewStream[oai.ChatCompletionChunk](ssestream.NewDecoder(memResponse(d.open)), nil)
	defer s.Close()
	var calls assembler
	for s.Next() {
		c := s.Current()
		var o Out
		// Only choice 0, as QwenDesk: the client never asks for n > 1.
		for i := range c.Choices {
			ch := &c.Choices[i]
			if ch.Index != 0 {
				continue
			}
			o.Content = ch.Delta.Content
			o.Finish = ch.FinishReason
			if f, ok := ch.Delta.JSON.ExtraFields["reasoning_content"]; ok {
				r, err := jsonString(f.Raw())
				if err != nil {
					return err
				}
				o.Reasoning = r
			}
			for _, p := range ch.Delta.ToolCalls {
				if st, ok := calls.piece(int(p.Index), p.ID, p.Function.Name, p.Function.Arguments); ok {
					o.Started = append(o.Started, st)
				}
			}
			break
		}
		if c.JSON.Usage.Valid() {
			u := &c.Usage
			o.Usage = &Usage{Prompt: u.PromptTokens, Completion: u.CompletionTokens, Total: u.TotalTokens,
				Cached: u.PromptTokensDetails.CachedTokens, Reasoning: u.CompletionTokensDetails.ReasoningTokens}
		}
		if err := emit(k, &calls, o); err != nil {
			return err
		}
	}
	return s.Err()
}

// jsonString decodes a raw JSON string ("null" and absent are empty).
func jsonString(raw string) (string, error) {
	if raw == "" || raw == "null" {
		return "", nil
	}
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && !strings.Contains(raw[1:len(raw)-1], `\`) {
		return raw[1 : len(raw)-1], nil
	}
	var s string
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return "", fmt.Errorf("reasoning_content %s: %w", raw, err)
	}
	return s, nil
}

// --- openai-go's SSE decoder + QwenDesk's fields (reference, not a peer) ---

// trimmedChunk has exactly the fields QwenDesk's chunk type decodes (internal/qwen/chunk.go),
// so that this decoder does the JSON work QwenDesk does, with encoding/json.
type trimmedChunk struct {
	ID      json.RawMessage `json:"id"`
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Content          string `json:"content"`
			ReasoningContent string `json:"reasoning_content"`
			ToolCalls        []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Type     string `json:"type"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens        int64 `json:"prompt_tokens"`
		CompletionTokens    int64 `json:"completion_tokens"`
		TotalTokens         int64 `json:"total_tokens"`
		PromptTokensDetails *struct {
			CachedTokens int64 `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
		CompletionTokensDetails *struct {
			ReasoningTokens int64 `json:"reasoning_tokens"`
		} `json:"completion_tokens_details"`
	} `json:"usage"`
	Error json.RawMessage `json:"error"`
	Code  json.RawMessage `json:"code"`
}

type trimmedDecoder struct{ open source }

func (d *trimmedDecoder) decode(k sink) error {
	s := ssestream.NewStream[trimmedChunk](ssestream.NewDecoder(memResponse(d.open)), nil)
	defer s.Close()
	var calls assembler
	for s.Next() {
		c := s.Current()
		var o Out
		for i := range c.Choices {
			ch := &c.Choices[i]
			if ch.Index != 0 {
				continue
			}
			o.Content, o.Reasoning, o.Finish = ch.Delta.Content, ch.Delta.ReasoningContent, ch.FinishReason
			for _, p := range ch.Delta.ToolCalls {
				if st, ok := calls.piece(p.Index, p.ID, p.Function.Name, p.Function.Arguments); ok {
					o.Started = append(o.Started, st)
				}
			}
			break
		}
		if u := c.Usage; u != nil {
			o.Usage = &Usage{Prompt: u.PromptTokens, Completion: u.CompletionTokens, Total: u.TotalTokens}
			if u.PromptTokensDetails != nil {
				o.Usage.Cached = u.PromptTokensDetails.CachedTokens
			}
			if u.CompletionTokensDetails != nil {
				o.Usage.Reasoning = u.CompletionTokensDetails.ReasoningTokens
			}
		}
		if err := emit(k, &calls, o); err != nil {
			return err
		}
	}
	return s.Err()
}

// --- go-openai ---

type goOpenAIDecoder struct {
	c   *goopenai.Client
	req goopenai.ChatCompletionRequest
}

func newGoOpenAIDecoder(open source) *goOpenAIDecoder {
	cfg := goopenai.DefaultConfig("sk-bench")
	cfg.BaseURL = "https://dashscope.invalid/compatible-mode/v1"
	cfg.HTTPClient = memTransport{open}
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

func (d *goOpenAIDecoder) decode(k sink) error {
	s, err := d.c.CreateChatCompletionStream(context.Background(), d.req)
	if err != nil {
		return err
	}
	defer s.Close()
	var calls assembler
	for {
		c, err := s.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var o Out
		for i := range c.Choices {
			ch := &c.Choices[i]
			if ch.Index != 0 {
				continue
			}
			o.Content, o.Reasoning, o.Finish = ch.Delta.Content, ch.Delta.ReasoningContent, string(ch.FinishReason)
			for _, p := range ch.Delta.ToolCalls {
				index := 0
				if p.Index != nil {
					index = *p.Index
				}
				if st, ok := calls.piece(index, p.ID, p.Function.Name, p.Function.Arguments); ok {
					o.Started = append(o.Started, st)
				}
			}
			break
		}
		if u := c.Usage; u != nil {
			o.Usage = &Usage{Prompt: int64(u.PromptTokens), Completion: int64(u.CompletionTokens), Total: int64(u.TotalTokens)}
			if u.PromptTokensDetails != nil {
				o.Usage.Cached = int64(u.PromptTokensDetails.CachedTokens)
			}
			if u.CompletionTokensDetails != nil {
				o.Usage.Reasoning = int64(u.CompletionTokensDetails.ReasoningTokens)
			}
		}
		if err := emit(k, &calls, o); err != nil {
			return err
		}
	}
}

// --- the set ---

type peer struct {
	Name string
	// Reference decoders are measured and checked like the others but are not peers: the
	// goal is against what the peers ship.
	Reference bool
	decode    func(sink) error
}

// Names, used by main's table and the tests.
const (
	nameQwenDesk = "QwenDesk"
	nameOpenAIGo = "openai-go v3"
	nameGoOpenAI = "go-openai"
	nameTrimmed  = "openai-go SSE + trimmed"
)

// peers returns QwenDesk first, then the two peers, then the reference decoder.
func peers(open source) []peer {
	return []peer{
		{Name: nameQwenDesk, decode: newQwenDecoder(open).decode},
		{Name: nameOpenAIGo, decode: (&openaiGoDecoder{open}).decode},
		{Name: nameGoOpenAI, decode: newGoOpenAIDecoder(open).decode},
		{Name: nameTrimmed, Reference: true, decode: (&trimmedDecoder{open}).decode},
	}
}

// check decodes the benchmark stream once with each and verifies that every one produced
// the generator's steps, one by one.
func check(st Stream) error {
	for _, p := range peers(whole(st.Bytes)) {
		var k keepSink
		if err := p.decode(&k); err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		if err := sameSteps(k.outs, st.Want); err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
	}
	return nil
}

// sameSteps says where got first differs from want.
func sameSteps(got, want []Out) error {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Errorf("step %d: got %s, want %s", i, show(got[i]), show(want[i]))
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("got %d steps, want %d", len(got), len(want))
	}
	return nil
}

func show(o Out) string {
	s := fmt.Sprintf("{content %q reasoning %q finish %q", o.Content, o.Reasoning, o.Finish)
	for i := range o.Calls {
		// Arguments run to kilobytes; the start and the length are enough to see a difference.
		if a := o.Calls[i].Arguments; len(a) > 60 {
			o.Calls = slices.Clone(o.Calls)
			o.Calls[i].Arguments = fmt.Sprintf("%.40s… (%d bytes)", a, len(a))
		}
	}
	if o.Usage != nil {
		s += fmt.Sprintf(" usage %+v", *o.Usage)
	}
	if o.Started != nil {
		s += fmt.Sprintf(" started %+v", o.Started)
	}
	if o.Calls != nil {
		s += fmt.Sprintf(" calls %+v", o.Calls)
	}
	return s + "}"
}
