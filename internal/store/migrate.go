package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// ErrSchemaTooNew is returned by Open when history.db was written by a newer version of the
// app. The file is left untouched: an older app must not guess at a newer schema.
var ErrSchemaTooNew = errors.New("history.db was created by a newer version of QwenDesk")

// migration is one schema step. migrations[i] takes the file from version i to i+1 (the
// version lives in PRAGMA user_version; schema_migrations keeps a human-readable log).
type migration struct {
	name string
	sql  string
}

// migrations is append-only: never edit a step that has shipped, add the next one, e.g.
//
//	{"message pins", `ALTER TABLE messages ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0`},
var migrations = []migration{
	{"initial schema", schemaV1},
	{"active branch", `ALTER TABLE conversations ADD COLUMN active_leaf TEXT NOT NULL DEFAULT ''`},
	{"message images", `ALTER TABLE messages ADD COLUMN images TEXT NOT NULL DEFAULT ''`},
	{"cjk bigram index", schemaV4},
	{"tool calls", schemaV5},
	{"documents", schemaV6},
}

// toolCallsVersion is the schema version that has the tool_calls table.
const toolCallsVersion = 5

// schemaV5 keeps the tool calls of assistant messages. A call is a row from the moment the
// model asks for it (state requested), so a crash during the call leaves a row that Open
// marks interrupted; its result lands with state done. text_offset is the UTF-8 byte offset
// in the message's content where the step that asked for it ended: the UI places the call
// there, and the request context is rebuilt per step from it. Results are searchable once
// done, through a trigram index like messages_fts (short terms use instr(), see search.go).
// One trigger handles updates so the index's delete always runs before its insert.
const schemaV5 = `
CREATE TABLE tool_calls (
	seq          INTEGER PRIMARY KEY,
	message_id   TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
	call_id      TEXT    NOT NULL,
	step         INTEGER NOT NULL,
	call_index   INTEGER NOT NULL,
	text_offset  INTEGER NOT NULL,
	api_name     TEXT    NOT NULL,
	server       TEXT    NOT NULL DEFAULT '',
	tool         TEXT    NOT NULL DEFAULT '',
	arguments    TEXT    NOT NULL DEFAULT '',
	state        TEXT    NOT NULL,
	outcome      TEXT    NOT NULL DEFAULT '',
	result       TEXT    NOT NULL DEFAULT '',
	truncated    INTEGER NOT NULL DEFAULT 0,
	duration_ms  INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	UNIQUE (message_id, call_id)
);
CREATE INDEX tool_calls_unfinished ON tool_calls (state) WHERE state <> 'done';

CREATE VIRTUAL TABLE tool_calls_fts USING fts5 (
	result,
	content = 'tool_calls',
	content_rowid = 'seq',
	tokenize = 'trigram case_sensitive 0'
);
CREATE TRIGGER tool_calls_fts_insert AFTER INSERT ON tool_calls
WHEN new.state = 'done' BEGIN
	INSERT INTO tool_calls_fts (rowid, result) VALUES (new.seq, new.result);
END;
CREATE TRIGGER tool_calls_fts_delete AFTER DELETE ON tool_calls
WHEN old.state = 'done' BEGIN
	INSERT INTO tool_calls_fts (tool_calls_fts, rowid, result) VALUES ('delete', old.seq, old.result);
END;
CREATE TRIGGER tool_calls_fts_update AFTER UPDATE OF result, state ON tool_calls
WHEN old.state = 'done' OR new.state = 'done' BEGIN
	INSERT INTO tool_calls_fts (tool_calls_fts, rowid, result) SELECT 'delete', old.seq, old.result WHERE old.state = 'done';
	INSERT INTO tool_calls_fts (rowid, result) SELECT new.seq, new.result WHERE new.state = 'done';
END;
`

// schemaV4 indexes 1- and 2-character CJK substrings, which the trigram index cannot answer
// (search.go used a full instr() scan for them). The indexed text is derived by
// qwendesk_cjk_bigrams (bigram.go), so it cannot be an external-content table over
// messages; contentless with contentless_delete stores only the index and still allows
// DELETE by rowid. The triggers follow the messages_fts ones (a message is indexed only once
// it stops streaming, see schemaV1).
const schemaV4 = `
CREATE VIRTUAL TABLE messages_bigram USING fts5 (
	content,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_bigram_insert AFTER INSERT ON messages
WHEN new.status <> 'streaming' BEGIN
	INSERT INTO messages_bigram (rowid, content) VALUES (new.seq, qwendesk_cjk_bigrams(new.content));
END;
CREATE TRIGGER messages_bigram_delete AFTER DELETE ON messages
WHEN old.status <> 'streaming' BEGIN
	DELETE FROM messages_bigram WHERE rowid = old.seq;
END;
-- SQLite does not promise an order for triggers on the same event (it runs the newest
-- first), so unlike the messages_fts pair these two never both fire: an edit of an indexed
-- message is one REPLACE, and unindex only handles a message going back to streaming.
CREATE TRIGGER messages_bigram_unindex AFTER UPDATE OF content, status ON messages
WHEN old.status <> 'streaming' AND new.status = 'streaming' BEGIN
	DELETE FROM messages_bigram WHERE rowid = old.seq;
END;
CREATE TRIGGER messages_bigram_index AFTER UPDATE OF content, status ON messages
WHEN new.status <> 'streaming' AND (old.content IS NOT new.content OR old.status = 'streaming') BEGIN
	INSERT OR REPLACE INTO messages_bigram (rowid, content) VALUES (new.seq, qwendesk_cjk_bigrams(new.content));
END;
INSERT INTO messages_bigram (rowid, content)
	SELECT seq, qwendesk_cjk_bigrams(content) FROM messages WHERE status <> 'streaming';
`

const schemaV1 = `
CREATE TABLE schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL
);

CREATE TABLE conversations (
	id            TEXT    PRIMARY KEY,
	title         TEXT    NOT NULL DEFAULT '',
	model         TEXT    NOT NULL DEFAULT '',
	system_prompt TEXT    NOT NULL DEFAULT '',
	params        TEXT    NOT NULL DEFAULT '{}', -- JSON of Params
	pinned        INTEGER NOT NULL DEFAULT 0,
	title_auto    INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,               -- unix nanoseconds
	updated_at    INTEGER NOT NULL,
	deleted_at    INTEGER                         -- soft delete, NULL while live
);
CREATE INDEX conversations_sidebar ON conversations (pinned DESC, updated_at DESC) WHERE deleted_at IS NULL;

-- seq is the rowid: insertion order for ties on created_at, and the FTS content_rowid.
CREATE TABLE messages (
	seq                INTEGER PRIMARY KEY,
	id                 TEXT    NOT NULL UNIQUE,
	conversation_id    TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	parent_id          TEXT    NOT NULL DEFAULT '',
	role               TEXT    NOT NULL,
	content            TEXT    NOT NULL DEFAULT '',
	reasoning          TEXT    NOT NULL DEFAULT '',
	status             TEXT    NOT NULL,
	model              TEXT    NOT NULL DEFAULT '',
	finish_reason      TEXT    NOT NULL DEFAULT '',
	prompt_tokens      INTEGER, -- all five NULL = no usage reported
	completion_tokens  INTEGER,
	total_tokens       INTEGER,
	cached_tokens      INTEGER,
	reasoning_tokens   INTEGER,
	error_kind         TEXT    NOT NULL DEFAULT '',
	error_message      TEXT    NOT NULL DEFAULT '',
	server_request_id  TEXT    NOT NULL DEFAULT '',
	first_token_ms     INTEGER NOT NULL DEFAULT 0,
	duration_ms        INTEGER NOT NULL DEFAULT 0,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at, seq);
CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

CREATE TABLE settings (
	key        TEXT    PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
);

-- trigram: substring search in any script (Chinese has no spaces for unicode61 to split
-- on); queries under three characters are answered by instr() instead, see search.go.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
	content,
	content = 'messages',
	content_rowid = 'seq',
	tokenize = 'trigram case_sensitive 0'
);
-- A reply is indexed once it stops streaming, not at every checkpoint: re-indexing a growing
-- text once a second would cost O(n) per checkpoint, O(n²) per reply. A reply still
-- streaming is on screen anyway; a crashed one is indexed when Open marks it incomplete.
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN new.status <> 'streaming' BEGIN
	INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.status <> 'streaming' BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;
-- Status-only changes between indexed statuses leave the index alone.
CREATE TRIGGER messages_fts_unindex AFTER UPDATE OF content, status ON messages
WHEN old.status <> 'streaming' AND (old.content IS NOT new.content OR new.status = 'streaming') BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER messages_fts_index AFTER UPDATE OF content, status ON messages
WHEN new.status <> 'streaming' AND (old.content IS NOT new.content OR old.status = 'streaming') BEGIN
	INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;
`

type migrateResult struct {
	from, to int
	backup   string
}

// migrate brings the file to len(steps). All pending steps run in one transaction, so a
// failure leaves the file exactly as it was. Before changing a file that already holds
// anything, it takes a byte copy next to it (history.db.bak-v<from>-<unix>).
func migrate(ctx context.Context, db *sql.DB, path string, steps []migration, now time.Time) (migrateResult, error) {
	r := migrateResult{to: len(steps)}
	// One connection throughout: foreign_keys is per connection and must be off while
	// steps run (SQLite ignores the pragma inside a transaction), so table rebuilds in
	// future steps do not cascade-delete rows.
	conn, err := db.Conn(ctx)
	if err != nil {
		return r, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()

	if err := conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&r.from); err != nil {
		return r, fmt.Errorf("store: read schema version: %w", err)
	}
	if r.from > r.to {
		return r, fmt.Errorf("store: %w (file schema v%d, this build knows v%d)", ErrSchemaTooNew, r.from, r.to)
	}
	if r.from == r.to {
		return r, nil
	}

	var objects int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&objects); err != nil {
		return r, fmt.Errorf("store: migrate: %w", err)
	}
	if objects > 0 || r.from > 0 {
		if r.backup, err = backupFile(ctx, conn, path, r.from, now); err != nil {
			return r, fmt.Errorf("store: backup before migration: %w", err)
		}
	}

	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return r, fmt.Errorf("store: migrate: %w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`); err != nil {
			// Never hand the pool a connection without foreign keys: make it discard this one.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return r, fmt.Errorf("store: migrate: %w", err)
	}
	defer tx.Rollback()
	for v := r.from + 1; v <= r.to; v++ {
		step := steps[v-1]
		if _, err := tx.ExecContext(ctx, step.sql); err != nil {
			return r, fmt.Errorf("store: migration to v%d (%s) failed, file left at v%d: %w", v, step.name, r.from, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			v, step.name, toNanos(now)); err != nil {
			return r, fmt.Errorf("store: migration to v%d (%s): %w", v, step.name, err)
		}
	}
	// user_version lives in the file header and is transactional, so it commits or rolls
	// back together with the steps.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, r.to)); err != nil {
		return r, fmt.Errorf("store: migrate: %w", err)
	}
	if err := foreignKeyCheck(ctx, tx); err != nil {
		return r, fmt.Errorf("store: migration to v%d broke references, file left at v%d: %w", r.to, r.from, err)
	}
	if err := tx.Commit(); err != nil {
		return r, fmt.Errorf("store: migrate: %w", err)
	}
	return r, nil
}

func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("row %d of %s points to a missing %s", rowid.Int64, table, parent)
	}
	return rows.Err()
}

// backupFile folds the WAL into the main file, then copies it byte for byte. The copy is
// written to a temporary name and renamed so a half-written backup never looks complete.
func backupFile(ctx context.Context, conn *sql.Conn, path string, from int, now time.Time) (string, error) {
	var busy, logFrames, checkpointed int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed); err != nil {
		return "", err
	}
	if busy != 0 {
		return "", errors.New("another connection is using the database; cannot take a consistent copy")
	}
	dst := uniqueName(fmt.Sprintf("%s.bak-v%d-%d", path, from, now.Unix()))
	if err := copyFile(path, dst); err != nil {
		return "", err
	}
	return dst, nil
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = io.Copy(out, in); err != nil {
		return err
	}
	if err = out.Sync(); err != nil {
		return err
	}
	if err = out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
