package chat

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// ended returns a function that takes what a turn-starting call returned and waits for the
// turn to end: h.ended(t)(h.svc.Send(…)).
func (h *harness) ended(t *testing.T) func(Turn, error) Turn {
	return func(turn Turn, err error) Turn {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		h.rec.waitEnd(t, turn.RequestID)
		return turn
	}
}

func (h *harness) shown(t *testing.T, convID string) []Message {
	t.Helper()
	c, err := h.svc.Conversation(context.Background(), convID)
	if err != nil {
		t.Fatal(err)
	}
	return c.Messages
}

func contents(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Role + ":" + m.Content[:min(len(m.Content), 12)]
	}
	return out
}

func TestRegenerateKeepsEarlierAnswersAsVersions(t *testing.T) {
	h := newHarness(t, 0)
	conv := h.conv(t)
	first := h.ended(t)(h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: "pick a number", Model: "qwen-plus", RequestID: NewID("req")}, nil))
	firstReply := h.shown(t, conv.ID)[1]

	second := h.ended(t)(h.svc.Regenerate(context.Background(), conv.ID, first.AssistantMessageID, NewID("req"), "", nil))
	msgs := h.shown(t, conv.ID)
	if len(msgs) != 2 || msgs[1].ID != second.AssistantMessageID {
		t.Fatalf("after regenerate the view is %v, want the question and the new answer", contents(msgs))
	}
	if v := msgs[1].Versions; v == nil || v.Count != 2 || v.Index != 1 || v.IDs[0] != firstReply.ID {
		t.Fatalf("versions = %+v, want 2/2 with the first answer kept", msgs[1].Versions)
	}
	// The regenerated request carried the same context, not the old answer.
	reqs := h.fake.Requests()
	if last := reqs[len(reqs)-1].Messages; len(last) != 1 || last[0].Content != "pick a number" {
		t.Fatalf("regenerate sent %+v", last)
	}
	// Paging back shows the first answer again, and it survives a reload.
	back, err := h.svc.SelectVersion(context.Background(), conv.ID, firstReply.ID)
	if err != nil || back.Messages[1].ID != firstReply.ID || back.Messages[1].Versions.Index != 0 {
		t.Fatalf("select version 1: %v %v", contents(back.Messages), err)
	}
	if again := h.shown(t, conv.ID); again[1].ID != firstReply.ID {
		t.Fatal("the chosen version was not remembered")
	}
}

func TestEditStartsABranchAndKeepsTheOriginal(t *testing.T) {
	h := newHarness(t, 0)
	conv := h.conv(t)
	send := func(text string) Turn {
		return h.ended(t)(h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: text, Model: "qwen-plus", RequestID: NewID("req")}, nil))
	}
	send("first question")
	second := send("second question")

	edited := h.ended(t)(h.svc.Edit(context.Background(), conv.ID, second.UserMessageID, "second question, better", NewID("req"), "", nil))
	msgs := h.shown(t, conv.ID)
	if len(msgs) != 4 || msgs[2].Content != "second question, better" || msgs[3].ID != edited.AssistantMessageID {
		t.Fatalf("after edit the view is %v", contents(msgs))
	}
	if v := msgs[2].Versions; v == nil || v.Count != 2 || v.IDs[0] != second.UserMessageID {
		t.Fatalf("edited question versions = %+v", v)
	}
	reqs := h.fake.Requests()
	sent := reqs[len(reqs)-1].Messages
	if len(sent) != 3 || sent[2].Content != "second question, better" {
		t.Fatalf("edit sent %+v, want the first exchange and the edited question", sent)
	}
	// The original branch, answer included, is still there.
	orig, err := h.svc.SelectVersion(context.Background(), conv.ID, second.UserMessageID)
	if err != nil || len(orig.Messages) != 4 || orig.Messages[3].ID != second.AssistantMessageID {
		t.Fatalf("original branch: %v %v", contents(orig.Messages), err)
	}
}

func TestDeletingABlockedQuestionUnblocksTheConversation(t *testing.T) {
	h := newHarness(t, 0)
	conv := h.conv(t)
	send := func(text string) Turn {
		return h.ended(t)(h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: text, Model: "qwen-plus", RequestID: NewID("req")}, nil))
	}
	send("hello")
	blocked := send("something flagged #moderation")
	if msgs := h.shown(t, conv.ID); msgs[3].Error == nil || msgs[3].Error.Kind != "moderation" {
		t.Fatalf("expected a moderation error, got %+v", msgs[3])
	}
	after, err := h.svc.DeleteMessage(context.Background(), conv.ID, blocked.UserMessageID)
	if err != nil || len(after.Messages) != 2 {
		t.Fatalf("after deleting the blocked question: %v %v", contents(after.Messages), err)
	}
	send("something else")
	reqs := h.fake.Requests()
	for _, m := range reqs[len(reqs)-1].Messages {
		if m.Content == "something flagged #moderation" {
			t.Fatal("the deleted question is still sent with later turns")
		}
	}
}

func TestConversationSettingsGoIntoTheRequest(t *testing.T) {
	h := newHarness(t, 0)
	conv := h.conv(t)
	temp, topP, maxTok, budget, on := 0.3, 0.8, 512, 300, true
	set := ConversationSettings{Model: "qwen3-max", SystemPrompt: "  You are terse.  ", Temperature: &temp, TopP: &topP,
		MaxTokens: &maxTok, EnableThinking: &on, ThinkingBudget: &budget, EnableSearch: &on}
	got, err := h.svc.UpdateSettings(context.Background(), conv.ID, set)
	if err != nil || got.SystemPrompt != "You are terse." || got.Model != "qwen3-max" {
		t.Fatalf("UpdateSettings = %+v, %v", got, err)
	}
	h.ended(t)(h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: "hi", Model: "qwen-plus", RequestID: NewID("req")}, nil))
	reqs := h.fake.Requests()
	var body map[string]any
	if err := json.Unmarshal(reqs[len(reqs)-1].Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"model": "qwen3-max", "temperature": 0.3, "top_p": 0.8, "max_tokens": 512.0,
		"enable_thinking": true, "thinking_budget": 300.0, "enable_search": true}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s = %v, want %v", k, body[k], v)
		}
	}
	msgs := body["messages"].([]any)
	if first := msgs[0].(map[string]any); first["role"] != "system" || first["content"] != "You are terse." {
		t.Fatalf("first message = %v, want the system prompt", first)
	}

	// QwQ must not get a system message.
	set.Model, set.EnableThinking, set.ThinkingBudget = "qwq-plus", nil, nil
	if _, err := h.svc.UpdateSettings(context.Background(), conv.ID, set); err != nil {
		t.Fatal(err)
	}
	h.ended(t)(h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: "again", Model: "qwen-plus", RequestID: NewID("req")}, nil))
	reqs = h.fake.Requests()
	for _, m := range reqs[len(reqs)-1].Messages {
		if m.Role == "system" {
			t.Fatal("a system message was sent to QwQ")
		}
	}
}

func TestConversationSettingsAreValidated(t *testing.T) {
	h := newHarness(t, 0)
	conv := h.conv(t)
	f := func(v float64) *float64 { return &v }
	i := func(v int) *int { return &v }
	bad := []ConversationSettings{
		{Model: ""},
		{Model: "qwen plus"},
		{Model: "qwen-plus", Temperature: f(2)},
		{Model: "qwen-plus", Temperature: f(-0.1)},
		{Model: "qwen-plus", TopP: f(0)},
		{Model: "qwen-plus", TopP: f(1.5)},
		{Model: "qwen-plus", MaxTokens: i(0)},
		{Model: "qwen-plus", ThinkingBudget: i(MaxOutputTokens + 1)},
		{Model: "qwen-plus", SystemPrompt: string(make([]rune, MaxSystemPromptRunes+1))},
	}
	for _, set := range bad {
		if _, err := h.svc.UpdateSettings(context.Background(), conv.ID, set); KindOf(err) != KindInvalidInput {
			t.Errorf("UpdateSettings(%+v) = %v, want invalid_input", set, err)
		}
	}
}

func TestContinueExtendsACutOffReply(t *testing.T) {
	h := newHarness(t, 0)
	conv := h.conv(t)
	cut := h.ended(t)(h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: "write an essay #length", Model: "qwen-plus", RequestID: NewID("req")}, nil))
	before := h.shown(t, conv.ID)[1]
	if before.FinishReason != "length" {
		t.Fatalf("setup: finish reason %q", before.FinishReason)
	}
	more := h.ended(t)(h.svc.Continue(context.Background(), conv.ID, cut.AssistantMessageID, NewID("req"), "", nil))
	if more.AssistantMessageID != cut.AssistantMessageID {
		t.Fatal("a continuation must stream into the same reply")
	}
	after := h.shown(t, conv.ID)
	if len(after) != 2 || !strings.HasPrefix(after[1].Content, before.Content) || len(after[1].Content) <= len(before.Content) || after[1].Status != StatusComplete {
		t.Fatalf("after continue: %d messages, status %s, %d → %d bytes", len(after), after[1].Status, len(before.Content), len(after[1].Content))
	}
	reqs := h.fake.Requests()
	sent := reqs[len(reqs)-1].Messages
	if n := len(sent); n != 3 || sent[1].Role != "assistant" || sent[1].Content != before.Content || sent[2].Content != continueInstruction {
		t.Fatalf("continue sent %+v", sent)
	}
	// A complete reply has nothing to continue.
	done := h.ended(t)(h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: "short one", Model: "qwen-plus", RequestID: NewID("req")}, nil))
	if _, err := h.svc.Continue(context.Background(), conv.ID, done.AssistantMessageID, NewID("req"), "", nil); KindOf(err) != KindInvalidInput {
		t.Fatalf("continuing a complete reply: %v", err)
	}
}

// TestConversationLatestSendsOnlyTheEnd fails when a long conversation's first load carries
// more than the latest messages of the branch on screen (it took ~180 ms through the webview
// at 5,000), or drops the count of those before them, which the window shows.
func TestConversationLatestSendsOnlyTheEnd(t *testing.T) {
	h := newHarness(t, 0)
	conv := h.conv(t)
	for _, q := range []string{"one", "two", "three"} {
		h.ended(t)(h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Text: q, Model: "qwen-plus", RequestID: NewID("req")}, nil))
	}
	all := h.shown(t, conv.ID)
	latest, err := h.svc.ConversationLatest(context.Background(), conv.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest.Messages) != 2 || latest.Earlier != 4 || latest.Messages[0].ID != all[4].ID || latest.Messages[1].ID != all[5].ID {
		t.Fatalf("latest 2 = %v (earlier %d), want the last two of %v with 4 before", contents(latest.Messages), latest.Earlier, contents(all))
	}
	if whole, _ := h.svc.ConversationLatest(context.Background(), conv.ID, 10); len(whole.Messages) != 6 || whole.Earlier != 0 {
		t.Fatalf("asking for more than there are gave %d messages, earlier %d", len(whole.Messages), whole.Earlier)
	}
	// The versions come from the branch's outline: a regenerated reply shows 2 of 2.
	again := h.ended(t)(h.svc.Regenerate(context.Background(), conv.ID, all[5].ID, NewID("req"), "", nil))
	latest, err = h.svc.ConversationLatest(context.Background(), conv.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	last := latest.Messages[len(latest.Messages)-1]
	if last.ID != again.AssistantMessageID || last.Content == "" || last.Versions == nil || last.Versions.Count != 2 || latest.Earlier != 4 {
		t.Fatalf("after regenerate the latest are %v (versions %+v, earlier %d)", contents(latest.Messages), last.Versions, latest.Earlier)
	}
}
