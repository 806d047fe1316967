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
	// fill, when set, runs after sql in the same transaction: the part of a step that goes
	// through every existing row, done in batches so that Open can report its progress.
	fill *backfill
}

// backfill walks table by rowid, running sql for one range (?1 <= rowid < ?2) at a time. A
// single INSERT … SELECT over a million messages takes tens of seconds and says nothing
// meanwhile; batches inside the same transaction do the same work, keep the step
// all-or-nothing, and let the caller see how far it got and cancel between batches.
type backfill struct {
	table string
	sql   string
}

// fillBatch is the rowids per backfill statement: about 50 ms of bigram indexing, so
// progress moves several times a second and a cancel is honoured quickly.
var fillBatch int64 = 2000

// migrations is append-only: never edit a step that has shipped, add the next one, e.g.
//
//	{"message pins", `ALTER TABLE messages ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0`},
//
// A step that goes through every row (an index backfill) declares it as fill, so the window
// can show its progress during the first start after an upgrade.
var migrations = []migration{
	{name: "initial schema", sql: schemaV1},
	{name: "active branch", sql: `ALTER TABLE conversations ADD COLUMN active_leaf TEXT NOT NULL DEFAULT ''`},
	{name: "message images", sql: `ALTER TABLE messages ADD COLUMN images TEXT NOT NULL DEFAULT ''`},
	{name: "cjk bigram index", sql: schemaV4, fill: &backfill{table: "messages", sql: fillV4}},
	{name: "tool calls", sql: schemaV5},
	{name: "documents", sql: schemaV6},
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
`

// fillV4 indexes the messages written before v4. It shipped as one INSERT … SELECT at the
// end of schemaV4; the batches select exactly the same rows.
const fillV4 = `
INSERT INTO messages_bigram (rowid, content)
	SELECT seq, qwendesk_cjk_bigrams(content) FROM messages
	WHERE status <> 'streaming' AND seq >= ?1 AND seq < ?2`

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
// failure — or a cancel, or the process being killed — leaves the file exactly as it was,
// and the next start runs them again from the start. Before changing a file that already
// holds anything, it takes a byte copy next to it (history.db.bak-v<from>-<unix>). report
// hears the copy's and each step's progress.
func migrate(ctx context.Context, db *sql.DB, path string, steps []migration, now time.Time, report func(Progress)) (migrateResult, error) {
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
		copied := func(done, total int64) {
			report(Progress{Phase: PhaseBackup, FromVersion: r.from, ToVersion: r.to, Done: done, Total: total})
		}
		if r.backup, err = backupFile(ctx, conn, path, r.from, now, copied); err != nil {
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
		stepProgress := func(done, total int64) {
			report(Progress{Phase: PhaseMigrating, FromVersion: r.from, ToVersion: r.to, Version: v, Step: step.name, Done: done, Total: total})
		}
		stepProgress(0, 0)
		if _, err := tx.ExecContext(ctx, step.sql); err != nil {
			return r, fmt.Errorf("store: migration to v%d (%s) failed, file left at v%d: %w", v, step.name, r.from, err)
		}
		if step.fill != nil {
			if err := step.fill.run(ctx, tx, stepProgress); err != nil {
				return r, fmt.Errorf("store: migration to v%d (%s) failed, file left at v%d: %w", v, step.name, r.from, err)
			}
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
	// A cancel that came during the last statement must not commit: the caller has been
	// told the migration did not happen.
	if err := ctx.Err(); err != nil {
		return r, fmt.Errorf("store: migration cancelled, file left at v%d: %w", r.from, err)
	}
	if err := tx.Commit(); err != nil {
		return r, fmt.Errorf("store: migrate: %w", err)
	}
	return r, nil
}

// run fills the whole rowid range of f.table, reporting rowids covered out of the range
// (gaps left by deleted rows make the count approximate, never backwards).
func (f *backfill) run(ctx context.Context, tx *sql.Tx, report func(done, total int64)) error {
	var lo, hi sql.NullInt64
	if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT min(rowid), max(rowid) FROM %q`, f.table)).Scan(&lo, &hi); err != nil {
		return err
	}
	if !lo.Valid {
		return nil // no rows
	}
	total := hi.Int64 - lo.Int64 + 1
	report(0, total)
	for from := lo.Int64; from <= hi.Int64; from += fillBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		to := min(from+fillBatch, hi.Int64+1)
		if _, err := tx.ExecContext(ctx, f.sql, from, to); err != nil {
			return err
		}
		report(to-lo.Int64, total)
	}
	return nil
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
func backupFile(ctx context.Context, conn *sql.Conn, path string, from int, now time.Time, report func(done, total int64)) (string, error) {
	var busy, logFrames, checkpointed int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed); err != nil {
		return "", err
	}
	if busy != 0 {
		return "", errors.New("another connection is using the database; cannot take a consistent copy")
	}
	dst := uniqueName(fmt.Sprintf("%s.bak-v%d-%d", path, from, now.Unix()))
	if err := copyFile(ctx, path, dst, report); err != nil {
		return "", err
	}
	return dst, nil
}

// copyFile copies in chunks, reporting bytes copied: a history of a gigabyte takes seconds
// to copy, and the user should see it move (and be able to quit).
func copyFile(ctx context.Context, src, dst string, report func(done, total int64)) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	tmp := dst + ".tmp"
	// A copy cut short by a kill in an earlier start left this name behind; it is ours.
	_ = os.Remove(tmp)
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
	buf := make([]byte, 4<<20)
	var done int64
	report(0, info.Size())
	for {
		if err = ctx.Err(); err != nil {
			return err
		}
		n, rerr := in.Read(buf)
		if n > 0 {
			if _, err = out.Write(buf[:n]); err != nil {
				return err
			}
			done += int64(n)
			report(done, info.Size())
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if err = out.Sync(); err != nil {
		return err
	}
	if err = out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
