package store

import (
	"testing"
	"time"
)

func TestUsageByDaySumsPerLocalDayAndModel(t *testing.T) {
	s := newTestStore(t)
	c := mustConv(t, s, Conversation{Title: "u"})
	shanghai := time.FixedZone("CST", 8*3600)
	// 23:30 UTC on the 1st is the 2nd in Shanghai.
	late := time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)
	add := func(at time.Time, model string, u *Usage, role string) {
		mustMsg(t, s, Message{ConversationID: c.ID, Role: role, Model: model, Status: StatusComplete, Usage: u, CreatedAt: at})
	}
	add(late, "qwen-plus", &Usage{PromptTokens: 10, CompletionTokens: 20, TotalTokens: 30, CachedTokens: 4}, RoleAssistant)
	add(late.Add(time.Minute), "qwen-plus", &Usage{PromptTokens: 1, CompletionTokens: 2, TotalTokens: 3, ReasoningTokens: 1}, RoleAssistant)
	add(late.Add(time.Hour), "qwq-plus", &Usage{PromptTokens: 5, CompletionTokens: 5, TotalTokens: 10}, RoleAssistant)
	add(late.Add(-48*time.Hour), "qwen-plus", &Usage{PromptTokens: 100, CompletionTokens: 100, TotalTokens: 200}, RoleAssistant)
	add(late, "qwen-plus", nil, RoleAssistant)                                                               // no usage reported
	add(late, "qwen-plus", &Usage{PromptTokens: 9, CompletionTokens: 9, TotalTokens: 18}, RoleUser)          // not a reply
	add(late.Add(30*24*time.Hour), "qwen-plus", &Usage{PromptTokens: 9, CompletionTokens: 9}, RoleAssistant) // after the range

	got, err := s.UsageByDay(ctx, late.Add(-72*time.Hour), late.Add(24*time.Hour), shanghai)
	if err != nil {
		t.Fatal(err)
	}
	want := []UsageDay{
		{Day: "2026-02-28", Model: "qwen-plus", Replies: 1, PromptTokens: 100, CompletionTokens: 100},
		{Day: "2026-03-02", Model: "qwen-plus", Replies: 2, PromptTokens: 11, CompletionTokens: 22, CachedTokens: 4, ReasoningTokens: 1},
		{Day: "2026-03-02", Model: "qwq-plus", Replies: 1, PromptTokens: 5, CompletionTokens: 5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
