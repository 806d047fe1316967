package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

const messageColumns = `id, conversation_id, parent_id, role, content, reasoning, status, model, finish_reason,
	prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens,
	error_kind, error_message, server_request_id, first_token_ms, duration_ms, images, created_at, updated_at`

func scanMessage(r rowScanner) (Message, error) {
	var m Message
	var prompt, completion, total, cached, reasoning sql.NullInt64
	var created, updated int64
	var images string
	err := r.Scan(&m.ID, &m.ConversationID, &m.ParentID, &m.Role, &m.Content, &m.Reasoning, &m.Status, &m.Model,
		&m.FinishReason, &prompt, &completion, &total, &cached, &reasoning,
		&m.ErrorKind, &m.ErrorMessage, &m.ServerRequestID, &m.FirstTokenMs, &m.DurationMs, &images, &created, &updated)
	if err != nil {
		return m, err
	}
	if images != "" {
		if err := json.Unmarshal([]byte(images), &m.Images); err != nil {
			return m, fmt.Errorf("store: message %s has unreadable images: %w", m.ID, err)
		}
	}
	if prompt.Valid {
		m.Usage = &Usage{
			PromptTokens: int(prompt.Int64), CompletionTokens: int(completion.Int64), TotalTokens: int(total.Int64),
			CachedTokens: int(cached.Int64), ReasoningTokens: int(reasoning.Int64),
		}
	}
	m.CreatedAt, m.UpdatedAt = fromNanos(created), fromNanos(updated)
	return m, nil
}

// usageArgs gives the five usage columns, all NULL when u is nil so "none reported" and
// "reported as zero" stay distinct.
// marshalImages stores a message's images as a JSON array; "" when it has none.
func marshalImages(images []string) string {
	if len(images) == 0 {
		return ""
	}
	b, _ := json.Marshal(images) // strings always marshal
	return string(b)
}

func usageArgs(u *Usage) []any {
	if u == nil {
		return []any{nil, nil, nil, nil, nil}
	}
	return []any{u.PromptTokens, u.CompletionTokens, u.TotalTokens, u.CachedTokens, u.ReasoningTokens}
}

func validateMessage(m Message) error {
	switch {
	case m.ID == "":
		return invalidf("message id is empty")
	case m.ConversationID == "":
		return invalidf("message %s has no conversation id", m.ID)
	case !knownRoles[m.Role]:
		return invalidf("message %s has unknown role %q", m.ID, m.Role)
	case !knownStatuses[m.Status]:
		return invalidf("message %s has unknown status %q", m.ID, m.Status)
	}
	return nil
}

func insertMessage(ctx context.Context, db execer, m Message) error {
	args := []any{m.ID, m.ConversationID, m.ParentID, m.Role, m.Content, m.Reasoning, m.Status, m.Model, m.FinishReason}
	args = append(args, usageArgs(m.Usage)...)
	args = append(args, m.ErrorKind, m.ErrorMessage, m.ServerRequestID, m.FirstTokenMs, m.DurationMs,
		marshalImages(m.Images), toNanos(m.CreatedAt), toNanos(m.UpdatedAt))
	_, err := db.ExecContext(ctx, `INSERT INTO messages (`+messageColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return err
}

// AddMessage is AddMessageWithDocuments without new documents.
func (s *Store) AddMessage(ctx context.Context, m Message) error {
	return s.AddMessageWithDocuments(ctx, m, nil)
}

// AddMessageWithDocuments inserts m and moves its conversation's UpdatedAt forward to m.CreatedAt, in one
// transaction, so the sidebar order always matches the messages on disk. A zero CreatedAt
// becomes now; a zero UpdatedAt becomes CreatedAt. ErrNotFound when the conversation is
// missing or deleted. docs are stored first
// (a hash already stored is kept as it is) and m.Documents linked to them, all in the same
// transaction: a message is never on disk without the documents it was sent with.
func (s *Store) AddMessageWithDocuments(ctx context.Context, m Message, docs []Document) error {
	if m.Status == "" {
		m.Status = StatusComplete
	}
	if err := validateMessage(m); err != nil {
		return err
	}
	for _, a := range m.Documents {
		if err := validateAttachment(a); err != nil {
			return err
		}
	}
	for _, d := range docs {
		if err := validateDocument(d); err != nil {
			return err
		}
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = s.now()
	}
	if m.UpdatedAt.IsZero() {
		m.UpdatedAt = m.CreatedAt
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: add message: %w", err)
	}
	defer tx.Rollback()
	// max() keeps the sidebar order stable if a message arrives with an older clock.
	res, err := tx.ExecContext(ctx,
		`UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ? AND deleted_at IS NULL`,
		toNanos(m.CreatedAt), m.ConversationID)
	if err != nil {
		return fmt.Errorf("store: add message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if err := insertMessage(ctx, tx, m); err != nil {
		return fmt.Errorf("store: add message: %w", err)
	}
	for _, d := range docs {
		if d.CreatedAt.IsZero() {
			d.CreatedAt = m.CreatedAt
		}
		if err := insertDocument(ctx, tx, d); err != nil {
			return fmt.Errorf("store: add message: document: %w", err)
		}
	}
	if err := insertAttachments(ctx, tx, m.ID, m.Documents); err != nil {
		return fmt.Errorf("store: add message: attachments: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: add message: %w", err)
	}
	return nil
}

// UpdateMessage writes a reply's progress: content, reasoning, status, finish reason, usage,
// error fields, timings and UpdatedAt (zero = now); Model only when non-empty. It is the
// streaming checkpoint, so it is a single autocommit UPDATE (the FTS trigger re-indexes the
// content in the same statement). ErrNotFound when the message does not exist.
func (s *Store) UpdateMessage(ctx context.Context, m Message) error {
	if !knownStatuses[m.Status] {
		return invalidf("message %s has unknown status %q", m.ID, m.Status)
	}
	if m.UpdatedAt.IsZero() {
		m.UpdatedAt = s.now()
	}
	args := []any{m.Content, m.Reasoning, m.Status, m.Model, m.FinishReason}
	args = append(args, usageArgs(m.Usage)...)
	args = append(args, m.ErrorKind, m.ErrorMessage, m.ServerRequestID, m.FirstTokenMs, m.DurationMs,
		toNanos(m.UpdatedAt), m.ID)
	res, err := s.db.ExecContext(ctx, `
		UPDATE messages SET content = ?, reasoning = ?, status = ?, model = coalesce(nullif(?, ''), model),
			finish_reason = ?, prompt_tokens = ?, completion_tokens = ?, total_tokens = ?, cached_tokens = ?,
			reasoning_tokens = ?, error_kind = ?, error_message = ?, server_request_id = ?,
			first_token_ms = ?, duration_ms = ?, updated_at = ?
		WHERE id = ?`, args...)
	if err != nil {
		return fmt.Errorf("store: update message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Message returns one message, or ErrNotFound.
func (s *Store) Message(ctx context.Context, id string) (Message, error) {
	m, err := scanMessage(s.db.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, ErrNotFound
	}
	if err != nil {
		return Message{}, fmt.Errorf("store: message: %w", err)
	}
	calls, err := toolCallsOf(ctx, s.db, m.ConversationID)
	if err != nil {
		return Message{}, err
	}
	m.ToolCalls = calls[m.ID]
	atts, err := attachmentsOf(ctx, s.db, m.ConversationID)
	if err != nil {
		return Message{}, err
	}
	m.Documents = atts[m.ID]
	return m, nil
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Messages returns a conversation's messages oldest first (ties in insertion order). An
// unknown conversation gives an empty slice, not an error.
func (s *Store) Messages(ctx context.Context, conversationID string) ([]Message, error) {
	return messagesOf(ctx, s.db, conversationID)
}

func messagesOf(ctx context.Context, q queryer, conversationID string) ([]Message, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE conversation_id = ? ORDER BY created_at, seq`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	rows.Close()
	calls, err := toolCallsOf(ctx, q, conversationID)
	if err != nil {
		return nil, err
	}
	atts, err := attachmentsOf(ctx, q, conversationID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].ToolCalls = calls[out[i].ID]
		out[i].Documents = atts[out[i].ID]
	}
	return out, nil
}

// DeleteMessage removes one message. Messages whose parent it was are re-linked to its own
// parent, so the chain stays unbroken (and an export of it still imports).
func (s *Store) DeleteMessage(ctx context.Context, id string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: delete message: %w", err)
	}
	defer tx.Rollback()
	var conversationID, parentID string
	err = tx.QueryRowContext(ctx, `SELECT conversation_id, parent_id FROM messages WHERE id = ?`, id).
		Scan(&conversationID, &parentID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: delete message: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET parent_id = ? WHERE conversation_id = ? AND parent_id = ?`,
		parentID, conversationID, id); err != nil {
		return fmt.Errorf("store: delete message: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete message: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: delete message: %w", err)
	}
	return nil
}
