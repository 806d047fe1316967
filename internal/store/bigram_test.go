package store

import (
	"strings"
	"testing"
)

func TestCJKBigrams(t *testing.T) {
	cases := map[string]string{
		"今天天气很好 ok":  "今天 天天 天气 气很 很好 今 天 天 气 很 好",
		"用Go语言":      "用 语言 语 言",
		"plain text": "",
		"ひらがなカナ한국":   "ひら らが がな なカ カナ ナ한 한국 ひ ら が な カ ナ 한 국",
		"":           "",
	}
	for in, want := range cases {
		if got := cjkBigrams(in); got != want {
			t.Errorf("cjkBigrams(%q) = %q, want %q", in, got, want)
		}
	}
}

// searchIDs returns the ids of the messages Search finds for query.
func searchIDs(t *testing.T, s *Store, query string) map[string]bool {
	t.Helper()
	groups, err := s.Search(ctx, query, 50)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, g := range groups {
		for _, h := range g.Hits {
			if h.MessageID != "" {
				ids[h.MessageID] = true
			}
		}
	}
	return ids
}

func bigramIntegrity(t *testing.T, s *Store) {
	t.Helper()
	for _, table := range []string{"messages_bigram", "messages_fts"} {
		if _, err := s.db.Exec(`INSERT INTO ` + table + `(` + table + `) VALUES ('integrity-check')`); err != nil {
			t.Fatalf("%s integrity-check: %v", table, err)
		}
	}
}

func TestSearchCJKUsesBigramIndex(t *testing.T) {
	s := newTestStore(t)
	c := mustConv(t, s, Conversation{Title: "chat"})
	sunny := mustMsg(t, s, Message{ConversationID: c.ID, Content: "今天天气很好"})
	live := mustMsg(t, s, Message{ConversationID: c.ID, Role: RoleAssistant, Content: "天气预报", Status: StatusStreaming})

	// Not a full scan of messages and no sort of every match: an index drives the lookup in
	// rowid order and stops at LIMIT — the bigram index for 1–2 character CJK terms (with an
	// instr() term beside it), the trigram index when a longer term is there.
	for _, terms := range [][]string{{"天气"}, {"天"}, {"天气", "Go"}, {"天气", "很好吗"}} {
		q, args := messageQuery(terms, 50)
		rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "\n")
		scansMessages := false
		for _, line := range plan {
			scansMessages = scansMessages || line == "SCAN m" || strings.HasPrefix(line, "SCAN m ")
		}
		driver := "SCAN b VIRTUAL TABLE INDEX" // messages_bigram
		if len(terms) == 2 && terms[1] == "很好吗" {
			driver = "SCAN f VIRTUAL TABLE INDEX" // messages_fts
		}
		// ":M" in the index string is FTS5's MATCH constraint; a temp B-tree would mean every
		// match is collected and sorted before LIMIT.
		if scansMessages || !strings.Contains(joined, driver) || !strings.Contains(joined, ":M") || strings.Contains(joined, "TEMP B-TREE") {
			t.Errorf("plan for %q scans messages, skips the index or sorts every match:\n%s", terms, joined)
		}
	}

	if ids := searchIDs(t, s, "天气"); !ids[sunny.ID] || ids[live.ID] || len(ids) != 1 {
		t.Fatalf("天气 found %v, want only the complete message", ids)
	}
	// The reply finishes streaming: now it is indexed.
	live.Status, live.Content = StatusComplete, "天气预报说明天下雨"
	if err := s.UpdateMessage(ctx, live); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "下雨"); !ids[live.ID] {
		t.Fatal("finished reply not found")
	}
	// An edit replaces the indexed text.
	sunny.Content = "今天阴天"
	if err := s.UpdateMessage(ctx, sunny); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "很好"); len(ids) != 0 {
		t.Fatalf("old text still found: %v", ids)
	}
	if ids := searchIDs(t, s, "阴天"); !ids[sunny.ID] {
		t.Fatal("edited text not found")
	}
	// Back to streaming (a regenerate reuses the row): out of the index until it ends.
	live.Status = StatusStreaming
	if err := s.UpdateMessage(ctx, live); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "下雨"); len(ids) != 0 {
		t.Fatalf("streaming reply found: %v", ids)
	}
	live.Status = StatusComplete
	if err := s.UpdateMessage(ctx, live); err != nil {
		t.Fatal(err)
	}
	// Status-only change between indexed statuses.
	live.Status = StatusIncomplete
	if err := s.UpdateMessage(ctx, live); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "下雨 天气"); !ids[live.ID] || len(ids) != 1 {
		t.Fatalf("下雨 天气 found %v", ids)
	}
	if err := s.DeleteMessage(ctx, sunny.ID); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "天"); ids[sunny.ID] || !ids[live.ID] {
		t.Fatalf("after delete 天 found %v", ids)
	}
	bigramIntegrity(t, s)
	if n := queryInt(t, s.db, `SELECT count(*) FROM messages_bigram`); n != 1 {
		t.Fatalf("messages_bigram has %d rows, want 1", n)
	}
}
