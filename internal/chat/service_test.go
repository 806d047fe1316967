package chat

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/goleak"

	"qwendesk/internal/fakedashscope"
	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "sk-chat-test-0000000000000000"

// recorder is the fake at the Wails edge: it keeps every emitted event with its time.
type recorder struct {
	mu     sync.Mutex
	events []recorded
	signal chan struct{}
}

type recorded struct {
	name    string
	payload any
	at      time.Time
}

func newRecorder() *recorder { return &recorder{signal: make(chan struct{}, 1)} }

func (r *recorder) Emit(name string, payload any) {
	r.mu.Lock()
	r.events = append(r.events, recorded{name, payload, time.Now()})
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

func (r *recorder) of(requestID string) []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recorded
	for _, e := range r.events {
		if header(e.payload).RequestID == requestID {
			out = append(out, e)
		}
	}
	return out
}

func header(p any) Header {
	switch p := p.(type) {
	case DeltaEvent:
		return p.Header
	case DoneEvent:
		return p.Header
	case ErrorEvent:
		return p.Header
	case RetryEvent:
		return p.Header
	case ToolEvent:
		return p.Header
	}
	return Header{}
}

// waitEnd waits for the done or error event of a turn and returns all its events.
func (r *recorder) waitEnd(t *testing.T, requestID string) []recorded {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		evs := r.of(requestID)
		if n := len(evs); n > 0 && (evs[n-1].name == EventDone || evs[n-1].name == EventError) {
			return evs
		}
		select {
		case <-r.signal:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("turn %s did not end", requestID)
		}
	}
}

// waitDeltas waits until a turn has emitted n delta events.
func (r *recorder) waitDeltas(t *testing.T, requestID string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		got := 0
		for _, e := range r.of(requestID) {
			if e.name == EventDelta {
				got++
			}
		}
		if got >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("turn %s emitted fewer than %d deltas", requestID, n)
}

func deltas(evs []recorded) (content, reasoning string) {
	var c, r strings.Builder
	for _, e := range evs {
		if d, ok := e.payload.(DeltaEvent); ok {
			c.WriteString(d.Content)
			r.WriteString(d.Reasoning)
		}
	}
	return c.String(), r.String()
}

type harness struct {
	svc   *Service
	rec   *recorder
	fake  *fakedashscope.Server
	store *store.Store
	dir   string
}

func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, _, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newHarness(t *testing.T, chunkDelay time.Duration, titles ...TitleOptions) *harness {
	t.Helper()
	fake := fakedashscope.New(fakedashscope.Options{APIKey: testKey, ChunkDelay: chunkDelay})
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	st := openStore(t, dir)
	client := qwen.NewClient(qwen.Config{BaseURL: fake.BaseURL(), RetryBaseDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond, IdleTimeout: 5 * time.Second})
	rec := newRecorder()
	title := TitleOptions{}
	if len(titles) > 0 {
		title = titles[0]
	}
	svc := NewService(Config{
		Streamer:        ClientStreamer{Client: client},
		Store:           st,
		Key:             func(context.Context) (string, error) { return testKey, nil },
		Emitter:         rec,
		Titles:          func() TitleOptions { return title },
		CheckpointEvery: 50 * time.Millisecond,
	})
	t.Cleanup(func() { svc.Wait(5 * time.Second) })
	return &harness{svc: svc, rec: rec, fake: fake, store: st, dir: dir}
}

func (h *harness) conv(t *testing.T) Conversation {
	t.Helper()
	c, err := h.svc.NewConversation(context.Background(), "qwen-plus")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (h *harness) send(t *testing.T, ctx context.Context, convID, text string) Turn {
	t.Helper()
	turn, err := h.svc.Send(ctx, SendInput{ConversationID: convID, Text: text, Model: "qwen-plus", RequestID: NewID("req")}, nil)
	if err != nil {
		t.Fatalf("Send(%q): %v", text, err)
	}
	return turn
}

func lastMessage(t *testing.T, svc *Service, convID string) Message {
	t.Helper()
	c, err := svc.Conversation(context.Background(), convID)
	if err != nil {
		t.Fatal(err)
	}
	return c.Messages[len(c.Messages)-1]
}

func TestReplyStreamsInOrderAndCompletes(t *testing.T) {
	h := newHarness(t, 2*time.Millisecond)
	conv := h.conv(t)
	turn := h.send(t, context.Background(), conv.ID, "What is the weather like?")
	evs := h.rec.waitEnd(t, turn.RequestID)

	for i, e := range evs {
		hd := header(e.payload)
		if hd.Seq != i+1 {
			t.Fatalf("event %d has seq %d: seq must count up from 1 with no gaps", i, hd.Seq)
		}
		if hd.ConversationID != conv.ID || hd.MessageID != turn.AssistantMessageID {
			t.Fatalf("event %d names the wrong message: %+v", i, hd)
		}
	}
	done, ok := evs[len(evs)-1].payload.(DoneEvent)
	if !ok {
		t.Fatalf("turn ended with %s, want done", evs[len(evs)-1].name)
	}
	if done.Status != StatusComplete || done.FinishReason != qwen.FinishStop || done.Usage == nil || done.Usage.TotalTokens == 0 {
		t.Fatalf("done = %+v, want complete/stop with usage", done)
	}
	text, _ := deltas(evs)
	if !strings.Contains(text, "What is the weather like?") {
		t.Fatalf("streamed text %q does not echo the question", text)
	}
	msg := lastMessage(t, h.svc, conv.ID)
	if msg.Content != text || msg.Status != StatusComplete || msg.Usage == nil {
		t.Fatalf("stored message %+v does not match what streamed", msg)
	}
	c, _ := h.svc.Conversation(context.Background(), conv.ID)
	if len(c.Messages) != 2 || c.Messages[0].Role != RoleUser || c.Messages[0].Content != "What is the weather like?" {
		t.Fatalf("conversation = %+v", c.Messages)
	}
	if c.Title == "" {
		t.Fatal("conversation got no title")
	}
}

func TestSecondTurnCarriesTheConversation(t *testing.T) {
	h := newHarness(t, time.Millisecond)
	conv := h.conv(t)
	first := h.send(t, context.Background(), conv.ID, "first question")
	h.rec.waitEnd(t, first.RequestID)
	firstReply := lastMessage(t, h.svc, conv.ID).Content
	second := h.send(t, context.Background(), conv.ID, "second question")
	h.rec.waitEnd(t, second.RequestID)

	reqs := h.fake.Requests()
	got := reqs[len(reqs)-1].Messages
	want := []qwen.Message{{Role: "user", Content: "first question"}, {Role: "assistant", Content: firstReply}, {Role: "user", Content: "second question"}}
	if len(got) != len(want) {
		t.Fatalf("sent %d messages, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Role != want[i].Role || got[i].Content != want[i].Content {
			t.Fatalf("message %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestDeltasAreCoalescedAndCapped(t *testing.T) {
	h := newHarness(t, 0)
	conv := h.conv(t)
	turn := h.send(t, context.Background(), conv.ID, "write a lot #long")
	evs := h.rec.waitEnd(t, turn.RequestID)

	var deltaEvents []recorded
	for _, e := range evs {
		if d, ok := e.payload.(DeltaEvent); ok {
			deltaEvents = append(deltaEvents, e)
			if n := len(d.Content) + len(d.Reasoning); n > MaxPayloadBytes {
				t.Fatalf("a delta carried %d bytes, over the %d cap", n, MaxPayloadBytes)
			}
		}
	}
	chunks := 2000 // what #long sends
	if len(deltaEvents) > chunks/5 {
		t.Fatalf("%d delta events for %d chunks: deltas are not coalesced", len(deltaEvents), chunks)
	}
	// Timers only ever fire late, so no second may hold more events than the cap allows.
	for i := range deltaEvents {
		j := i
		for j < len(deltaEvents) && deltaEvents[j].at.Sub(deltaEvents[i].at) < time.Second {
			j++
		}
		if j-i > 64 {
			t.Fatalf("%d delta events within one second: over the ~60/s cap", j-i)
		}
	}
	text, _ := deltas(evs)
	if lastMessage(t, h.svc, conv.ID).Content != text {
		t.Fatal("stored text differs from the streamed deltas")
	}
}

func TestHugeLineIsSplitOnRuneBoundaries(t *testing.T) {
	h := newHarness(t, time.Millisecond)
	conv := h.conv(t)
	turn := h.send(t, context.Background(), conv.ID, "one enormous line #bigline")
	evs := h.rec.waitEnd(t, turn.RequestID)
	for _, e := range evs {
		if d, ok := e.payload.(DeltaEvent); ok {
			if len(d.Content) > MaxPayloadBytes || !utf8.ValidString(d.Content) {
				t.Fatalf("delta of %d bytes, valid UTF-8 = %v", len(d.Content), utf8.ValidString(d.Content))
			}
		}
	}
	text, _ := deltas(evs)
	if len(text) < 1<<20 {
		t.Fatalf("got %d bytes of the 1 MiB line", len(text))
	}
	if lastMessage(t, h.svc, conv.ID).Content != text {
		t.Fatal("stored text differs from the streamed deltas")
	}
}

func TestReasoningStreamsSeparately(t *testing.T) {
	h := newHarness(t, time.Millisecond)
	conv := h.conv(t)
	turn := h.send(t, context.Background(), conv.ID, "think first #think")
	evs := h.rec.waitEnd(t, turn.RequestID)
	content, reasoning := deltas(evs)
	if reasoning == "" || content == "" {
		t.Fatalf("reasoning=%q content=%q: both should stream", reasoning, content)
	}
	msg := lastMessage(t, h.svc, conv.ID)
	if msg.Reasoning != reasoning || msg.Content != content {
		t.Fatal("stored reasoning/content differ from what streamed")
	}
}

func TestStopKeepsThePartialAnswer(t *testing.T) {
	h := newHarness(t, 20*time.Millisecond)
	conv := h.conv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	turn := h.send(t, ctx, conv.ID, "a long story #slow")
	h.rec.waitDeltas(t, turn.RequestID, 2)
	cancel()
	evs := h.rec.waitEnd(t, turn.RequestID)
	done, ok := evs[len(evs)-1].payload.(DoneEvent)
	if !ok || done.Status != StatusStopped {
		t.Fatalf("stopped turn ended with %+v", evs[len(evs)-1].payload)
	}
	text, _ := deltas(evs)
	msg := lastMessage(t, h.svc, conv.ID)
	if text == "" || msg.Content != text || msg.Status != StatusStopped {
		t.Fatalf("partial answer not kept: message=%+v streamed=%q", msg, text)
	}
	// The conversation is free again.
	next := h.send(t, context.Background(), conv.ID, "shorter please")
	if e := h.rec.waitEnd(t, next.RequestID); e[len(e)-1].name != EventDone {
		t.Fatal("turn after a stop did not complete")
	}
}

func TestFailuresAreReportedAndKeepWhatArrived(t *testing.T) {
	cases := []struct {
		marker  string
		kind    qwen.Kind
		status  Status
		partial bool
	}{
		{"#err401", qwen.KindAuth, StatusError, false},
		{"#err403", qwen.KindAccessDenied, StatusError, false},
		{"#arrearage", qwen.KindBilling, StatusError, false},
		{"#err404", qwen.KindModelNotFound, StatusError, false},
		{"#quota", qwen.KindQuota, StatusError, false},
		{"#moderation", qwen.KindModeration, StatusError, false},
		{"#err400", qwen.KindBadRequest, StatusError, false},
		{"#err500", qwen.KindServer, StatusError, false},
		{"#midstream", qwen.KindServer, StatusError, true},
		{"#truncate", qwen.KindTruncated, StatusTruncated, true},
	}
	h := newHarness(t, time.Millisecond)
	for _, c := range cases {
		t.Run(c.marker, func(t *testing.T) {
			conv := h.conv(t)
			turn := h.send(t, context.Background(), conv.ID, "check "+c.marker)
			evs := h.rec.waitEnd(t, turn.RequestID)
			ev, ok := evs[len(evs)-1].payload.(ErrorEvent)
			if !ok {
				t.Fatalf("turn ended with %s, want error", evs[len(evs)-1].name)
			}
			if ev.Kind != string(c.kind) || ev.Status != c.status || ev.Message == "" {
				t.Fatalf("error event = %+v, want kind %s status %s with a message", ev, c.kind, c.status)
			}
			if ev.RequestIDFromServer == "" {
				t.Error("the server's request id was lost")
			}
			text, _ := deltas(evs)
			msg := lastMessage(t, h.svc, conv.ID)
			if (text != "") != c.partial || msg.Content != text {
				t.Fatalf("partial text: streamed %q, stored %q", text, msg.Content)
			}
			if msg.Status != c.status || msg.Error == nil || msg.Error.Kind != string(c.kind) {
				t.Fatalf("stored message = %+v", msg)
			}
			if strings.Contains(ev.Message, testKey) {
				t.Fatal("the key leaked into an error event")
			}
		})
	}
}

func TestRateLimitIsRetriedBeforeTheFirstToken(t *testing.T) {
	h := newHarness(t, time.Millisecond)
	conv := h.conv(t)
	turn := h.send(t, context.Background(), conv.ID, "busy server #err429 #recover")
	evs := h.rec.waitEnd(t, turn.RequestID)
	retries := 0
	for _, e := range evs {
		if r, ok := e.payload.(RetryEvent); ok {
			retries++
			if r.Kind != string(qwen.KindRateLimit) || r.Attempt != retries {
				t.Fatalf("retry event = %+v", r)
			}
		}
	}
	if retries == 0 {
		t.Fatal("no retry event: the user would see nothing while waiting")
	}
	if evs[len(evs)-1].name != EventDone {
		t.Fatalf("turn ended with %s after retries", evs[len(evs)-1].name)
	}
}

func TestOneTurnPerConversationAtATime(t *testing.T) {
	h := newHarness(t, 20*time.Millisecond)
	a := h.conv(t)
	b := h.conv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := h.send(t, ctx, a.ID, "long one #slow")
	_, err := h.svc.Send(context.Background(), SendInput{ConversationID: a.ID, Text: "again", Model: "qwen-plus", RequestID: NewID("req")}, nil)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("second Send while streaming: err = %v, want ErrBusy", err)
	}
	other := h.send(t, context.Background(), b.ID, "another conversation")
	h.rec.waitEnd(t, other.RequestID)
	cancel()
	h.rec.waitEnd(t, first.RequestID)
}

func TestSendRejectsBadInputAndKeepsNothing(t *testing.T) {
	h := newHarness(t, time.Millisecond)
	conv := h.conv(t)
	noKey := &UserError{Kind: KindNoKey, Message: "No API key is set."}
	keyless := NewService(Config{
		Streamer: ClientStreamer{Client: qwen.NewClient(qwen.Config{BaseURL: h.fake.BaseURL()})},
		Store:    h.store,
		Key:      func(context.Context) (string, error) { return "", noKey },
		Emitter:  h.rec,
	})
	modelless, err := h.svc.NewConversation(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	keylessConv, err := keyless.NewConversation(context.Background(), "qwen-plus")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		svc  *Service
		in   SendInput
		kind string
	}{
		{"empty", h.svc, SendInput{ConversationID: conv.ID, Text: "", Model: "qwen-plus"}, KindInvalidInput},
		{"whitespace", h.svc, SendInput{ConversationID: conv.ID, Text: " \n\t ", Model: "qwen-plus"}, KindInvalidInput},
		{"too long", h.svc, SendInput{ConversationID: conv.ID, Text: strings.Repeat("字", MaxInputRunes+1), Model: "qwen-plus"}, KindInvalidInput},
		{"invalid utf-8", h.svc, SendInput{ConversationID: conv.ID, Text: "ab\xffcd", Model: "qwen-plus"}, KindInvalidInput},
		{"no model anywhere", h.svc, SendInput{ConversationID: modelless.ID, Text: "hi", Model: " "}, KindInvalidInput},
		{"unknown conversation", h.svc, SendInput{ConversationID: "conv_nope", Text: "hi", Model: "qwen-plus"}, KindNotFound},
		{"no key", keyless, SendInput{ConversationID: keylessConv.ID, Text: "hi", Model: "qwen-plus"}, KindNoKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.svc.Send(context.Background(), c.in, nil)
			if KindOf(err) != c.kind {
				t.Fatalf("err = %v (kind %s), want kind %s", err, KindOf(err), c.kind)
			}
		})
	}
	for _, s := range []struct {
		svc *Service
		id  string
	}{{h.svc, conv.ID}, {keyless, keylessConv.ID}} {
		c, _ := s.svc.Conversation(context.Background(), s.id)
		if len(c.Messages) != 0 {
			t.Fatalf("a rejected Send left messages behind: %+v", c.Messages)
		}
	}
	// A Send refused for lack of a key must not leave the conversation locked.
	if _, err := keyless.Send(context.Background(), SendInput{ConversationID: keylessConv.ID, Text: "hi", Model: "qwen-plus"}, nil); KindOf(err) != KindNoKey {
		t.Fatalf("second try: %v", err)
	}
	if len(h.fake.Requests()) != 0 {
		t.Fatal("a rejected Send reached the server")
	}
}

func TestCutNeverSplitsARune(t *testing.T) {
	s := []byte(strings.Repeat("汉", 10)) // 3 bytes each
	for n := 0; n <= len(s); n++ {
		head, rest := cut(append([]byte(nil), s...), n)
		if !utf8.ValidString(head) || !utf8.Valid(rest) || len(head) > n || head+string(rest) != string(s) {
			t.Fatalf("cut at %d: head %q rest %q", n, head, rest)
		}
	}
}
