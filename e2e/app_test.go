//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/fakedashscope"
)

const turnTimeout = 60 * time.Second

// lastChat returns the last streamed chat request the fake server received (not the
// non-streaming title requests).
func lastChat(t *testing.T, fake *fakedashscope.Server) fakedashscope.Recorded {
	t.Helper()
	var last *fakedashscope.Recorded
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/chat/completions") && r.Stream {
			r := r
			last = &r
		}
	}
	if last == nil {
		t.Fatal("the fake server received no chat request")
	}
	return *last
}

func assertSent(t *testing.T, fake *fakedashscope.Server, key, question string) {
	t.Helper()
	r := lastChat(t, fake)
	if r.Authorization != "Bearer "+key {
		t.Errorf("request was not authorised with the user's key")
	}
	if !r.Stream || !r.IncludeUsage {
		t.Errorf("request must stream with include_usage: stream=%v include_usage=%v", r.Stream, r.IncludeUsage)
	}
	if r.Model != "qwen-plus" {
		t.Errorf("model = %q, want the default qwen-plus", r.Model)
	}
	if n := len(r.Messages); n == 0 || r.Messages[n-1].Role != "user" || r.Messages[n-1].Content != question {
		t.Errorf("last message sent = %+v, want the typed question %q", r.Messages, question)
	}
}

// First run: no key anywhere → setup screen → the key typed there goes into the real
// keychain → a question streams a reply. A second launch finds the key in the keychain.
func TestFirstRunStoresKeyInKeychainAndStreams(t *testing.T) {
	clearKeychain(t)
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 20 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()

	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL())
	screenshot(t, "01-setup-no-key")
	a.typeText(key)
	a.press("Return")
	saved := a.waitLog("key saved", 1, 15*time.Second)
	if saved.str("source") != "keychain" {
		t.Fatalf("key saved to %q, want the keychain", saved.str("source"))
	}
	time.Sleep(1500 * time.Millisecond)
	screenshot(t, "02-chat-empty")

	question := "Hello from the end-to-end test"
	a.typeText(question)
	a.press("Return")
	done := a.waitLog("turn finished", 1, turnTimeout)
	if done.str("status") != "complete" {
		t.Fatalf("turn ended %q, want complete", done.str("status"))
	}
	assertSent(t, fake, key, question)
	time.Sleep(time.Second)
	screenshot(t, "03-reply-complete")
	a.quit()

	// Relaunch: the key now comes from the keychain, with no environment variable.
	b := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL())
	second := "Second launch question"
	b.typeText(second)
	b.press("Return")
	if e := b.waitLog("turn finished", 2, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("after relaunch the turn ended %q", e.str("status"))
	}
	assertSent(t, fake, key, second)
	time.Sleep(time.Second)
	screenshot(t, "04-relaunch-keychain-key")
	b.quit()
	assertNoKeyIn(t, dataDir, key)
	clearKeychain(t)
}

// With DASHSCOPE_API_KEY set: a reply streams, Stop keeps the partial text, every error kind
// of DashScope's table is reported with its kind, and the conversation keeps working.
func TestEnvKeyStreamingStopAndErrors(t *testing.T) {
	clearKeychain(t)
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 20 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	screenshot(t, "05-env-key-chat")
	turns := 0
	send := func(text string) logEntry {
		t.Helper()
		a.typeText(text)
		a.press("Return")
		turns++
		return a.waitLog("turn finished", turns, turnTimeout)
	}

	// Stop mid-stream.
	a.typeText("Tell me a long story #slow")
	a.press("Return")
	turns++
	a.waitLog("turn started", turns, 15*time.Second)
	time.Sleep(2 * time.Second)
	screenshot(t, "06-streaming")
	a.press("Escape")
	if e := a.waitLog("turn finished", turns, 15*time.Second); e.str("status") != "stopped" {
		t.Fatalf("Esc while streaming ended the turn as %q, want stopped", e.str("status"))
	}
	time.Sleep(300 * time.Millisecond)
	screenshot(t, "07-stopped-partial-kept")

	cases := []struct{ marker, kind, status string }{
		{"#err401", "auth", "error"},
		{"#err403", "access_denied", "error"},
		{"#arrearage", "billing", "error"},
		{"#err404", "model_not_found", "error"},
		{"#quota", "quota", "error"},
		{"#moderation", "moderation", "error"},
		{"#err400", "bad_request", "error"},
		{"#err500", "server", "error"},
		{"#err429", "rate_limit", "error"},
		{"#midstream", "server", "error"},
		{"#truncate", "truncated", "truncated"},
		{"#err401 #native", "auth", "error"},
	}
	for _, c := range cases {
		e := send("Check " + c.marker)
		if e.str("status") != c.status || e.str("error_kind") != c.kind {
			t.Errorf("%s: turn ended status=%q kind=%q, want %q/%q", c.marker, e.str("status"), e.str("error_kind"), c.status, c.kind)
		}
		time.Sleep(300 * time.Millisecond)
		screenshot(t, "08-error-"+strings.NewReplacer("#", "", " ", "-").Replace(c.marker))
	}

	// After all that, the next turn works.
	if e := send("Are you still there?"); e.str("status") != "complete" {
		t.Fatalf("turn after errors ended %q, want complete", e.str("status"))
	}
	assertSent(t, fake, key, "Are you still there?")
	screenshot(t, "09-recovered")
	a.quit()
	assertNoKeyIn(t, dataDir, key)
}

// A keychain that cannot be reached falls back to the environment key and says so.
func TestKeychainUnavailableFallsBackToEnv(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key,
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus")
	if e := func() logEntry {
		a.typeText("Hello without a keychain")
		a.press("Return")
		return a.waitLog("turn finished", 1, turnTimeout)
	}(); e.str("status") != "complete" {
		t.Fatalf("turn ended %q, want complete", e.str("status"))
	}
	screenshot(t, "10-keychain-unavailable-env-key")
	a.quit()
	assertNoKeyIn(t, dataDir, key)
}

// A DASHSCOPE_BASE_URL that is not a URL does not stop the app: it is ignored, logged and
// shown, and the region endpoint is used instead.
func TestInvalidBaseURLIsReportedNotFatal(t *testing.T) {
	dataDir := t.TempDir()
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL=ftp://not-an-endpoint", "DASHSCOPE_API_KEY="+testKey(t))
	if e := a.waitLog("endpoint", 1, 10*time.Second); !strings.Contains(e.str("problem"), "DASHSCOPE_BASE_URL") {
		t.Fatalf("log says %q, want the ignored DASHSCOPE_BASE_URL named", e.str("problem"))
	}
	screenshot(t, "11-invalid-base-url-reported")
	a.quit()
}

// A kill -9 in the middle of a long reply loses nothing but the last unsaved second: after a
// restart the question and the partial answer (marked interrupted) are in the file and on
// screen, and the file passes integrity_check.
func TestKillMidStreamKeepsHistory(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 20 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()
	env := []string{"DASHSCOPE_BASE_URL=" + fake.BaseURL(), "DASHSCOPE_API_KEY=" + key}
	a := launch(t, dataDir, env...)
	question := "Tell me everything #slow"
	a.typeText(question)
	a.press("Return")
	a.waitLog("turn started", 1, 15*time.Second)
	time.Sleep(3 * time.Second) // several checkpoints
	a.kill()

	if res := integrityCheck(t, filepath.Join(dataDir, "history.db")); res != "ok" {
		t.Fatalf("integrity_check after kill -9: %s", res)
	}

	b := launch(t, dataDir, env...)
	opened := b.waitLog("history opened", 2, 10*time.Second) // the log file is shared by both runs
	if n, _ := opened["interrupted_replies"].(float64); n != 1 {
		t.Fatalf("history opened with %v interrupted replies, want 1", opened["interrupted_replies"])
	}
	time.Sleep(time.Second)
	screenshot(t, "12-after-kill-restart")
	b.quit()

	msgs := storedMessages(t, dataDir)
	if len(msgs) != 2 || msgs[0].Content != question {
		t.Fatalf("after kill -9 the history holds %+v, want the question and the partial reply", msgs)
	}
	if msgs[1].Status != "incomplete" || len(msgs[1].Content) < 20 {
		t.Fatalf("partial reply = status %q, %d bytes; want incomplete with the text received", msgs[1].Status, len(msgs[1].Content))
	}
	assertNoKeyIn(t, dataDir, key)
}

// A history file that is not a database is moved aside (never deleted), the window says
// where it went, and chatting works on a fresh file.
func TestCorruptHistoryIsMovedAsideAndTheAppWorks(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()
	garbage := []byte("this is not a SQLite database, it is what a bad disk left behind")
	if err := os.WriteFile(filepath.Join(dataDir, "history.db"), garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	opened := a.waitLog("history opened", 1, 10*time.Second)
	aside := opened.str("moved_aside")
	if kept, err := os.ReadFile(aside); err != nil || string(kept) != string(garbage) {
		t.Fatalf("the damaged file was not kept at %q: %v", aside, err)
	}
	screenshot(t, "13-corrupt-history-moved-aside")
	a.typeText("Still working?")
	a.press("Return")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn on the fresh history ended %q", e.str("status"))
	}
	a.quit()
}

// The experience a user sees most: a rich answer streaming (markdown, code, table, math), a
// thinking section, Settings and the usage page. Screenshots for a person to look at.
func TestRichAnswerThinkingSettingsAndUsage(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 20 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)

	a.typeText("Explain quicksort #markdown")
	a.press("Return")
	a.waitLog("turn started", 1, 15*time.Second)
	time.Sleep(1200 * time.Millisecond)
	screenshot(t, "14-markdown-streaming")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("markdown turn ended %q", e.str("status"))
	}
	time.Sleep(time.Second)
	screenshot(t, "15-markdown-complete")

	a.typeText("Think about it #think")
	a.press("Return")
	if e := a.waitLog("turn finished", 2, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("thinking turn ended %q", e.str("status"))
	}
	time.Sleep(time.Second)
	screenshot(t, "16-thinking")

	a.press("ctrl+comma")
	time.Sleep(800 * time.Millisecond)
	screenshot(t, "17-settings")
	a.click(767, 61) // the panel's close button
	time.Sleep(500 * time.Millisecond)

	a.click(60, 732) // "Usage" at the bottom of the sidebar
	time.Sleep(1200 * time.Millisecond)
	screenshot(t, "18-usage")
	a.quit()
}
