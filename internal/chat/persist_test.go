package chat

import (
	"context"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/store"
)

// storedReply reads the assistant message of a turn straight from the history file.
func storedReply(t *testing.T, st *store.Store, turn Turn) (store.Message, bool) {
	t.Helper()
	m, err := st.Message(context.Background(), turn.AssistantMessageID)
	if err != nil {
		return store.Message{}, false
	}
	return m, true
}

func TestTurnsSurviveARestart(t *testing.T) {
	h := newHarness(t, time.Millisecond)
	conv := h.conv(t)
	turn := h.send(t, context.Background(), conv.ID, "remember this")
	h.rec.waitEnd(t, turn.RequestID)
	failed := h.send(t, context.Background(), conv.ID, "and this #err401")
	h.rec.waitEnd(t, failed.RequestID)
	want, _ := h.svc.Conversation(context.Background(), conv.ID)
	h.svc.Wait(5 * time.Second)
	h.store.Close()

	// A new process: a fresh store and service over the same folder.
	reopened := openStore(t, h.dir)
	svc := NewService(Config{Store: reopened, Emitter: newRecorder()})
	got, err := svc.Conversation(context.Background(), conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 4 {
		t.Fatalf("after restart: %d messages, want 4", len(got.Messages))
	}
	for i := range want.Messages {
		w, g := want.Messages[i], got.Messages[i]
		if w.ID != g.ID || w.Content != g.Content || w.Status != g.Status || (w.Usage == nil) != (g.Usage == nil) {
			t.Fatalf("message %d changed across a restart:\n was %+v\n now %+v", i, w, g)
		}
	}
	if e := got.Messages[3].Error; e == nil || e.Kind != "auth" || e.RequestIDFromServer == "" {
		t.Fatalf("the failed reply lost its error: %+v", got.Messages[3])
	}
	list, err := svc.ListConversations(context.Background())
	if err != nil || len(list) != 1 || list[0].Title == "" || list[0].MessageCount != 4 {
		t.Fatalf("sidebar after restart = %+v, %v", list, err)
	}
}

func TestReplyIsCheckpointedWhileStreaming(t *testing.T) {
	h := newHarness(t, 20*time.Millisecond)
	conv := h.conv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	turn := h.send(t, ctx, conv.ID, "a long story #slow")

	// The user's message is on disk from the start.
	c, _ := h.store.Messages(context.Background(), conv.ID)
	if len(c) == 0 || c[0].Content != "a long story #slow" {
		t.Fatalf("user message not stored when Send returned: %+v", c)
	}
	// While streaming, the stored reply catches up with what was shown.
	h.rec.waitDeltas(t, turn.RequestID, 10)
	deadline := time.Now().Add(10 * time.Second)
	var m store.Message
	for time.Now().Before(deadline) {
		if got, ok := storedReply(t, h.store, turn); ok && len(got.Content) > 20 {
			m = got
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if m.Status != string(StatusStreaming) {
		t.Fatalf("mid-stream the stored reply is %q with %d bytes, want a streaming checkpoint", m.Status, len(m.Content))
	}
	shown, _ := deltas(h.rec.of(turn.RequestID))
	if !strings.HasPrefix(shown, m.Content) {
		t.Fatal("the checkpoint is not a prefix of what was shown")
	}
	cancel()
	h.rec.waitEnd(t, turn.RequestID)
	final, _ := storedReply(t, h.store, turn)
	shown, _ = deltas(h.rec.of(turn.RequestID))
	if final.Status != string(StatusStopped) || final.Content != shown {
		t.Fatalf("after Stop the stored reply is %q with %d bytes; %d were shown", final.Status, len(final.Content), len(shown))
	}
}

func TestFirstExchangeIsNamedAutomatically(t *testing.T) {
	h := newHarness(t, time.Millisecond, TitleOptions{Enabled: true, Model: "qwen-flash"})
	conv := h.conv(t)
	turn := h.send(t, context.Background(), conv.ID, "How do I brew green tea properly?")
	h.rec.waitEnd(t, turn.RequestID)
	h.svc.Wait(10 * time.Second)
	got, _ := h.svc.Conversation(context.Background(), conv.ID)
	if got.Title != "How do I brew green" {
		t.Fatalf("title = %q, want the model's title without quotes", got.Title)
	}
	var titleReq bool
	for _, r := range h.fake.Requests() {
		if r.Model == "qwen-flash" {
			titleReq = true
			if r.Stream || !strings.Contains(string(r.Body), `"enable_thinking":false`) {
				t.Fatalf("title request must be non-streaming with thinking off: %s", r.Body)
			}
		}
	}
	if !titleReq {
		t.Fatal("no title request was made")
	}

	// A title the user typed is never replaced, and later turns do not rename.
	if err := h.svc.Rename(context.Background(), conv.ID, "  My   tea  "); err != nil {
		t.Fatal(err)
	}
	next := h.send(t, context.Background(), conv.ID, "And oolong?")
	h.rec.waitEnd(t, next.RequestID)
	h.svc.Wait(10 * time.Second)
	if got, _ := h.svc.Conversation(context.Background(), conv.ID); got.Title != "My tea" {
		t.Fatalf("title = %q after rename and another turn", got.Title)
	}
}

func TestTitlesOffMeansNoExtraRequest(t *testing.T) {
	h := newHarness(t, time.Millisecond, TitleOptions{Enabled: false, Model: "qwen-flash"})
	conv := h.conv(t)
	turn := h.send(t, context.Background(), conv.ID, "Hello there, how are you")
	h.rec.waitEnd(t, turn.RequestID)
	h.svc.Wait(5 * time.Second)
	if n := len(h.fake.Requests()); n != 1 {
		t.Fatalf("%d requests with titles off, want only the chat", n)
	}
	if got, _ := h.svc.Conversation(context.Background(), conv.ID); got.Title != "Hello there, how are you" {
		t.Fatalf("title = %q, want the first line as a provisional title", got.Title)
	}
}

func TestDeleteRestoreAndPin(t *testing.T) {
	h := newHarness(t, time.Millisecond)
	a, b := h.conv(t), h.conv(t)
	for _, c := range []Conversation{a, b} {
		turn := h.send(t, context.Background(), c.ID, "hi "+c.ID)
		h.rec.waitEnd(t, turn.RequestID)
	}
	if err := h.svc.SetPinned(context.Background(), a.ID, true); err != nil {
		t.Fatal(err)
	}
	list, _ := h.svc.ListConversations(context.Background())
	if len(list) != 2 || list[0].ID != a.ID || !list[0].Pinned {
		t.Fatalf("pinned conversation is not first: %+v", list)
	}
	if err := h.svc.Delete(context.Background(), a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Conversation(context.Background(), a.ID); KindOf(err) != KindNotFound {
		t.Fatalf("deleted conversation still opens: %v", err)
	}
	if err := h.svc.Restore(context.Background(), a.ID); err != nil {
		t.Fatal(err)
	}
	if c, err := h.svc.Conversation(context.Background(), a.ID); err != nil || len(c.Messages) != 2 {
		t.Fatalf("restored conversation = %+v, %v", c, err)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", MaxTitleRunes+1)} {
		if err := h.svc.Rename(context.Background(), b.ID, bad); KindOf(err) != KindInvalidInput {
			t.Fatalf("Rename(%q) = %v", bad, err)
		}
	}
}

func TestCannotDeleteWhileStreaming(t *testing.T) {
	h := newHarness(t, 20*time.Millisecond)
	conv := h.conv(t)
	ctx, cancel := context.WithCancel(context.Background())
	turn := h.send(t, ctx, conv.ID, "long #slow")
	if err := h.svc.Delete(context.Background(), conv.ID); err != ErrBusy {
		t.Fatalf("Delete while streaming = %v, want ErrBusy", err)
	}
	cancel()
	h.rec.waitEnd(t, turn.RequestID)
}
