package fakedashscope

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"qwendesk/internal/qwen"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func newClient(t *testing.T, s *Server) *qwen.Client {
	t.Helper()
	c := qwen.NewClient(qwen.Config{BaseURL: s.BaseURL(), MaxRetries: -1, IdleTimeout: 5 * time.Second})
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func ask(text string) qwen.Request {
	return qwen.Request{Model: "qwen-plus", Messages: []qwen.Message{
		{Role: "system", Content: "You are helpful."},
		{Role: "user", Content: text},
	}}
}

type result struct {
	content, reasoning, finish string
	usage                      *qwen.Usage
	events                     int
	err                        error
}

func run(t *testing.T, c *qwen.Client, key string, req qwen.Request) result {
	t.Helper()
	s, err := c.Stream(context.Background(), key, req)
	if err != nil {
		return result{err: err}
	}
	defer s.Close()
	var r result
	var content, reasoning strings.Builder
	for s.Next() {
		e := s.Current()
		content.WriteString(e.Content)
		reasoning.WriteString(e.Reasoning)
		if e.FinishReason != "" {
			r.finish = e.FinishReason
		}
		if e.Usage != nil {
			r.usage = e.Usage
		}
		r.events++
	}
	r.content, r.reasoning, r.err = content.String(), reasoning.String(), s.Err()
	return r
}

func TestDefaultReplyDecodesAndIsRecorded(t *testing.T) {
	s := New(Options{APIKey: "sk-test", ChunkDelay: time.Millisecond})
	defer s.Close()
	c := newClient(t, s)
	r := run(t, c, "sk-test", ask("什么是 Qwen?"))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.HasPrefix(r.content, "你好！You asked: 什么是 Qwen?.") || r.finish != qwen.FinishStop || r.usage == nil || r.reasoning != "" {
		t.Errorf("got %+v", r)
	}
	if r.events < 18 || r.events > 22 {
		t.Errorf("%d events, want about 20", r.events)
	}
	reqs, err := s.WaitRequests(1, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := reqs[0]
	if got.Method != "POST" || got.Path != "/compatible-mode/v1/chat/completions" || got.Authorization != "Bearer sk-test" ||
		got.Model != "qwen-plus" || !got.Stream || !got.IncludeUsage || len(got.Messages) != 2 ||
		got.Messages[1].Content != "什么是 Qwen?" || len(got.Body) == 0 || got.At.IsZero() {
		t.Errorf("recorded %+v", got)
	}
}

// TestWireFormat reads the raw stream to check the exact shape the client will meet.
func TestWireFormat(t *testing.T) {
	s := New(Options{ChunkDelay: -1})
	defer s.Close()
	for _, tc := range []struct {
		marker  string
		want    []string
		lineEnd string
	}{
		{"", []string{`"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}`, `"finish_reason":"stop"`, `"choices":[],"usage":{"prompt_tokens":`, "data: [DONE]"}, "\n"},
		{"#think", []string{`"delta":{"content":null,"reasoning_content":"好的，"}`, `"reasoning_content":null}`, `"completion_tokens_details":{"reasoning_tokens":`}, "\n"},
		{"#length", []string{`"finish_reason":"length"`}, "\n"},
		{"#crlf", []string{"\r\n\r\n: keep-alive\r\n\r\n", "data: [DONE]\r\n"}, "\r\n"},
		{"#midstream", []string{`data: {"error":{"message":"An internal error`, `"code":"InternalError"}`}, "\n"},
		{"#midstream #native", []string{`data: {"code":"InternalError","message":`}, "\n"},
	} {
		t.Run(tc.marker, func(t *testing.T) {
			body := `{"model":"qwen-plus","messages":[{"role":"user","content":"hi ` + tc.marker + `"}],"stream":true,"stream_options":{"include_usage":true}}`
			req, _ := http.NewRequest("POST", s.BaseURL()+"/chat/completions", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer any")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") || resp.Header.Get("X-Request-Id") == "" {
				t.Fatalf("%d %v", resp.StatusCode, resp.Header)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(raw), w) {
					t.Errorf("stream lacks %q:\n%.600s", w, raw)
				}
			}
			if tc.lineEnd == "\n" && strings.Contains(string(raw), "\r") {
				t.Error("CR in an LF stream")
			}
		})
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestScenarios(t *testing.T) {
	s := New(Options{ChunkDelay: -1})
	defer s.Close()
	c := newClient(t, s)
	tests := []struct {
		text      string
		kind      qwen.Kind
		status    int
		code      string
		finish    string
		reasoning bool
	}{
		{text: "plain", finish: "stop"},
		{text: "#think", finish: "stop", reasoning: true},
		{text: "#length", finish: "length"},
		{text: "#crlf", finish: "stop"},
		{text: "#err401", kind: qwen.KindAuth, status: 401, code: "invalid_api_key"},
		{text: "#err401 #native", kind: qwen.KindAuth, status: 401, code: "InvalidApiKey"},
		{text: "#err403", kind: qwen.KindAccessDenied, status: 403, code: "AccessDenied"},
		{text: "#arrearage", kind: qwen.KindBilling, status: 400, code: "Arrearage"},
		{text: "#err404", kind: qwen.KindModelNotFound, status: 404, code: "model_not_found"},
		{text: "#err404 #native", kind: qwen.KindModelNotFound, status: 404, code: "ModelNotFound"},
		{text: "#err429", kind: qwen.KindRateLimit, status: 429, code: "limit_requests"},
		{text: "#quota", kind: qwen.KindQuota, status: 429, code: "insufficient_quota"},
		{text: "#quota #native", kind: qwen.KindQuota, status: 429, code: "Throttling.AllocationQuota"},
		{text: "#err500", kind: qwen.KindServer, status: 500, code: "InternalError"},
		{text: "#moderation", kind: qwen.KindModeration, status: 400, code: "data_inspection_failed"},
		{text: "#moderation #native", kind: qwen.KindModeration, status: 400, code: "DataInspectionFailed"},
		{text: "#err400", kind: qwen.KindBadRequest, status: 400, code: "invalid_parameter_error"},
		{text: "#midstream", kind: qwen.KindServer, status: 200, code: "InternalError"},
		{text: "#truncate", kind: qwen.KindTruncated, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := run(t, c, "sk-any", ask("question "+tt.text))
			if tt.kind == "" {
				if r.err != nil || r.finish != tt.finish || r.usage == nil || (r.reasoning != "") != tt.reasoning || r.content == "" {
					t.Errorf("got %+v", r)
				}
				return
			}
			var apiErr *qwen.APIError
			if !errors.As(r.err, &apiErr) {
				t.Fatalf("err = %v", r.err)
			}
			if apiErr.Kind != tt.kind || apiErr.HTTPStatus != tt.status || apiErr.Code != tt.code || apiErr.RequestID == "" {
				t.Errorf("got %+v", apiErr)
			}
		})
	}
}

func TestAuthAndModels(t *testing.T) {
	s := New(Options{APIKey: "sk-right", Models: []string{"qwen-plus", "qwen-max"}})
	defer s.Close()
	c := newClient(t, s)
	ctx := context.Background()
	var apiErr *qwen.APIError
	if err := c.CheckKey(ctx, "sk-wrong"); !errors.As(err, &apiErr) || apiErr.Kind != qwen.KindAuth || apiErr.RequestID == "" {
		t.Errorf("CheckKey(wrong) = %v", err)
	}
	if r := run(t, c, "sk-wrong", ask("hi")); !errors.As(r.err, &apiErr) || apiErr.Code != "invalid_api_key" {
		t.Errorf("Stream(wrong) = %v", r.err)
	}
	models, err := c.Models(ctx, "sk-right")
	if err != nil || strings.Join(models, ",") != "qwen-max,qwen-plus" {
		t.Errorf("Models = %v, %v", models, err)
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[2].Method != "GET" || reqs[2].Path != "/compatible-mode/v1/models" {
		t.Errorf("requests %+v", reqs)
	}
}

func TestRateLimitRecovers(t *testing.T) {
	s := New(Options{ChunkDelay: -1})
	defer s.Close()
	c := qwen.NewClient(qwen.Config{BaseURL: s.BaseURL(), MaxRetries: 3})
	defer c.CloseIdleConnections()
	var waits []time.Duration
	req := ask("#err429 #recover")
	req.OnRetry = func(_ int, wait time.Duration, _ *qwen.APIError) { waits = append(waits, wait) }
	start := time.Now()
	r := run(t, c, "k", req)
	if r.err != nil || r.finish != "stop" {
		t.Fatalf("got %+v", r)
	}
	if len(waits) != 2 || waits[0] != time.Second || time.Since(start) < 2*time.Second {
		t.Errorf("waits %v after %v; want two Retry-After waits of 1s", waits, time.Since(start))
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestStallEndsWhenClientLeaves(t *testing.T) {
	s := New(Options{ChunkDelay: -1})
	defer s.Close()
	c := newClient(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := c.Stream(ctx, "k", ask("#stall"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	for st.Next() {
		if n++; n == 3 {
			cancel()
		}
	}
	if !errors.Is(st.Err(), context.Canceled) || n != 3 {
		t.Errorf("after %d events: %v", n, st.Err())
	}
}

func TestBigLineAndLong(t *testing.T) {
	s := New(Options{ChunkDelay: -1})
	defer s.Close()
	c := newClient(t, s)
	r := run(t, c, "k", ask("#bigline"))
	if r.err != nil || len(r.content) < 1<<20 || r.finish != "stop" {
		t.Errorf("bigline: %d bytes, %v", len(r.content), r.err)
	}
	r = run(t, c, "k", ask("#long"))
	if r.err != nil || r.events < 1900 || strings.Count(r.content, "\n\n") < 20 {
		t.Errorf("long: %d events, %v", r.events, r.err)
	}
}

func TestCloseEndsStreamsInProgress(t *testing.T) {
	s := New(Options{})
	c := newClient(t, s)
	st, err := c.Stream(context.Background(), "k", ask("#slow"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !st.Next() {
		t.Fatal(st.Err())
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Close blocked on a stream in progress")
	}
	for st.Next() {
	}
	if st.Err() == nil {
		t.Error("stream ended cleanly after the server closed")
	}
}

func TestNonStreaming(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	for _, tc := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"model":"qwen-plus","messages":[{"role":"user","content":"title?"}],"enable_thinking":false}`, 200, `"object":"chat.completion"`},
		{`{"model":"qwen-plus","messages":[{"role":"user","content":"title?"}],"enable_thinking":true}`, 400, "enable_thinking must be set to false"},
		{`{"model":"qwen-plus","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:,"}},{"type":"text","text":"#err404"}]}]}`, 404, "model_not_found"},
		{`not json`, 400, "invalid_parameter_error"},
	} {
		req, _ := http.NewRequest("POST", s.BaseURL()+"/chat/completions", strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(bufio.NewReader(resp.Body))
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %s", tc.body, resp.StatusCode, b)
		}
	}
	http.DefaultClient.CloseIdleConnections()
}
