package store

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// seedToolTurn stores a question and a reply that called two tools in one step, then a third
// in a second step, with text before, between and after.
func seedToolTurn(t *testing.T, s *Store) (Conversation, Message) {
	t.Helper()
	c := mustConv(t, s, Conversation{Title: "tools"})
	q := mustMsg(t, s, Message{ConversationID: c.ID, Role: RoleUser, Content: "what is in /tmp/a.txt?"})
	content := "Let me read it." + "Now the clock." + "The file says 今天天气很好."
	r := mustMsg(t, s, Message{ConversationID: c.ID, ParentID: q.ID, Role: RoleAssistant, Content: content, Status: StatusComplete})
	calls := []ToolCall{
		{CallID: "c1", Step: 0, Index: 0, TextOffset: 15, APIName: "fs_read_file", Server: "fs", Tool: "read_file", Arguments: `{"path":"/tmp/a.txt"}`, Result: "今天天气很好\nline two\nzebra-quagga"},
		{CallID: "c2", Step: 0, Index: 1, TextOffset: 15, APIName: "fs_stat", Server: "fs", Tool: "stat", Arguments: `{"path":"/tmp/a.txt"}`, Outcome: ToolOutcomeError, Result: "permission denied"},
		{CallID: "c3", Step: 1, Index: 0, TextOffset: 29, APIName: "clock_now", Server: "clock", Tool: "now", Arguments: `{}`, Result: "2025-03-01T09:00:00Z"},
	}
	for _, tc := range calls {
		tc.MessageID = r.ID
		if err := s.AddToolCall(ctx, tc); err != nil {
			t.Fatal(err)
		}
		tc.State, tc.DurationMs = ToolStateDone, 12
		if tc.Outcome == "" {
			tc.Outcome = ToolOutcomeOK
		}
		if err := s.UpdateToolCall(ctx, tc); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.Message(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c, r
}

func TestToolCallsAreReadWithTheirMessage(t *testing.T) {
	s := newTestStore(t)
	c, r := seedToolTurn(t, s)
	msgs, err := s.Messages(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := msgs[1].ToolCalls
	if len(got) != 3 || got[0].CallID != "c1" || got[1].CallID != "c2" || got[2].CallID != "c3" {
		t.Fatalf("calls out of order or missing: %+v", got)
	}
	if got[1].State != ToolStateDone || got[1].Outcome != ToolOutcomeError || got[1].Result != "permission denied" ||
		got[0].Server != "fs" || got[0].Tool != "read_file" || got[0].TextOffset != 15 || got[2].Step != 1 || got[0].DurationMs != 12 {
		t.Fatalf("fields not kept: %+v", got)
	}
	if len(msgs[0].ToolCalls) != 0 || len(r.ToolCalls) != 3 {
		t.Fatalf("question has calls or Message() lacks them")
	}
	if err := s.UpdateToolCall(ctx, ToolCall{MessageID: r.ID, CallID: "nope", APIName: "x", State: ToolStateDone}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update of a missing call: %v", err)
	}
	if err := s.AddToolCall(ctx, ToolCall{MessageID: r.ID, CallID: "c9", APIName: "x", State: "exploded"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown state accepted: %v", err)
	}
	// Deleting the message takes its calls (and their search entries) with it.
	if err := s.DeleteMessage(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM tool_calls`); n != 0 {
		t.Fatalf("%d calls outlived their message", n)
	}
	if g, _ := s.Search(ctx, "zebra-quagga", 10); len(g) != 0 {
		t.Fatalf("deleted result still found: %+v", g)
	}
	toolIndexOK(t, s)
}

func toolIndexOK(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.db.Exec(`INSERT INTO tool_calls_fts (tool_calls_fts) VALUES ('integrity-check')`); err != nil {
		t.Fatalf("tool result index out of sync: %v", err)
	}
}

func TestOpenMarksUnfinishedCallsInterrupted(t *testing.T) {
	dir := t.TempDir()
	s, _ := openTest(t, dir)
	c := mustConv(t, s, Conversation{Title: "x"})
	r := mustMsg(t, s, Message{ConversationID: c.ID, Role: RoleAssistant, Status: StatusStreaming})
	for _, tc := range []ToolCall{
		{CallID: "req", APIName: "a", State: ToolStateRequested},
		{CallID: "run", APIName: "b", State: ToolStateRunning},
		{CallID: "done", APIName: "c", State: ToolStateDone, Outcome: ToolOutcomeOK, Result: "fine"},
	} {
		tc.MessageID = r.ID
		if err := s.AddToolCall(ctx, tc); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, _ = openTest(t, dir)
	got, err := s.Message(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"req": ToolOutcomeInterrupted, "run": ToolOutcomeInterrupted, "done": ToolOutcomeOK}
	for _, tc := range got.ToolCalls {
		if tc.State != ToolStateDone || tc.Outcome != want[tc.CallID] {
			t.Errorf("%s: state %s outcome %s", tc.CallID, tc.State, tc.Outcome)
		}
		if tc.Outcome == ToolOutcomeInterrupted && tc.Result != InterruptedResult {
			t.Errorf("%s: result %q", tc.CallID, tc.Result)
		}
	}
	// An interrupted call's note is searchable like any result; that is fine, it is what the
	// user sees. The index must be consistent after the bulk update.
	toolIndexOK(t, s)
}

func TestMigrateV4ToV5KeepsData(t *testing.T) {
	dir := t.TempDir()
	old, _, err := open(dir, Options{Now: newClock().Now}, migrations[:4])
	if err != nil {
		t.Fatal(err)
	}
	c := Conversation{ID: NewID(), Title: "old"}
	if err := old.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	m := Message{ID: NewID(), ConversationID: c.ID, Role: RoleAssistant, Content: "kept across the upgrade 天气"}
	if err := old.AddMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	old.Close()

	s, rep := openTest(t, dir)
	if rep.FromVersion != 4 || rep.ToVersion != len(migrations) || rep.Backup == "" {
		t.Fatalf("report %+v", rep)
	}
	got, err := s.Message(ctx, m.ID)
	if err != nil || got.Content != m.Content || len(got.ToolCalls) != 0 {
		t.Fatalf("message after migration: %+v %v", got, err)
	}
	if g, _ := s.Search(ctx, "天气", 10); len(g) != 1 {
		t.Fatalf("old message not searchable after migration: %+v", g)
	}
	if err := s.AddToolCall(ctx, ToolCall{MessageID: m.ID, CallID: "c", APIName: "a"}); err != nil {
		t.Fatalf("new table unusable: %v", err)
	}
	if n := queryInt(t, rawDB(t, rep.Backup), `PRAGMA user_version`); n != 4 {
		t.Fatalf("backup is v%d", n)
	}
	integrityOK(t, rep.Path)
}

func TestSearchFindsToolResults(t *testing.T) {
	s := newTestStore(t)
	c, r := seedToolTurn(t, s)
	// A call still running is not indexed: its result is not there yet.
	if err := s.AddToolCall(ctx, ToolCall{MessageID: r.ID, CallID: "c4", Step: 2, APIName: "x", State: ToolStateRunning, Result: "okapi-partial"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query string
		call  string // "" = no tool hit expected
	}{
		{"zebra-quagga", "c1"}, // trigram
		{"permission", "c2"},
		{"天气", "c1"},        // short CJK: instr
		{"two zebra", "c1"}, // every term, short and long
		{"okapi-partial", ""},
	} {
		groups, err := s.Search(ctx, tt.query, 10)
		if err != nil {
			t.Fatal(err)
		}
		var hit *SearchHit
		for _, g := range groups {
			for i, h := range g.Hits {
				if h.InToolResult {
					hit = &g.Hits[i]
				}
			}
		}
		switch {
		case tt.call == "" && hit != nil:
			t.Errorf("%q: unexpected tool hit %+v", tt.query, hit)
		case tt.call != "" && (hit == nil || hit.ToolCallID != tt.call || hit.MessageID != r.ID || hit.ConversationID != c.ID):
			t.Errorf("%q: tool hit %+v, want call %s", tt.query, hit, tt.call)
		case hit != nil && !strings.Contains(partsText(hit.Snippet), strings.Fields(tt.query)[0]):
			t.Errorf("%q: snippet %q", tt.query, partsText(hit.Snippet))
		}
	}
	toolIndexOK(t, s)
}

func partsText(ps []SearchPart) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Text)
	}
	return b.String()
}

func TestExportImportToolCalls(t *testing.T) {
	s := newTestStore(t)
	c, r := seedToolTurn(t, s)
	var buf bytes.Buffer
	if err := s.ExportJSON(ctx, &buf, []string{c.ID}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()

	fresh := newTestStore(t)
	if _, err := fresh.ImportJSON(ctx, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	got, err := fresh.Message(ctx, r.ID)
	if err != nil || len(got.ToolCalls) != 3 {
		t.Fatalf("imported %+v %v", got, err)
	}
	for i, tc := range got.ToolCalls {
		want := r.ToolCalls[i]
		if tc != want {
			t.Errorf("call %d differs after round trip:\n got %+v\nwant %+v", i, tc, want)
		}
	}
	if g, _ := fresh.Search(ctx, "zebra-quagga", 10); len(g) != 1 {
		t.Errorf("imported result not searchable")
	}

	// Imported again into the same store, ids are renamed and the calls follow the message.
	rep, err := s.ImportJSON(ctx, bytes.NewReader(data))
	if err != nil || rep.Renamed != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM tool_calls`); n != 6 {
		t.Fatalf("%d calls after importing a copy, want 6", n)
	}
	toolIndexOK(t, s)
	toolIndexOK(t, fresh)
}

func TestImportRefusesBadToolCalls(t *testing.T) {
	base := `{"format":"qwendesk-export","version":1,"conversations":[{"id":"c","messages":[
		{"id":"m","role":"%ROLE%","status":"complete","content":"abc","toolCalls":[%CALLS%]}]}]}`
	for _, tt := range []struct {
		name, role, calls, want string
	}{
		{"no call id", "assistant", `{"apiName":"a","state":"done"}`, "no call id"},
		{"no name", "assistant", `{"callId":"x","state":"done"}`, "no tool name"},
		{"unknown state", "assistant", `{"callId":"x","apiName":"a","state":"boom"}`, "unknown state"},
		{"unknown outcome", "assistant", `{"callId":"x","apiName":"a","state":"done","outcome":"meh"}`, "unknown outcome"},
		{"duplicate", "assistant", `{"callId":"x","apiName":"a","state":"done"},{"callId":"x","apiName":"b","state":"done"}`, "same call id"},
		{"offset past the text", "assistant", `{"callId":"x","apiName":"a","state":"done","textOffset":4}`, "outside the message's text"},
		{"on a user message", "user", `{"callId":"x","apiName":"a","state":"done"}`, "not an assistant message"},
		{"other message", "assistant", `{"messageId":"z","callId":"x","apiName":"a","state":"done"}`, "belongs to message"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			doc := strings.NewReplacer("%ROLE%", tt.role, "%CALLS%", tt.calls).Replace(base)
			_, err := s.ImportJSON(ctx, strings.NewReader(doc))
			var ie *ImportError
			if !errors.As(err, &ie) || !strings.Contains(ie.Reason, tt.want) {
				t.Fatalf("err %v, want a refusal mentioning %q", err, tt.want)
			}
			if n := queryInt(t, s.db, `SELECT count(*) FROM messages`); n != 0 {
				t.Fatalf("a refused import wrote %d messages", n)
			}
		})
	}
	// A call the exporting app had not finished arrives interrupted, not running.
	s := newTestStore(t)
	doc := strings.NewReplacer("%ROLE%", "assistant", "%CALLS%", `{"callId":"x","apiName":"a","state":"running"}`).Replace(base)
	if _, err := s.ImportJSON(ctx, strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	m, _ := s.Message(ctx, "m")
	if len(m.ToolCalls) != 1 || m.ToolCalls[0].Outcome != ToolOutcomeInterrupted || m.ToolCalls[0].State != ToolStateDone {
		t.Fatalf("%+v", m.ToolCalls)
	}
}

func TestMarkdownShowsToolCalls(t *testing.T) {
	s := newTestStore(t)
	c, _ := seedToolTurn(t, s)
	var buf bytes.Buffer
	if err := s.ExportMarkdown(ctx, &buf, []string{c.ID}); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{"Let me read it.\n\n> 🔧 **Tool call** `read_file` on `fs` — ok", `{"path":"/tmp/a.txt"}`,
		"> 今天天气很好\n> line two", "`stat` on `fs` — error", "permission denied", "Now the clock.\n\n> 🔧 **Tool call** `now`", "The file says"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Index(md, "Let me read it.") > strings.Index(md, "read_file") || strings.Index(md, "now`") > strings.Index(md, "The file says") {
		t.Errorf("calls are not placed where they happened:\n%s", md)
	}
}
