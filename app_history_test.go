package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/secrets"
	"qwendesk/internal/store"
)

// TestListConversationsPages fails when the bound sidebar list stops paging (returns
// everything, or loses or repeats rows across pages), or when it accepts a page size or a
// cursor the frontend could only send by mistake instead of answering invalid_input.
func TestListConversationsPages(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 7 {
		err := a.history.CreateConversation(context.Background(), store.Conversation{ID: store.NewID(),
			Title: fmt.Sprint("c", i), Pinned: i == 2, CreatedAt: base, UpdatedAt: base.Add(time.Duration(i) * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
	}
	var titles []string
	cursor := ""
	for range 4 {
		page, err := a.ListConversations(cursor, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Conversations {
			titles = append(titles, c.Title)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if got := strings.Join(titles, " "); got != "c2 c6 c5 c4 c3 c1 c0" {
		t.Fatalf("pages gave %q; want the pinned one, then newest first, each once", got)
	}

	for _, tc := range []struct {
		cursor string
		limit  int
	}{{"", 0}, {"", store.MaxPageRows + 1}, {strings.Repeat("1", 65), 10}, {"not-a-cursor", 10}} {
		if _, err := a.ListConversations(tc.cursor, tc.limit); kindOf(err) != "invalid_input" {
			t.Errorf("ListConversations(%.20q, %d) = %v; want invalid_input", tc.cursor, tc.limit, err)
		}
	}
}

// TestANewSearchCancelsTheOneBefore fails when Search stops ending the search still running
// for an older query (the palette searches as the user types, and would then wait on queries
// already typed past).
func TestANewSearchCancelsTheOneBefore(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	older, done := a.searches.Begin(a.root)
	defer done()
	if _, err := a.Search("hello"); err != nil {
		t.Fatal(err)
	}
	if older.Err() == nil {
		t.Fatal("the search still running for an older query was not cancelled")
	}
}
