package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

const conversationColumns = `id, title, model, system_prompt, params, pinned, title_auto, active_leaf, created_at, updated_at`

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

func scanConversation(r rowScanner, extra ...any) (Conversation, error) {
	var c Conversation
	var params string
	var pinned, titleAuto int
	var created, updated int64
	dest := append([]any{&c.ID, &c.Title, &c.Model, &c.SystemPrompt, &params, &pinned, &titleAuto, &c.ActiveLeaf, &created, &updated}, extra...)
	if err := r.Scan(dest...); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(params), &c.Params); err != nil {
		return c, fmt.Errorf("store: conversation %s has unreadable params: %w", c.ID, err)
	}
	c.Pinned, c.TitleAuto = pinned != 0, titleAuto != 0
	c.CreatedAt, c.UpdatedAt = fromNanos(created), fromNanos(updated)
	return c, nil
}

func marshalParams(p Params) string {
	b, _ := json.Marshal(p) // a struct of pointers to numbers and bools always marshals
	return string(b)
}

// execer is what both *sql.DB and *sql.Tx offer, so inserts can be shared with import.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertConversation(ctx context.Context, db execer, c Conversation) error {
	_, err := db.ExecContext(ctx, `INSERT INTO conversations (`+conversationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Title, c.Model, c.SystemPrompt, marshalParams(c.Params), boolInt(c.Pinned), boolInt(c.TitleAuto),
		c.ActiveLeaf, toNanos(c.CreatedAt), toNanos(c.UpdatedAt))
	return err
}

// CreateConversation inserts c. c.ID is required (see NewID); a zero CreatedAt becomes now
// and a zero UpdatedAt becomes CreatedAt.
func (s *Store) CreateConversation(ctx context.Context, c Conversation) error {
	if c.ID == "" {
		return invalidf("conversation id is empty")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	if err := insertConversation(ctx, s.db, c); err != nil {
		return fmt.Errorf("store: create conversation: %w", err)
	}
	return nil
}

// Conversation returns one live conversation, or ErrNotFound (also for a soft-deleted one).
func (s *Store) Conversation(ctx context.Context, id string) (Conversation, error) {
	c, err := scanConversation(s.db.QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, ErrNotFound
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("store: conversation: %w", err)
	}
	return c, nil
}

// ListConversations returns live conversations for the sidebar: pinned first, then most
// recently updated. limit <= 0 means all.
func (s *Store) ListConversations(ctx context.Context, limit, offset int) ([]ConversationSummary, error) {
	if limit <= 0 {
		limit = -1
	}
	if offset < 0 {
		offset = 0
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT `+conversationColumns+`,
			(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
			(SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = c.id)
		FROM conversations c
		WHERE deleted_at IS NULL
		ORDER BY pinned DESC, updated_at DESC, rowid DESC
		LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", err)
	}
	defer rows.Close()
	out := []ConversationSummary{}
	for rows.Next() {
		var sum ConversationSummary
		var last sql.NullInt64
		c, err := scanConversation(rows, &sum.MessageCount, &last)
		if err != nil {
			return nil, fmt.Errorf("store: list conversations: %w", err)
		}
		sum.Conversation, sum.LastMessageAt = c, nullNanos(last)
		out = append(out, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", err)
	}
	return out, nil
}

// ConversationPage is one page of the sidebar and the cursor of the next.
type ConversationPage struct {
	Rows []ConversationSummary
	// Next is where the following page starts; "" when this page reaches the end.
	Next string
}

// MaxPageRows bounds one page of ConversationsPage.
const MaxPageRows = 5000

// ConversationsPage returns up to limit live conversations in the sidebar's order (pinned
// first, then most recently updated), starting after the cursor a previous page returned
// ("" for the first page). The cursor is a position, not an offset: a conversation that
// moves up (a new message) or disappears between pages neither repeats a row on a later
// page nor shifts one out, and the cost of a page does not grow with how far down it is —
// the partial index conversations_sidebar is walked from the cursor and stops at the limit,
// and the message counts are computed for the rows returned only.
func (s *Store) ConversationsPage(ctx context.Context, after string, limit int) (ConversationPage, error) {
	if limit < 1 || limit > MaxPageRows {
		return ConversationPage{}, invalidf("page size %d is not between 1 and %d", limit, MaxPageRows)
	}
	// Pinned is 0 or 1, so (2, …) is above every row: the first page is the same query.
	pos := pagePos{pinned: 2, updated: math.MaxInt64, rowid: math.MaxInt64}
	if after != "" {
		var err error
		if pos, err = parsePagePos(after); err != nil {
			return ConversationPage{}, err
		}
	}
	rows, err := s.db.QueryContext(ctx, conversationsPageQuery, pos.pinned, pos.updated, pos.rowid, limit+1)
	if err != nil {
		return ConversationPage{}, fmt.Errorf("store: conversations page: %w", err)
	}
	defer rows.Close()
	page := ConversationPage{Rows: []ConversationSummary{}}
	var last pagePos
	for rows.Next() {
		if len(page.Rows) == limit { // the extra row only says there is more
			page.Next = last.String()
			break
		}
		var sum ConversationSummary
		var lastMsg sql.NullInt64
		var rowid int64
		c, err := scanConversation(rows, &sum.MessageCount, &lastMsg, &rowid)
		if err != nil {
			return ConversationPage{}, fmt.Errorf("store: conversations page: %w", err)
		}
		sum.Conversation, sum.LastMessageAt = c, nullNanos(lastMsg)
		page.Rows = append(page.Rows, sum)
		last = pagePos{pinned: int64(boolInt(c.Pinned)), updated: toNanos(c.UpdatedAt), rowid: rowid}
	}
	if err := rows.Err(); err != nil {
		return ConversationPage{}, fmt.Errorf("store: conversations page: %w", err)
	}
	return page, nil
}

// conversationsPageQuery takes the cursor's position and the limit (+1, to learn whether
// there is more).
const conversationsPageQuery = `
	SELECT ` + conversationColumns + `,
		(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
		(SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = c.id),
		c.rowid
	FROM conversations c
	WHERE deleted_at IS NULL AND (pinned, updated_at, c.rowid) < (?, ?, ?)
	ORDER BY pinned DESC, updated_at DESC, c.rowid DESC
	LIMIT ?`

// pagePos is a row's place in the sidebar's order; its string form is the page cursor.
type pagePos struct{ pinned, updated, rowid int64 }

func (p pagePos) String() string { return fmt.Sprintf("%d.%d.%d", p.pinned, p.updated, p.rowid) }

func parsePagePos(s string) (pagePos, error) {
	parts := strings.Split(s, ".")
	var v [3]int64
	ok := len(parts) == 3
	for i := 0; ok && i < 3; i++ {
		var err error
		v[i], err = strconv.ParseInt(parts[i], 10, 64)
		ok = err == nil
	}
	if !ok || v[0] < 0 || v[0] > 1 {
		return pagePos{}, invalidf("page cursor %q is not one this store returned", s)
	}
	return pagePos{pinned: v[0], updated: v[1], rowid: v[2]}, nil
}

// UpdateConversation writes c's title, model, system prompt, params, pinned, TitleAuto and
// ActiveLeaf.
// It does not touch CreatedAt or UpdatedAt: editing settings should not reorder the sidebar.
func (s *Store) UpdateConversation(ctx context.Context, c Conversation) error {
	return s.updateLive(ctx, "update conversation", `
		UPDATE conversations SET title = ?, model = ?, system_prompt = ?, params = ?, pinned = ?, title_auto = ?,
			active_leaf = ?
		WHERE id = ? AND deleted_at IS NULL`,
		c.Title, c.Model, c.SystemPrompt, marshalParams(c.Params), boolInt(c.Pinned), boolInt(c.TitleAuto),
		c.ActiveLeaf, c.ID)
}

// RenameConversation sets a title the user typed, so automatic titling leaves it alone.
func (s *Store) RenameConversation(ctx context.Context, id, title string) error {
	return s.updateLive(ctx, "rename conversation",
		`UPDATE conversations SET title = ?, title_auto = 0 WHERE id = ? AND deleted_at IS NULL`, title, id)
}

// SetPinned pins or unpins a conversation.
func (s *Store) SetPinned(ctx context.Context, id string, pinned bool) error {
	return s.updateLive(ctx, "pin conversation",
		`UPDATE conversations SET pinned = ? WHERE id = ? AND deleted_at IS NULL`, boolInt(pinned), id)
}

// DeleteConversation hides a conversation (and its messages from search) until
// RestoreConversation, or until the next Open purges it.
func (s *Store) DeleteConversation(ctx context.Context, id string) error {
	return s.updateLive(ctx, "delete conversation",
		`UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`, toNanos(s.now()), id)
}

// RestoreConversation undoes DeleteConversation. Restoring a live conversation is a no-op;
// ErrNotFound means it was purged or never existed.
func (s *Store) RestoreConversation(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE conversations SET deleted_at = NULL WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: restore conversation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// PurgeDeleted removes conversations soft-deleted before olderThan, with their messages.
func (s *Store) PurgeDeleted(ctx context.Context, olderThan time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx,
		`DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?`, toNanos(olderThan))
	if err != nil {
		return 0, fmt.Errorf("store: purge deleted conversations: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (s *Store) updateLive(ctx context.Context, what, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
