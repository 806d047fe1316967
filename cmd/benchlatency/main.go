// Command benchlatency measures the latency QwenDesk adds between DashScope writing a chunk and
// the window being told about it, in one process:
//
//	go run ./cmd/benchlatency -out build/bench/latency.json
//
// A tiny HTTP server on 127.0.0.1 writes DashScope chunks (the exact wire shape) at controlled
// times and records when each one was written and flushed; the real qwen client and
// chat.Service stream the turn into a recording Emitter that timestamps every chat:delta.
// Each chunk's text is mapped to the delta event that carried it by cumulative byte offsets.
//
// Figures: the first token's added latency (write → first delta), the wait of every later
// chunk (write → the delta that carried its last byte) against the coalescing window + 1 ms,
// and delta events per second per stream (the most in any 1-second window) against the cap.
// The Wails emitter (JSON encoding + a script evaluated in the webview) is not part of this
// measurement: the recorder stands where it would be called.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"qwendesk/internal/benchrow"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"qwendesk/internal/chat"
	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
)

// chunkPlan is what the server writes for one request: content pieces, each written at
// start+at[i] (relative to the moment the request body was read).
type chunkPlan struct {
	texts []string
	at    []time.Duration
	// filled by the server
	written []time.Time
	done    chan struct{}
}

type server struct {
	plans chan *chunkPlan
	ln    net.Listener
	base  string
}

func newServer() (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{plans: make(chan *chunkPlan, 1), ln: ln, base: "http://" + ln.Addr().String() + "/compatible-mode/v1"}
	go http.Serve(ln, s)
	return s, nil
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.NotFound(w, r)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	var p *chunkPlan
	select {
	case p = <-s.plans:
	case <-time.After(5 * time.Second):
		http.Error(w, `{"error":{"code":"InternalError","message":"no plan"}}`, 500)
		return
	}
	defer close(p.done)
	id := "chatcmpl-bench"
	created := time.Now().Unix()
	frame := func(delta string, finish string) []byte {
		fin := "null"
		if finish != "" {
			fin = `"` + finish + `"`
		}
		return []byte(fmt.Sprintf(`data: {"id":%q,"object":"chat.completion.chunk","created":%d,"model":"qwen-plus","choices":[{"index":0,"delta":%s,"finish_reason":%s}],"usage":null}`+"\n\n", id, created, delta, fin))
	}
	// Everything is encoded before the clock starts: only write+flush is timed.
	frames := make([][]byte, len(p.texts))
	for i, t := range p.texts {
		b, _ := json.Marshal(t)
		frames[i] = frame(`{"content":`+string(b)+`}`, "")
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Request-Id", "bench-req")
	w.WriteHeader(200)
	fl := w.(http.Flusher)
	_, _ = w.Write(frame(`{"role":"assistant","content":""}`, ""))
	fl.Flush()
	start := time.Now()
	p.written = make([]time.Time, len(frames))
	for i, f := range frames {
		if d := time.Until(start.Add(p.at[i])); d > 0 {
			time.Sleep(d)
		}
		// Stamped just before the write: the write+flush syscall counts as added latency (a
		// stamp after Flush can come later than the client's reaction on a busy machine).
		p.written[i] = time.Now()
		if _, err := w.Write(f); err != nil {
			return
		}
		fl.Flush()
	}
	_, _ = w.Write(frame(`{"content":""}`, "stop"))
	_, _ = w.Write([]byte(fmt.Sprintf(`data: {"id":%q,"object":"chat.completion.chunk","created":%d,"model":"qwen-plus","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":%d,"total_tokens":%d,"prompt_tokens_details":{"cached_tokens":0}}}`+"\n\ndata: [DONE]\n\n", id, created, len(frames), len(frames)+12)))
	fl.Flush()
}

// recorder is the Emitter: it timestamps every delta of the current turn.
type recorder struct {
	mu     sync.Mutex
	deltas []delta
	done   chan struct{}
}

type delta struct {
	at    time.Time
	bytes int // content bytes carried
}

func (r *recorder) Emit(name string, payload any) {
	now := time.Now()
	switch name {
	case chat.EventDelta:
		ev := payload.(chat.DeltaEvent)
		r.mu.Lock()
		r.deltas = append(r.deltas, delta{at: now, bytes: len(ev.Content)})
		r.mu.Unlock()
	case chat.EventDone, chat.EventError:
		r.mu.Lock()
		if r.done != nil {
			close(r.done)
			r.done = nil
		}
		r.mu.Unlock()
	}
}

// timedStreamer wraps the real streamer to note when the client hands each event to the
// turn: used only in the breakdown pass, to split the first-token latency.
type timedStreamer struct {
	chat.ClientStreamer
	mu   sync.Mutex
	recv []time.Time
}

type timedStream struct {
	chat.Stream
	ts *timedStreamer
}

func (t *timedStreamer) Stream(ctx context.Context, key string, req qwen.Request) (chat.Stream, error) {
	s, err := t.ClientStreamer.Stream(ctx, key, req)
	if err != nil {
		return nil, err
	}
	return timedStream{s, t}, nil
}

func (s timedStream) Next() bool {
	ok := s.Stream.Next()
	if ok && s.Current().Content != "" {
		s.ts.mu.Lock()
		s.ts.recv = append(s.ts.recv, time.Now())
		s.ts.mu.Unlock()
	}
	return ok
}

type bench struct {
	srv *server
	svc *chat.Service
	rec *recorder
	ts  *timedStreamer // non-nil in the breakdown pass
}

// result of one turn
type turnResult struct {
	firstLatency time.Duration
	waits        []time.Duration // later chunks
	maxPerSec    int
	events       int
	recvFirst    time.Duration   // breakdown: write → client decoded (0 unless timed)
	overshoot    []time.Duration // gap between consecutive deltas minus FlushInterval
}

func (b *bench) turn(texts []string, at []time.Duration) (turnResult, error) {
	ctx := context.Background()
	conv, err := b.svc.NewConversation(ctx, "qwen-plus")
	if err != nil {
		return turnResult{}, err
	}
	p := &chunkPlan{texts: texts, at: at, done: make(chan struct{})}
	b.srv.plans <- p
	done := make(chan struct{})
	b.rec.mu.Lock()
	b.rec.deltas, b.rec.done = nil, done
	b.rec.mu.Unlock()
	if b.ts != nil {
		b.ts.mu.Lock()
		b.ts.recv = nil
		b.ts.mu.Unlock()
	}
	if _, err := b.svc.Send(ctx, chat.SendInput{ConversationID: conv.ID, Text: "benchmark question", RequestID: chat.NewID("req")}, nil); err != nil {
		return turnResult{}, err
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		return turnResult{}, fmt.Errorf("turn did not finish")
	}
	<-p.done
	b.rec.mu.Lock()
	ds := append([]delta(nil), b.rec.deltas...)
	b.rec.mu.Unlock()

	var res turnResult
	res.events = len(ds)
	// Cumulative content offsets of chunk ends and of event ends.
	evEnd := make([]int, len(ds))
	n := 0
	for i, d := range ds {
		n += d.bytes
		evEnd[i] = n
	}
	off, j := 0, 0
	for i, t := range texts {
		off += len(t)
		for j < len(ds) && evEnd[j] < off {
			j++
		}
		if j == len(ds) {
			return res, fmt.Errorf("chunk %d (offset %d) never delivered (%d bytes emitted)", i, off, n)
		}
		w := ds[j].at.Sub(p.written[i])
		if i == 0 {
			res.firstLatency = w
		} else {
			res.waits = append(res.waits, w)
		}
	}
	// How late each flush after the first comes compared to the window: timer firing,
	// scheduling, and the flush's own work (history checkpoint, emit).
	for i := 1; i < len(ds); i++ {
		if g := ds[i].at.Sub(ds[i-1].at); g >= chat.FlushInterval && g < 2*chat.FlushInterval {
			res.overshoot = append(res.overshoot, g-chat.FlushInterval)
		}
	}
	// Most events in any 1-second window.
	k := 0
	for i := range ds {
		for ds[i].at.Sub(ds[k].at) >= time.Second {
			k++
		}
		if c := i - k + 1; c > res.maxPerSec {
			res.maxPerSec = c
		}
	}
	if b.ts != nil {
		b.ts.mu.Lock()
		if len(b.ts.recv) > 0 {
			res.recvFirst = b.ts.recv[0].Sub(p.written[0])
		}
		b.ts.mu.Unlock()
	}
	return res, nil
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(s) {
		i = len(s) - 1
	}
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// checkpointEvery is chat.Config.CheckpointEvery (0: the app's default); -checkpoint exists
// to find out how much of the later-token wait is the periodic history write.
var checkpointEvery time.Duration

func newBench(dir string, timed bool) (*bench, func(), error) {
	srv, err := newServer()
	if err != nil {
		return nil, nil, err
	}
	st, _, err := store.Open(dir, store.Options{})
	if err != nil {
		return nil, nil, err
	}
	rec := &recorder{}
	var streamer chat.Streamer = chat.ClientStreamer{Client: qwen.NewClient(qwen.Config{BaseURL: srv.base})}
	var ts *timedStreamer
	if timed {
		ts = &timedStreamer{ClientStreamer: streamer.(chat.ClientStreamer)}
		streamer = ts
	}
	svc := chat.NewService(chat.Config{
		Streamer:        streamer,
		Store:           st,
		Key:             func(context.Context) (string, error) { return "sk-bench0123456789abcdef", nil },
		Emitter:         rec,
		CheckpointEvery: checkpointEvery,
	})
	cleanup := func() {
		svc.Wait(5 * time.Second)
		st.Close()
		srv.ln.Close()
	}
	return &bench{srv: srv, svc: svc, rec: rec, ts: ts}, cleanup, nil
}

func steady(n int, every time.Duration, text string) ([]string, []time.Duration) {
	texts, at := make([]string, n), make([]time.Duration, n)
	for i := range texts {
		texts[i], at[i] = text, time.Duration(i)*every
	}
	return texts, at
}

func main() {
	out := flag.String("out", "build/bench/latency.json", "where to write the JSON rows")
	turns := flag.Int("turns", 50, "turns for the first-token figure")
	dirFlag := flag.String("dir", "", "folder for the temporary history store (default: a temp dir)")
	flag.DurationVar(&checkpointEvery, "checkpoint", 0, "how often the streaming reply is saved (0: the app's default, 1s); for diagnosis")
	flag.Parse()
	if err := run(*out, *turns, *dirFlag); err != nil {
		fmt.Fprintln(os.Stderr, "benchlatency:", err)
		os.Exit(1)
	}
}

func run(out string, turns int, dirFlag string) error {
	dir, err := os.MkdirTemp(dirFlag, "qwendesk-benchlatency-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b, cleanup, err := newBench(filepath.Join(dir, "main"), false)
	if err != nil {
		return err
	}
	defer cleanup()

	window := chat.FlushInterval
	var first, later, flood, overshoot []time.Duration
	maxPerSec, maxPerSecFlood := 0, 0
	add := func(r turnResult, isFlood bool) {
		if isFlood {
			flood = append(flood, r.waits...)
			maxPerSecFlood = max(maxPerSecFlood, r.maxPerSec)
			return
		}
		later = append(later, r.waits...)
		maxPerSec = max(maxPerSec, r.maxPerSec)
	}

	// Warm-up: connection pool, store, code paths.
	for range 3 {
		t, a := steady(10, 2*time.Millisecond, "warm ")
		if _, err := b.turn(t, a); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}

	// 1. First token: the client is waiting on the socket (the first content chunk comes
	// 5 ms after the headers), then a short tail of tokens.
	for range turns {
		texts, at := steady(11, 2*time.Millisecond, "字 ")
		for i := range at {
			at[i] += 5 * time.Millisecond
		}
		r, err := b.turn(texts, at)
		if err != nil {
			return fmt.Errorf("first-token turn: %w", err)
		}
		first = append(first, r.firstLatency)
		add(r, false)
	}

	// 2. Steady: one chunk every 2 ms for 2 s (500 tokens/s), five streams.
	for range 5 {
		texts, at := steady(1000, 2*time.Millisecond, "token ")
		r, err := b.turn(texts, at)
		if err != nil {
			return fmt.Errorf("steady turn: %w", err)
		}
		add(r, false)
		overshoot = append(overshoot, r.overshoot...)
	}

	// 3. Bursts: 50 chunks back to back every 250 ms for 2 s (each burst fits in one event).
	for range 5 {
		var texts []string
		var at []time.Duration
		for k := range 8 {
			for range 50 {
				texts, at = append(texts, "burst "), append(at, time.Duration(k)*250*time.Millisecond)
			}
		}
		r, err := b.turn(texts, at)
		if err != nil {
			return fmt.Errorf("burst turn: %w", err)
		}
		add(r, false)
	}

	// 4. Flood: 2 MiB as fast as the socket takes it (1,024 chunks of 2 KiB), so the coalescer
	// runs on its backlog interval: the events-per-second cap is what matters here; the
	// wait is queueing (text arrives faster than the capped events carry it).
	{
		texts, at := steady(1024, 0, strings.Repeat("0123456789abcdef", 128))
		r, err := b.turn(texts, at)
		if err != nil {
			return fmt.Errorf("flood turn: %w", err)
		}
		add(r, true)
	}

	// Breakdown pass: where the first-token time goes (client decode vs. turn + store + emit).
	var recv []time.Duration
	{
		tb, tcleanup, err := newBench(filepath.Join(dir, "timed"), true)
		if err != nil {
			return err
		}
		for range 3 {
			t, a := steady(10, 2*time.Millisecond, "warm ")
			if _, err := tb.turn(t, a); err != nil {
				return err
			}
		}
		for range turns {
			texts, at := steady(3, 2*time.Millisecond, "字 ")
			for i := range at {
				at[i] += 5 * time.Millisecond
			}
			r, err := tb.turn(texts, at)
			if err != nil {
				return err
			}
			recv = append(recv, r.recvFirst)
		}
		tcleanup()
	}

	goalLater := window + time.Millisecond
	p50, p99 := pct(first, .50), pct(first, .99)
	lp50, lp99 := pct(later, .50), pct(later, .99)
	rows := []benchrow.Row{
		{Figure: "first token added latency p50", QwenDesk: ms(p50), Unit: "ms", Goal: "< 1 ms", Met: benchrow.Met(p50 < time.Millisecond),
			Note: fmt.Sprintf("%d turns; server write+flush (stamped before the write) → chat:delta emitted", len(first))},
		{Figure: "first token added latency p99", QwenDesk: ms(p99), Unit: "ms", Goal: "< 1 ms", Met: benchrow.Met(p99 < time.Millisecond)},
		{Figure: "first token: write → client decoded p50", QwenDesk: ms(pct(recv, .5)), Unit: "ms", Goal: "—",
			Note: "breakdown pass (the rest is the turn: history store insert of the reply, then emit)"},
		{Figure: "first token: write → client decoded p99", QwenDesk: ms(pct(recv, .99)), Unit: "ms", Goal: "—"},
		{Figure: "later token wait p50", QwenDesk: ms(lp50), Unit: "ms", Goal: "—",
			Note: fmt.Sprintf("%d chunks: steady 500 tokens/s and bursts", len(later))},
		{Figure: "later token wait p99", QwenDesk: ms(lp99), Unit: "ms", Goal: fmt.Sprintf("≤ %g ms (window %g ms + 1 ms)", ms(goalLater), ms(window)), Met: benchrow.Met(lp99 <= goalLater)},
		{Figure: "later token wait max", QwenDesk: ms(pct(later, 1)), Unit: "ms", Goal: "—"},
		{Figure: "steady stream: delta gap − window p50", QwenDesk: ms(pct(overshoot, .5)), Unit: "ms", Goal: "—",
			Note: fmt.Sprintf("how late flushes come after the %g ms window (timer, scheduling, checkpoint write, emit)", ms(window))},
		{Figure: "steady stream: delta gap − window p99", QwenDesk: ms(pct(overshoot, .99)), Unit: "ms", Goal: "—"},
		{Figure: "max delta events/s per stream (steady, bursts)", QwenDesk: float64(maxPerSec), Unit: "events/s", Goal: "≤ 62", Met: benchrow.Met(maxPerSec <= 62)},
		{Figure: "max delta events/s per stream (2 MiB flood)", QwenDesk: float64(maxPerSecFlood), Unit: "events/s", Goal: "≤ 62", Met: benchrow.Met(maxPerSecFlood <= 62),
			Note: fmt.Sprintf("backlog interval %g ms, %d KiB per event", ms(chat.BacklogInterval), chat.MaxPayloadBytes/1024)},
		{Figure: "flood chunk wait p99 (queueing)", QwenDesk: ms(pct(flood, .99)), Unit: "ms", Goal: "—",
			Note: "text arrives faster than capped events carry it; not a latency goal"},
	}

	fmt.Printf("benchlatency: %s/%s, %d CPUs, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Printf("%-50s %12s  %-9s %-28s %s\n", "figure", "QwenDesk", "unit", "goal", "met")
	for _, r := range rows {
		met := "—"
		if r.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*r.Met]
		}
		fmt.Printf("%-50s %12.3f  %-9s %-28s %s\n", r.Figure, r.QwenDesk, r.Unit, r.Goal, met)
	}
	if err := benchrow.Write(out, rows); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", out)
	return nil
}
