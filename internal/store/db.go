package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// FileName is the database file inside the data folder.
const FileName = "history.db"

// Options tune Open. The zero value is ready to use.
type Options struct {
	Now func() time.Time // nil → time.Now; used for timestamps the store chooses itself
	// Progress, when set, hears what Open is doing, so a window can say so while it waits
	// (the first start after an upgrade can take tens of seconds on a large history). It is
	// called on Open's goroutine, often: keep it quick.
	Progress func(Progress)
}

// Phase is what Open is busy with.
type Phase string

// Phases of Open, in order. Only a start that has to upgrade the file goes through the
// last two.
const (
	PhaseChecking  Phase = "checking"  // opening and checking the file
	PhaseBackup    Phase = "backup"    // the byte copy taken before a migration; Done/Total are bytes
	PhaseMigrating Phase = "migrating" // one schema step; Done/Total are rows of its backfill
)

// Progress is one report from Open. Total is 0 when the work cannot be measured (a quick
// check, a step that is one statement): the window then shows that it is busy, not how far.
type Progress struct {
	Phase       Phase  `json:"phase"`
	FromVersion int    `json:"fromVersion"` // the file's schema version before this start
	ToVersion   int    `json:"toVersion"`   // the version this build brings it to
	Version     int    `json:"version"`     // migrating: the version the current step leads to
	Step        string `json:"step"`        // migrating: the step's name, as in schema_migrations
	Done        int64  `json:"done"`
	Total       int64  `json:"total"`
}

func (o Options) report(p Progress) {
	if o.Progress != nil {
		o.Progress(p)
	}
}

// OpenReport tells the caller what Open had to do, so the UI can say so.
type OpenReport struct {
	Path        string `json:"path"`        // the db file
	MovedAside  string `json:"movedAside"`  // non-empty when a corrupt/unreadable file was moved aside (never deleted) and a fresh one created
	Backup      string `json:"backup"`      // non-empty when a pre-migration copy was taken
	FromVersion int    `json:"fromVersion"` // schema version found (0 for a new file)
	ToVersion   int    `json:"toVersion"`   // schema version now
	Interrupted int    `json:"interrupted"` // messages that were still "streaming" (the app died mid-reply) and are now "incomplete"
	Purged      int    `json:"purged"`      // soft-deleted conversations from earlier sessions that were removed for good
}

// Store is the open history database. Safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time
}

// errCorrupt marks a file SQLite opened but that failed PRAGMA quick_check.
var errCorrupt = errors.New("database failed quick_check")

// dsnQuery is applied by the driver to every pooled connection, not just the first: a pragma
// set once with Exec would silently be missing on the next connection the pool opens.
// _txlock=immediate makes every write transaction take the write lock at BEGIN, so two
// writers queue on busy_timeout instead of one failing with SQLITE_BUSY when it upgrades
// from reader to writer (read-only transactions still begin deferred).
var dsnQuery = url.Values{
	"_pragma": {"busy_timeout(5000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(NORMAL)"},
	"_txlock": {"immediate"},
}.Encode()

// Open opens (creating if needed) dir/history.db, brings its schema up to date, turns replies
// left "streaming" by a crash into "incomplete" (and tool calls left unfinished into
// interrupted ones, never re-run) and purges conversations soft-deleted in an
// earlier session. A file SQLite cannot read as a database is renamed to
// history.db.corrupt-<unix> (with its -wal and -shm) and a fresh one is created; the report
// says where it went. A file written by a newer version of the app is left alone and
// ErrSchemaTooNew is returned.
func Open(dir string, o Options) (*Store, OpenReport, error) {
	return open(dir, o, migrations)
}

// OpenContext is Open that gives up when ctx ends (the user quit while a migration ran). A
// migration cut short is rolled back: the file stays at its old version and the next Open
// runs the migration again from the start.
func OpenContext(ctx context.Context, dir string, o Options) (*Store, OpenReport, error) {
	return openContext(ctx, dir, o, migrations)
}

func open(dir string, o Options, steps []migration) (*Store, OpenReport, error) {
	return openContext(context.Background(), dir, o, steps)
}

func openContext(ctx context.Context, dir string, o Options, steps []migration) (*Store, OpenReport, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	path := filepath.Join(dir, FileName)
	rep := OpenReport{Path: path}
	if strings.ContainsRune(path, '?') {
		return nil, rep, fmt.Errorf("store: data folder path %q contains '?', which SQLite cannot open", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, rep, fmt.Errorf("store: create data folder: %w", err)
	}

	o.report(Progress{Phase: PhaseChecking})
	db, err := openChecked(ctx, path)
	if err != nil && isCorrupt(err) && exists(path) {
		moved, merr := moveAside(path, now())
		if merr != nil {
			return nil, rep, fmt.Errorf("store: %s is unreadable (%v) and could not be moved aside: %w", path, err, merr)
		}
		rep.MovedAside = moved
		db, err = openChecked(ctx, path)
	}
	if err != nil {
		return nil, rep, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, now: now}

	mr, err := migrate(ctx, db, path, steps, now(), o.report)
	rep.FromVersion, rep.ToVersion, rep.Backup = mr.from, mr.to, mr.backup
	if err != nil {
		db.Close()
		return nil, rep, err
	}

	res, err := db.ExecContext(ctx, `UPDATE messages SET status = ? WHERE status = ?`, StatusIncomplete, StatusStreaming)
	if err != nil {
		db.Close()
		return nil, rep, fmt.Errorf("store: mark interrupted replies: %w", err)
	}
	n, _ := res.RowsAffected()
	rep.Interrupted = int(n)
	if mr.to >= toolCallsVersion { // tests open with fewer steps, without the table
		if _, err := markInterruptedCalls(ctx, db, now()); err != nil {
			db.Close()
			return nil, rep, err
		}
	}

	// Undo of a delete only makes sense within the session that deleted it.
	if rep.Purged, err = s.PurgeDeleted(ctx, now()); err != nil {
		db.Close()
		return nil, rep, err
	}
	return s, rep, nil
}

// fullCheckBelow is the file size up to which every open runs quick_check. quick_check reads
// the whole file (about 25 s per GB on a slow disk), so a large history that was closed
// cleanly is not re-read at every launch.
const fullCheckBelow = 256 << 20

// openChecked opens the pool and proves the file is a healthy database: the DSN pragmas run
// when the first connection opens (journal_mode fails with SQLITE_NOTADB on garbage), and
// quick_check catches damage inside an otherwise valid header. The full check runs when the
// file is small, or when the last session did not close it (a leftover -wal file: a crash or
// a kill), which is when damage is most likely; a large file closed cleanly gets the cheap
// checks only, and damage found later surfaces as a storage error, not silent loss.
func openChecked(ctx context.Context, path string) (*sql.DB, error) {
	full := true
	if info, err := os.Stat(path); err == nil && info.Size() >= fullCheckBelow {
		wal, werr := os.Stat(path + "-wal")
		full = werr == nil && wal.Size() > 0
	}
	db, err := sql.Open("sqlite", path+"?"+dsnQuery)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	check := quickCheck
	if !full {
		check = schemaCheck
	}
	if err := check(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// schemaCheck reads the schema: enough to open the pool and to fail on a file that is not a
// database, without reading the whole file.
func schemaCheck(ctx context.Context, db *sql.DB) error {
	var n int
	return db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n)
}

// quickCheckHook lets tests see when the full check runs.
var quickCheckHook = func() {}

func quickCheck(ctx context.Context, db *sql.DB) error {
	quickCheckHook()
	rows, err := db.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], "…")
		}
		return fmt.Errorf("%w: %s", errCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

// isCorrupt reports errors that mean "this file is not a usable database" as opposed to
// "something else is wrong right now" (busy, locked, disk full, unwritable folder), which
// must never cause the user's file to be moved away.
func isCorrupt(err error) bool {
	if errors.Is(err, errCorrupt) {
		return true
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		// The file exists (checked by the caller) but cannot be opened: unreadable.
		return true
	}
	return false
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// moveAside renames path and its -wal/-shm companions to path.corrupt-<unix>[-n] and
// returns the new name of the main file. The companions keep SQLite's naming so a recovery
// tool opening the moved file finds its WAL.
func moveAside(path string, now time.Time) (string, error) {
	dst := uniqueName(fmt.Sprintf("%s.corrupt-%d", path, now.Unix()))
	if err := os.Rename(path, dst); err != nil {
		return "", err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Rename(path+suffix, dst+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return dst, err
		}
	}
	return dst, nil
}

// uniqueName returns name, or name-1, name-2… when a file by that name already exists
// (two recoveries within one second).
func uniqueName(name string) string {
	candidate := name
	for i := 1; exists(candidate) || exists(candidate+"-wal"); i++ {
		candidate = fmt.Sprintf("%s-%d", name, i)
	}
	return candidate
}

// Close closes the database; the last connection to close checkpoints the WAL into the file.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }
