package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SearchPart is a piece of a snippet, plain or matching, so the UI can highlight without
// rendering HTML from the store.
type SearchPart struct {
	Text  string `json:"text"`
	Match bool   `json:"match"`
}

// SearchHit is one matching message, or the conversation's title when MessageID is "". A hit
// in a tool call's result has InToolResult set and names the call (the message is the
// assistant message that made it). A hit in a document attached to a message has
// InDocument set and names the file (as it was attached) and the page, sheet or slide.
type SearchHit struct {
	ConversationID string       `json:"conversationId"`
	MessageID      string       `json:"messageId"`
	InToolResult   bool         `json:"inToolResult"`
	ToolCallID     string       `json:"toolCallId,omitempty"`
	InDocument     bool         `json:"inDocument,omitempty"`
	DocumentName   string       `json:"documentName,omitempty"`
	DocumentPart   string       `json:"documentPart,omitempty"` // "page 3", a sheet's name, "slide 2: Roadmap"
	Role           string       `json:"role"`
	Snippet        []SearchPart `json:"snippet"`
	CreatedAt      time.Time    `json:"createdAt" ts_type:"string"`
}

// SearchGroup is one conversation in the results. TitleMatch is non-nil only when the title
// itself matched (it is then also the first hit, with MessageID "").
type SearchGroup struct {
	ConversationID string       `json:"conversationId"`
	Title          string       `json:"title"`
	UpdatedAt      time.Time    `json:"updatedAt" ts_type:"string"`
	TitleMatch     []SearchPart `json:"titleMatch"`
	Hits           []SearchHit  `json:"hits"`
}

const (
	defaultSearchLimit = 50
	maxSearchLimit     = 500
	maxSearchTerms     = 16
	snippetRunes       = 80
	snippetLead        = 24 // runes of context kept before the first match
	// The trigram index can only answer terms of at least this many characters.
	minTrigramRunes = 3
)

// Search finds live messages and titles containing every whitespace-separated term of query
// (case-insensitive for ASCII; any script, so "天气" finds "今天天气很好"). Terms of three or
// more characters go through the FTS5 trigram index, 1–2 character CJK terms through the
// bigram index; other short ones are checked with instr(), which needs no escaping. Results
// of finished tool calls are searched too (hits say InToolResult). Groups come title
// matches first, then by most recent hit; at most
// limit hits in all (limit <= 0 means 50), dealt one per group per round, newest first within
// a group.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]SearchGroup, error) {
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	limit = min(limit, maxSearchLimit)
	terms := searchTerms(query)
	if len(terms) == 0 {
		return []SearchGroup{}, nil
	}

	groups := map[string]*SearchGroup{}
	var order []*SearchGroup
	group := func(id, title string, updated int64) *SearchGroup {
		g := groups[id]
		if g == nil {
			g = &SearchGroup{ConversationID: id, Title: title, UpdatedAt: fromNanos(updated), Hits: []SearchHit{}}
			groups[id] = g
			order = append(order, g)
		}
		return g
	}

	// Titles: few enough rows that a scan is instant.
	where, args := instrFilter("c.title", terms)
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.title, c.updated_at FROM conversations c
		WHERE c.deleted_at IS NULL AND `+where+` ORDER BY c.updated_at DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: search titles: %w", err)
	}
	for rows.Next() {
		var id, title string
		var updated int64
		if err := rows.Scan(&id, &title, &updated); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: search titles: %w", err)
		}
		g := group(id, title, updated)
		g.TitleMatch = highlight(title, terms, len([]rune(title))+1)
		g.Hits = append(g.Hits, SearchHit{ConversationID: id, Snippet: g.TitleMatch, CreatedAt: g.UpdatedAt})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search titles: %w", err)
	}

	mq, margs := messageQuery(terms, limit)
	tq, targs := toolResultQuery(terms, limit)
	dq, dargs := documentQuery(terms, limit)
	sources := []hitSource{
		{"messages", mq, margs, SearchHit{}, func(h *SearchHit) []any { return []any{&h.MessageID, &h.ConversationID, &h.Role} }},
		{"tool results", tq, targs, SearchHit{InToolResult: true}, func(h *SearchHit) []any {
			return []any{&h.MessageID, &h.ToolCallID, &h.ConversationID, &h.Role}
		}},
		{"documents", dq, dargs, SearchHit{InDocument: true}, func(h *SearchHit) []any {
			return []any{&h.MessageID, &h.ConversationID, &h.Role, &h.DocumentName, &h.DocumentPart}
		}},
	}
	for _, src := range sources {
		err := s.collectHits(ctx, src, terms, func(h SearchHit, title string, updated int64) {
			g := group(h.ConversationID, title, updated)
			g.Hits = append(g.Hits, h)
		})
		if err != nil {
			return nil, err
		}
	}
	// Message, tool result and document hits came from their own queries: newest first again, the title
	// hit (if any) staying first.
	for _, g := range order {
		hits := g.Hits
		if g.TitleMatch != nil {
			hits = hits[1:]
		}
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].CreatedAt.After(hits[j].CreatedAt) })
	}

	latest := func(g *SearchGroup) int64 {
		var t int64
		for _, h := range g.Hits {
			t = max(t, toNanos(h.CreatedAt))
		}
		return t
	}
	sort.SliceStable(order, func(i, j int) bool {
		ti, tj := order[i].TitleMatch != nil, order[j].TitleMatch != nil
		if ti != tj {
			return ti
		}
		return latest(order[i]) > latest(order[j])
	})
	// Deal hits out one per group per round, in group order, so one long conversation
	// cannot use up the whole limit.
	take := make([]int, len(order))
	for left := limit; left > 0; {
		dealt := false
		for i, g := range order {
			if left > 0 && take[i] < len(g.Hits) {
				take[i]++
				left--
				dealt = true
			}
		}
		if !dealt {
			break
		}
	}
	out := []SearchGroup{}
	for i, g := range order {
		if take[i] > 0 {
			g.Hits = g.Hits[:take[i]]
			out = append(out, *g)
		}
	}
	return out, nil
}

// messageQuery selects live messages containing every term, newest first. One index drives
// the query — the trigram index when a term has three or more characters, else the bigram
// index for 1–2 character CJK terms — and its rowids are walked newest first (FTS5 returns
// them in descending order and stops at LIMIT), so a common word such as "the" or "的" costs
// no more than a rare one: nothing collects and sorts every match. The other terms are
// checked on each row the index yields, with instr(), which is exact for any script. Only
// short Latin terms alone scan the table, also newest first.
//
// "Newest" is the order messages were written (rowid), which is their creation order except
// for conversations imported later: those rank as new as their import.
func messageQuery(terms []string, limit int) (string, []any) {
	var long, cjk, short []string
	for _, t := range terms {
		switch {
		case utf8.RuneCountInString(t) >= minTrigramRunes:
			long = append(long, t)
		case allCJK(t):
			cjk = append(cjk, t)
		default:
			// Short Latin terms stay substring matches ("Go" finds "Google"); the bigram
			// index only knows whole words for them, and drops punctuation ("%", ")").
			short = append(short, t)
		}
	}
	var from, order string
	var conds []string
	var args []any
	switch {
	case len(long) > 0:
		from, order = `messages_fts f JOIN messages m ON m.seq = f.rowid`, `f.rowid DESC`
		conds = append(conds, `messages_fts MATCH ?`)
		args = append(args, ftsQuery(long))
		short = append(short, cjk...)
	case len(cjk) > 0:
		// Every 1–2 character CJK substring is a token of messages_bigram (bigram.go).
		from, order = `messages_bigram b JOIN messages m ON m.seq = b.rowid`, `b.rowid DESC`
		conds = append(conds, `messages_bigram MATCH ?`)
		args = append(args, ftsQuery(cjk))
	default:
		from, order = `messages m`, `m.seq DESC`
	}
	if len(short) > 0 {
		w, a := instrFilter("m.content", short)
		conds = append(conds, w)
		args = append(args, a...)
	}
	return `SELECT m.id, m.conversation_id, m.role, m.content, m.created_at, c.title, c.updated_at
		FROM ` + from + ` JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
		WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY ` + order + ` LIMIT ?`, append(args, limit)
}

// toolResultQuery selects finished tool calls of live conversations whose result contains
// every term, newest first. Long terms use the trigram index; short ones instr(): tool
// results are far fewer than messages, so the scan stays cheap and no bigram index is kept.
func toolResultQuery(terms []string, limit int) (string, []any) {
	var long, short []string
	for _, t := range terms {
		if utf8.RuneCountInString(t) >= minTrigramRunes {
			long = append(long, t)
		} else {
			short = append(short, t)
		}
	}
	from := `tool_calls t`
	conds := []string{`t.state = 'done'`}
	var args []any
	if len(long) > 0 {
		from = `tool_calls_fts f JOIN tool_calls t ON t.seq = f.rowid`
		conds = append(conds, `tool_calls_fts MATCH ?`)
		args = append(args, ftsQuery(long))
	}
	if len(short) > 0 {
		w, a := instrFilter("t.result", short)
		conds = append(conds, w)
		args = append(args, a...)
	}
	return `SELECT t.message_id, t.call_id, m.conversation_id, m.role, t.result, t.updated_at, c.title, c.updated_at
		FROM ` + from + ` JOIN messages m ON m.id = t.message_id
		JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
		WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY t.updated_at DESC, t.seq DESC LIMIT ?`, append(args, limit)
}

// documentQuery selects the pages (sheets, slides) of documents attached to live messages
// that contain every term, one hit per message and part, newest message first. Short terms
// use instr() over the parts: they are far fewer rows than messages.
func documentQuery(terms []string, limit int) (string, []any) {
	var long, short []string
	for _, t := range terms {
		if utf8.RuneCountInString(t) >= minTrigramRunes {
			long = append(long, t)
		} else {
			short = append(short, t)
		}
	}
	from := `document_parts p`
	conds := []string{`1`}
	var args []any
	if len(long) > 0 {
		from = `document_parts_fts f JOIN document_parts p ON p.seq = f.rowid`
		conds = append(conds, `document_parts_fts MATCH ?`)
		args = append(args, ftsQuery(long))
	}
	if len(short) > 0 {
		w, a := instrFilter("p.text", short)
		conds = append(conds, w)
		args = append(args, a...)
	}
	return `SELECT m.id, m.conversation_id, m.role, md.name, p.label, p.text, m.created_at, c.title, c.updated_at
		FROM ` + from + ` JOIN message_documents md ON md.hash = p.hash
		JOIN messages m ON m.id = md.message_id
		JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
		WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY m.created_at DESC, m.seq DESC, md.position, p.part LIMIT ?`, append(args, limit)
}

// searchTerms splits on whitespace and drops duplicates (case-insensitively).
func searchTerms(query string) []string {
	seen := map[string]bool{}
	var terms []string
	for _, t := range strings.Fields(query) {
		k := strings.ToLower(t)
		if seen[k] {
			continue
		}
		seen[k] = true
		terms = append(terms, t)
		if len(terms) == maxSearchTerms {
			break
		}
	}
	return terms
}

// ftsQuery quotes every term as an FTS5 string (doubling embedded quotes), so operators,
// parentheses, '*' and NEAR in user input are plain text; juxtaposed strings mean AND.
func ftsQuery(terms []string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " ")
}

// instrFilter requires every term in column. instr() takes the term as a bound parameter
// and has no wildcards, so '%' and '_' need no escaping. lower() folds ASCII only, which is
// what "case-insensitive" means for CJK text anyway.
func instrFilter(column string, terms []string) (string, []any) {
	conds := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, t := range terms {
		conds[i] = "instr(lower(" + column + "), lower(?)) > 0"
		args[i] = t
	}
	return strings.Join(conds, " AND "), args
}

// highlight cuts a window of about width runes around the first occurrence of any term
// and marks every occurrence inside it. Whitespace runs become single spaces so a snippet
// is one line.
//
// Most matches sit near the start of a message, and long messages are common (the palette
// highlights up to 100 on every keystroke), so a prefix of the text is looked at first; the
// whole text only when the window could reach past that prefix. Both give the same parts.
func highlight(text string, terms []string, width int) []SearchPart {
	needles := make([][]rune, len(terms))
	longest := 0
	for i, t := range terms {
		needles[i] = []rune(strings.ToLower(t))
		longest = max(longest, len(needles[i]))
	}
	if prefix := 4*width + 256; len(text) > prefix {
		if runes := collapseSpace(text, prefix); len(runes) == prefix {
			if parts, ok := snippet(runes, needles, width, prefix-longest-2); ok {
				return parts
			}
		}
	}
	parts, _ := snippet(collapseSpace(text, -1), needles, width, -1)
	return parts
}

// collapseSpace returns text's runes with leading and trailing whitespace dropped and each
// inner run of it one space, as strings.Join(strings.Fields(text), " ") would, stopping after
// limit runes (no limit when negative).
func collapseSpace(text string, limit int) []rune {
	var out []rune
	if limit >= 0 {
		out = make([]rune, 0, limit)
	}
	space := false
	for _, r := range text {
		if unicode.IsSpace(r) {
			space = len(out) > 0
			continue
		}
		if space {
			if len(out) == limit {
				break
			}
			out = append(out, ' ')
			space = false
		}
		if len(out) == limit {
			break
		}
		out = append(out, r)
	}
	return out
}

// snippet is highlight's work on the collapsed runes. With within ≥ 0 the runes are only a
// prefix of the text, and the answer is given (ok) only when a match was found and the
// window and every match touching it end before within.
func snippet(runes []rune, needles [][]rune, width, within int) ([]SearchPart, bool) {
	folded := make([]rune, len(runes))
	for i, r := range runes {
		folded[i] = unicode.ToLower(r)
	}
	marked := make([]bool, len(runes))
	first := -1
	for _, needle := range needles {
		for i := 0; i+len(needle) <= len(folded); i++ {
			if runesEqual(folded[i:i+len(needle)], needle) {
				for j := i; j < i+len(needle); j++ {
					marked[j] = true
				}
				if first < 0 || i < first {
					first = i
				}
			}
		}
	}
	start := 0
	if first > snippetLead && len(runes) > width {
		start = min(first-snippetLead, len(runes)-width)
	}
	end := min(len(runes), start+width)
	if within >= 0 && (first < 0 || end > within) {
		return nil, false
	}

	var parts []SearchPart
	if start > 0 {
		parts = append(parts, SearchPart{Text: "…"})
	}
	for i := start; i < end; {
		j := i
		for j < end && marked[j] == marked[i] {
			j++
		}
		parts = appendPart(parts, SearchPart{Text: string(runes[i:j]), Match: marked[i]})
		i = j
	}
	if end < len(runes) {
		parts = appendPart(parts, SearchPart{Text: "…"})
	}
	if parts == nil {
		parts = []SearchPart{}
	}
	return parts, true
}

// appendPart merges adjacent plain parts (the leading/trailing ellipsis with the text).
func appendPart(parts []SearchPart, p SearchPart) []SearchPart {
	if n := len(parts); n > 0 && !parts[n-1].Match && !p.Match {
		parts[n-1].Text += p.Text
		return parts
	}
	return append(parts, p)
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hitSource is one place a search looks (messages, tool results, documents): its query, whose
// rows end with the matched text, the creation time, the conversation's title and its update
// time, and the hit fields its leading columns fill.
type hitSource struct {
	what   string
	query  string
	args   []any
	kind   SearchHit // the flags every hit of this source carries
	fields func(*SearchHit) []any
}

// collectHits runs one source's query and hands each row to add as a highlighted hit.
func (s *Store) collectHits(ctx context.Context, src hitSource, terms []string, add func(h SearchHit, title string, updated int64)) error {
	rows, err := s.db.QueryContext(ctx, src.query, src.args...)
	if err != nil {
		return fmt.Errorf("store: search %s: %w", src.what, err)
	}
	defer rows.Close()
	for rows.Next() {
		h := src.kind
		var text, title string
		var created, updated int64
		if err := rows.Scan(append(src.fields(&h), &text, &created, &title, &updated)...); err != nil {
			return fmt.Errorf("store: search %s: %w", src.what, err)
		}
		h.CreatedAt = fromNanos(created)
		h.Snippet = highlight(text, terms, snippetRunes)
		add(h, title, updated)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: search %s: %w", src.what, err)
	}
	return nil
}
