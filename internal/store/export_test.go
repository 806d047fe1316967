package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// seedRich fills a store with every field set somewhere, odd characters, nanosecond times,
// a soft-deleted conversation (which must not be exported) and a message deleted from the
// middle of a chain.
func seedRich(t *testing.T, s *Store) {
	t.Helper()
	at := time.Date(2025, 7, 8, 9, 10, 11, 121314151, time.FixedZone("CST", 8*3600))
	c1 := mustConv(t, s, Conversation{
		Title: "Trip \"北京\" <plan> & more", Model: "qwen-plus", SystemPrompt: "You are helpful.\nLine two.",
		Params: Params{Temperature: ptr(0.25), MaxTokens: ptr(100), EnableThinking: ptr(true), ThinkingBudget: ptr(50), EnableSearch: ptr(true), TopP: ptr(1.0)},
		Pinned: true, TitleAuto: true, CreatedAt: at, UpdatedAt: at,
	})
	u := mustMsg(t, s, Message{ConversationID: c1.ID, Role: RoleUser, Content: "去北京玩三天，怎么安排？", Status: StatusComplete, CreatedAt: at.Add(1),
		Images: []string{"data:image/png;base64,iVBORw0KGgo=", "data:image/jpeg;base64,/9j/4AAQ"}})
	a := mustMsg(t, s, Message{
		ConversationID: c1.ID, ParentID: u.ID, Role: RoleAssistant, Content: "Day 1: 故宫\n\n```go\nfmt.Println(1)\n```",
		Reasoning: "The user wants…", Status: StatusComplete, Model: "qwen-plus", FinishReason: "stop",
		Usage:           &Usage{PromptTokens: 10, CompletionTokens: 20, TotalTokens: 30, CachedTokens: 5, ReasoningTokens: 7},
		ServerRequestID: "req-abc", FirstTokenMs: 250, DurationMs: 3000, CreatedAt: at.Add(2), UpdatedAt: at.Add(3 * time.Second),
	})
	mid := mustMsg(t, s, Message{ConversationID: c1.ID, ParentID: a.ID, Role: RoleUser, Content: "delete me", CreatedAt: at.Add(3)})
	last := mustMsg(t, s, Message{ConversationID: c1.ID, ParentID: mid.ID, Role: RoleUser, Content: "and day 2?", CreatedAt: at.Add(4)})
	mustMsg(t, s, Message{ConversationID: c1.ID, ParentID: last.ID, Role: RoleAssistant, Status: StatusError, Content: "Day 2: 长",
		ErrorKind: "network", ErrorMessage: "connection reset", CreatedAt: at.Add(5), Usage: &Usage{}})
	if err := s.DeleteMessage(ctx, mid.ID); err != nil {
		t.Fatal(err)
	}
	c1.ActiveLeaf = a.ID // an earlier branch is on screen
	if err := s.UpdateConversation(ctx, c1); err != nil {
		t.Fatal(err)
	}

	c2 := mustConv(t, s, Conversation{Title: "", CreatedAt: at.Add(time.Hour)})
	mustMsg(t, s, Message{ConversationID: c2.ID, Role: RoleSystem, Content: "sys", CreatedAt: at.Add(time.Hour)})
	mustMsg(t, s, Message{ConversationID: c2.ID, Role: RoleAssistant, Status: StatusStopped, Content: "partial", CreatedAt: at.Add(time.Hour)})
	mustConv(t, s, Conversation{Title: "empty"})

	gone := mustConv(t, s, Conversation{Title: "deleted"})
	mustMsg(t, s, Message{ConversationID: gone.ID, Content: "never exported"})
	if err := s.DeleteConversation(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
}

type snapshot struct {
	Conversations []ConversationSummary
	Messages      map[string][]Message
}

func snap(t *testing.T, s *Store) snapshot {
	t.Helper()
	list, err := s.ListConversations(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := snapshot{Conversations: list, Messages: map[string][]Message{}}
	for _, c := range list {
		if out.Messages[c.ID], err = s.Messages(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func exportJSON(t *testing.T, s *Store, ids []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.ExportJSON(ctx, &buf, ids); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExportImportRoundTrip(t *testing.T) {
	src := newTestStore(t)
	seedRich(t, src)
	data := exportJSON(t, src, nil)
	if !json.Valid(data) {
		t.Fatalf("export is not valid JSON:\n%s", data)
	}
	var ex Export
	if err := json.Unmarshal(data, &ex); err != nil || ex.Format != ExportFormat || ex.Version != ExportVersion || len(ex.Conversations) != 3 {
		t.Fatalf("export header/contents: %+v %v", ex, err)
	}
	if bytes.Contains(data, []byte("never exported")) {
		t.Fatal("a deleted conversation was exported")
	}

	dst := newTestStore(t)
	rep, err := dst.ImportJSON(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if rep != (ImportReport{Conversations: 3, Messages: 6}) {
		t.Fatalf("report = %+v", rep)
	}
	if want, got := snap(t, src), snap(t, dst); !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", " ")
		wj, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("imported store differs:\n got %s\nwant %s", gj, wj)
	}
	// And the import is searchable.
	if g, _ := dst.Search(ctx, "故宫", 5); len(g) != 1 {
		t.Fatalf("imported messages not indexed: %+v", g)
	}
	integrityOK(t, dst.Path())

	// Exporting the copy gives the same file, apart from the export time.
	again := exportJSON(t, dst, nil)
	strip := func(b []byte) string {
		return strings.SplitN(string(b), "\n", 5)[4]
	}
	if strip(again) != strip(data) {
		t.Fatal("re-export differs from the original export")
	}
}

func TestImportExistingIDsGetFreshOnes(t *testing.T) {
	s := newTestStore(t)
	seedRich(t, s)
	before := snap(t, s)
	data := exportJSON(t, s, []string{before.Conversations[0].ID})

	rep, err := s.ImportJSON(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if rep != (ImportReport{Conversations: 1, Messages: 4, Renamed: 1}) {
		t.Fatalf("report = %+v", rep)
	}
	after := snap(t, s)
	if len(after.Conversations) != len(before.Conversations)+1 {
		t.Fatalf("conversations: %d → %d", len(before.Conversations), len(after.Conversations))
	}
	orig := before.Conversations[0]
	var copyID string
	for _, c := range after.Conversations {
		if c.Title == orig.Title && c.ID != orig.ID {
			copyID = c.ID
		}
	}
	if copyID == "" {
		t.Fatal("renamed copy not found")
	}
	origMsgs, copyMsgs := before.Messages[orig.ID], after.Messages[copyID]
	if len(copyMsgs) != len(origMsgs) {
		t.Fatalf("copy has %d messages, want %d", len(copyMsgs), len(origMsgs))
	}
	// Same chain shape, new ids.
	pos := map[string]int{"": -1}
	for i, m := range origMsgs {
		pos[m.ID] = i
	}
	copyPos := map[string]int{"": -1}
	for i, m := range copyMsgs {
		copyPos[m.ID] = i
		if m.ID == origMsgs[i].ID || m.ConversationID != copyID || m.Content != origMsgs[i].Content {
			t.Fatalf("message %d not renamed properly: %+v", i, m)
		}
	}
	for i := range copyMsgs {
		if copyPos[copyMsgs[i].ParentID] != pos[origMsgs[i].ParentID] {
			t.Fatalf("message %d parent moved", i)
		}
	}
	copyConv, err := s.Conversation(ctx, copyID)
	if err != nil || orig.ActiveLeaf == "" || copyPos[copyConv.ActiveLeaf] != pos[orig.ActiveLeaf] {
		t.Fatalf("the branch on screen was not carried over: %q (original %q)", copyConv.ActiveLeaf, orig.ActiveLeaf)
	}
}

func TestExportUnknownIDIsNotFound(t *testing.T) {
	s := newTestStore(t)
	var buf bytes.Buffer
	for _, f := range []func() error{
		func() error { return s.ExportJSON(ctx, &buf, []string{"nope"}) },
		func() error { return s.ExportMarkdown(ctx, &buf, []string{"nope"}) },
	} {
		if err := f(); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	}
	if data := exportJSON(t, s, nil); !json.Valid(data) {
		t.Fatalf("empty export is not valid JSON: %s", data)
	}
}

func TestImportRefusesMalformedFiles(t *testing.T) {
	src := newTestStore(t)
	seedRich(t, src)
	good := exportJSON(t, src, nil)

	// mutate edits a decoded copy of the good export.
	mutate := func(f func(ex map[string]any)) string {
		var ex map[string]any
		if err := json.Unmarshal(good, &ex); err != nil {
			t.Fatal(err)
		}
		f(ex)
		b, _ := json.Marshal(ex)
		return string(b)
	}
	conv := func(ex map[string]any, i int) map[string]any { return ex["conversations"].([]any)[i].(map[string]any) }
	msg := func(ex map[string]any, i, j int) map[string]any {
		return conv(ex, i)["messages"].([]any)[j].(map[string]any)
	}

	cases := []struct {
		name, file, reason string
	}{
		{"not JSON", "hello", "not valid JSON"},
		{"empty", "", "the file is empty"},
		{"truncated", string(good[:len(good)/2]), "truncated"},
		{"trailing garbage", string(good) + "}", "unexpected data after the end"},
		{"syntax error", `{"format": "qwendesk-export",, }`, "not valid JSON: invalid character ',' looking for beginning of object key string at line 1, column 30"},
		{"not an object", `[1, 2]`, "should be a JSON object"},
		{"other program's JSON", `{"messages": [1, 2]}`, `not a QwenDesk export (its "format" is missing`},
		{"wrong format", mutate(func(ex map[string]any) { ex["format"] = "chatbox" }), `"chatbox"`},
		{"newer version", mutate(func(ex map[string]any) { ex["version"] = 2 }), "newer QwenDesk"},
		{"version as text", mutate(func(ex map[string]any) { ex["version"] = "1" }), `"version" is "1"`},
		{"wrong type", mutate(func(ex map[string]any) { conv(ex, 0)["pinned"] = "yes" }), `"pinned" should be true or false, not string`},
		{"unknown role", mutate(func(ex map[string]any) { msg(ex, 0, 2)["role"] = "robot" }),
			`conversation 1 ("Trip \"北京\" <plan> & more"): message 3 has unknown role "robot"`},
		{"unknown status", mutate(func(ex map[string]any) { msg(ex, 1, 0)["status"] = "done" }), `conversation 2 (""): message 1 has unknown status "done"`},
		{"message in the wrong conversation", mutate(func(ex map[string]any) { msg(ex, 1, 1)["conversationId"] = conv(ex, 0)["id"] }),
			"message 2 says it belongs to conversation"},
		{"missing conversation id", mutate(func(ex map[string]any) { delete(conv(ex, 2), "id") }), `conversation 3 ("empty") has no id`},
		{"branch on screen from another conversation", mutate(func(ex map[string]any) { conv(ex, 1)["activeLeaf"] = msg(ex, 0, 0)["id"] }),
			`conversation 2 ("") shows message`},
		{"missing message id", mutate(func(ex map[string]any) { msg(ex, 0, 0)["id"] = "" }), "message 1 has no id"},
		{"parent in another conversation", mutate(func(ex map[string]any) { msg(ex, 1, 0)["parentId"] = msg(ex, 0, 0)["id"] }),
			"which is not another message of the same conversation"},
		{"duplicate conversation id", mutate(func(ex map[string]any) { conv(ex, 1)["id"] = conv(ex, 0)["id"] }), "same id as conversation 1"},
		{"duplicate message id", mutate(func(ex map[string]any) { msg(ex, 1, 0)["id"] = msg(ex, 0, 0)["id"] }), "same id as conversation 1"},
	}
	dir := t.TempDir()
	s, _ := openTest(t, dir)
	seed := mustConv(t, s, Conversation{Title: "already here"})
	mustMsg(t, s, Message{ConversationID: seed.ID, Content: "x"})
	before := snap(t, s)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := s.ImportJSON(ctx, strings.NewReader(tc.file))
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want *ImportError", err)
			}
			if !strings.Contains(ie.Reason, tc.reason) {
				t.Fatalf("reason %q does not mention %q", ie.Reason, tc.reason)
			}
			if rep != (ImportReport{}) {
				t.Fatalf("report %+v for a refused file", rep)
			}
			if after := snap(t, s); !reflect.DeepEqual(after, before) {
				t.Fatal("a refused import changed the store")
			}
		})
	}

	// Unknown fields are ignored, so a newer export with extra fields still imports.
	extra := mutate(func(ex map[string]any) { ex["app"] = "x"; msg(ex, 0, 0)["sentiment"] = "happy" })
	if _, err := s.ImportJSON(ctx, strings.NewReader(extra)); err != nil {
		t.Fatalf("unknown fields: %v", err)
	}
}

func TestImportRefusesHugeFile(t *testing.T) {
	s := newTestStore(t)
	f, err := os.CreateTemp(t.TempDir(), "huge-*.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(MaxImportBytes + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	_, err = s.ImportJSON(ctx, f)
	var ie *ImportError
	if !errors.As(err, &ie) || !strings.Contains(ie.Reason, "larger than 512 MiB") {
		t.Fatalf("got %v", err)
	}
}

func TestExportMarkdown(t *testing.T) {
	s := newTestStore(t)
	seedRich(t, s)
	var buf bytes.Buffer
	if err := s.ExportMarkdown(ctx, &buf, nil); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"# Trip \"北京\" <plan> & more\n",
		"Model: `qwen-plus`",
		"**You** · ",
		"**Qwen (qwen-plus)** · ",
		"<details>\n<summary>Reasoning</summary>\n\nThe user wants…\n\n</details>",
		"```go\nfmt.Println(1)\n```",
		"> _The reply failed (network): connection reset._",
		"> _Stopped before the reply was finished._",
		"# Untitled conversation",
		"**System** · ",
		"**System prompt**\n\n> You are helpful.\n> Line two.",
		"# empty",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Contains(md, "never exported") || strings.Contains(md, "delete me") {
		t.Error("markdown contains deleted content")
	}
	if t.Failed() {
		os.Stdout.WriteString(md)
	}
}
