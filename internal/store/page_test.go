package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func pageIDs(rows []ConversationSummary) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// TestConversationsPageWalksTheSidebarOrder fails when paging loses, repeats or reorders a
// conversation against the one-query order (pinned first, newest first, ties broken the same
// way), when a page's message counts are wrong, or when the last page still offers a next.
func TestConversationsPageWalksTheSidebarOrder(t *testing.T) {
	s := newTestStore(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 23 {
		// Three share each timestamp, so pages must break ties by something stable.
		c := mustConv(t, s, Conversation{Title: fmt.Sprint("c", i), Pinned: i%5 == 0, CreatedAt: base,
			UpdatedAt: base.Add(time.Duration(i/3) * time.Hour)})
		for range i % 4 {
			mustMsg(t, s, Message{ConversationID: c.ID, Content: "hi", CreatedAt: base})
		}
	}
	all, err := s.ListConversations(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var walked []ConversationSummary
	cursor, pages := "", 0
	for {
		p, err := s.ConversationsPage(ctx, cursor, 5)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		walked = append(walked, p.Rows...)
		if p.Next == "" {
			break
		}
		cursor = p.Next
		if pages > 10 {
			t.Fatal("paging does not end")
		}
	}
	if pages != 5 || !reflect.DeepEqual(pageIDs(walked), pageIDs(all)) {
		t.Fatalf("%d pages gave %v\nwant %v", pages, pageIDs(walked), pageIDs(all))
	}
	for i := range all {
		if walked[i].MessageCount != all[i].MessageCount || !walked[i].LastMessageAt.Equal(all[i].LastMessageAt) {
			t.Fatalf("row %d: count %d last %v, want %d %v", i, walked[i].MessageCount, walked[i].LastMessageAt,
				all[i].MessageCount, all[i].LastMessageAt)
		}
	}
	// A page that ends exactly at the last row says so.
	if p, _ := s.ConversationsPage(ctx, "", len(all)); p.Next != "" || len(p.Rows) != len(all) {
		t.Fatalf("page of all %d rows: %d rows, next %q", len(all), len(p.Rows), p.Next)
	}
}

// TestConversationsPageIsStableWhileTheListChanges fails when a conversation that moves to
// the top (a new message) between pages shows up again on a later page, or when a deletion
// between pages shifts a row out of the next page (what an OFFSET would do).
func TestConversationsPageIsStableWhileTheListChanges(t *testing.T) {
	s := newTestStore(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var convs []Conversation
	for i := range 6 {
		convs = append(convs, mustConv(t, s, Conversation{Title: fmt.Sprint("c", i), CreatedAt: base,
			UpdatedAt: base.Add(time.Duration(i) * time.Hour)}))
	}
	first, err := s.ConversationsPage(ctx, "", 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := pageIDs(first.Rows); !reflect.DeepEqual(got, []string{convs[5].ID, convs[4].ID, convs[3].ID}) {
		t.Fatalf("first page %v", got)
	}
	// c4, already shown, gets a message and moves to the top; c3, the last row shown, is deleted.
	mustMsg(t, s, Message{ConversationID: convs[4].ID, Content: "new", CreatedAt: base.Add(10 * time.Hour)})
	if err := s.DeleteConversation(ctx, convs[3].ID); err != nil {
		t.Fatal(err)
	}
	second, err := s.ConversationsPage(ctx, first.Next, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := pageIDs(second.Rows); !reflect.DeepEqual(got, []string{convs[2].ID, convs[1].ID, convs[0].ID}) || second.Next != "" {
		t.Fatalf("second page %v next %q; want c2 c1 c0 and the end", got, second.Next)
	}
}

// TestConversationsPageRefusesBadArguments fails when a size out of range or a cursor the
// store never made is accepted (and would run an unbounded or meaningless query).
func TestConversationsPageRefusesBadArguments(t *testing.T) {
	s := newTestStore(t)
	for _, tc := range []struct {
		cursor string
		limit  int
	}{{"", 0}, {"", MaxPageRows + 1}, {"", -1}, {"1.2", 10}, {"x.1.2", 10}, {"3.1.2", 10}, {"1.2.3.4", 10}} {
		if _, err := s.ConversationsPage(ctx, tc.cursor, tc.limit); !errors.Is(err, ErrInvalid) {
			t.Errorf("ConversationsPage(%q, %d) = %v; want ErrInvalid", tc.cursor, tc.limit, err)
		}
	}
}

// TestConversationsPageUsesTheSidebarIndex fails when the page query stops walking
// conversations_sidebar and instead scans and sorts every conversation before the limit,
// which is what made the sidebar's cost grow with the number of conversations.
func TestConversationsPageUsesTheSidebarIndex(t *testing.T) {
	s := newTestStore(t)
	rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+conversationsPageQuery, 2, 1<<62, 1<<62, 51)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	p := strings.Join(plan, "; ")
	t.Log(p)
	if !strings.Contains(p, "conversations_sidebar") || strings.Contains(p, "FOR ORDER BY") {
		t.Fatalf("plan %q: want the sidebar index and no sort of the whole table", p)
	}
}
