package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxImportBytes bounds an import file; anything larger is refused before parsing.
const MaxImportBytes = 512 << 20

// ImportError says, in an English sentence fit for the user, why a file was refused.
// Nothing was changed when it is returned.
type ImportError struct{ Reason string }

func (e *ImportError) Error() string { return "cannot import this file: " + e.Reason }

func refuse(format string, a ...any) error { return &ImportError{Reason: fmt.Sprintf(format, a...)} }

// ImportReport counts what ImportJSON added.
type ImportReport struct {
	Conversations int `json:"conversations"`
	Messages      int `json:"messages"` // tool calls come with their messages and are not counted
	Renamed       int `json:"renamed"`  // conversations whose id already existed and got a new id
}

// ImportJSON adds the conversations of an ExportJSON file. It is all or nothing: the whole
// file is validated first and written in one transaction, and a malformed file yields an
// *ImportError and changes nothing. A conversation whose id (or any of whose message ids)
// is already in the store gets fresh ids for itself and its messages, parent links kept.
// Unknown JSON fields are ignored so newer exports with extra fields still import.
func (s *Store) ImportJSON(ctx context.Context, r io.Reader) (ImportReport, error) {
	var rep ImportReport
	if size, ok := knownSize(r); ok && size > MaxImportBytes {
		return rep, refuse("the file is larger than %d MiB", MaxImportBytes>>20)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return rep, fmt.Errorf("store: import: read: %w", err)
	}
	if len(data) > MaxImportBytes {
		return rep, refuse("the file is larger than %d MiB", MaxImportBytes>>20)
	}
	ex, err := decodeExport(data)
	if err != nil {
		return rep, err
	}
	if err := validateExport(ex); err != nil {
		return rep, err
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("store: import: %w", err)
	}
	defer tx.Rollback()
	now := s.now()
	for _, ec := range ex.Conversations {
		taken, err := idsTaken(ctx, tx, ec)
		if err != nil {
			return ImportReport{}, fmt.Errorf("store: import: %w", err)
		}
		c := ec.Conversation
		newID := map[string]string{"": ""}
		for _, m := range ec.Messages {
			newID[m.ID] = m.ID
		}
		if taken {
			c.ID = NewID()
			for old := range newID {
				if old != "" {
					newID[old] = NewID()
				}
			}
			rep.Renamed++
		}
		c.ActiveLeaf = newID[c.ActiveLeaf]
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		if err := insertConversation(ctx, tx, c); err != nil {
			return ImportReport{}, fmt.Errorf("store: import conversation %q: %w", ec.Title, err)
		}
		for _, d := range ec.Documents {
			if d.CreatedAt.IsZero() {
				d.CreatedAt = c.CreatedAt
			}
			if err := insertDocument(ctx, tx, d); err != nil {
				return ImportReport{}, fmt.Errorf("store: import conversation %q: %w", ec.Title, err)
			}
		}
		for _, m := range ec.Messages {
			m.ID, m.ParentID, m.ConversationID = newID[m.ID], newID[m.ParentID], c.ID
			if m.CreatedAt.IsZero() {
				m.CreatedAt = c.CreatedAt
			}
			if m.UpdatedAt.IsZero() {
				m.UpdatedAt = m.CreatedAt
			}
			if err := insertMessage(ctx, tx, m); err != nil {
				return ImportReport{}, fmt.Errorf("store: import conversation %q: %w", ec.Title, err)
			}
			if err := insertAttachments(ctx, tx, m.ID, m.Documents); err != nil {
				return ImportReport{}, fmt.Errorf("store: import conversation %q: %w", ec.Title, err)
			}
			for _, tc := range m.ToolCalls {
				tc.MessageID = m.ID
				if tc.CreatedAt.IsZero() {
					tc.CreatedAt = m.CreatedAt
				}
				if tc.UpdatedAt.IsZero() {
					tc.UpdatedAt = tc.CreatedAt
				}
				// A call the exporting app had not finished is not running here either.
				if tc.State != ToolStateDone {
					tc.State, tc.Outcome = ToolStateDone, ToolOutcomeInterrupted
					if tc.Result == "" {
						tc.Result = InterruptedResult
					}
				}
				if err := insertToolCall(ctx, tx, tc); err != nil {
					return ImportReport{}, fmt.Errorf("store: import conversation %q: %w", ec.Title, err)
				}
			}
		}
		rep.Conversations++
		rep.Messages += len(ec.Messages)
	}
	if err := tx.Commit(); err != nil {
		return ImportReport{}, fmt.Errorf("store: import: %w", err)
	}
	return rep, nil
}

// knownSize lets a file that is obviously too large be refused without reading it.
func knownSize(r io.Reader) (int64, bool) {
	switch r := r.(type) {
	case interface{ Stat() (os.FileInfo, error) }:
		if st, err := r.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size(), true
		}
	case interface{ Len() int }:
		return int64(r.Len()), true
	}
	return 0, false
}

// decodeExport checks the header before the body so that a file from another program is
// told "not a QwenDesk export" rather than a confusing type error deep inside.
func decodeExport(data []byte) (Export, error) {
	var ex Export
	var head struct {
		Format  any `json:"format"`
		Version any `json:"version"`
	}
	if err := decodeOne(data, &head); err != nil {
		return ex, err
	}
	if f, _ := head.Format.(string); f != ExportFormat {
		return ex, refuse("it is not a QwenDesk export (its \"format\" is %s, expected %q)", describe(head.Format), ExportFormat)
	}
	v, ok := head.Version.(float64)
	switch {
	case !ok || v != float64(int(v)):
		return ex, refuse("its \"version\" is %s, expected a number", describe(head.Version))
	case int(v) > ExportVersion:
		return ex, refuse("it was made by a newer QwenDesk (export version %d; this version reads up to %d)", int(v), ExportVersion)
	case int(v) != ExportVersion:
		return ex, refuse("export version %d is not supported (expected %d)", int(v), ExportVersion)
	}
	if err := decodeOne(data, &ex); err != nil {
		return ex, err
	}
	return ex, nil
}

// decodeOne decodes exactly one JSON value from data; anything after it is an error. A
// Decoder (unlike json.Unmarshal) reports a cut-off file as io.ErrUnexpectedEOF, which
// lets the message say "truncated" without inspecting error text.
func decodeOne(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			line, col := position(data, dec.InputOffset())
			return refuse("it is not valid JSON: unexpected data after the end, at line %d, column %d", line, col)
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return refuse("the file is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return refuse("the file ends in the middle of the data (it may be truncated)")
	case errors.As(err, &syn):
		line, col := position(data, max(syn.Offset-1, 0)) // Offset counts the offending byte
		return refuse("it is not valid JSON: %s at line %d, column %d", syn.Error(), line, col)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		field := typ.Field
		if i := strings.LastIndexByte(field, '.'); i >= 0 {
			field = field[i+1:] // the path includes Go's embedded struct names; the key is what a reader can find
		}
		if field == "" {
			return refuse("it should be a JSON object, not %s", typ.Value)
		}
		return refuse("%q should be %s, not %s (line %d, column %d)", field, typeName(typ.Type.Kind().String()), typ.Value, line, col)
	}
	return refuse("it is not valid JSON: %v", err)
}

func describe(v any) string {
	if v == nil {
		return "missing"
	}
	b, _ := json.Marshal(v)
	if len(b) > 40 {
		b = append(b[:40], "…"...)
	}
	return string(b)
}

func typeName(kind string) string {
	switch kind {
	case "struct", "map":
		return "an object"
	case "slice":
		return "a list"
	case "string":
		return "text"
	case "bool":
		return "true or false"
	}
	return "a number"
}

func position(data []byte, offset int64) (line, col int) {
	offset = min(offset, int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// validateExport rejects anything that would fail halfway through the insert or break the
// store's invariants, naming the conversation and message (1-based, as a person counts).
func validateExport(ex Export) error {
	convSeen := map[string]int{}
	msgSeen := map[string]string{}
	for i, c := range ex.Conversations {
		where := fmt.Sprintf("conversation %d (%q)", i+1, truncate(c.Title, 40))
		if c.ID == "" {
			return refuse("%s has no id", where)
		}
		if prev, dup := convSeen[c.ID]; dup {
			return refuse("%s has the same id as conversation %d", where, prev)
		}
		convSeen[c.ID] = i + 1
		if !timeInRange(c.CreatedAt) || !timeInRange(c.UpdatedAt) {
			return refuse("%s has a date outside the years 1678–2262", where)
		}
		ids := map[string]bool{}
		for _, m := range c.Messages {
			ids[m.ID] = true
		}
		documents := map[string]bool{}
		for k, d := range c.Documents {
			if err := validateDocument(d); err != nil || !isHexHash(d.Hash) {
				return refuse("%s: document %d has no valid content hash or type", where, k+1)
			}
			documents[d.Hash] = true
		}
		for j, m := range c.Messages {
			at := fmt.Sprintf("%s: message %d", where, j+1)
			switch {
			case m.ID == "":
				return refuse("%s has no id", at)
			case msgSeen[m.ID] != "":
				return refuse("%s has the same id as %s", at, msgSeen[m.ID])
			case m.ConversationID != "" && m.ConversationID != c.ID:
				return refuse("%s says it belongs to conversation %q, but it is inside %q", at, m.ConversationID, c.ID)
			case !knownRoles[m.Role]:
				return refuse("%s has unknown role %q", at, m.Role)
			case !knownStatuses[m.Status]:
				return refuse("%s has unknown status %q", at, m.Status)
			case m.ParentID != "" && (!ids[m.ParentID] || m.ParentID == m.ID):
				return refuse("%s has parent %q, which is not another message of the same conversation", at, m.ParentID)
			case !timeInRange(m.CreatedAt) || !timeInRange(m.UpdatedAt):
				return refuse("%s has a date outside the years 1678–2262", at)
			}
			if err := validateImportedCalls(at, m); err != nil {
				return err
			}
			for k, a := range m.Documents {
				if err := validateAttachment(a); err != nil {
					return refuse("%s: attachment %d: %v", at, k+1, strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
				}
				if !documents[a.Hash] {
					return refuse("%s: attachment %d (%q) refers to a document that is not in the file", at, k+1, a.Name)
				}
				if m.Role != RoleUser {
					return refuse("%s has attachments but is not a user message", at)
				}
			}
			msgSeen[m.ID] = at
		}
		if c.ActiveLeaf != "" && !ids[c.ActiveLeaf] {
			return refuse("%s shows message %q, which is not one of its messages", where, c.ActiveLeaf)
		}
	}
	return nil
}

// validateImportedCalls checks a message's tool calls the way AddToolCall would, and that
// each call points inside the message's text, so the context rebuilt from it is sound.
func validateImportedCalls(at string, m Message) error {
	if len(m.ToolCalls) > 0 && m.Role != RoleAssistant {
		return refuse("%s has tool calls but is not an assistant message", at)
	}
	seen := map[string]bool{}
	for k, tc := range m.ToolCalls {
		call := fmt.Sprintf("%s: tool call %d", at, k+1)
		switch {
		case tc.MessageID != "" && tc.MessageID != m.ID:
			return refuse("%s says it belongs to message %q", call, tc.MessageID)
		case tc.CallID == "":
			return refuse("%s has no call id", call)
		case seen[tc.CallID]:
			return refuse("%s has the same call id as another call of the message", call)
		case tc.APIName == "":
			return refuse("%s has no tool name", call)
		case !knownToolStates[tc.State]:
			return refuse("%s has unknown state %q", call, tc.State)
		case !knownToolOutcomes[tc.Outcome]:
			return refuse("%s has unknown outcome %q", call, tc.Outcome)
		case tc.Step < 0 || tc.Index < 0:
			return refuse("%s has a negative step or index", call)
		case tc.TextOffset < 0 || tc.TextOffset > len(m.Content):
			return refuse("%s is placed at %d, outside the message's text", call, tc.TextOffset)
		case !timeInRange(tc.CreatedAt) || !timeInRange(tc.UpdatedAt):
			return refuse("%s has a date outside the years 1678–2262", call)
		}
		seen[tc.CallID] = true
	}
	return nil
}

func isHexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// idsTaken reports whether the conversation's id or any of its message ids already exist
// (live, soft-deleted, or inserted earlier in this same import). Message ids are checked in
// chunks to stay far below SQLite's limit on bound parameters.
func idsTaken(ctx context.Context, tx queryer, ec ExportedConversation) (bool, error) {
	taken, err := exists1(ctx, tx, `SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ?)`, []any{ec.ID})
	if err != nil || taken {
		return taken, err
	}
	const chunk = 500
	for i := 0; i < len(ec.Messages); i += chunk {
		part := ec.Messages[i:min(i+chunk, len(ec.Messages))]
		args := make([]any, len(part))
		for j, m := range part {
			args[j] = m.ID
		}
		q := `SELECT EXISTS (SELECT 1 FROM messages WHERE id IN (?` + strings.Repeat(",?", len(part)-1) + `))`
		if taken, err := exists1(ctx, tx, q, args); err != nil || taken {
			return taken, err
		}
	}
	return false, nil
}

func exists1(ctx context.Context, tx queryer, q string, args []any) (bool, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	var found bool
	if rows.Next() {
		if err := rows.Scan(&found); err != nil {
			return false, err
		}
	}
	return found, rows.Err()
}
