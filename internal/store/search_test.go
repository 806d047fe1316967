package store

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func seedSearch(t *testing.T) (*Store, map[string]string) {
	t.Helper()
	s := newTestStore(t)
	byText := map[string]string{} // content or title → id
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	convs := []struct {
		title string
		msgs  []string
	}{
		{"Weather chat", []string{"今天天气很好", "明天会下雨吗？"}},
		{"Servers", []string{"用 Go 语言写服务器", "Rust or Go? Both are fine for a web server."}},
		{"English", []string{"The quick brown Fox jumps over the lazy dog", "Prices rose 50% (year_on_year) — \"quoted\" text"}},
		{"旅行计划", []string{"Let us plan the itinerary"}},
		{"Recipes", []string{"A cake needs flour, sugar and eggs"}},
	}
	for i, cv := range convs {
		c := mustConv(t, s, Conversation{Title: cv.title, CreatedAt: base.Add(time.Duration(i) * time.Hour)})
		byText[cv.title] = c.ID
		for j, text := range cv.msgs {
			m := mustMsg(t, s, Message{ConversationID: c.ID, Content: text, Role: []string{RoleUser, RoleAssistant}[j%2],
				CreatedAt: base.Add(time.Duration(i)*time.Hour + time.Duration(j)*time.Minute)})
			byText[text] = m.ID
		}
	}
	return s, byText
}

// hitTexts flattens results into the matched message contents / titles, sorted.
func hitTexts(groups []SearchGroup, byID map[string]string) []string {
	var out []string
	for _, g := range groups {
		for _, h := range g.Hits {
			if h.MessageID == "" {
				out = append(out, "title:"+byID[g.ConversationID])
			} else {
				out = append(out, byID[h.MessageID])
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestSearch(t *testing.T) {
	s, byText := seedSearch(t)
	byID := map[string]string{}
	for text, id := range byText {
		byID[id] = text
	}
	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"chinese one char", "天", []string{"今天天气很好", "明天会下雨吗？"}},
		{"chinese one char, other message", "雨", []string{"明天会下雨吗？"}},
		{"chinese two chars", "天气", []string{"今天天气很好"}},
		{"chinese four chars", "天气很好", []string{"今天天气很好"}},
		{"chinese no match", "天空", nil},
		{"english word", "server", []string{"Rust or Go? Both are fine for a web server.", "title:Servers"}},
		{"english two words are ANDed", "quick dog", []string{"The quick brown Fox jumps over the lazy dog"}},
		{"english AND excludes partial", "quick cat", nil},
		{"case-insensitive", "FOX", []string{"The quick brown Fox jumps over the lazy dog"}},
		{"short english term", "Go", []string{"Rust or Go? Both are fine for a web server.", "用 Go 语言写服务器"}},
		{"mixed chinese and english", "Go 语言", []string{"用 Go 语言写服务器"}},
		{"mixed long and short terms", "服务器 go", []string{"用 Go 语言写服务器"}},
		{"title only", "旅行", []string{"title:旅行计划"}},
		{"title only, three chars", "recipes", []string{"title:Recipes"}},
		{"no match", "zebra", nil},
		{"percent is literal", "%", []string{"Prices rose 50% (year_on_year) — \"quoted\" text"}},
		{"underscore is literal", "_on_", []string{"Prices rose 50% (year_on_year) — \"quoted\" text"}},
		{"double quote is literal", `"quoted"`, []string{"Prices rose 50% (year_on_year) — \"quoted\" text"}},
		{"lone quote", `"`, []string{"Prices rose 50% (year_on_year) — \"quoted\" text"}},
		{"star", "*", nil},
		{"NEAR operator", "NEAR(", nil},
		{"closing paren", ")", []string{"Prices rose 50% (year_on_year) — \"quoted\" text"}},
		{"fts syntax soup", `"a" OR b* NEAR(x y) ^c -d :e`, nil},
		{"AND is a plain word", "AND", []string{"A cake needs flour, sugar and eggs"}},
		{"OR is a plain word", "flour OR", nil},
		{"blank", "   ", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			groups, err := s.Search(ctx, tc.query, 20)
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.query, err)
			}
			got := hitTexts(groups, byID)
			sort.Strings(tc.want)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Search(%q) = %q, want %q", tc.query, got, tc.want)
			}
			for _, g := range groups {
				for _, h := range g.Hits {
					if !hasMatch(h.Snippet) {
						t.Errorf("hit %q has no highlighted part: %+v", h.MessageID, h.Snippet)
					}
				}
			}
		})
	}
}

func hasMatch(parts []SearchPart) bool {
	for _, p := range parts {
		if p.Match {
			return true
		}
	}
	return false
}

func TestSearchGroupsAndLimit(t *testing.T) {
	s := newTestStore(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	older := mustConv(t, s, Conversation{Title: "Budget", CreatedAt: base})
	newer := mustConv(t, s, Conversation{Title: "Misc", CreatedAt: base})
	titled := mustConv(t, s, Conversation{Title: "Budget planning", CreatedAt: base})
	for i := range 5 {
		mustMsg(t, s, Message{ConversationID: older.ID, Content: "budget item", CreatedAt: base.Add(time.Duration(i) * time.Minute)})
	}
	mustMsg(t, s, Message{ConversationID: newer.ID, Content: "the budget is tight", CreatedAt: base.Add(time.Hour)})

	groups, err := s.Search(ctx, "budget", 4)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	total := 0
	for _, g := range groups {
		order = append(order, g.Title)
		total += len(g.Hits)
	}
	// Title matches first (most recent first), then by most recent hit; the hits are dealt
	// out one per group per round so a busy conversation cannot crowd out the others.
	want := []string{"Budget", "Budget planning", "Misc"}
	if total != 4 || !reflect.DeepEqual(order, want) {
		t.Fatalf("groups %v with %d hits, want %v with 4", order, total, want)
	}
	if groups[0].TitleMatch == nil || groups[0].Hits[0].MessageID != "" {
		t.Fatalf("title hit should lead its group: %+v", groups[0])
	}
	if g := groups[1]; g.ConversationID != titled.ID || len(g.Hits) != 1 {
		t.Fatalf("second group = %+v", g)
	}
	if len(groups[0].Hits) != 2 || len(groups[2].Hits) != 1 {
		t.Fatalf("hits per group = %d, %d, %d; want 2, 1, 1", len(groups[0].Hits), len(groups[1].Hits), len(groups[2].Hits))
	}

	groups, _ = s.Search(ctx, "tight budget", 10)
	if len(groups) != 1 || groups[0].ConversationID != newer.ID || groups[0].TitleMatch != nil {
		t.Fatalf("AND search: %+v", groups)
	}
}

func TestSearchFollowsEdits(t *testing.T) {
	s := newTestStore(t)
	c := mustConv(t, s, Conversation{})
	m := mustMsg(t, s, Message{ConversationID: c.ID, Role: RoleAssistant, Status: StatusStreaming, Content: "first draft"})
	m.Content, m.Status = "final answer about pandas", StatusComplete
	if err := s.UpdateMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.Search(ctx, "draft", 10); len(g) != 0 {
		t.Fatalf("old content still indexed: %+v", g)
	}
	if g, _ := s.Search(ctx, "pandas", 10); len(g) != 1 {
		t.Fatalf("new content not indexed: %+v", g)
	}
	if err := s.DeleteMessage(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.Search(ctx, "pandas", 10); len(g) != 0 {
		t.Fatalf("deleted message still found: %+v", g)
	}
	integrityOK(t, s.Path())
}

func TestHighlight(t *testing.T) {
	long := strings.Repeat("填充", 60) + "今天天气很好" + strings.Repeat("x", 100)
	cases := []struct {
		name  string
		text  string
		terms []string
		want  []SearchPart
	}{
		{"short text, two terms", "Hello\n\nbrave  new world", []string{"new", "hello"},
			[]SearchPart{{"Hello", true}, {" brave ", false}, {"new", true}, {" world", false}}},
		{"case-folded, adjacent matches merge", "GoGo", []string{"go"}, []SearchPart{{"GoGo", true}}},
		{"no match keeps the start", "abc", []string{"zz"}, []SearchPart{{"abc", false}}},
		{"window around a late match", long, []string{"天气"}, []SearchPart{
			{"…" + strings.Repeat("填充", 11) + "今天", false}, {"天气", true},
			{"很好" + strings.Repeat("x", 80-24-2-2) + "…", false}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := highlight(tc.text, tc.terms, snippetRunes); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// A reply is searchable once it stops streaming; checkpoints of a growing reply do not
// re-index it each time.
func TestStreamingReplyIsIndexedWhenItEnds(t *testing.T) {
	dir := t.TempDir()
	s, _ := openTest(t, dir)
	c := mustConv(t, s, Conversation{Title: "t"})
	m := mustMsg(t, s, Message{ConversationID: c.ID, Role: RoleAssistant, Status: StatusStreaming, Content: "纵横交错的 checkpoint"})
	found := func(st *Store) bool {
		t.Helper()
		groups, err := st.Search(ctx, "纵横交错", 10)
		if err != nil {
			t.Fatal(err)
		}
		return len(groups) == 1
	}
	if found(s) {
		t.Fatal("a streaming reply is already indexed")
	}
	m.Content += " more text"
	if err := s.UpdateMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if found(s) {
		t.Fatal("a streaming checkpoint indexed the reply")
	}
	m.Status = StatusComplete
	if err := s.UpdateMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if !found(s) {
		t.Fatal("a finished reply is not searchable")
	}
	// Back to streaming (continue) and a crash: Open marks it incomplete and indexes it.
	m.Status = StatusStreaming
	if err := s.UpdateMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if found(s) {
		t.Fatal("a reply streaming again is still indexed with old text")
	}
	s.Close()
	reopened, rep := openTest(t, dir)
	if rep.Interrupted != 1 || !found(reopened) {
		t.Fatalf("after a crash: interrupted=%d, searchable=%v", rep.Interrupted, found(reopened))
	}
}

// The palette cancels a search the user has typed past; the store must stop at once, not
// finish the query and return its results.
func TestSearchStopsWhenItsContextIsCancelled(t *testing.T) {
	s, _ := seedSearch(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	groups, err := s.Search(ctx, "Go", 10)
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled search returned %d groups, err %v; want context.Canceled", len(groups), err)
	}
}

// TestHighlightPrefixShortcutChangesNothing fails when highlight's look at a prefix of a long
// message gives other parts than working on the whole text: a match near the prefix's end,
// whitespace runs, case, CJK, a match only past the prefix, or none at all.
func TestHighlightPrefixShortcutChangesNothing(t *testing.T) {
	whole := func(text string, terms []string, width int) []SearchPart {
		var needles [][]rune
		for _, term := range terms {
			needles = append(needles, []rune(strings.ToLower(term)))
		}
		parts, _ := snippet([]rune(strings.Join(strings.Fields(text), " ")), needles, width, -1)
		return parts
	}
	// The first match at every position, before, across and after the prefix's end, with
	// tails of several lengths, whitespace runs, case and CJK around it.
	fillers := []string{"x ", "ab  ", "数据\n\n", "İß\t"}
	tails := []string{"", " the end", strings.Repeat(" 错误 and more", 8), strings.Repeat("the Error 。", 60)}
	checked := 0
	for at := 0; at < 1400; at += 3 {
		for fi, filler := range fillers {
			var b strings.Builder
			for b.Len() < at {
				b.WriteString(filler)
			}
			b.WriteString([]string{"error", "ERROR", "错误", "the"}[fi])
			for _, tail := range tails {
				text := b.String() + tail
				for _, terms := range [][]string{{"error"}, {"the", "错误"}, {"missing"}} {
					got, want := highlight(text, terms, snippetRunes), whole(text, terms, snippetRunes)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("highlight(%q, %q):\n got %+v\nwant %+v", text, terms, got, want)
					}
					checked++
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}
