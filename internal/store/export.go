package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// ExportFormat and ExportVersion identify a JSON export; ImportJSON refuses anything else.
const (
	ExportFormat  = "qwendesk-export"
	ExportVersion = 1
)

// Export is the JSON export file.
type Export struct {
	Format        string                 `json:"format"`
	Version       int                    `json:"version"`
	ExportedAt    time.Time              `json:"exportedAt"`
	Conversations []ExportedConversation `json:"conversations"`
}

// ExportedConversation is a conversation with all its messages, oldest first, and the
// documents its messages carry (each once, with its text: messages refer to them by hash).
// Documents is a new field of version 1: files written before it simply have none, and an
// older QwenDesk ignores it, keeping the messages.
type ExportedConversation struct {
	Conversation
	Messages  []Message  `json:"messages"`
	Documents []Document `json:"documents,omitempty"`
}

// exportSet reads the chosen conversations and their messages from one snapshot, so an
// export taken while a reply streams is still self-consistent. ids nil/empty means every
// live conversation (sidebar order); an unknown or deleted id is ErrNotFound.
func (s *Store) exportSet(ctx context.Context, ids []string, each func(ExportedConversation) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	defer tx.Rollback()

	if len(ids) == 0 {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM conversations WHERE deleted_at IS NULL
			ORDER BY pinned DESC, updated_at DESC, rowid DESC`)
		if err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("store: export: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
	}
	for _, id := range ids {
		c, err := scanConversation(tx.QueryRowContext(ctx,
			`SELECT `+conversationColumns+` FROM conversations WHERE id = ? AND deleted_at IS NULL`, id))
		if err == sql.ErrNoRows {
			return fmt.Errorf("store: export conversation %q: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
		msgs, err := messagesOf(ctx, tx, id)
		if err != nil {
			return err
		}
		var documents []Document
		seen := map[string]bool{}
		for _, m := range msgs {
			for _, a := range m.Documents {
				if seen[a.Hash] {
					continue
				}
				seen[a.Hash] = true
				d, err := documentOf(ctx, tx, a.Hash)
				if err != nil {
					return fmt.Errorf("store: export document %q: %w", a.Name, err)
				}
				documents = append(documents, d)
			}
		}
		if err := each(ExportedConversation{Conversation: c, Messages: msgs, Documents: documents}); err != nil {
			return err
		}
	}
	return nil
}

// ExportJSON writes an indented Export of the given conversations (nil/empty = all live
// ones). Conversations are encoded one at a time, so a large history is never held in
// memory twice.
func (s *Store) ExportJSON(ctx context.Context, w io.Writer, ids []string) error {
	bw := bufio.NewWriter(w)
	exportedAt, _ := json.Marshal(s.now().UTC())
	fmt.Fprintf(bw, "{\n  \"format\": %q,\n  \"version\": %d,\n  \"exportedAt\": %s,\n  \"conversations\": [",
		ExportFormat, ExportVersion, exportedAt)
	n := 0
	err := s.exportSet(ctx, ids, func(ec ExportedConversation) error {
		b, err := json.MarshalIndent(ec, "    ", "  ")
		if err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
		if n > 0 {
			bw.WriteString(",")
		}
		n++
		bw.WriteString("\n    ")
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}

// ExportMarkdown writes the given conversations (nil/empty = all live ones) as a document a
// person can read: a heading per conversation, who said what, reasoning folded away in a
// <details> block, and a note where a reply did not finish normally.
func (s *Store) ExportMarkdown(ctx context.Context, w io.Writer, ids []string) error {
	bw := bufio.NewWriter(w)
	n := 0
	err := s.exportSet(ctx, ids, func(ec ExportedConversation) error {
		if n > 0 {
			bw.WriteString("\n---\n\n")
		}
		n++
		writeMarkdown(bw, ec)
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

const mdTime = "2006-01-02 15:04 MST"

func writeMarkdown(w *bufio.Writer, ec ExportedConversation) {
	title := ec.Title
	if strings.TrimSpace(title) == "" {
		title = "Untitled conversation"
	}
	fmt.Fprintf(w, "# %s\n\n", oneLine(title))
	meta := []string{}
	if ec.Model != "" {
		meta = append(meta, "Model: `"+ec.Model+"`")
	}
	meta = append(meta, "Started "+ec.CreatedAt.Local().Format(mdTime))
	meta = append(meta, fmt.Sprintf("%d messages", len(ec.Messages)))
	fmt.Fprintf(w, "_%s_\n\n", strings.Join(meta, " · "))
	if ec.SystemPrompt != "" {
		fmt.Fprintf(w, "**System prompt**\n\n%s\n\n", quote(ec.SystemPrompt))
	}
	for _, m := range ec.Messages {
		switch m.Role {
		case RoleUser:
			w.WriteString("**You**")
		case RoleSystem:
			w.WriteString("**System**")
		default:
			if m.Model != "" {
				fmt.Fprintf(w, "**Qwen (%s)**", m.Model)
			} else {
				w.WriteString("**Qwen**")
			}
		}
		fmt.Fprintf(w, " · %s\n\n", m.CreatedAt.Local().Format(mdTime))
		if m.Reasoning != "" {
			fmt.Fprintf(w, "<details>\n<summary>Reasoning</summary>\n\n%s\n\n</details>\n\n", strings.TrimSpace(m.Reasoning))
		}
		for _, a := range m.Documents {
			fmt.Fprintf(w, "> 📎 %s\n", attachmentLine(a))
		}
		if len(m.Documents) > 0 {
			w.WriteString("\n")
		}
		writeContentWithCalls(w, m)
		if note := statusNote(m); note != "" {
			fmt.Fprintf(w, "> _%s_\n\n", note)
		}
	}
}

// writeContentWithCalls writes the text with each step's tool calls where they happened.
func writeContentWithCalls(w *bufio.Writer, m Message) {
	at := 0
	for _, tc := range m.ToolCalls {
		if off := min(max(tc.TextOffset, at), len(m.Content)); off > at {
			if c := strings.TrimSpace(m.Content[at:off]); c != "" {
				fmt.Fprintf(w, "%s\n\n", c)
			}
			at = off
		}
		writeToolCall(w, tc)
	}
	if c := strings.TrimSpace(m.Content[at:]); c != "" {
		fmt.Fprintf(w, "%s\n\n", c)
	}
}

// mdResultLines is how much of a tool result the Markdown export shows: enough to see what
// came back, not a whole file dump.
const mdResultLines = 12

func writeToolCall(w *bufio.Writer, tc ToolCall) {
	name := tc.APIName
	if tc.Tool != "" {
		name = tc.Tool
	}
	where := ""
	if tc.Server != "" {
		where = " on `" + tc.Server + "`"
	}
	outcome := tc.Outcome
	if outcome == "" {
		outcome = tc.State
	}
	fmt.Fprintf(w, "> 🔧 **Tool call** `%s`%s — %s", name, where, outcome)
	if tc.DurationMs > 0 {
		fmt.Fprintf(w, " (%d ms)", tc.DurationMs)
	}
	w.WriteString("\n>\n")
	fence := codeFence(tc.Arguments + tc.Result)
	fmt.Fprintf(w, "> Arguments:\n>\n> %sjson\n%s\n> %s\n", fence, quoteLines(tc.Arguments), fence)
	if tc.Result != "" {
		lines := strings.Split(strings.TrimRight(tc.Result, "\n"), "\n")
		more := ""
		if len(lines) > mdResultLines {
			more = fmt.Sprintf("> _… %d more lines_\n", len(lines)-mdResultLines)
			lines = lines[:mdResultLines]
		}
		if tc.Truncated {
			more += "> _The tool's output was cut to fit._\n"
		}
		fmt.Fprintf(w, ">\n> Result:\n>\n> %s\n%s\n> %s\n%s", fence, quoteLines(strings.Join(lines, "\n")), fence, more)
	}
	w.WriteString("\n")
}

// codeFence is a backtick fence longer than any run of backticks in the text, so a result
// holding Markdown cannot close the block early.
func codeFence(text string) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

func quoteLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

func statusNote(m Message) string {
	switch m.Status {
	case StatusStopped:
		return "Stopped before the reply was finished."
	case StatusTruncated:
		return "Cut off: the reply reached its length limit."
	case StatusIncomplete:
		return "Interrupted: the app closed before the reply was finished."
	case StatusStreaming:
		return "Still being written when this was exported."
	case StatusError:
		msg := "The reply failed"
		if m.ErrorKind != "" {
			msg += " (" + m.ErrorKind + ")"
		}
		if m.ErrorMessage != "" {
			msg += ": " + oneLine(m.ErrorMessage)
		}
		return msg + "."
	}
	return ""
}

// attachmentLine describes an attached document in the Markdown export: its text is in
// the JSON export, not here, where it would bury the conversation.
func attachmentLine(a Attachment) string {
	parts := []string{"`" + strings.ReplaceAll(a.Name, "`", "'") + "`"}
	switch {
	case a.Pages > 0:
		parts = append(parts, fmt.Sprintf("%d pages", a.Pages))
	case a.Sheets > 0:
		parts = append(parts, fmt.Sprintf("%d sheets", a.Sheets))
	}
	parts = append(parts, fmt.Sprintf("%d characters", a.Chars))
	switch a.Mode {
	case DocModeExcerpt:
		parts = append(parts, "first part only")
	case DocModeFile:
		parts = append(parts, "sent as a DashScope file")
	}
	return strings.Join(parts, " · ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func quote(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}
