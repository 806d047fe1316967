package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestOpenEmptyDirCreatesCurrentSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "QwenDesk")
	s, rep := openTest(t, dir)
	want := OpenReport{Path: filepath.Join(dir, FileName), ToVersion: len(migrations)}
	if rep != want {
		t.Fatalf("report = %+v, want %+v", rep, want)
	}
	if _, err := os.Stat(s.Path()); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Reopening an up-to-date file migrates nothing and copies nothing.
	_, rep = openTest(t, dir)
	if rep.FromVersion != len(migrations) || rep.Backup != "" || rep.MovedAside != "" {
		t.Fatalf("reopen report = %+v", rep)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.bak-*")); len(matches) != 0 {
		t.Fatalf("unexpected backups: %v", matches)
	}
}

// Every pooled connection must carry the pragmas, not only the first one.
func TestPragmasOnEveryConnection(t *testing.T) {
	s := newTestStore(t)
	for i := range 4 {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var mode string
		var fk, busy, sync int
		if err := conn.QueryRowContext(ctx, `SELECT (SELECT journal_mode FROM pragma_journal_mode), (SELECT foreign_keys FROM pragma_foreign_keys),
			(SELECT timeout FROM pragma_busy_timeout), (SELECT synchronous FROM pragma_synchronous)`).Scan(&mode, &fk, &busy, &sync); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 || busy != 5000 || sync != 1 {
			t.Fatalf("connection %d: journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d", i, mode, fk, busy, sync)
		}
	}
}

// A file that already holds something (here: a v0 file some earlier tool left with an
// unrelated table) is copied before the first migration, and its data survives.
func TestMigrateFromV0FileTakesBackup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	db := rawDB(t, path)
	if _, err := db.Exec(`CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, rep := openTest(t, dir)
	if rep.FromVersion != 0 || rep.ToVersion != len(migrations) || rep.Backup == "" {
		t.Fatalf("report = %+v", rep)
	}
	if !regexp.MustCompile(`history\.db\.bak-v0-\d+$`).MatchString(rep.Backup) {
		t.Fatalf("backup name %q", rep.Backup)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM notes`); n != 1 {
		t.Fatalf("unrelated table lost rows: %d", n)
	}
	bak := rawDB(t, rep.Backup)
	if n := queryInt(t, bak, `SELECT count(*) FROM notes`); n != 1 {
		t.Fatalf("backup lacks the data: %d", n)
	}
	if v := queryInt(t, bak, `PRAGMA user_version`); v != 0 {
		t.Fatalf("backup user_version = %d", v)
	}
}

// v2 here is a test-only step standing in for the next real migration.
var testV2 = migration{name: "flag messages", sql: `
	ALTER TABLE messages ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
	UPDATE messages SET flagged = 1 WHERE role = 'user';`}

func seedV1(t *testing.T, dir string) (Conversation, Message) {
	t.Helper()
	s, _, err := open(dir, Options{Now: newClock().Now}, migrations[:1])
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// v1's conversations table, written as v1 wrote it (the API now writes later columns).
	c := Conversation{ID: NewID(), Title: "before the upgrade", Params: Params{}, TitleAuto: true}
	now := toNanos(newClock().Now())
	if _, err := s.db.Exec(`INSERT INTO conversations (id, title, model, system_prompt, params, pinned, title_auto, created_at, updated_at)
		VALUES (?, ?, '', '', '{}', 0, 1, ?, ?)`, c.ID, c.Title, now, now); err != nil {
		t.Fatal(err)
	}
	m := Message{ID: NewID(), ConversationID: c.ID, Role: RoleUser, Content: "remember this", Status: StatusComplete}
	if _, err := s.db.Exec(`INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.ID, c.ID, m.Role, m.Content, m.Status, now, now); err != nil {
		t.Fatal(err)
	}
	return c, m
}

// From v1 through every real step, plus a test-only next one.
func TestMigrateFromV1(t *testing.T) {
	dir := t.TempDir()
	c, m := seedV1(t, dir)
	// v4 (bigram index) backfills messages written before it existed.
	zh := Message{ID: NewID(), ConversationID: c.ID, Role: RoleAssistant, Content: "今天天气很好", Status: StatusComplete}
	if _, err := rawDB(t, filepath.Join(dir, FileName)).Exec(`INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 1, 1)`, zh.ID, c.ID, zh.Role, zh.Content, zh.Status); err != nil {
		t.Fatal(err)
	}

	steps := append(append([]migration{}, migrations...), testV2)
	s, rep, err := open(dir, Options{Now: newClock().Now}, steps)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep.FromVersion != 1 || rep.ToVersion != len(steps) || !strings.Contains(rep.Backup, ".bak-v1-") {
		t.Fatalf("report = %+v", rep)
	}
	if got, err := s.Conversation(ctx, c.ID); err != nil || got.ActiveLeaf != "" || !got.TitleAuto {
		t.Fatalf("v2 (active branch) on a v1 conversation: %+v %v", got, err)
	}
	if got, err := s.Message(ctx, m.ID); err != nil || got.Images != nil {
		t.Fatalf("v3 (images) on a v1 message: %+v %v", got, err)
	}
	if got, err := s.Message(ctx, m.ID); err != nil || got.Content != m.Content {
		t.Fatalf("message after migration: %+v %v", got, err)
	}
	if got, err := s.Conversation(ctx, c.ID); err != nil || got.Title != c.Title {
		t.Fatalf("conversation after migration: %+v %v", got, err)
	}
	if ids := searchIDs(t, s, "天气"); !ids[zh.ID] || len(ids) != 1 {
		t.Fatalf("v4 (bigram index): 天气 found %v after migrating", ids)
	}
	bigramIntegrity(t, s)
	if n := queryInt(t, s.db, `SELECT flagged FROM messages WHERE id = ?`, m.ID); n != 1 {
		t.Fatal("v2 step did not run")
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM schema_migrations`); n != len(steps) {
		t.Fatalf("schema_migrations rows = %d", n)
	}
	bak := rawDB(t, rep.Backup)
	if v := queryInt(t, bak, `PRAGMA user_version`); v != 1 {
		t.Fatalf("backup is at v%d, want v1", v)
	}
	if n := queryInt(t, bak, `SELECT count(*) FROM sqlite_schema WHERE name = 'messages_bigram'`); n != 0 {
		t.Fatal("backup already has the bigram index")
	}
	if n := queryInt(t, bak, `SELECT count(*) FROM messages WHERE id IN (?, ?)`, m.ID, zh.ID); n != 2 {
		t.Fatal("backup lacks the message")
	}
}

func TestFailingMigrationRollsBack(t *testing.T) {
	dir := t.TempDir()
	c, m := seedV1(t, dir)
	path := filepath.Join(dir, FileName)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	bad := migration{name: "broken", sql: `CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);`}
	steps := append(append([]migration{}, migrations[:1]...), testV2, bad)
	if _, _, err := open(dir, Options{Now: newClock().Now}, steps); err == nil || !strings.Contains(err.Error(), "left at v1") {
		t.Fatalf("want a migration error naming v1, got %v", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("history.db bytes changed by a failed migration")
	}

	s, rep := openTest(t, dir)
	if rep.FromVersion != 1 || rep.MovedAside != "" {
		t.Fatalf("report after failed migration = %+v", rep)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'`); n != 0 {
		t.Fatal("partial migration was kept")
	}
	if got, err := s.Message(ctx, m.ID); err != nil || got.ConversationID != c.ID {
		t.Fatalf("data lost: %+v %v", got, err)
	}
}

func TestNewerSchemaIsLeftAlone(t *testing.T) {
	dir := t.TempDir()
	seedV1(t, dir)
	path := filepath.Join(dir, FileName)
	db := rawDB(t, path)
	if _, err := db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, rep, err := Open(dir, Options{})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("got %v, want ErrSchemaTooNew", err)
	}
	if rep.MovedAside != "" || rep.Backup != "" {
		t.Fatalf("a newer file must not be touched: %+v", rep)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptFileIsMovedAside(t *testing.T) {
	// A real database whose b-tree pages are overwritten: the header is valid, so only
	// quick_check (or the first read) notices.
	damaged := func(t *testing.T, path string) []byte {
		s, _, err := Open(filepath.Dir(path), Options{})
		if err != nil {
			t.Fatal(err)
		}
		c := mustConv(t, s, Conversation{})
		for range 200 {
			mustMsg(t, s, Message{ConversationID: c.ID, Content: strings.Repeat("lorem ipsum ", 40)})
		}
		s.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := 4096 * 2; i < len(b)-4096; i += 4096 {
			copy(b[i+100:i+400], bytes.Repeat([]byte{0xA5}, 300))
		}
		return b
	}
	cases := []struct {
		name    string
		content func(t *testing.T, path string) []byte
	}{
		{"garbage", func(*testing.T, string) []byte { return bytes.Repeat([]byte("not a database "), 500) }},
		{"damaged pages", damaged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			bad := tc.content(t, path)
			if err := os.WriteFile(path, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			s, rep := openTest(t, dir)
			if !regexp.MustCompile(`history\.db\.corrupt-\d+$`).MatchString(rep.MovedAside) {
				t.Fatalf("MovedAside = %q", rep.MovedAside)
			}
			kept, err := os.ReadFile(rep.MovedAside)
			if err != nil || !bytes.Equal(kept, bad) {
				t.Fatalf("the corrupt file must be kept byte for byte (err %v)", err)
			}
			c := mustConv(t, s, Conversation{Title: "fresh start"})
			mustMsg(t, s, Message{ConversationID: c.ID, Content: "works"})
			if list, _ := s.ListConversations(ctx, 0, 0); len(list) != 1 {
				t.Fatalf("fresh store lists %d conversations", len(list))
			}
		})
	}
}

func TestUnwritableDataFolderIsAnError(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	dirs := []string{filepath.Join(file, "QwenDesk")}
	if os.Geteuid() != 0 { // root ignores permission bits
		ro := filepath.Join(base, "read-only")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(ro, 0o700) })
		dirs = append(dirs, ro)
	}
	for _, dir := range dirs {
		s, _, err := Open(dir, Options{})
		if err == nil {
			s.Close()
			t.Fatalf("Open(%q) succeeded", dir)
		}
	}
}

func TestOpenMarksStreamingIncomplete(t *testing.T) {
	dir := t.TempDir()
	s, _ := openTest(t, dir)
	c := mustConv(t, s, Conversation{})
	done := mustMsg(t, s, Message{ConversationID: c.ID, Role: RoleAssistant, Status: StatusComplete, Content: "done"})
	live := mustMsg(t, s, Message{ConversationID: c.ID, Role: RoleAssistant, Status: StatusStreaming, Content: "half"})
	s.Close()

	s, rep := openTestClock(t, dir, &clock{t: time.Now()})
	if rep.Interrupted != 1 {
		t.Fatalf("Interrupted = %d", rep.Interrupted)
	}
	if got, _ := s.Message(ctx, live.ID); got.Status != StatusIncomplete || got.Content != "half" {
		t.Fatalf("streaming message after reopen: %+v", got)
	}
	if got, _ := s.Message(ctx, done.ID); got.Status != StatusComplete {
		t.Fatalf("complete message changed: %+v", got)
	}
}

// A large history closed cleanly is not read whole at every launch; after a crash (a leftover
// -wal file) it is.
func TestLargeCleanFileSkipsTheFullCheck(t *testing.T) {
	dir := t.TempDir()
	seedV1(t, dir)
	path := filepath.Join(dir, FileName)
	// Stand in for a large file: grow it past the threshold with a blob table.
	db := rawDB(t, path)
	if _, err := db.Exec(`CREATE TABLE ballast (b BLOB); INSERT INTO ballast VALUES (zeroblob(?))`, fullCheckBelow); err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Remove(path + "-wal")

	calls := 0
	orig := quickCheckHook
	quickCheckHook = func() { calls++ }
	defer func() { quickCheckHook = orig }()

	s, _ := openTest(t, dir)
	s.Close()
	if calls != 0 {
		t.Fatalf("quick_check ran %d times on a large file closed cleanly", calls)
	}
	if err := os.WriteFile(path+"-wal", []byte("left by a crash"), 0o600); err != nil {
		t.Fatal(err)
	}
	s2, _, err := Open(dir, Options{})
	if err == nil {
		s2.Close()
	}
	if calls == 0 {
		t.Fatal("quick_check did not run after an unclean shutdown")
	}
}
