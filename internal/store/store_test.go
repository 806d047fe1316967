package store

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"testing"
	"time"
)

func TestConversationRoundTrip(t *testing.T) {
	s := newTestStore(t)
	created := time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.FixedZone("X", -5*3600))
	want := Conversation{
		ID: NewID(), Title: "Trip to 杭州", Model: "qwen-plus", SystemPrompt: "Be brief.",
		Params: Params{
			Temperature: ptr(0.7), TopP: ptr(0.9), MaxTokens: ptr(2048),
			EnableThinking: ptr(true), ThinkingBudget: ptr(1024), EnableSearch: ptr(false),
		},
		Pinned: true, TitleAuto: true, CreatedAt: created, UpdatedAt: created.Add(time.Nanosecond),
	}
	got := mustConv(t, s, want)
	want.CreatedAt, want.UpdatedAt = want.CreatedAt.UTC(), want.UpdatedAt.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}

	want.Title, want.Model, want.SystemPrompt, want.Params = "Renamed", "qwen-max", "", Params{}
	want.Pinned, want.TitleAuto = false, true
	if err := s.UpdateConversation(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.Conversation(ctx, want.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, want)
	}

	if err := s.RenameConversation(ctx, want.ID, "Typed by user"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPinned(ctx, want.ID, true); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Conversation(ctx, want.ID)
	if got.Title != "Typed by user" || got.TitleAuto || !got.Pinned || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Fatalf("rename/pin: got %+v", got)
	}
}

func TestCreateConversationDefaultsTimes(t *testing.T) {
	s := newTestStore(t)
	got := mustConv(t, s, Conversation{Title: "x"})
	if got.CreatedAt.IsZero() || !got.UpdatedAt.Equal(got.CreatedAt) || got.CreatedAt.Location() != time.UTC {
		t.Fatalf("times not defaulted: %+v", got)
	}
	if err := s.CreateConversation(ctx, Conversation{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty id: got %v, want ErrInvalid", err)
	}
	if err := s.CreateConversation(ctx, Conversation{ID: got.ID}); err == nil {
		t.Fatal("duplicate id accepted")
	}
}

func TestMessageRoundTrip(t *testing.T) {
	s := newTestStore(t)
	c := mustConv(t, s, Conversation{Title: "t"})
	at := time.Date(2025, 5, 5, 10, 0, 0, 1, time.UTC)
	user := Message{ID: NewID(), ConversationID: c.ID, Role: RoleUser, Content: "你好 Qwen", Status: StatusComplete,
		CreatedAt: at, UpdatedAt: at}
	full := Message{
		ID: NewID(), ConversationID: c.ID, ParentID: user.ID, Role: RoleAssistant,
		Content: "answer", Reasoning: "thinking…", Status: StatusError, Model: "qwen3-max",
		FinishReason: "stop", Usage: &Usage{PromptTokens: 1, CompletionTokens: 2, TotalTokens: 3, CachedTokens: 4, ReasoningTokens: 5},
		ErrorKind: "rate_limit", ErrorMessage: "slow down", ServerRequestID: "req-1",
		FirstTokenMs: 321, DurationMs: 4567, CreatedAt: at.Add(time.Nanosecond), UpdatedAt: at.Add(time.Second),
	}
	zeroUsage := Message{ID: NewID(), ConversationID: c.ID, ParentID: full.ID, Role: RoleAssistant,
		Status: StatusComplete, Usage: &Usage{}, CreatedAt: at.Add(time.Nanosecond), UpdatedAt: at.Add(time.Nanosecond)}
	for _, m := range []Message{user, full, zeroUsage} {
		if got := mustMsg(t, s, m); !reflect.DeepEqual(got, m) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
		}
	}
	if got, _ := s.Message(ctx, user.ID); got.Usage != nil {
		t.Fatalf("no usage reported must stay nil, got %+v", got.Usage)
	}

	// Ties on CreatedAt keep insertion order.
	msgs, err := s.Messages(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 || msgs[0].ID != user.ID || msgs[1].ID != full.ID || msgs[2].ID != zeroUsage.ID {
		t.Fatalf("order: %v", ids(msgs))
	}

	conv, _ := s.Conversation(ctx, c.ID)
	if !conv.UpdatedAt.Equal(zeroUsage.CreatedAt) {
		t.Fatalf("conversation UpdatedAt = %v, want the last message's CreatedAt %v", conv.UpdatedAt, zeroUsage.CreatedAt)
	}
}

func ids(ms []Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID[:6] + ":" + m.Content
	}
	return out
}

func TestUpdateMessageCheckpoints(t *testing.T) {
	s := newTestStore(t)
	c := mustConv(t, s, Conversation{})
	m := mustMsg(t, s, Message{ConversationID: c.ID, Role: RoleAssistant, Status: StatusStreaming, Model: "qwen-plus"})
	convBefore, _ := s.Conversation(ctx, c.ID)

	m.Content, m.Reasoning, m.Status = "partial", "hmm", StatusStreaming
	m.Model = "" // an update without a model keeps the one recorded at creation
	m.UpdatedAt = time.Time{}
	if err := s.UpdateMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Message(ctx, m.ID)
	if got.Content != "partial" || got.Reasoning != "hmm" || got.Model != "qwen-plus" || !got.UpdatedAt.After(got.CreatedAt) {
		t.Fatalf("checkpoint: %+v", got)
	}

	got.Status, got.FinishReason, got.Usage, got.Model = StatusComplete, "stop", &Usage{TotalTokens: 9}, "qwen-plus-2025"
	if err := s.UpdateMessage(ctx, got); err != nil {
		t.Fatal(err)
	}
	final, _ := s.Message(ctx, m.ID)
	if !reflect.DeepEqual(final, got) {
		t.Fatalf("final:\n got %+v\nwant %+v", final, got)
	}
	if convAfter, _ := s.Conversation(ctx, c.ID); !reflect.DeepEqual(convAfter, convBefore) {
		t.Fatal("UpdateMessage must not touch the conversation")
	}
	if err := s.UpdateMessage(ctx, Message{ID: m.ID, Status: "bogus"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad status: %v", err)
	}
}

func TestDeleteMessageRelinksChildren(t *testing.T) {
	s := newTestStore(t)
	c := mustConv(t, s, Conversation{})
	a := mustMsg(t, s, Message{ConversationID: c.ID, Content: "a"})
	b := mustMsg(t, s, Message{ConversationID: c.ID, ParentID: a.ID, Role: RoleAssistant, Content: "b"})
	cc := mustMsg(t, s, Message{ConversationID: c.ID, ParentID: b.ID, Content: "c"})
	if err := s.DeleteMessage(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Message(ctx, b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted message still there: %v", err)
	}
	got, _ := s.Message(ctx, cc.ID)
	if got.ParentID != a.ID {
		t.Fatalf("child parent = %q, want %q", got.ParentID, a.ID)
	}
	integrityOK(t, s.Path())
}

func TestNotFoundAndInvalid(t *testing.T) {
	s := newTestStore(t)
	live := mustConv(t, s, Conversation{})
	gone := mustConv(t, s, Conversation{})
	if err := s.DeleteConversation(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func() error
		want error
	}{
		{"conversation missing", func() error { _, err := s.Conversation(ctx, "nope"); return err }, ErrNotFound},
		{"conversation soft-deleted", func() error { _, err := s.Conversation(ctx, gone.ID); return err }, ErrNotFound},
		{"update missing", func() error { return s.UpdateConversation(ctx, Conversation{ID: "nope"}) }, ErrNotFound},
		{"update deleted", func() error { return s.UpdateConversation(ctx, gone) }, ErrNotFound},
		{"rename missing", func() error { return s.RenameConversation(ctx, "nope", "x") }, ErrNotFound},
		{"pin deleted", func() error { return s.SetPinned(ctx, gone.ID, true) }, ErrNotFound},
		{"delete twice", func() error { return s.DeleteConversation(ctx, gone.ID) }, ErrNotFound},
		{"restore missing", func() error { return s.RestoreConversation(ctx, "nope") }, ErrNotFound},
		{"message missing", func() error { _, err := s.Message(ctx, "nope"); return err }, ErrNotFound},
		{"update message missing", func() error { return s.UpdateMessage(ctx, Message{ID: "nope", Status: StatusComplete}) }, ErrNotFound},
		{"delete message missing", func() error { return s.DeleteMessage(ctx, "nope") }, ErrNotFound},
		{"add to missing conversation", func() error {
			return s.AddMessage(ctx, Message{ID: NewID(), ConversationID: "nope", Role: RoleUser})
		}, ErrNotFound},
		{"add to deleted conversation", func() error {
			return s.AddMessage(ctx, Message{ID: NewID(), ConversationID: gone.ID, Role: RoleUser})
		}, ErrNotFound},
		{"add with unknown role", func() error {
			return s.AddMessage(ctx, Message{ID: NewID(), ConversationID: live.ID, Role: "robot"})
		}, ErrInvalid},
		{"add with unknown status", func() error {
			return s.AddMessage(ctx, Message{ID: NewID(), ConversationID: live.ID, Role: RoleUser, Status: "done"})
		}, ErrInvalid},
		{"add without id", func() error { return s.AddMessage(ctx, Message{ConversationID: live.ID, Role: RoleUser}) }, ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	if msgs, err := s.Messages(ctx, "nope"); err != nil || len(msgs) != 0 {
		t.Fatalf("Messages of unknown conversation = %v, %v; want empty, nil", msgs, err)
	}
}

func TestListConversationsOrder(t *testing.T) {
	s := newTestStore(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(title string, updated int, pinned bool) Conversation {
		return mustConv(t, s, Conversation{Title: title, Pinned: pinned, CreatedAt: base, UpdatedAt: base.Add(time.Duration(updated) * time.Hour)})
	}
	old := mk("old", 1, false)
	mk("pinned-old", 2, true)
	mk("new", 5, false)
	mk("pinned-new", 4, true)
	deleted := mk("deleted", 9, true)
	if err := s.DeleteConversation(ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	// A new message moves "old" to the top of the unpinned ones.
	m := mustMsg(t, s, Message{ConversationID: old.ID, Content: "hi", CreatedAt: base.Add(6 * time.Hour)})
	mustMsg(t, s, Message{ConversationID: old.ID, Content: "again", CreatedAt: base.Add(5 * time.Hour)})

	list, err := s.ListConversations(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, c := range list {
		titles = append(titles, c.Title)
	}
	want := []string{"pinned-new", "pinned-old", "old", "new"}
	if !reflect.DeepEqual(titles, want) {
		t.Fatalf("order = %v, want %v", titles, want)
	}
	if list[2].MessageCount != 2 || !list[2].LastMessageAt.Equal(m.CreatedAt) || !list[2].UpdatedAt.Equal(m.CreatedAt) {
		t.Fatalf("summary of old = %+v", list[2])
	}
	if list[3].MessageCount != 0 || !list[3].LastMessageAt.IsZero() {
		t.Fatalf("summary of empty conversation = %+v", list[3])
	}
	page, _ := s.ListConversations(ctx, 2, 1)
	if len(page) != 2 || page[0].Title != "pinned-old" || page[1].Title != "old" {
		t.Fatalf("limit/offset page = %+v", page)
	}
}

func TestSoftDeleteRestoreAndPurge(t *testing.T) {
	dir := t.TempDir()
	s, _ := openTest(t, dir)
	keep := mustConv(t, s, Conversation{Title: "keep"})
	drop := mustConv(t, s, Conversation{Title: "drop"})
	mustMsg(t, s, Message{ConversationID: drop.ID, Content: "secret recipe"})
	mustMsg(t, s, Message{ConversationID: keep.ID, Content: "public recipe"})

	if err := s.DeleteConversation(ctx, drop.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListConversations(ctx, 0, 0); len(list) != 1 || list[0].ID != keep.ID {
		t.Fatalf("deleted conversation listed: %+v", list)
	}
	if res, _ := s.Search(ctx, "recipe", 10); len(res) != 1 || res[0].ConversationID != keep.ID {
		t.Fatalf("deleted conversation searchable: %+v", res)
	}
	if err := s.RestoreConversation(ctx, drop.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Conversation(ctx, drop.ID); err != nil || got.Title != "drop" {
		t.Fatalf("restore: %+v %v", got, err)
	}
	if err := s.RestoreConversation(ctx, drop.ID); err != nil {
		t.Fatalf("restoring a live conversation should be a no-op, got %v", err)
	}

	if err := s.DeleteConversation(ctx, drop.ID); err != nil {
		t.Fatal(err)
	}
	// Deleted "in the future" relative to the cut-off: kept for Undo.
	if n, err := s.PurgeDeleted(ctx, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || n != 0 {
		t.Fatalf("purge before deletion time = %d, %v", n, err)
	}
	s.Close()

	// The next session purges what the previous one deleted, messages included.
	tomorrow := newClock()
	tomorrow.t = tomorrow.t.Add(24 * time.Hour)
	s2, rep := openTestClock(t, dir, tomorrow)
	if rep.Purged != 1 {
		t.Fatalf("Purged = %d, want 1", rep.Purged)
	}
	if err := s2.RestoreConversation(ctx, drop.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("restore after purge: %v", err)
	}
	if n := queryInt(t, s2.db, `SELECT count(*) FROM messages WHERE conversation_id = ?`, drop.ID); n != 0 {
		t.Fatalf("%d messages of the purged conversation remain", n)
	}
	s2.Close()
	integrityOK(t, rep.Path)
}

func TestSettings(t *testing.T) {
	s := newTestStore(t)
	if _, ok, err := s.Setting(ctx, "theme"); ok || err != nil {
		t.Fatalf("unset setting: ok=%v err=%v", ok, err)
	}
	for _, v := range []string{"dark", "light", ""} {
		if err := s.SetSetting(ctx, "theme", v); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.Setting(ctx, "theme"); got != v || !ok || err != nil {
			t.Fatalf("Setting = %q %v %v, want %q", got, ok, err, v)
		}
	}
}

// The app streams a reply (checkpoints) while the user searches, sends in another
// conversation and exports: none of that may fail with "database is locked".
func TestConcurrentUse(t *testing.T) {
	s := newTestStore(t)
	a := mustConv(t, s, Conversation{Title: "streaming"})
	b := mustConv(t, s, Conversation{Title: "other"})
	reply := mustMsg(t, s, Message{ConversationID: a.ID, Role: RoleAssistant, Status: StatusStreaming})

	errs := make(chan error, 4)
	var wg sync.WaitGroup
	run := func(n int, f func(i int) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				if err := f(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	run(100, func(i int) error {
		reply.Content += fmt.Sprintf("token %d 天气 ", i)
		return s.UpdateMessage(ctx, reply)
	})
	run(50, func(i int) error {
		return s.AddMessage(ctx, Message{ID: NewID(), ConversationID: b.ID, Role: RoleUser, Content: fmt.Sprint("msg ", i)})
	})
	run(50, func(int) error { _, err := s.Search(ctx, "天气", 10); return err })
	run(10, func(int) error { return s.ExportJSON(ctx, io.Discard, nil) })
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if msgs, _ := s.Messages(ctx, b.ID); len(msgs) != 50 {
		t.Fatalf("%d messages written, want 50", len(msgs))
	}
	integrityOK(t, s.Path())
}
