package qwen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testKey = "sk-0123456789abcdef-secret"

var testMessages = []Message{{Role: "user", Content: "what is the capital of France?"}}

// newTestClient points a client at srv with tiny retry delays and no real sleeping: waits are
// recorded instead.
func newTestClient(t *testing.T, srv *httptest.Server, cfg Config) (*Client, *[]time.Duration) {
	t.Helper()
	cfg.BaseURL = srv.URL + "/compatible-mode/v1"
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = srv.Client()
	}
	if cfg.RetryBaseDelay == 0 {
		cfg.RetryBaseDelay = time.Millisecond
	}
	c := NewClient(cfg)
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return c, waits
}

// newServer starts a test server whose handler gets the request body already read: the
// server notices a client going away (r.Context().Done()) only once the body is consumed.
func newServer(h http.HandlerFunc) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
	}))
}

// writeSSE writes data lines and flushes so the client sees each one as it would live.
func writeSSE(w http.ResponseWriter, lines ...string) {
	for _, l := range lines {
		fmt.Fprintf(w, "data: %s\n\n", l)
		w.(http.Flusher).Flush()
	}
}

func startSSE(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Request-Id", "req-ok")
	w.WriteHeader(http.StatusOK)
}

func okHandler(w http.ResponseWriter, _ *http.Request) {
	startSSE(w)
	writeSSE(w, roleChunk, contentChunk("Paris", ""), contentChunk(".", "stop"), usageChunk, "[DONE]")
}

func TestStreamRequestShape(t *testing.T) {
	temp, topP, maxTok, think, on, budget := 0.7, 0.9, 256, false, true, 500
	tests := []struct {
		name string
		req  Request
		want map[string]any
	}{
		{
			name: "defaults leave optional parameters out",
			req:  Request{Model: "qwen-plus", Messages: testMessages},
			want: map[string]any{
				"model":          "qwen-plus",
				"messages":       []any{map[string]any{"role": "user", "content": "what is the capital of France?"}},
				"stream":         true,
				"stream_options": map[string]any{"include_usage": true},
			},
		},
		{
			name: "parameters and an explicit enable_thinking false are sent",
			req: Request{Model: "qwen3-max", Messages: testMessages, Temperature: &temp, TopP: &topP,
				MaxTokens: &maxTok, EnableThinking: &think, OnRetry: func(int, time.Duration, *APIError) {}},
			want: map[string]any{
				"model":           "qwen3-max",
				"messages":        []any{map[string]any{"role": "user", "content": "what is the capital of France?"}},
				"stream":          true,
				"stream_options":  map[string]any{"include_usage": true},
				"temperature":     0.7,
				"top_p":           0.9,
				"max_tokens":      256.0,
				"enable_thinking": false,
			},
		},
		{
			name: "Qwen extensions are top-level fields",
			req:  Request{Model: "qwen-plus", Messages: testMessages, EnableThinking: &on, ThinkingBudget: &budget, EnableSearch: &on},
			want: map[string]any{
				"model":           "qwen-plus",
				"messages":        []any{map[string]any{"role": "user", "content": "what is the capital of France?"}},
				"stream":          true,
				"stream_options":  map[string]any{"include_usage": true},
				"enable_thinking": true,
				"thinking_budget": 500.0,
				"enable_search":   true,
			},
		},
		{
			name: "tools, a named tool_choice and parallel_tool_calls",
			req: Request{Model: "qwen-plus", Messages: testMessages, ParallelToolCalls: &on, ToolChoice: "fs_read",
				Tools: []Tool{{Name: "fs_read", Description: "Read a file", Parameters: json.RawMessage(`{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}`)}, {Name: "noargs"}}},
			want: map[string]any{
				"model":          "qwen-plus",
				"messages":       []any{map[string]any{"role": "user", "content": "what is the capital of France?"}},
				"stream":         true,
				"stream_options": map[string]any{"include_usage": true},
				"tools": []any{
					map[string]any{"type": "function", "function": map[string]any{"name": "fs_read", "description": "Read a file",
						"parameters": map[string]any{"type": "object", "properties": map[string]any{"path": map[string]any{"type": "string"}}, "required": []any{"path"}}}},
					map[string]any{"type": "function", "function": map[string]any{"name": "noargs", "parameters": map[string]any{"type": "object", "properties": map[string]any{}}}},
				},
				"tool_choice":         map[string]any{"type": "function", "function": map[string]any{"name": "fs_read"}},
				"parallel_tool_calls": true,
			},
		},
		{
			name: "tool_choice keywords are strings; a tool step goes back as received",
			req: Request{Model: "qwen-plus", ToolChoice: ToolChoiceNone, Messages: []Message{
				{Role: "user", Content: "q"},
				{Role: "assistant", ToolCalls: []ToolCall{{ID: "c0", Type: "function", Function: FunctionCall{Name: "a", Arguments: `{"x":1}`}}}},
				{Role: "tool", ToolCallID: "c0", Content: "r"},
			}},
			want: map[string]any{
				"model": "qwen-plus",
				"messages": []any{
					map[string]any{"role": "user", "content": "q"},
					map[string]any{"role": "assistant", "content": "", "tool_calls": []any{map[string]any{"id": "c0", "type": "function", "function": map[string]any{"name": "a", "arguments": `{"x":1}`}}}},
					map[string]any{"role": "tool", "tool_call_id": "c0", "content": "r"},
				},
				"stream":         true,
				"stream_options": map[string]any{"include_usage": true},
				"tool_choice":    "none",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]any
			var hdr http.Header
			var path, method string
			srv := newServer((func(w http.ResponseWriter, r *http.Request) {
				hdr, path, method = r.Header.Clone(), r.URL.Path, r.Method
				if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
					t.Error(err)
				}
				okHandler(w, r)
			}))
			defer srv.Close()
			c, _ := newTestClient(t, srv, Config{})
			s, err := c.Stream(context.Background(), testKey, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			content, _, finish, usage := textOf(drain(s))
			if s.Err() != nil || content != "Paris." || finish != FinishStop || usage == nil {
				t.Fatalf("stream: %q %q %v %v", content, finish, usage, s.Err())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("body\n got %v\nwant %v", got, tt.want)
			}
			if method != http.MethodPost || path != "/compatible-mode/v1/chat/completions" {
				t.Errorf("%s %s", method, path)
			}
			if a := hdr.Get("Authorization"); a != "Bearer "+testKey {
				t.Errorf("Authorization = %q", a)
			}
			if a := hdr.Get("Accept"); a != "text/event-stream" {
				t.Errorf("Accept = %q", a)
			}
			if ct := hdr.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if s.RequestID() != "req-ok" || s.Attempts() != 1 {
				t.Errorf("RequestID %q Attempts %d", s.RequestID(), s.Attempts())
			}
		})
	}
}

// errorRow is one line of the error table in DASHSCOPE.md.
type errorRow struct {
	status    int
	code      string
	kind      Kind
	retryable bool
}

var errorRows = []errorRow{
	{400, "invalid_parameter_error", KindBadRequest, false},
	{400, "InvalidParameter", KindBadRequest, false},
	{400, "data_inspection_failed", KindModeration, false},
	{400, "DataInspectionFailed", KindModeration, false},
	{400, "InternalError.Algo.DataInspectionFailed", KindModeration, false},
	{400, "Arrearage", KindBilling, false},
	{403, "Arrearage", KindBilling, false},
	{401, "invalid_api_key", KindAuth, false},
	{401, "InvalidApiKey", KindAuth, false},
	{403, "AccessDenied", KindAccessDenied, false},
	{403, "access_denied", KindAccessDenied, false},
	{404, "model_not_found", KindModelNotFound, false},
	{404, "ModelNotFound", KindModelNotFound, false},
	{429, "limit_requests", KindRateLimit, true},
	{429, "Throttling.RateQuota", KindRateLimit, true},
	{429, "Throttling", KindRateLimit, true},
	{429, "insufficient_quota", KindQuota, false},
	{429, "Throttling.AllocationQuota", KindQuota, false},
	{500, "InternalError", KindServer, true},
	{502, "", KindServer, true},
	{503, "ServiceUnavailable", KindServer, true},
	{504, "", KindServer, true},
	{401, "", KindAuth, false},
	{404, "", KindBadRequest, false},
	{429, "", KindRateLimit, true},
}

func TestErrorTable(t *testing.T) {
	shapes := map[string]func(code string) string{
		"compatible": func(code string) string {
			return `{"error":{"message":"server says no","type":"invalid_request_error","param":null,"code":"` + code + `"},"request_id":"req-body"}`
		},
		"native": func(code string) string {
			return `{"code":"` + code + `","message":"server says no","request_id":"req-body"}`
		},
	}
	for _, row := range errorRows {
		for shape, body := range shapes {
			t.Run(fmt.Sprintf("%d_%s_%s", row.status, row.code, shape), func(t *testing.T) {
				var calls atomic.Int32
				srv := newServer((func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(row.status)
					io.WriteString(w, body(row.code))
				}))
				defer srv.Close()
				c, waits := newTestClient(t, srv, Config{MaxRetries: 2})
				_, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
				var apiErr *APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("err = %v, want *APIError", err)
				}
				if apiErr.Kind != row.kind || apiErr.HTTPStatus != row.status || apiErr.Code != row.code ||
					apiErr.RequestID != "req-body" || apiErr.Message != "server says no" {
					t.Errorf("got %+v", apiErr)
				}
				if apiErr.Retryable() != row.retryable {
					t.Errorf("Retryable() = %v", apiErr.Retryable())
				}
				wantCalls := int32(1)
				if row.retryable {
					wantCalls = 3
				}
				if calls.Load() != wantCalls || len(*waits) != int(wantCalls-1) {
					t.Errorf("%d requests and %d waits, want %d requests", calls.Load(), len(*waits), wantCalls)
				}
				msg := err.Error()
				for _, part := range []string{"server says no", "req-body"} {
					if !strings.Contains(msg, part) {
						t.Errorf("Error() = %q lacks %q", msg, part)
					}
				}
				if row.code != "" && !strings.Contains(msg, row.code) {
					t.Errorf("Error() = %q lacks the code", msg)
				}
			})
		}
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{MaxRetries: -1})
	_, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Kind != KindServer || apiErr.HTTPStatus != 502 {
		t.Fatalf("err = %#v", err)
	}
	if apiErr.Message != "502 Bad Gateway 502 Bad Gateway nginx" {
		t.Errorf("Message = %q", apiErr.Message)
	}
}

func TestJSONErrorWith200(t *testing.T) {
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"code":"Arrearage","message":"Access denied, please make sure your account is in good standing.","request_id":"r1"}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{})
	_, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Kind != KindBilling || apiErr.RequestID != "r1" {
		t.Fatalf("err = %v", err)
	}
}

func TestRetryBeforeFirstTokenHonoursRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			w.Header().Set("X-Request-Id", "req-429")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"error":{"code":"limit_requests","message":"Requests rate limit exceeded, please try again later.","type":"limit_requests"}}`)
			return
		}
		okHandler(w, r)
	}))
	defer srv.Close()
	c, waits := newTestClient(t, srv, Config{})
	type retry struct {
		attempt int
		wait    time.Duration
		kind    Kind
		reqID   string
	}
	var retries []retry
	s, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages,
		OnRetry: func(attempt int, wait time.Duration, cause *APIError) {
			retries = append(retries, retry{attempt, wait, cause.Kind, cause.RequestID})
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	content, _, _, _ := textOf(drain(s))
	if s.Err() != nil || content != "Paris." {
		t.Fatalf("%q %v", content, s.Err())
	}
	if s.Attempts() != 2 || calls.Load() != 2 {
		t.Errorf("Attempts %d, requests %d", s.Attempts(), calls.Load())
	}
	want := []retry{{1, 2 * time.Second, KindRateLimit, "req-429"}}
	if !reflect.DeepEqual(retries, want) || !reflect.DeepEqual(*waits, []time.Duration{2 * time.Second}) {
		t.Errorf("retries %v waits %v, want %v", retries, *waits, want)
	}
}

// TestRetryRealSleep runs the real sleeping path once, with millisecond delays.
func TestRetryRealSleep(t *testing.T) {
	var calls atomic.Int32
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		okHandler(w, r)
	}))
	defer srv.Close()
	c := NewClient(Config{BaseURL: srv.URL, HTTPClient: srv.Client(), RetryBaseDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond})
	s, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	drain(s)
	if s.Err() != nil || s.Attempts() != 3 {
		t.Errorf("Err %v Attempts %d", s.Err(), s.Attempts())
	}
}

func TestRetriesExhausted(t *testing.T) {
	var calls atomic.Int32
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":{"code":"InternalError","message":"oops"}}`)
	}))
	defer srv.Close()
	c, waits := newTestClient(t, srv, Config{RetryBaseDelay: 100 * time.Millisecond, MaxRetryDelay: 250 * time.Millisecond})
	_, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Kind != KindServer {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 4 || len(*waits) != 3 {
		t.Fatalf("%d requests, %d waits; want 4 requests (3 retries)", calls.Load(), len(*waits))
	}
	for i, w := range *waits {
		ceil := min(100*time.Millisecond<<i, 250*time.Millisecond)
		if w < 0 || w > ceil {
			t.Errorf("wait %d = %v, want within [0, %v]", i, w, ceil)
		}
	}
}

func TestRetryWaitHonoursCancel(t *testing.T) {
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := NewClient(Config{BaseURL: srv.URL, HTTPClient: srv.Client()})
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	_, err := c.Stream(ctx, testKey, Request{Model: "qwen-plus", Messages: testMessages,
		OnRetry: func(int, time.Duration, *APIError) { cancel() }})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

// TestNoRetryAfterFirstToken: once text has arrived, a dying server ends the stream as
// truncated; repeating the request would produce the text twice.
func TestNoRetryAfterFirstToken(t *testing.T) {
	var calls atomic.Int32
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		startSSE(w)
		writeSSE(w, roleChunk, contentChunk("Par", ""))
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{})
	s, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	content, _, _, _ := textOf(drain(s))
	var apiErr *APIError
	if !errors.As(s.Err(), &apiErr) || apiErr.Kind != KindTruncated || apiErr.RequestID != "req-ok" {
		t.Fatalf("Err() = %v, want truncated", s.Err())
	}
	if content != "Par" || calls.Load() != 1 {
		t.Errorf("content %q after %d requests", content, calls.Load())
	}
}

func TestCleanEOFWithoutDoneIsTruncated(t *testing.T) {
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		startSSE(w)
		writeSSE(w, roleChunk, contentChunk("Par", ""))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{})
	s, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	drain(s)
	var apiErr *APIError
	if !errors.As(s.Err(), &apiErr) || apiErr.Kind != KindTruncated {
		t.Fatalf("Err() = %v, want truncated", s.Err())
	}
}

func TestIdleTimeoutMidStream(t *testing.T) {
	release := make(chan struct{})
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		startSSE(w)
		writeSSE(w, roleChunk, contentChunk("Par", ""))
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c, _ := newTestClient(t, srv, Config{IdleTimeout: 100 * time.Millisecond})
	s, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	content, _, _, _ := textOf(drain(s))
	var apiErr *APIError
	if !errors.As(s.Err(), &apiErr) || apiErr.Kind != KindTimeout {
		t.Fatalf("Err() = %v, want timeout", s.Err())
	}
	if content != "Par" {
		t.Errorf("content %q", content)
	}
	if d := time.Since(start); d < 90*time.Millisecond || d > 3*time.Second {
		t.Errorf("timed out after %v, want about 100ms", d)
	}
}

// TestCancelClosesConnection: Stop must reach the server, because only a closed connection
// stops generation and billing.
func TestCancelClosesConnection(t *testing.T) {
	for _, reading := range []bool{true, false} {
		t.Run(fmt.Sprintf("reader blocked in Next=%v", reading), func(t *testing.T) {
			serverSawCancel := make(chan struct{})
			srv := newServer((func(w http.ResponseWriter, r *http.Request) {
				startSSE(w)
				writeSSE(w, roleChunk, contentChunk("Par", ""))
				select {
				case <-r.Context().Done():
					close(serverSawCancel)
				case <-time.After(10 * time.Second):
				}
			}))
			defer srv.Close()
			c, _ := newTestClient(t, srv, Config{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := c.Stream(ctx, testKey, Request{Model: "qwen-plus", Messages: testMessages})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if !s.Next() || s.Current().Content != "Par" {
				t.Fatal("first token missing")
			}
			done := make(chan struct{})
			if reading {
				go func() {
					defer close(done)
					for s.Next() {
					}
				}()
				time.Sleep(20 * time.Millisecond)
			}
			start := time.Now()
			cancel()
			select {
			case <-serverSawCancel:
			case <-time.After(2 * time.Second):
				t.Fatal("the server did not see the connection close")
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("server saw the cancel after %v", d)
			}
			if reading {
				<-done
			} else {
				for s.Next() {
				}
			}
			if !errors.Is(s.Err(), context.Canceled) {
				t.Errorf("Err() = %v, want context.Canceled", s.Err())
			}
		})
	}
}

func TestCancelBeforeResponse(t *testing.T) {
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Stream(ctx, testKey, Request{Model: "qwen-plus", Messages: testMessages})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectionFailures(t *testing.T) {
	// A port with nothing listening: connection refused, retried, then reported.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := NewClient(Config{BaseURL: "http://" + addr + "/compatible-mode/v1", MaxRetries: 2})
	defer c.CloseIdleConnections()
	var waits int
	c.sleep = func(context.Context, time.Duration) error { waits++; return nil }
	_, err = c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	var apiErr *APIError
	var opErr *net.OpError
	if !errors.As(err, &apiErr) || apiErr.Kind != KindNetwork || !errors.As(err, &opErr) || waits != 2 {
		t.Fatalf("err = %v (waits %d), want a retried KindNetwork wrapping *net.OpError", err, waits)
	}

	// A certificate that does not verify: not retried.
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(okHandler))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is the point
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	c = NewClient(Config{BaseURL: tlsSrv.URL})
	defer c.CloseIdleConnections()
	waits = 0
	c.sleep = func(context.Context, time.Duration) error { waits++; return nil }
	_, err = c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	if !errors.As(err, &apiErr) || apiErr.Kind != KindNetwork || apiErr.Retryable() || waits != 0 {
		t.Fatalf("err = %v (waits %d), want a non-retried KindNetwork", err, waits)
	}
}

func TestResponseHeaderTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 50 * time.Millisecond
	defer tr.CloseIdleConnections()
	c, waits := newTestClient(t, srv, Config{HTTPClient: &http.Client{Transport: tr}})
	_, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: testMessages})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Kind != KindTimeout || len(*waits) != 0 {
		t.Fatalf("err = %v (waits %d), want a non-retried KindTimeout", err, len(*waits))
	}
}

func TestRequestValidation(t *testing.T) {
	c := NewClient(Config{BaseURL: "http://127.0.0.1:1"})
	tests := []struct {
		key  string
		req  Request
		kind Kind
	}{
		{"", Request{Model: "qwen-plus", Messages: testMessages}, KindAuth},
		{"sk-abc\n", Request{Model: "qwen-plus", Messages: testMessages}, KindAuth},
		{testKey, Request{Messages: testMessages}, KindBadRequest},
		{testKey, Request{Model: "qwen-plus"}, KindBadRequest},
	}
	for _, tt := range tests {
		_, err := c.Stream(context.Background(), tt.key, tt.req)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Kind != tt.kind {
			t.Errorf("key %q req %+v: err = %v, want %s", tt.key, tt.req, err, tt.kind)
		}
	}
}

// TestKeyAndTextNeverLeak checks error strings and log lines for the key and the user's text,
// across success and the failure paths, including a gateway that echoes the key back.
func TestKeyAndTextNeverLeak(t *testing.T) {
	const secretText = "my bank password is hunter2"
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.URL.Path == "/compatible-mode/v1/models":
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided: `+testKey+`","code":"invalid_api_key"}}`)
		case bytes.Contains(body, []byte("fail")):
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"code":"InvalidApiKey","message":"Invalid API-key provided: `+testKey+`","request_id":"r"}`)
		case bytes.Contains(body, []byte("midstream")):
			startSSE(w)
			writeSSE(w, contentChunk("echo: "+secretText, ""), `{"error":{"code":"InternalError","message":"bad key `+testKey+`"}}`)
		default:
			okHandler(w, r)
		}
	}))
	defer srv.Close()
	var logBuf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logBuf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, srv, Config{Logger: logger})

	var errs []error
	for _, text := range []string{secretText, secretText + " fail", secretText + " midstream"} {
		s, err := c.Stream(context.Background(), testKey, Request{Model: "qwen-plus", Messages: []Message{{Role: "user", Content: text}}})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		drain(s)
		s.Close()
		errs = append(errs, s.Err())
	}
	errs = append(errs, c.CheckKey(context.Background(), testKey))
	_, err := c.Models(context.Background(), testKey)
	errs = append(errs, err)

	if errs[0] != nil || errs[1] == nil || errs[2] == nil || errs[3] == nil || errs[4] == nil {
		t.Fatalf("unexpected outcomes: %v", errs)
	}
	for _, err := range errs[1:] {
		if strings.Contains(err.Error(), testKey) {
			t.Errorf("Error() leaks the key: %q", err.Error())
		}
	}
	mu.Lock()
	logs := logBuf.String()
	mu.Unlock()
	if !strings.Contains(logs, "qwen request") || !strings.Contains(logs, "req-ok") {
		t.Fatalf("expected request logs, got %q", logs)
	}
	for _, secret := range []string{testKey, "hunter2", "Bearer"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log output contains %q:\n%s", secret, logs)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestModelsAndCheckKey(t *testing.T) {
	srv := newServer((func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/compatible-mode/v1/models" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		switch r.Header.Get("Authorization") {
		case "Bearer good":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"object":"list","data":[{"id":"qwen-plus","object":"model"},{"id":"qwen-max","object":"model"},{"id":"qwen-plus","object":"model"},{"id":""},{"id":"qwq-plus"}]}`)
		case "Bearer garbage":
			io.WriteString(w, `<html>not json</html>`)
		default:
			w.Header().Set("X-Request-Id", "req-401")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided. ","type":"invalid_request_error","param":null,"code":"invalid_api_key"},"request_id":"req-401"}`)
		}
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{})
	ctx := context.Background()

	models, err := c.Models(ctx, "good")
	if err != nil || !reflect.DeepEqual(models, []string{"qwen-max", "qwen-plus", "qwq-plus"}) {
		t.Errorf("Models = %v, %v", models, err)
	}
	if err := c.CheckKey(ctx, "good"); err != nil {
		t.Errorf("CheckKey(good) = %v", err)
	}
	var apiErr *APIError
	if err := c.CheckKey(ctx, "bad"); !errors.As(err, &apiErr) || apiErr.Kind != KindAuth || apiErr.RequestID != "req-401" {
		t.Errorf("CheckKey(bad) = %v", err)
	}
	if _, err := c.Models(ctx, "bad"); !errors.As(err, &apiErr) || apiErr.Kind != KindAuth {
		t.Errorf("Models(bad) = %v", err)
	}
	if _, err := c.Models(ctx, "garbage"); !errors.As(err, &apiErr) || apiErr.Kind != KindBadResponse {
		t.Errorf("Models(garbage) = %v", err)
	}
	if err := c.CheckKey(ctx, ""); !errors.As(err, &apiErr) || apiErr.Kind != KindAuth {
		t.Errorf("CheckKey(\"\") = %v", err)
	}
}

func TestBaseURLDefaults(t *testing.T) {
	if got := NewClient(Config{}).BaseURL(); got != "https://dashscope.aliyuncs.com/compatible-mode/v1" {
		t.Errorf("default BaseURL = %q", got)
	}
	if got := NewClient(Config{BaseURL: "http://x/v1/"}).BaseURL(); got != "http://x/v1" {
		t.Errorf("BaseURL = %q", got)
	}
}
