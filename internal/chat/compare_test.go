package chat

import (
	"context"
	"errors"
	"testing"
	"time"

	"qwendesk/internal/fakedashscope"
)

func columns(models ...string) []CompareColumn {
	out := make([]CompareColumn, len(models))
	for i, m := range models {
		out[i] = CompareColumn{Settings: ConversationSettings{Model: m}, RequestID: NewID("req")}
	}
	return out
}

// Three models answer one question side by side: one question stored, three replies to it
// (versions of one turn), each with its own events in order; the failing model ends with an
// error while the others complete; picking one continues the conversation with it.
func TestCompareStreamsEachModelAsAVersionOfOneTurn(t *testing.T) {
	h := newHarness(t, 2*time.Millisecond)
	conv := h.conv(t)
	cols := columns("qwen-flash", fakedashscope.MissingModelPrefix+"-x", "qwen3-max")
	turns, err := h.svc.Compare(context.Background(), conv.ID, "which is cheapest?", cols)
	if err != nil {
		t.Fatal(err)
	}
	if len(turns) != 3 || turns[0].UserMessageID != turns[2].UserMessageID {
		t.Fatalf("turns = %+v, want three replies to one question", turns)
	}
	// Busy until all three end: a Send now must not start a fourth turn.
	if _, err := h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: "x", RequestID: NewID("req")}, nil); !errors.Is(err, ErrBusy) {
		t.Fatalf("Send during a comparison: %v, want busy", err)
	}
	ends := map[string]string{}
	for i, turn := range turns {
		evs := h.rec.waitEnd(t, turn.RequestID)
		for j, e := range evs {
			if hd := header(e.payload); hd.Seq != j+1 || hd.MessageID != turn.AssistantMessageID {
				t.Fatalf("column %d event %d: %+v (seq must count up per request)", i, j, hd)
			}
		}
		ends[cols[i].Settings.Model] = evs[len(evs)-1].name
	}
	if ends["qwen-flash"] != EventDone || ends["qwen3-max"] != EventDone || ends[fakedashscope.MissingModelPrefix+"-x"] != EventError {
		t.Fatalf("ends = %v; want the missing model to fail alone", ends)
	}
	// Each request went out with its own model and the same question.
	models := map[string]bool{}
	for _, r := range h.fake.Requests() {
		if r.Stream {
			models[r.Model] = true
			if n := len(r.Messages); r.Messages[n-1].Content != "which is cheapest?" {
				t.Errorf("%s was asked %+v", r.Model, r.Messages)
			}
		}
	}
	if len(models) != 3 {
		t.Fatalf("models asked: %v", models)
	}

	msgs, err := h.store.Messages(context.Background(), conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 4 {
		t.Fatalf("stored %d messages, want the question and three replies", len(msgs))
	}
	for _, m := range msgs[1:] {
		if m.ParentID != turns[0].UserMessageID {
			t.Errorf("reply %s is not an answer to the question", m.Model)
		}
		if m.Model == fakedashscope.MissingModelPrefix+"-x" && (m.Status != string(StatusError) || m.ErrorKind != "model_not_found") {
			t.Errorf("the failing model's reply: %s %s", m.Status, m.ErrorKind)
		}
		if m.Model != fakedashscope.MissingModelPrefix+"-x" && (m.Status != string(StatusComplete) || m.Content == "") {
			t.Errorf("%s's reply: %s %q", m.Model, m.Status, m.Content)
		}
	}

	picked, err := h.svc.Pick(context.Background(), conv.ID, turns[2].AssistantMessageID)
	if err != nil {
		t.Fatal(err)
	}
	last := picked.Messages[len(picked.Messages)-1]
	if last.ID != turns[2].AssistantMessageID || last.Versions == nil || last.Versions.Count != 3 || last.Versions.Index != 2 {
		t.Fatalf("after picking: %+v, want qwen3-max's reply shown as 3/3", last)
	}
	if picked.Settings.Model != "qwen3-max" {
		t.Fatalf("conversation model = %q, want the picked model", picked.Settings.Model)
	}
	// The next question goes to the picked model, with the picked answer as context.
	h.ended(t)(h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: "and why?", RequestID: NewID("req")}, nil))
	reqs := h.fake.Requests()
	r := reqs[len(reqs)-1]
	for _, x := range reqs {
		if x.Stream {
			r = x
		}
	}
	if r.Model != "qwen3-max" || len(r.Messages) != 3 || r.Messages[1].Content != last.Content {
		t.Fatalf("next turn sent %s %+v; want qwen3-max with the picked answer", r.Model, r.Messages)
	}
}

// Stop (the comparison's context) stops every column; each keeps what its model wrote, and
// the conversation is free again.
func TestCompareStopKeepsEveryPartialReply(t *testing.T) {
	h := newHarness(t, 5*time.Millisecond)
	conv := h.conv(t)
	cols := columns("qwen-flash", "qwen-plus")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	turns, err := h.svc.Compare(ctx, conv.ID, "a long story #slow", cols)
	if err != nil {
		t.Fatal(err)
	}
	h.rec.waitDeltas(t, turns[0].RequestID, 2)
	h.rec.waitDeltas(t, turns[1].RequestID, 2)
	cancel()
	for _, turn := range turns {
		h.rec.waitEnd(t, turn.RequestID)
	}
	msgs, _ := h.store.Messages(context.Background(), conv.ID)
	for _, m := range msgs[1:] {
		if m.Status != string(StatusStopped) || m.Content == "" {
			t.Errorf("%s: %s with %d chars; a stopped comparison keeps what each model wrote", m.Model, m.Status, len(m.Content))
		}
	}
	if h.svc.busy(conv.ID) {
		t.Fatal("the conversation is still busy after every column ended")
	}
}

func TestCompareRejectsBadColumns(t *testing.T) {
	h := newHarness(t, 0)
	conv := h.conv(t)
	cases := map[string][]CompareColumn{
		"one model":   columns("qwen-plus"),
		"four models": columns("a", "b", "c", "d"),
		"bad model":   columns("qwen plus", "qwen-max"),
	}
	same := columns("qwen-plus", "qwen-max")
	same[1].RequestID = same[0].RequestID
	cases["shared request id"] = same
	for name, cols := range cases {
		if _, err := h.svc.Compare(context.Background(), conv.ID, "hi", cols); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := h.svc.Compare(context.Background(), conv.ID, "  ", columns("a", "b")); err == nil {
		t.Error("empty question accepted")
	}
	if len(h.fake.Requests()) != 0 || h.svc.busy(conv.ID) {
		t.Fatal("a rejected comparison sent a request or left the conversation busy")
	}
}
