package qwen

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// streamFrom opens a Stream over an in-memory body, as if the server had answered 200.
func streamFrom(t *testing.T, ctx context.Context, body io.Reader) *Stream {
	t.Helper()
	resp := &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"X-Request-Id": {"req-hdr"}},
		Body:       io.NopCloser(body),
	}
	s := newStream(ctx, NewClient(Config{}), resp, "sk-test", 1)
	t.Cleanup(func() { s.Close() })
	return s
}

// drain reads a stream to its end.
func drain(s *Stream) []Event {
	var evs []Event
	for s.Next() {
		evs = append(evs, s.Current())
	}
	return evs
}

// textOf concatenates what a chat UI would show.
func textOf(evs []Event) (content, reasoning, finish string, usage *Usage) {
	var c, r strings.Builder
	for _, e := range evs {
		c.WriteString(e.Content)
		r.WriteString(e.Reasoning)
		if e.FinishReason != "" {
			finish = e.FinishReason
		}
		if e.Usage != nil {
			usage = e.Usage
		}
	}
	return c.String(), r.String(), finish, usage
}

func sse(lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("data: " + l + "\n\n")
	}
	return b.String()
}

const (
	roleChunk  = `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741185359,"model":"qwen-plus","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}`
	usageChunk = `{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":2}}}`
)

func contentChunk(text, finish string) string {
	f := "null"
	if finish != "" {
		f = `"` + finish + `"`
	}
	return `{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"` + text + `"},"finish_reason":` + f + `}],"usage":null}`
}

func TestStreamDecodesDashScopeChunks(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		wantContent   string
		wantReasoning string
		wantFinish    string
		wantEvents    int
		wantUsage     bool
	}{
		{
			name:        "documented example",
			body:        sse(roleChunk, contentChunk("你好", ""), contentChunk("！", "stop"), usageChunk, "[DONE]"),
			wantContent: "你好！", wantFinish: FinishStop, wantEvents: 3, wantUsage: true,
		},
		{
			name: "thinking: reasoning with content null, then content with reasoning null",
			body: sse(
				`{"id":"c","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Let me think"},"finish_reason":null}]}`,
				`{"id":"c","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"…done."},"finish_reason":null}]}`,
				`{"id":"c","choices":[{"index":0,"delta":{"content":"Answer","reasoning_content":null},"finish_reason":null}]}`,
				`{"id":"c","choices":[{"index":0,"delta":{"reasoning_content":""},"finish_reason":"stop"}]}`,
				"[DONE]"),
			wantContent: "Answer", wantReasoning: "Let me think…done.", wantFinish: FinishStop, wantEvents: 4,
		},
		{
			name: "empty, null and absent deltas are skipped",
			body: sse(roleChunk,
				`{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":null}]}`,
				`{"id":"c","choices":[{"index":0,"delta":{"content":null},"finish_reason":null}]}`,
				`{"id":"c","choices":[{"index":0,"delta":{"content":""}}]}`,
				`{"id":"c","choices":[]}`,
				contentChunk("x", "length"), "[DONE]"),
			wantContent: "x", wantFinish: FinishLength, wantEvents: 1,
		},
		{
			name:        "EOF after finish_reason without [DONE] is a clean end",
			body:        sse(contentChunk("a", ""), contentChunk("b", "stop"), usageChunk),
			wantContent: "ab", wantFinish: FinishStop, wantEvents: 3, wantUsage: true,
		},
		{
			name:        "CRLF, keep-alive comments and a final event without blank line",
			body:        "data: " + contentChunk("a", "") + "\r\n\r\n: keep-alive\r\n\r\ndata: " + contentChunk("b", "stop") + "\r\n\r\ndata: [DONE]",
			wantContent: "ab", wantFinish: FinishStop, wantEvents: 2,
		},
		{
			name:        "nothing is read after [DONE]",
			body:        sse(contentChunk("a", "stop"), "[DONE]", contentChunk("ignored", "")),
			wantContent: "a", wantFinish: FinishStop, wantEvents: 1,
		},
		{
			name:        "data without the space and escaped text",
			body:        "data:" + contentChunk(`line1\nline2 \"q\" \u00e9`, "stop") + "\n\n",
			wantContent: "line1\nline2 \"q\" é", wantFinish: FinishStop, wantEvents: 1,
		},
	}
	for _, tt := range tests {
		for _, mode := range []string{"whole", "one byte"} {
			t.Run(tt.name+"/"+mode, func(t *testing.T) {
				var r io.Reader = strings.NewReader(tt.body)
				if mode == "one byte" {
					r = iotest.OneByteReader(r)
				}
				s := streamFrom(t, context.Background(), r)
				evs := drain(s)
				if err := s.Err(); err != nil {
					t.Fatalf("Err() = %v", err)
				}
				content, reasoning, finish, usage := textOf(evs)
				if content != tt.wantContent || reasoning != tt.wantReasoning || finish != tt.wantFinish {
					t.Errorf("got content %q reasoning %q finish %q, want %q %q %q",
						content, reasoning, finish, tt.wantContent, tt.wantReasoning, tt.wantFinish)
				}
				if len(evs) != tt.wantEvents {
					t.Errorf("got %d events, want %d: %+v", len(evs), tt.wantEvents, evs)
				}
				if (usage != nil) != tt.wantUsage {
					t.Errorf("usage = %+v, want present=%v", usage, tt.wantUsage)
				}
				if s.Next() {
					t.Error("Next() after the end returned true")
				}
			})
		}
	}
}

func TestStreamUsageAndID(t *testing.T) {
	s := streamFrom(t, context.Background(), strings.NewReader(sse(contentChunk("hi", "stop"), usageChunk, "[DONE]")))
	evs := drain(s)
	if len(evs) != 2 {
		t.Fatalf("got %d events", len(evs))
	}
	u := evs[1].Usage
	if u == nil || u.PromptTokens != 12 || u.CompletionTokens != 3 || u.TotalTokens != 15 ||
		u.PromptTokensDetails == nil || u.PromptTokensDetails.CachedTokens != 2 {
		t.Errorf("usage = %+v", u)
	}
	if evs[0].Usage != nil {
		t.Error("content chunk has usage")
	}
	if evs[0].ServerID != "chatcmpl-1" || evs[1].ServerID != "chatcmpl-1" {
		t.Errorf("ServerID = %q, %q", evs[0].ServerID, evs[1].ServerID)
	}
	if s.RequestID() != "req-hdr" || s.Attempts() != 1 {
		t.Errorf("RequestID %q Attempts %d", s.RequestID(), s.Attempts())
	}
}

func TestStreamFailures(t *testing.T) {
	reset := errors.New("read: connection reset by peer")
	tests := []struct {
		name        string
		body        io.Reader
		wantKind    Kind
		wantCode    string
		wantReqID   string
		wantContent string
	}{
		{
			name:     "EOF without finish_reason or [DONE] is truncated",
			body:     strings.NewReader(sse(roleChunk, contentChunk("partial", ""))),
			wantKind: KindTruncated, wantReqID: "req-hdr", wantContent: "partial",
		},
		{
			name:     "body cut mid-chunk is truncated",
			body:     io.MultiReader(strings.NewReader(sse(contentChunk("partial", ""))+"data: {\"id"), iotest.ErrReader(io.ErrUnexpectedEOF)),
			wantKind: KindTruncated, wantReqID: "req-hdr", wantContent: "partial",
		},
		{
			name:     "connection reset is a network error",
			body:     io.MultiReader(strings.NewReader(sse(contentChunk("partial", ""))), iotest.ErrReader(reset)),
			wantKind: KindNetwork, wantReqID: "req-hdr", wantContent: "partial",
		},
		{
			name:     "error object inside the stream, compatible shape",
			body:     strings.NewReader(sse(contentChunk("a", ""), `{"error":{"code":"InternalError","message":"An internal error has occured, please try again later.","type":"internal_error","param":null},"request_id":"req-body"}`)),
			wantKind: KindServer, wantCode: "InternalError", wantReqID: "req-body", wantContent: "a",
		},
		{
			name:     "moderation inside the stream, without request id",
			body:     strings.NewReader(sse(contentChunk("a", ""), `{"error":{"code":"data_inspection_failed","message":"Output data may contain inappropriate content."}}`)),
			wantKind: KindModeration, wantCode: "data_inspection_failed", wantReqID: "req-hdr", wantContent: "a",
		},
		{
			name:     "error inside the stream, native shape",
			body:     strings.NewReader(sse(`{"code":"DataInspectionFailed","message":"Input data may contain inappropriate content.","request_id":"req-n"}`)),
			wantKind: KindModeration, wantCode: "DataInspectionFailed", wantReqID: "req-n",
		},
		{
			name:     "event: error",
			body:     strings.NewReader("event: error\ndata: {\"code\":\"Throttling.RateQuota\",\"message\":\"Requests rate limit exceeded\"}\n\n"),
			wantKind: KindRateLimit, wantCode: "Throttling.RateQuota", wantReqID: "req-hdr",
		},
		{
			name:     "event: error with a text body",
			body:     strings.NewReader("event: error\ndata: upstream went away\n\n"),
			wantKind: KindServer, wantReqID: "req-hdr",
		},
		{
			name:     "malformed chunk JSON",
			body:     strings.NewReader(sse(contentChunk("a", ""), `{"id":"c","choices":[{"delta":{"content":"b"`)),
			wantKind: KindBadResponse, wantReqID: "req-hdr", wantContent: "a",
		},
		{
			name:     "two JSON values in one event",
			body:     strings.NewReader(sse(contentChunk("a", "")+"  \n\t", contentChunk("b", "")+` {"id":"x"}`)),
			wantKind: KindBadResponse, wantReqID: "req-hdr", wantContent: "a",
		},
		{
			name:     "content of the wrong type",
			body:     strings.NewReader(sse(`{"id":"c","choices":[{"index":0,"delta":{"content":42}}]}`)),
			wantKind: KindBadResponse, wantReqID: "req-hdr",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := streamFrom(t, context.Background(), tt.body)
			content, _, _, _ := textOf(drain(s))
			var apiErr *APIError
			if !errors.As(s.Err(), &apiErr) {
				t.Fatalf("Err() = %v, want *APIError", s.Err())
			}
			if apiErr.Kind != tt.wantKind || apiErr.Code != tt.wantCode || apiErr.RequestID != tt.wantReqID {
				t.Errorf("got kind %q code %q request id %q, want %q %q %q",
					apiErr.Kind, apiErr.Code, apiErr.RequestID, tt.wantKind, tt.wantCode, tt.wantReqID)
			}
			if content != tt.wantContent {
				t.Errorf("text before the failure = %q, want %q", content, tt.wantContent)
			}
			if apiErr.Retryable() && tt.wantKind != KindNetwork && tt.wantKind != KindServer && tt.wantKind != KindRateLimit {
				t.Errorf("%s reported retryable", apiErr.Kind)
			}
		})
	}
}

// blockingBody is a response body that never sends anything until closed, like a stalled
// server; it records the close, which is what tells DashScope to stop.
type blockingBody struct {
	closed chan struct{}
	once   chan struct{}
}

func newBlockingBody() *blockingBody {
	return &blockingBody{closed: make(chan struct{}), once: make(chan struct{}, 1)}
}

func (b *blockingBody) Read(p []byte) (int, error) {
	select {
	case b.once <- struct{}{}:
		return copy(p, sse(contentChunk("first", ""))), nil
	default:
	}
	<-b.closed
	return 0, errors.New("read on closed body")
}

func (b *blockingBody) Close() error {
	select {
	case <-b.closed:
	default:
		close(b.closed)
	}
	return nil
}

func TestStreamCancelClosesBodyAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	body := newBlockingBody()
	resp := &http.Response{StatusCode: 200, Header: http.Header{}, Body: body}
	s := newStream(ctx, NewClient(Config{}), resp, "k", 1)
	defer s.Close()
	if !s.Next() || s.Current().Content != "first" {
		t.Fatal("first event missing")
	}
	// Nobody is reading: the body must close anyway.
	cancel()
	select {
	case <-body.closed:
	case <-time.After(time.Second):
		t.Fatal("body not closed after cancel")
	}
	if s.Next() {
		t.Fatal("Next() after cancel returned true")
	}
	if !errors.Is(s.Err(), context.Canceled) {
		t.Errorf("Err() = %v, want context.Canceled", s.Err())
	}
}

func TestStreamIdleTimeout(t *testing.T) {
	body := newBlockingBody()
	resp := &http.Response{StatusCode: 200, Header: http.Header{}, Body: body}
	s := newStream(context.Background(), NewClient(Config{IdleTimeout: 50 * time.Millisecond}), resp, "k", 1)
	defer s.Close()
	start := time.Now()
	evs := drain(s)
	if len(evs) != 1 {
		t.Fatalf("got %d events", len(evs))
	}
	var apiErr *APIError
	if !errors.As(s.Err(), &apiErr) || apiErr.Kind != KindTimeout {
		t.Fatalf("Err() = %v, want KindTimeout", s.Err())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestStreamCloseIsIdempotentAndEnds(t *testing.T) {
	body := newBlockingBody()
	resp := &http.Response{StatusCode: 200, Header: http.Header{}, Body: body}
	s := newStream(context.Background(), NewClient(Config{}), resp, "k", 1)
	if !s.Next() {
		t.Fatal("first event missing")
	}
	for range 3 {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if s.Next() {
		t.Error("Next() after Close returned true")
	}
	if s.Err() != nil {
		t.Errorf("Err() after the caller's Close = %v, want nil", s.Err())
	}
}

func BenchmarkStreamDecode(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("data: " + roleChunk + "\n\n")
	for range 1000 {
		sb.WriteString("data: " + contentChunk("你好，这是一个测试。Hello there", "") + "\n\n")
	}
	sb.WriteString(sse(contentChunk("", "stop"), usageChunk, "[DONE]"))
	body := sb.String()
	c := NewClient(Config{})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		resp := &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
		s := newStream(context.Background(), c, resp, "k", 1)
		for s.Next() {
		}
		if s.Err() != nil {
			b.Fatal(s.Err())
		}
	}
}
