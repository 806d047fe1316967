package store

import (
	"context"
	"fmt"
	"time"
)

// Tool call states: a call is stored requested as soon as the model asks for it, is running
// while the tool layer has it, and is done once it has a result (whatever the outcome).
const (
	ToolStateRequested = "requested"
	ToolStateRunning   = "running"
	ToolStateDone      = "done"
)

// Tool call outcomes, as toolcall.Outcome spells them (the store does not import the tool
// contract; chat converts).
const (
	ToolOutcomeOK          = "ok"
	ToolOutcomeError       = "error"
	ToolOutcomeInvalid     = "invalid"
	ToolOutcomeDenied      = "denied"
	ToolOutcomeTimeout     = "timeout"
	ToolOutcomeFailed      = "failed"
	ToolOutcomeCancelled   = "cancelled"
	ToolOutcomeInterrupted = "interrupted"
)

// InterruptedResult is what a call that the app did not live to finish says, to the user
// and, in later requests, to the model. It is never re-run by itself.
const InterruptedResult = "The app stopped while this tool call was running; it did not finish and was not run again."

var knownToolStates = map[string]bool{ToolStateRequested: true, ToolStateRunning: true, ToolStateDone: true}

var knownToolOutcomes = map[string]bool{"": true,
	ToolOutcomeOK: true, ToolOutcomeError: true, ToolOutcomeInvalid: true, ToolOutcomeDenied: true,
	ToolOutcomeTimeout: true, ToolOutcomeFailed: true, ToolOutcomeCancelled: true, ToolOutcomeInterrupted: true,
}

// ToolCall is one call an assistant message made. Step numbers the model requests of the
// turn (0 first; a continued reply goes on counting), Index the call within its step.
// TextOffset is the UTF-8 byte offset in the message's Content where that step ended, i.e.
// where the call happened in the text.
type ToolCall struct {
	MessageID  string    `json:"messageId"`
	CallID     string    `json:"callId"`
	Step       int       `json:"step"`
	Index      int       `json:"index"`
	TextOffset int       `json:"textOffset"`
	APIName    string    `json:"apiName"`
	Server     string    `json:"server"`
	Tool       string    `json:"tool"`
	Arguments  string    `json:"arguments"`
	State      string    `json:"state"`
	Outcome    string    `json:"outcome"`
	Result     string    `json:"result"`
	Truncated  bool      `json:"truncated"`
	DurationMs int64     `json:"durationMs"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

const toolCallColumns = `message_id, call_id, step, call_index, text_offset, api_name, server, tool, arguments,
	state, outcome, result, truncated, duration_ms, created_at, updated_at`

func validateToolCall(tc ToolCall) error {
	switch {
	case tc.MessageID == "":
		return invalidf("tool call %q has no message id", tc.CallID)
	case tc.CallID == "":
		return invalidf("a tool call of message %s has no call id", tc.MessageID)
	case tc.APIName == "":
		return invalidf("tool call %s has no name", tc.CallID)
	case !knownToolStates[tc.State]:
		return invalidf("tool call %s has unknown state %q", tc.CallID, tc.State)
	case !knownToolOutcomes[tc.Outcome]:
		return invalidf("tool call %s has unknown outcome %q", tc.CallID, tc.Outcome)
	case tc.Step < 0 || tc.Index < 0 || tc.TextOffset < 0:
		return invalidf("tool call %s has a negative step, index or offset", tc.CallID)
	}
	return nil
}

func insertToolCall(ctx context.Context, db execer, tc ToolCall) error {
	_, err := db.ExecContext(ctx, `INSERT INTO tool_calls (`+toolCallColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tc.MessageID, tc.CallID, tc.Step, tc.Index, tc.TextOffset, tc.APIName, tc.Server, tc.Tool, tc.Arguments,
		tc.State, tc.Outcome, tc.Result, boolInt(tc.Truncated), tc.DurationMs, toNanos(tc.CreatedAt), toNanos(tc.UpdatedAt))
	return err
}

// AddToolCall stores a call the moment the model asked for it, before it runs, so that a
// crash during the call leaves a record (Open marks it interrupted). The message must
// exist. Zero times become now.
func (s *Store) AddToolCall(ctx context.Context, tc ToolCall) error {
	if tc.State == "" {
		tc.State = ToolStateRequested
	}
	if err := validateToolCall(tc); err != nil {
		return err
	}
	if tc.CreatedAt.IsZero() {
		tc.CreatedAt = s.now()
	}
	if tc.UpdatedAt.IsZero() {
		tc.UpdatedAt = tc.CreatedAt
	}
	if err := insertToolCall(ctx, s.db, tc); err != nil {
		return fmt.Errorf("store: add tool call: %w", err)
	}
	return nil
}

// UpdateToolCall writes a call's progress and result: server, tool, state, outcome,
// result, truncated, duration and UpdatedAt (zero = now). One autocommit UPDATE, like a
// reply checkpoint. ErrNotFound when the call is not stored.
func (s *Store) UpdateToolCall(ctx context.Context, tc ToolCall) error {
	if err := validateToolCall(tc); err != nil {
		return err
	}
	if tc.UpdatedAt.IsZero() {
		tc.UpdatedAt = s.now()
	}
	res, err := s.db.ExecContext(ctx, `UPDATE tool_calls SET server = ?, tool = ?, state = ?, outcome = ?,
		result = ?, truncated = ?, duration_ms = ?, updated_at = ? WHERE message_id = ? AND call_id = ?`,
		tc.Server, tc.Tool, tc.State, tc.Outcome, tc.Result, boolInt(tc.Truncated), tc.DurationMs,
		toNanos(tc.UpdatedAt), tc.MessageID, tc.CallID)
	if err != nil {
		return fmt.Errorf("store: update tool call: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// markInterruptedCalls ends every call a crash left unfinished. It runs at Open, before
// any turn can start, so "not done" can only mean "the app died during it".
func markInterruptedCalls(ctx context.Context, db execer, now time.Time) (int, error) {
	res, err := db.ExecContext(ctx, `UPDATE tool_calls SET state = ?, outcome = ?,
		result = CASE WHEN result = '' THEN ? ELSE result END, updated_at = ? WHERE state <> ?`,
		ToolStateDone, ToolOutcomeInterrupted, InterruptedResult, toNanos(now), ToolStateDone)
	if err != nil {
		return 0, fmt.Errorf("store: mark interrupted tool calls: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// toolCallsOf returns the calls of a conversation's messages, by message id, each message's
// calls in step and index order.
func toolCallsOf(ctx context.Context, q queryer, conversationID string) (map[string][]ToolCall, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+prefixed("t.", toolCallColumns)+` FROM tool_calls t
		JOIN messages m ON m.id = t.message_id WHERE m.conversation_id = ?
		ORDER BY t.message_id, t.step, t.call_index, t.seq`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: tool calls: %w", err)
	}
	defer rows.Close()
	out := map[string][]ToolCall{}
	for rows.Next() {
		var tc ToolCall
		var truncated int
		var created, updated int64
		if err := rows.Scan(&tc.MessageID, &tc.CallID, &tc.Step, &tc.Index, &tc.TextOffset, &tc.APIName, &tc.Server,
			&tc.Tool, &tc.Arguments, &tc.State, &tc.Outcome, &tc.Result, &truncated, &tc.DurationMs, &created, &updated); err != nil {
			return nil, fmt.Errorf("store: tool calls: %w", err)
		}
		tc.Truncated = truncated != 0
		tc.CreatedAt, tc.UpdatedAt = fromNanos(created), fromNanos(updated)
		out[tc.MessageID] = append(out[tc.MessageID], tc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tool calls: %w", err)
	}
	return out, nil
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	var out []byte
	start := true
	for i := 0; i < len(columns); i++ {
		c := columns[i]
		if start && c != ' ' && c != '\t' && c != '\n' {
			out = append(out, alias...)
			start = false
		}
		out = append(out, c)
		if c == ',' {
			start = true
		}
	}
	return string(out)
}
