package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// documentsVersion is the schema version that has the documents tables.
const documentsVersion = 6

// schemaV6 keeps the documents attached to user messages. A document is its extracted text,
// one row per page, sheet or slide, keyed by the SHA-256 of the file's bytes: the same file
// attached twice (or in two conversations) is stored once, and the file itself is never
// copied. message_documents links a message to the documents it carried, under the name the
// user attached each with and how it was sent: whole ("text"), cut to fit ("excerpt", with
// the budget it was cut to, so the same excerpt is rebuilt for every later turn), or
// uploaded to DashScope ("file", with its file id). A document no message refers to any
// more goes with its last link. Parts are searchable through a trigram index like
// messages_fts. Nothing is backfilled: older files have no documents, so this step is only
// CREATE statements and costs nothing on a large history.
const schemaV6 = `
CREATE TABLE documents (
	hash          TEXT    PRIMARY KEY,
	type          TEXT    NOT NULL,
	language      TEXT    NOT NULL DEFAULT '',
	encoding      TEXT    NOT NULL DEFAULT '',
	pages         INTEGER NOT NULL DEFAULT 0,
	sheets        INTEGER NOT NULL DEFAULT 0,
	chars         INTEGER NOT NULL DEFAULT 0,
	tokens        INTEGER NOT NULL DEFAULT 0,
	no_text_layer INTEGER NOT NULL DEFAULT 0,
	truncated     INTEGER NOT NULL DEFAULT 0,
	bytes         INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL
);
CREATE TABLE document_parts (
	seq     INTEGER PRIMARY KEY,
	hash    TEXT    NOT NULL REFERENCES documents (hash) ON DELETE CASCADE,
	part    INTEGER NOT NULL,
	label   TEXT    NOT NULL,
	text    TEXT    NOT NULL,
	no_text INTEGER NOT NULL DEFAULT 0,
	UNIQUE (hash, part)
);
CREATE TABLE message_documents (
	message_id TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	hash       TEXT    NOT NULL REFERENCES documents (hash),
	name       TEXT    NOT NULL,
	mode       TEXT    NOT NULL DEFAULT 'text',
	max_tokens INTEGER NOT NULL DEFAULT 0,
	file_id    TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (message_id, position)
);
CREATE INDEX message_documents_by_hash ON message_documents (hash);
CREATE TRIGGER message_documents_gc AFTER DELETE ON message_documents
WHEN NOT EXISTS (SELECT 1 FROM message_documents WHERE hash = old.hash) BEGIN
	DELETE FROM documents WHERE hash = old.hash;
END;

CREATE VIRTUAL TABLE document_parts_fts USING fts5 (
	text,
	content = 'document_parts',
	content_rowid = 'seq',
	tokenize = 'trigram case_sensitive 0'
);
CREATE TRIGGER document_parts_fts_insert AFTER INSERT ON document_parts BEGIN
	INSERT INTO document_parts_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER document_parts_fts_delete AFTER DELETE ON document_parts BEGIN
	INSERT INTO document_parts_fts (document_parts_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
`

// How a document went to the model.
const (
	DocModeText    = "text"    // the whole extracted text, in the user message
	DocModeExcerpt = "excerpt" // the first parts that fitted MaxTokens, in the user message
	DocModeFile    = "file"    // uploaded to DashScope's file API, referred to by FileID
)

var knownDocModes = map[string]bool{DocModeText: true, DocModeExcerpt: true, DocModeFile: true}

// DocumentPart is one page, sheet or slide of a stored document.
type DocumentPart struct {
	Label  string `json:"label"`
	Text   string `json:"text"`
	NoText bool   `json:"noText,omitempty"`
}

// Document is the extracted text of one file, as stored once per content hash.
type Document struct {
	Hash        string         `json:"hash"` // hex SHA-256 of the file's bytes
	Type        string         `json:"type"` // pdf, docx, xlsx, … (docs.Type)
	Language    string         `json:"language,omitempty"`
	Encoding    string         `json:"encoding,omitempty"`
	Pages       int            `json:"pages,omitempty"`
	Sheets      int            `json:"sheets,omitempty"`
	Chars       int            `json:"chars"`
	Tokens      int            `json:"tokens"`
	NoTextLayer bool           `json:"noTextLayer,omitempty"`
	Truncated   bool           `json:"truncated,omitempty"`
	Bytes       int64          `json:"bytes"`
	Parts       []DocumentPart `json:"parts"`
	CreatedAt   time.Time      `json:"createdAt"`
}

// Attachment is a document on a message: which one, under what name, how it was sent, and
// (read with the message, not written) the document's counts for the chip.
type Attachment struct {
	Hash      string `json:"hash"`
	Name      string `json:"name"`
	Mode      string `json:"mode"`
	MaxTokens int    `json:"maxTokens,omitempty"`
	FileID    string `json:"fileId,omitempty"`

	Type        string `json:"type"`
	Encoding    string `json:"encoding,omitempty"` // the text encoding assumed, for text files
	Pages       int    `json:"pages,omitempty"`
	Sheets      int    `json:"sheets,omitempty"`
	Chars       int    `json:"chars"`
	Tokens      int    `json:"tokens"`
	NoTextLayer bool   `json:"noTextLayer,omitempty"`
	Truncated   bool   `json:"truncated,omitempty"`
}

func validateAttachment(a Attachment) error {
	switch {
	case len(a.Hash) != 64:
		return invalidf("attachment %q has no content hash", a.Name)
	case a.Name == "":
		return invalidf("attachment %s has no name", a.Hash)
	case !knownDocModes[a.Mode]:
		return invalidf("attachment %q has unknown mode %q", a.Name, a.Mode)
	case a.Mode == DocModeFile && a.FileID == "":
		return invalidf("attachment %q was uploaded but has no file id", a.Name)
	case a.MaxTokens < 0:
		return invalidf("attachment %q has a negative budget", a.Name)
	}
	return nil
}

func validateDocument(d Document) error {
	switch {
	case len(d.Hash) != 64:
		return invalidf("document has no content hash")
	case d.Type == "":
		return invalidf("document %s has no type", d.Hash)
	}
	return nil
}

// insertDocument stores d unless a document with its hash is already there (then the
// stored text stands: it came from the same bytes).
func insertDocument(ctx context.Context, db execer, d Document) error {
	res, err := db.ExecContext(ctx, `INSERT OR IGNORE INTO documents (hash, type, language, encoding, pages, sheets,
		chars, tokens, no_text_layer, truncated, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Hash, d.Type, d.Language, d.Encoding, d.Pages, d.Sheets, d.Chars, d.Tokens, boolInt(d.NoTextLayer),
		boolInt(d.Truncated), d.Bytes, toNanos(d.CreatedAt))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	for i, p := range d.Parts {
		if _, err := db.ExecContext(ctx, `INSERT INTO document_parts (hash, part, label, text, no_text) VALUES (?, ?, ?, ?, ?)`,
			d.Hash, i, p.Label, p.Text, boolInt(p.NoText)); err != nil {
			return err
		}
	}
	return nil
}

func insertAttachments(ctx context.Context, db execer, messageID string, atts []Attachment) error {
	for i, a := range atts {
		if _, err := db.ExecContext(ctx, `INSERT INTO message_documents (message_id, position, hash, name, mode, max_tokens, file_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, messageID, i, a.Hash, a.Name, a.Mode, a.MaxTokens, a.FileID); err != nil {
			return err
		}
	}
	return nil
}

// HasDocument reports whether a document with this content hash is stored.
func (s *Store) HasDocument(ctx context.Context, hash string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE hash = ?`, hash).Scan(&n); err != nil {
		return false, fmt.Errorf("store: document: %w", err)
	}
	return n > 0, nil
}

// Document returns a stored document with its parts, or ErrNotFound.
func (s *Store) Document(ctx context.Context, hash string) (Document, error) {
	return documentOf(ctx, s.db, hash)
}

type rowQueryer interface {
	queryer
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func documentOf(ctx context.Context, q rowQueryer, hash string) (Document, error) {
	d := Document{Hash: hash, Parts: []DocumentPart{}}
	var noText, truncated int
	var created int64
	err := q.QueryRowContext(ctx, `SELECT type, language, encoding, pages, sheets, chars, tokens, no_text_layer,
		truncated, bytes, created_at FROM documents WHERE hash = ?`, hash).Scan(&d.Type, &d.Language, &d.Encoding,
		&d.Pages, &d.Sheets, &d.Chars, &d.Tokens, &noText, &truncated, &d.Bytes, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, ErrNotFound
	}
	if err != nil {
		return Document{}, fmt.Errorf("store: document: %w", err)
	}
	d.NoTextLayer, d.Truncated, d.CreatedAt = noText != 0, truncated != 0, fromNanos(created)
	rows, err := q.QueryContext(ctx, `SELECT label, text, no_text FROM document_parts WHERE hash = ? ORDER BY part`, hash)
	if err != nil {
		return Document{}, fmt.Errorf("store: document parts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p DocumentPart
		var nt int
		if err := rows.Scan(&p.Label, &p.Text, &nt); err != nil {
			return Document{}, fmt.Errorf("store: document parts: %w", err)
		}
		p.NoText = nt != 0
		d.Parts = append(d.Parts, p)
	}
	return d, rows.Err()
}

// attachmentsOf returns the attachments of a conversation's messages, by message id, in
// the order they were attached, with each document's counts.
func attachmentsOf(ctx context.Context, q queryer, conversationID string) (map[string][]Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT md.message_id, md.hash, md.name, md.mode, md.max_tokens, md.file_id,
		d.type, d.encoding, d.pages, d.sheets, d.chars, d.tokens, d.no_text_layer, d.truncated
		FROM message_documents md JOIN messages m ON m.id = md.message_id JOIN documents d ON d.hash = md.hash
		WHERE m.conversation_id = ? ORDER BY md.message_id, md.position`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: attachments: %w", err)
	}
	defer rows.Close()
	out := map[string][]Attachment{}
	for rows.Next() {
		var id string
		var a Attachment
		var noText, truncated int
		if err := rows.Scan(&id, &a.Hash, &a.Name, &a.Mode, &a.MaxTokens, &a.FileID, &a.Type, &a.Encoding, &a.Pages, &a.Sheets,
			&a.Chars, &a.Tokens, &noText, &truncated); err != nil {
			return nil, fmt.Errorf("store: attachments: %w", err)
		}
		a.NoTextLayer, a.Truncated = noText != 0, truncated != 0
		out[id] = append(out[id], a)
	}
	return out, rows.Err()
}
