//go:build e2e

package e2e

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"qwendesk/internal/store"
)

// upgradeMessages sizes the old history so that its v4 backfill takes several seconds on a
// shared two-core machine: long enough to read the window, quit and kill in the middle.
func upgradeMessages() int {
	if n, err := strconv.Atoi(os.Getenv("QWENDESK_E2E_UPGRADE_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return 250_000
}

// writeV3History writes dir/history.db as QwenDesk 0.1 left it: schema v3, before the
// bigram index, tool calls and documents, holding n messages. It builds today's schema and
// takes every later object away again, then fills it with one statement.
// v3Object reports whether a schema object is one of QwenDesk 0.1's (schema v3): the
// conversations and messages tables with their indexes, the settings and migration log, and
// the trigram search index with its triggers and shadow tables.
func v3Object(name string) bool {
	switch name {
	case "conversations", "conversations_sidebar", "messages", "messages_by_conversation",
		"messages_streaming", "settings", "schema_migrations":
		return true
	}
	return name == "messages_fts" || strings.HasPrefix(name, "messages_fts_")
}

// currentSchema is the schema version this build writes.
func currentSchema(t *testing.T) int {
	t.Helper()
	dir := t.TempDir()
	st, _, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	v, _ := schemaOf(t, dir)
	return v
}

func writeV3History(t *testing.T, dir string, n int) {
	t.Helper()
	st, _, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Every object a migration after v3 added goes again (v4 and later only add objects): what
	// is left is v3's schema, whatever later versions bring.
	var drops []string
	rows, err := db.Query(`SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'table', 'index')
		AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'index' THEN 1 ELSE 2 END`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
			t.Fatal(err)
		}
		if !v3Object(name) {
			drops = append(drops, fmt.Sprintf("DROP %s IF EXISTS %q", strings.ToUpper(typ), name))
		}
	}
	rows.Close()
	for _, q := range append(drops,
		`DELETE FROM schema_migrations WHERE version > 3`, `PRAGMA user_version = 3`,
		`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('conv', 'Before the upgrade', 1, 1)`,
		fmt.Sprintf(`WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < %d)
			INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at)
			SELECT 'm' || n, 'conv', CASE n %% 2 WHEN 0 THEN 'user' ELSE 'assistant' END,
				'第' || n || '条消息：今天天气很好，我们去公园散步吧。Message ' || n || ' about the weather.',
				'complete', n, n FROM i`, n),
		`PRAGMA wal_checkpoint(TRUNCATE)`,
	) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// copyHistory gives one run its own copy of the old history.
func copyHistory(t *testing.T, template string) string {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(template, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, store.FileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// schemaOf reads the file's version and message count without the store (which would
// migrate it).
func schemaOf(t *testing.T, dir string) (version, messages int) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM messages`).Scan(&messages); err != nil {
		t.Fatal(err)
	}
	return version, messages
}

var progressLine = regexp.MustCompile(`Updating your history for QwenDesk \S+ — (\d+)%`)

// waitProgress polls the window until it shows the migration at least min percent done and
// returns the percentage shown.
func waitProgress(t *testing.T, min int, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	text := ""
	for time.Now().Before(deadline) {
		text, _ = windowText(t)
		if m := progressLine.FindStringSubmatch(text); m != nil {
			if pct, _ := strconv.Atoi(m[1]); pct >= min {
				return pct
			}
		}
		time.Sleep(150 * time.Millisecond)
	}
	t.Fatalf("the window did not show the upgrade at %d%% or more within %s; it shows:\n%s", min, timeout, text)
	return 0
}

func backups(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, store.FileName+".bak-v3-*"))
	return m
}

// The first start after an upgrade: the window is up at once and says how far the update
// of the history is, a second launch meanwhile neither opens nor touches the file, and a
// kill -9 or a quit in the middle leaves the old file live and the next start finishes.
func TestUpgradeShowsProgressInTheWindow(t *testing.T) {
	clearKeychain(t)
	n := upgradeMessages()
	template := t.TempDir()
	began := time.Now()
	writeV3History(t, template, n)
	t.Logf("wrote a v3 history of %d messages in %s", n, time.Since(began).Round(time.Millisecond))

	t.Run("progress, second launch, then ready", func(t *testing.T) {
		dir := copyHistory(t, template)
		start := time.Now()
		a := launch(t, dir)
		first := waitProgress(t, 0, 20*time.Second)
		shownAt := time.Since(start)
		screenshot(t, "40-upgrade-progress")
		text, _ := windowText(t)
		if !strings.Contains(text, "You can quit safely") {
			t.Errorf("the progress screen does not say quitting is safe:\n%s", text)
		}

		// A second launch while the history is still being upgraded: it hands over to the
		// first window and exits, without opening the file (it would wait on the
		// migration's lock, or take a second backup).
		second := launchSecond(t, dir)
		select {
		case <-second: // Wails exits it with status 1 once the first instance has the message
		case <-time.After(15 * time.Second):
			t.Error("the second launch did not exit within 15 s")
		}
		a.waitLog("second launch: showing this window", 1, 5*time.Second)
		if later := waitProgress(t, first+1, 30*time.Second); later <= first {
			t.Errorf("progress did not move: %d%% then %d%%", first, later)
		}

		waitWindowText(t, 90*time.Second, "Welcome to QwenDesk")
		total := time.Since(start)
		t.Logf("progress shown %s after launch; the upgrade took %s in all", shownAt.Round(time.Millisecond), total.Round(time.Millisecond))
		if total-shownAt < 2*time.Second {
			t.Errorf("progress was on screen only %s before the app was ready: the test history is too small to show anything", total-shownAt)
		}
		a.quit()
		if v, got := schemaOf(t, dir); v != currentSchema(t) || got != n {
			t.Fatalf("after the upgrade: schema v%d, %d messages (want v%d, %d)", v, got, currentSchema(t), n)
		}
		if b := backups(t, dir); len(b) != 1 {
			t.Fatalf("backups %v, want the one the first launch took", b)
		}
		for _, e := range a.logEntries() {
			if e.str("msg") == "history file unusable" {
				t.Fatalf("a launch found the history unusable (the second one opened it?): %v", e)
			}
		}
	})

	for _, stop := range []string{"kill -9", "quit"} {
		t.Run(stop+" in the middle", func(t *testing.T) {
			dir := copyHistory(t, template)
			a := launch(t, dir)
			waitProgress(t, 20, 30*time.Second)
			if stop == "quit" {
				began := time.Now()
				a.quit() // fails the test unless the exit is clean, within 10 s
				t.Logf("quit during the upgrade took %s", time.Since(began).Round(time.Millisecond))
			} else {
				a.kill()
			}
			if v, got := schemaOf(t, dir); v != 3 || got != n {
				t.Fatalf("after a %s mid-upgrade the live file is v%d with %d messages; want the old v3 with %d", stop, v, got, n)
			}
			if res := integrityCheck(t, filepath.Join(dir, store.FileName)); res != "ok" {
				t.Fatalf("integrity after %s: %s", stop, res)
			}

			// The next start upgrades it from the start and opens normally.
			b := launch(t, dir)
			waitWindowText(t, 90*time.Second, "Welcome to QwenDesk")
			b.quit()
			if v, got := schemaOf(t, dir); v != currentSchema(t) || got != n {
				t.Fatalf("the start after a %s: schema v%d, %d messages (want v%d, %d)", stop, v, got, currentSchema(t), n)
			}
			if res := integrityCheck(t, filepath.Join(dir, store.FileName)); res != "ok" {
				t.Fatalf("integrity after the second start: %s", res)
			}
		})
	}
}

// launchSecond starts another QwenDesk on the same data folder and reports how it exited;
// it is expected to find the first one's single-instance lock and leave at once.
func launchSecond(t *testing.T, dir string) <-chan error {
	t.Helper()
	cmd := exec.Command(os.Getenv("QWENDESK_E2E_BIN"))
	cmd.Env = append(os.Environ(), "QWENDESK_DATA_DIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	})
	return done
}
