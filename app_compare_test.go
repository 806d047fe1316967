package main

import (
	"context"
	"testing"

	"qwendesk/internal/chat"
	"qwendesk/internal/fakedashscope"
	"qwendesk/internal/secrets"
)

// Through the bound API: a comparison returns one turn per model, each stoppable by its own
// request id; the failing model errs alone; PickReply continues with the chosen answer.
func TestCompareThroughTheBoundAPI(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{"DASHSCOPE_API_KEY": leakKey})
	a.startup(context.Background())
	conv, _ := a.NewConversation()
	cols := []chat.ConversationSettings{{Model: "qwen-flash"}, {Model: fakedashscope.MissingModelPrefix}, {Model: "qwen-plus"}}
	turns, err := a.Compare(conv.ID, "compare us #slow", cols)
	if err != nil {
		t.Fatal(err)
	}
	// Stop the first column alone: it ends stopped, the others are not affected.
	if err := a.Stop(turns[0].RequestID); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for i, turn := range turns {
		got[cols[i].Model] = a.events.waitEnd(t, turn.RequestID)
	}
	if got[fakedashscope.MissingModelPrefix] != chat.EventError || got["qwen-plus"] != chat.EventDone || got["qwen-flash"] != chat.EventDone {
		t.Fatalf("ends: %v", got)
	}
	c, err := a.Conversation(conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]chat.Message{}
	for _, id := range c.Messages[len(c.Messages)-1].Versions.IDs {
		byID[id] = chat.Message{ID: id}
	}
	if len(byID) != 3 {
		t.Fatalf("versions of the turn: %d, want 3", len(byID))
	}
	picked, err := a.PickReply(conv.ID, turns[2].AssistantMessageID)
	if err != nil || picked.Settings.Model != "qwen-plus" || picked.Messages[len(picked.Messages)-1].ID != turns[2].AssistantMessageID {
		t.Fatalf("PickReply: %+v %v", picked.Settings, err)
	}
	first, _ := a.history.Messages(context.Background(), conv.ID)
	for _, m := range first {
		if m.ID == turns[0].AssistantMessageID && m.Status != string(chat.StatusStopped) {
			t.Errorf("the stopped column is %s", m.Status)
		}
	}

	for name, bad := range map[string][]chat.ConversationSettings{"one": cols[:1], "four": append(cols, cols[0])} {
		if _, err := a.Compare(conv.ID, "x", bad); kindOf(err) != "invalid_input" {
			t.Errorf("%s column(s): %v", name, err)
		}
	}
	if _, err := a.Compare("../x", "x", cols); kindOf(err) != "not_found" {
		t.Errorf("malformed id: %v", err)
	}
	if _, err := a.PickReply(conv.ID, "msg_00"); kindOf(err) != "not_found" {
		t.Errorf("pick a made-up reply: %v", err)
	}
}
