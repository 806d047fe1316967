package chat

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
	"qwendesk/internal/toolcall"
)

// fakeRunner is the tool layer at the edge of chat: it offers two tools and answers each
// call with run (default: "result of <name>").
type fakeRunner struct {
	mu    sync.Mutex
	calls []toolcall.Call
	run   func(ctx context.Context, c toolcall.Call) toolcall.Result
}

func (f *fakeRunner) Definitions(context.Context, string) []toolcall.Definition {
	return []toolcall.Definition{
		{Name: "fs_read_file", Description: "Read a file", Parameters: json.RawMessage(`{"type":"object","properties":{"path":{"type":"string"}}}`)},
		{Name: "clock_now", Description: "The time"},
	}
}

func (f *fakeRunner) Run(ctx context.Context, c toolcall.Call) toolcall.Result {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	run := f.run
	f.mu.Unlock()
	if run != nil {
		return run(ctx, c)
	}
	return toolcall.Result{Outcome: toolcall.OutcomeOK, Content: "result of " + c.Name, Server: "srv", Tool: c.Name}
}

func (f *fakeRunner) seen() []toolcall.Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]toolcall.Call(nil), f.calls...)
}

// usageStreamer records each step's usage, to check that the turn adds them up.
type usageStreamer struct {
	Streamer
	mu     sync.Mutex
	usages []qwen.Usage
}

type usageStream struct {
	Stream
	s *usageStreamer
}

func (u *usageStreamer) Stream(ctx context.Context, key string, req qwen.Request) (Stream, error) {
	s, err := u.Streamer.Stream(ctx, key, req)
	if err != nil {
		return nil, err
	}
	return usageStream{s, u}, nil
}

func (s usageStream) Next() bool {
	ok := s.Stream.Next()
	if ok && s.Current().Usage != nil {
		s.s.mu.Lock()
		s.s.usages = append(s.s.usages, *s.Current().Usage)
		s.s.mu.Unlock()
	}
	return ok
}

func toolHarness(t *testing.T, r *fakeRunner, steps int) (*harness, *usageStreamer) {
	t.Helper()
	h := newHarness(t, -1)
	us := &usageStreamer{Streamer: h.svc.cfg.Streamer}
	h.svc.cfg.Streamer = us
	h.svc.cfg.Tools = r
	if steps > 0 {
		h.svc.cfg.MaxToolSteps = steps
	}
	h.svc.cfg.ToolGrace = 2 * time.Second
	return h, us
}

func toolEvents(evs []recorded) []ToolEvent {
	var out []ToolEvent
	for _, e := range evs {
		if te, ok := e.payload.(ToolEvent); ok {
			out = append(out, te)
		}
	}
	return out
}

func storedToolReply(t *testing.T, h *harness, id string) store.Message {
	t.Helper()
	m, err := h.store.Message(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestToolTurnRunsParallelCallsAndSendsResultsBack(t *testing.T) {
	// Both calls must be running at once: each waits until the other has started.
	var started sync.WaitGroup
	started.Add(2)
	r := &fakeRunner{run: func(ctx context.Context, c toolcall.Call) toolcall.Result {
		started.Done()
		waited := make(chan struct{})
		go func() { started.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(5 * time.Second):
			return toolcall.Result{Outcome: toolcall.OutcomeFailed, Content: "ran alone"}
		}
		return toolcall.Result{Outcome: toolcall.OutcomeOK, Content: "result of " + c.Name, Server: "srv", Tool: c.Name}
	}}
	h, us := toolHarness(t, r, 0)
	c := h.conv(t)
	turn := h.send(t, context.Background(), c.ID, `#toolsay #tool:read_file {"path":"/tmp/a"} #tool:now`)
	evs := h.rec.waitEnd(t, turn.RequestID)
	done, ok := evs[len(evs)-1].payload.(DoneEvent)
	if !ok || done.Status != StatusComplete {
		t.Fatalf("turn ended with %+v", evs[len(evs)-1].payload)
	}
	const say = "Let me check with a tool."
	want := say + "Tool result: result of fs_read_file\nTool result: result of clock_now"
	if content, _ := deltas(evs); content != want {
		t.Fatalf("content %q, want %q", content, want)
	}

	// The second request carries the assistant step as received and the results in order.
	reqs := h.fake.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	if !reflect.DeepEqual(reqs[0].Tools, []string{"fs_read_file", "clock_now"}) {
		t.Errorf("tools offered: %v", reqs[0].Tools)
	}
	msgs := reqs[1].Messages
	if n := len(msgs); n != 4 || msgs[1].Role != "assistant" || msgs[1].Content != say || len(msgs[1].ToolCalls) != 2 ||
		msgs[2].Role != "tool" || msgs[2].ToolCallID != msgs[1].ToolCalls[0].ID || msgs[2].Content != "result of fs_read_file" ||
		msgs[3].ToolCallID != msgs[1].ToolCalls[1].ID || msgs[3].Content != "result of clock_now" {
		t.Fatalf("sent back %+v", msgs)
	}
	if a := msgs[1].ToolCalls[0].Function; a.Name != "fs_read_file" || a.Arguments != `{"path":"/tmp/a"}` {
		t.Errorf("call not sent back as received: %+v", a)
	}

	// Events: seq grows; the sentence is out before the first tool event; each call goes
	// requested → running → done.
	seq, sawTool, states := 0, false, map[string][]string{}
	textBefore := ""
	for _, e := range evs {
		hd := header(e.payload)
		if hd.Seq != seq+1 {
			t.Fatalf("seq %d after %d", hd.Seq, seq)
		}
		seq = hd.Seq
		if d, ok := e.payload.(DeltaEvent); ok && !sawTool {
			textBefore += d.Content
		}
		if te, ok := e.payload.(ToolEvent); ok {
			sawTool = true
			states[te.CallID] = append(states[te.CallID], te.State)
			if te.TextOffset != len(say) {
				t.Errorf("call placed at %d, want %d", te.TextOffset, len(say))
			}
		}
	}
	if textBefore != say {
		t.Errorf("text before the first tool event %q: a tool event overtook pending text", textBefore)
	}
	if len(states) != 2 {
		t.Fatalf("tool events for %d calls", len(states))
	}
	for id, st := range states {
		if !reflect.DeepEqual(st, []string{ToolRequested, ToolRunning, ToolDone}) {
			t.Errorf("call %s went %v", id, st)
		}
	}

	// Usage of both steps adds up, on the event and in the history.
	if len(us.usages) != 2 || done.Usage == nil || done.Usage.TotalTokens != us.usages[0].TotalTokens+us.usages[1].TotalTokens ||
		done.Usage.PromptTokens != us.usages[0].PromptTokens+us.usages[1].PromptTokens {
		t.Fatalf("usage %+v from steps %+v", done.Usage, us.usages)
	}
	m := storedToolReply(t, h, turn.AssistantMessageID)
	if m.Usage == nil || m.Usage.TotalTokens != done.Usage.TotalTokens || m.Content != want {
		t.Errorf("stored %+v", m)
	}
	if len(m.ToolCalls) != 2 || m.ToolCalls[0].APIName != "fs_read_file" || m.ToolCalls[0].Outcome != "ok" ||
		m.ToolCalls[0].Server != "srv" || m.ToolCalls[1].Result != "result of clock_now" || m.ToolCalls[0].TextOffset != len(say) {
		t.Errorf("stored calls %+v", m.ToolCalls)
	}
	if seen := r.seen(); len(seen) != 2 || seen[0].MessageID != turn.AssistantMessageID || seen[0].ConversationID != c.ID {
		t.Errorf("runner saw %+v", seen)
	}

	// The next turn sends the earlier tool steps back: assistant(text, calls) → tool → tool →
	// assistant(final text) → the new question.
	turn2 := h.send(t, context.Background(), c.ID, "thanks")
	h.rec.waitEnd(t, turn2.RequestID)
	reqs = h.fake.Requests()
	got := reqs[len(reqs)-1].Messages
	if len(got) != 6 || got[1].Content != say || len(got[1].ToolCalls) != 2 || got[2].Role != "tool" || got[3].Role != "tool" ||
		got[4].Role != "assistant" || got[4].Content != want[len(say):] || got[5].Content != "thanks" {
		t.Fatalf("next turn's context %+v", got)
	}

	// Regenerating the tool reply sends only the question, and runs the tools again.
	r.mu.Lock()
	r.run = nil // the barrier above was for one step of two calls
	r.mu.Unlock()
	turn3, err := h.svc.Regenerate(context.Background(), c.ID, turn.AssistantMessageID, NewID("req"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	h.rec.waitEnd(t, turn3.RequestID)
	reqs = h.fake.Requests()
	if first := reqs[len(reqs)-2].Messages; len(first) != 1 || first[0].Role != "user" {
		t.Fatalf("regenerate sent %+v", first)
	}
	if len(r.seen()) != 4 {
		t.Errorf("regenerate ran %d calls in all, want 4", len(r.seen()))
	}
}

func TestToolFailuresGoToTheModel(t *testing.T) {
	r := &fakeRunner{run: func(ctx context.Context, c toolcall.Call) toolcall.Result {
		switch {
		case !strings.HasPrefix(c.Name, "fs_") && c.Name != "clock_now":
			return toolcall.Result{Outcome: toolcall.OutcomeInvalid, Content: "unknown tool " + c.Name}
		case !json.Valid([]byte(c.Arguments)):
			return toolcall.Result{Outcome: toolcall.OutcomeInvalid, Content: "arguments are not valid JSON"}
		case strings.Contains(c.Arguments, "boom"):
			return toolcall.Result{Outcome: toolcall.OutcomeToolError, Content: "the tool failed: boom", Server: "srv", Tool: "read_file"}
		case strings.Contains(c.Arguments, "slow"):
			return toolcall.Result{Outcome: toolcall.OutcomeTimeout, Content: "the tool did not answer within 30s", Server: "srv", Tool: "read_file"}
		}
		return toolcall.Result{Outcome: toolcall.OutcomeOK, Content: "fine"}
	}}
	h, _ := toolHarness(t, r, 0)
	for _, tt := range []struct {
		name, text  string
		wantOutcome []string
		wantText    string
	}{
		{"unknown tool", "#tool:now #toolunknown", []string{"ok", "invalid"}, "Tool result: fine\nTool result: unknown tool no_such_tool"},
		{"invalid arguments", `#tool:read_file {"path":"x"} #toolbadargs`, []string{"invalid"}, "Tool result: arguments are not valid JSON"},
		{"tool error", `#tool:read_file {"path":"boom"}`, []string{"error"}, "Tool result: the tool failed: boom"},
		{"timeout", `#tool:read_file {"path":"slow"}`, []string{"timeout"}, "Tool result: the tool did not answer within 30s"},
		{"thinking first", `#toolthink #tool:now`, []string{"ok"}, "Tool result: fine"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := h.conv(t)
			turn := h.send(t, context.Background(), c.ID, tt.text)
			evs := h.rec.waitEnd(t, turn.RequestID)
			if d, ok := evs[len(evs)-1].payload.(DoneEvent); !ok || d.Status != StatusComplete {
				t.Fatalf("turn ended %+v", evs[len(evs)-1].payload)
			}
			m := storedToolReply(t, h, turn.AssistantMessageID)
			if m.Content != tt.wantText {
				t.Errorf("the model read %q, want %q", m.Content, tt.wantText)
			}
			var outcomes []string
			for _, tc := range m.ToolCalls {
				outcomes = append(outcomes, tc.Outcome)
			}
			if !reflect.DeepEqual(outcomes, tt.wantOutcome) {
				t.Errorf("stored outcomes %v, want %v", outcomes, tt.wantOutcome)
			}
			if tt.name == "thinking first" && m.Reasoning == "" {
				t.Error("reasoning before the call was lost")
			}
		})
	}
}

func TestToolStepCap(t *testing.T) {
	r := &fakeRunner{}
	h, _ := toolHarness(t, r, 3)
	c := h.conv(t)
	turn := h.send(t, context.Background(), c.ID, "#toolsay #tool:now #toolloop")
	evs := h.rec.waitEnd(t, turn.RequestID)
	e, ok := evs[len(evs)-1].payload.(ErrorEvent)
	if !ok || e.Kind != KindToolLimit || !strings.Contains(e.Message, "3 tool steps") {
		t.Fatalf("turn ended %+v", evs[len(evs)-1].payload)
	}
	if n := len(h.fake.Requests()); n != 4 {
		t.Errorf("%d requests, want 4 (3 tool steps, then the one that hit the cap)", n)
	}
	if n := len(r.seen()); n != 3 {
		t.Errorf("runner ran %d calls, want 3", n)
	}
	m := storedToolReply(t, h, turn.AssistantMessageID)
	if m.Status != string(StatusError) || m.ErrorKind != KindToolLimit || !strings.HasPrefix(m.Content, "Let me check with a tool.") {
		t.Errorf("stored %+v", m)
	}
	if len(m.ToolCalls) != 4 || m.ToolCalls[3].Outcome != "cancelled" || !strings.Contains(m.ToolCalls[3].Result, "Not run") || m.ToolCalls[3].Step != 3 {
		t.Errorf("stored calls %+v", m.ToolCalls)
	}
}

func TestStopDuringARunningCall(t *testing.T) {
	running := make(chan struct{})
	sawCancel := make(chan bool, 1)
	r := &fakeRunner{run: func(ctx context.Context, c toolcall.Call) toolcall.Result {
		close(running)
		select {
		case <-ctx.Done():
			sawCancel <- true
			return toolcall.Result{Outcome: toolcall.OutcomeCancelled, Content: "cancelled by the user"}
		case <-time.After(10 * time.Second):
			sawCancel <- false
			return toolcall.Result{Outcome: toolcall.OutcomeOK, Content: "too late"}
		}
	}}
	h, _ := toolHarness(t, r, 0)
	c := h.conv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	turn := h.send(t, ctx, c.ID, "#toolsay #tool:now")
	<-running
	cancel()
	evs := h.rec.waitEnd(t, turn.RequestID)
	if !<-sawCancel {
		t.Fatal("the runner's ctx was not cancelled by Stop")
	}
	d, ok := evs[len(evs)-1].payload.(DoneEvent)
	if !ok || d.Status != StatusStopped {
		t.Fatalf("turn ended %+v", evs[len(evs)-1].payload)
	}
	m := storedToolReply(t, h, turn.AssistantMessageID)
	if m.Status != string(StatusStopped) || m.Content != "Let me check with a tool." {
		t.Errorf("stored %+v", m)
	}
	if len(m.ToolCalls) != 1 || m.ToolCalls[0].Outcome != "cancelled" || m.ToolCalls[0].State != store.ToolStateDone {
		t.Errorf("stored calls %+v", m.ToolCalls)
	}
	if n := len(h.fake.Requests()); n != 1 {
		t.Errorf("%d requests after Stop, want 1", n)
	}
}

func TestToolEventPayloadIsCapped(t *testing.T) {
	big := strings.Repeat("数据", 10_000) // 60 KB
	r := &fakeRunner{run: func(context.Context, toolcall.Call) toolcall.Result {
		return toolcall.Result{Outcome: toolcall.OutcomeOK, Content: big}
	}}
	h, _ := toolHarness(t, r, 0)
	c := h.conv(t)
	turn := h.send(t, context.Background(), c.ID, "#tool:now")
	evs := h.rec.waitEnd(t, turn.RequestID)
	for _, te := range toolEvents(evs) {
		b, _ := json.Marshal(te)
		if len(b) > 8*1024 {
			t.Errorf("tool event of %d bytes", len(b))
		}
		if te.State == ToolDone && (!te.ResultCut || !strings.HasPrefix(big, te.Result) || te.Result == "") {
			t.Errorf("done event: cut %v, %d bytes", te.ResultCut, len(te.Result))
		}
	}
	if m := storedToolReply(t, h, turn.AssistantMessageID); len(m.ToolCalls) != 1 || m.ToolCalls[0].Result != big {
		t.Error("the history lost the whole result")
	}
}

func TestToolStepsRebuildTheContext(t *testing.T) {
	m := store.Message{Role: RoleAssistant, Content: "AB", ToolCalls: []store.ToolCall{
		{CallID: "c1", Step: 0, TextOffset: 1, APIName: "x", Arguments: "{}", State: store.ToolStateDone, Outcome: "ok", Result: "r1"},
		{CallID: "c2", Step: 1, TextOffset: 1, APIName: "y", Arguments: `{"a":1}`, State: store.ToolStateDone, Outcome: "interrupted", Result: store.InterruptedResult},
		{CallID: "c3", Step: 1, TextOffset: 1, APIName: "z", State: store.ToolStateDone, Outcome: "ok"},
	}}
	got := toolSteps(m)
	want := []qwen.Message{
		{Role: "assistant", Content: "A", ToolCalls: []qwen.ToolCall{{ID: "c1", Type: "function", Function: qwen.FunctionCall{Name: "x", Arguments: "{}"}}}},
		{Role: "tool", ToolCallID: "c1", Content: "r1"},
		{Role: "assistant", Content: "", ToolCalls: []qwen.ToolCall{
			{ID: "c2", Type: "function", Function: qwen.FunctionCall{Name: "y", Arguments: `{"a":1}`}},
			{ID: "c3", Type: "function", Function: qwen.FunctionCall{Name: "z"}}}},
		{Role: "tool", ToolCallID: "c2", Content: store.InterruptedResult},
		{Role: "tool", ToolCallID: "c3", Content: "(the tool returned nothing)"},
		{Role: "assistant", Content: "B"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}
