package chat

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"qwendesk/internal/qwen"
)

// faultHarness points a service at base (a server that misbehaves in one way) and returns
// what the user would see for one turn: the error event, or nil when the turn completed, and
// the text kept.
func faultTurn(t *testing.T, base string, idle time.Duration) (*ErrorEvent, string) {
	t.Helper()
	h := newHarness(t, 0)
	client := qwen.NewClient(qwen.Config{BaseURL: base, IdleTimeout: idle, MaxRetries: -1})
	h.svc.cfg.Streamer = ClientStreamer{Client: client}
	conv := h.conv(t)
	turn := h.send(t, context.Background(), conv.ID, "question")
	evs := h.rec.waitEnd(t, turn.RequestID)
	text, _ := deltas(evs)
	stored := lastMessage(t, h.svc, conv.ID)
	if stored.Content != text {
		t.Fatalf("stored %q, streamed %q: what arrived must be kept", stored.Content, text)
	}
	if e, ok := evs[len(evs)-1].payload.(ErrorEvent); ok {
		return &e, text
	}
	return nil, text
}

// rawSSE serves one chat completion whose stream body is written by write.
func rawSSE(t *testing.T, write func(w http.ResponseWriter, flush func())) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Request-Id", "fault-req")
		w.WriteHeader(http.StatusOK)
		f := w.(http.Flusher)
		write(w, f.Flush)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/compatible-mode/v1"
}

func chunk(content string, finish string) string {
	fin := "null"
	if finish != "" {
		fin = `"` + finish + `"`
	}
	return fmt.Sprintf(`data: {"id":"x","choices":[{"index":0,"delta":{"content":%q},"finish_reason":%s}]}`+"\n\n", content, fin)
}

func TestFaultsAreExplainedAndKeepWhatArrived(t *testing.T) {
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr + "/compatible-mode/v1"
	}
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler()) // a certificate nobody trusts
	defer tlsSrv.Close()

	cases := []struct {
		name    string
		base    func() string
		idle    time.Duration
		kind    qwen.Kind // "" = the turn completes
		partial string
	}{
		{"connection refused", closed, 0, qwen.KindNetwork, ""},
		{"DNS failure", func() string { return "http://dashscope.invalid/compatible-mode/v1" }, 0, qwen.KindNetwork, ""},
		{"TLS failure", func() string { return tlsSrv.URL + "/compatible-mode/v1" }, 0, qwen.KindNetwork, ""},
		{"server stalls mid-stream", func() string {
			return rawSSE(t, func(w http.ResponseWriter, flush func()) {
				fmt.Fprint(w, chunk("部分", ""))
				flush()
				time.Sleep(2 * time.Second)
			})
		}, 200 * time.Millisecond, qwen.KindTimeout, "部分"},
		{"stream ends without [DONE]", func() string {
			return rawSSE(t, func(w http.ResponseWriter, flush func()) { fmt.Fprint(w, chunk("half", "")) })
		}, 0, qwen.KindTruncated, "half"},
		{"malformed chunk", func() string {
			return rawSSE(t, func(w http.ResponseWriter, flush func()) {
				fmt.Fprint(w, chunk("ok so far", ""))
				fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\n\n")
			})
		}, 0, qwen.KindBadResponse, "ok so far"},
		{"error object mid-stream", func() string {
			return rawSSE(t, func(w http.ResponseWriter, flush func()) {
				fmt.Fprint(w, chunk("before", ""))
				fmt.Fprint(w, `data: {"error":{"code":"InternalError","message":"boom"}}`+"\n\n")
			})
		}, 0, qwen.KindServer, "before"},
		{"UTF-8 split across reads", func() string {
			return rawSSE(t, func(w http.ResponseWriter, flush func()) {
				c := []byte(chunk("你好世界", "stop"))
				for i := range c { // one byte per write: every rune is split
					w.Write(c[i : i+1])
					flush()
				}
				fmt.Fprint(w, "data: [DONE]\n\n")
			})
		}, 0, "", "你好世界"},
		{"a 1 MB line", func() string {
			return rawSSE(t, func(w http.ResponseWriter, flush func()) {
				fmt.Fprint(w, chunk(strings.Repeat("长", 350_000), "stop"))
				fmt.Fprint(w, "data: [DONE]\n\n")
			})
		}, 0, "", strings.Repeat("长", 350_000)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, text := faultTurn(t, c.base(), c.idle)
			switch {
			case c.kind == "" && ev != nil:
				t.Fatalf("turn failed: %+v", ev)
			case c.kind != "" && (ev == nil || ev.Kind != string(c.kind)):
				t.Fatalf("error event = %+v, want kind %s", ev, c.kind)
			case c.kind != "" && ev.Message == "":
				t.Fatal("no message for the user")
			case text != c.partial:
				t.Fatalf("kept %.40q, want %.40q", text, c.partial)
			}
		})
	}
}

// After the network drops, the next turn works without restarting anything.
func TestNetworkDropThenReturn(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close() // the connection dies before any answer
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, chunk("back", "stop"))
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer srv.Close()
	h := newHarness(t, 0)
	h.svc.cfg.Streamer = ClientStreamer{Client: qwen.NewClient(qwen.Config{BaseURL: srv.URL + "/compatible-mode/v1", MaxRetries: -1})}
	conv := h.conv(t)
	first := h.send(t, context.Background(), conv.ID, "are you there?")
	evs := h.rec.waitEnd(t, first.RequestID)
	if e, ok := evs[len(evs)-1].payload.(ErrorEvent); !ok || e.Kind != string(qwen.KindNetwork) {
		t.Fatalf("while down: %+v", evs[len(evs)-1].payload)
	}
	down.Store(false)
	second := h.send(t, context.Background(), conv.ID, "and now?")
	evs = h.rec.waitEnd(t, second.RequestID)
	if evs[len(evs)-1].name != EventDone {
		t.Fatalf("after the network came back: %+v", evs[len(evs)-1].payload)
	}
}
