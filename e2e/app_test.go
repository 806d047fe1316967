//go:build e2e

package e2e

import (
	"os"
	"os/exec"
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
	waitWindowText(t, 15*time.Second, uiString(t, "en", "setup.title"))
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
	text := waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText(question))
	if !strings.Contains(text, question) {
		t.Errorf("the window shows the reply but not the question %q:\n%s", question, text)
	}
	keyBadge := "Key: " + uiString(t, "en", "key.source.keychain")
	if !strings.Contains(text, keyBadge) {
		t.Errorf("the window does not say the key comes from the keychain (%q):\n%s", keyBadge, text)
	}
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
	waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText(second))
	waitWindowText(t, 5*time.Second, keyBadge)
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
	// The partial text as saved, read from the file while the app runs, must be what the
	// window still shows, under the "stopped" note.
	partial := lastReply(t, dataDir)
	if partial.Status != "stopped" || !strings.HasPrefix(fake.ReplyText("#slow"), partial.Content) || len(partial.Content) < len("Slow part 1. ") {
		t.Fatalf("after Stop the file holds a reply %q with %d bytes %q; want the streamed prefix kept as stopped", partial.Status, len(partial.Content), partial.Content)
	}
	waitWindowShowsFlat(t, 5*time.Second, partial.Content)
	waitWindowText(t, 5*time.Second, uiString(t, "en", "msg.stopped"))
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
		waitLastAlert(t, 5*time.Second, c.marker, uiString(t, "en", "error.title."+c.kind), uiString(t, "en", "error.hint."+c.kind))
		screenshot(t, "08-error-"+strings.NewReplacer("#", "", " ", "-").Replace(c.marker))
	}

	// After all that, the next turn works.
	if e := send("Are you still there?"); e.str("status") != "complete" {
		t.Fatalf("turn after errors ended %q, want complete", e.str("status"))
	}
	assertSent(t, fake, key, "Are you still there?")
	waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText("Are you still there?"))
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
	// No session bus means no Secret Service; the accessibility bus, found through the
	// session bus otherwise, is named directly so the window can still be read.
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key,
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus", "AT_SPI_BUS_ADDRESS="+a11yBusAddress(t))
	if e := func() logEntry {
		a.typeText("Hello without a keychain")
		a.press("Return")
		return a.waitLog("turn finished", 1, turnTimeout)
	}(); e.str("status") != "complete" {
		t.Fatalf("turn ended %q, want complete", e.str("status"))
	}
	waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText("Hello without a keychain"))
	// The key badge names the variable in use, and its description (the tooltip, which a
	// screen reader reads after the name) says why the keychain is not.
	badge, _, _ := waitNode(t, 5*time.Second, "the key badge", func(n axNode) bool {
		return n.Role == "push button" && strings.HasPrefix(n.Name, "Key: DASHSCOPE_API_KEY")
	})
	if !strings.HasPrefix(badge.Description, uiString(t, "en", "key.keychainUnavailable")) {
		t.Errorf("the key badge does not say the keychain is unavailable: %v, description %q", badge, badge.Description)
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
	// The window says so too: a start-up notice naming the variable and its bad value.
	waitLastAlert(t, 10*time.Second, "start-up", uiString(t, "en", "error.title.startup"), "DASHSCOPE_BASE_URL is ignored", "not ftp://")
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
	// As the dead process left it: the checkpointed prefix of the reply, still "streaming".
	written := lastReply(t, dataDir)
	if written.Status != "streaming" || len(written.Content) < 20 || !strings.HasPrefix(fake.ReplyText(question), written.Content) {
		t.Fatalf("the file the killed app left holds a reply %q of %d bytes; want a streaming prefix of the answer", written.Status, len(written.Content))
	}

	b := launch(t, dataDir, env...)
	opened := b.waitLog("history opened", 2, 10*time.Second) // the log file is shared by both runs
	if n, _ := opened["interrupted_replies"].(float64); n != 1 {
		t.Fatalf("history opened with %v interrupted replies, want 1", opened["interrupted_replies"])
	}
	// On screen after the restart: the question, the text received, and why it ends there.
	waitWindowShowsFlat(t, 15*time.Second, written.Content)
	waitWindowText(t, 5*time.Second, question, uiString(t, "en", "msg.incomplete"))
	screenshot(t, "12-after-kill-restart")
	b.quit()

	msgs := storedMessages(t, dataDir)
	if len(msgs) != 2 || msgs[0].Content != question {
		t.Fatalf("after kill -9 the history holds %+v, want the question and the partial reply", msgs)
	}
	if msgs[1].Status != "incomplete" || msgs[1].Content != written.Content {
		t.Fatalf("partial reply = status %q, %d bytes; want incomplete with the %d bytes received", msgs[1].Status, len(msgs[1].Content), len(written.Content))
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
	waitLastAlert(t, 10*time.Second, "start-up", uiString(t, "en", "error.title.startup"), aside)
	screenshot(t, "13-corrupt-history-moved-aside")
	a.typeText("Still working?")
	a.press("Return")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn on the fresh history ended %q", e.str("status"))
	}
	waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText("Still working?"))
	a.quit()
}

// The experience a user sees most: a rich answer streaming (markdown, code, table, math), a
// thinking section, then Settings, Usage and About, each opened the way a user opens it and
// each checked for what it shows. The controls are found by their accessible names.
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
	// Rendered, not raw: the heading, the bold word without its asterisks, a code line, a
	// table cell and the link text, each as its own element.
	md, _, _ := waitNode(t, 10*time.Second, "the markdown heading", func(n axNode) bool {
		return n.Role == "heading" && (n.Name == "快速排序 Quicksort" || n.Text == "快速排序 Quicksort")
	})
	if md.Attrs["level"] != "2" {
		t.Errorf("the ## heading is exposed at level %q", md.Attrs["level"])
	}
	text := waitWindowText(t, 5*time.Second,
		"Quicksort picks a pivot, splits the array around it and recurses.",
		"func quicksort(a []int) []int {", "Mergesort", "the Go docs")
	if strings.Contains(text, "**pivot**") || strings.Contains(text, "```") {
		t.Errorf("the window shows markdown syntax:\n%s", text)
	}
	screenshot(t, "15-markdown-complete")

	a.typeText("Think about it #think")
	a.press("Return")
	if e := a.waitLog("turn finished", 2, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("thinking turn ended %q", e.str("status"))
	}
	waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText("Think about it #think"))
	thought, _, _ := waitNode(t, 5*time.Second, "the thinking section's toggle", func(n axNode) bool {
		return strings.HasPrefix(n.Name, "Thought for ") && n.Attrs["tag"] == "button"
	})
	t.Logf("thinking toggle: %v", thought)
	screenshot(t, "16-thinking")

	// Settings by its shortcut; closed by its Close button.
	a.press("ctrl+comma")
	_, tree, at := waitNode(t, 10*time.Second, "the Settings dialog", isRole("dialog", uiString(t, "en", "settings.title")))
	settingsText := treeText(subtree(tree, at))
	for _, key := range []string{"settings.general", "settings.theme", "settings.language", "settings.titles"} {
		if want := uiString(t, "en", key); !strings.Contains(strings.ToLower(settingsText), strings.ToLower(want)) {
			t.Errorf("Settings does not show %q:\n%s", want, settingsText)
		}
	}
	if !strings.Contains(settingsText, "DASHSCOPE_API_KEY") {
		t.Errorf("Settings does not say where the key comes from:\n%s", settingsText)
	}
	screenshot(t, "17-settings")
	a.clickControl("push button", uiString(t, "en", "common.close"))
	waitGone(t, 5*time.Second, "the Settings dialog", isRole("dialog", uiString(t, "en", "settings.title")))

	// Usage from the sidebar: two replies' tokens are counted.
	a.clickControl("push button", uiString(t, "en", "sidebar.usage"))
	usageText := waitWindowText(t, 10*time.Second, uiString(t, "en", "usage.title"), uiString(t, "en", "usage.replies"),
		uiString(t, "en", "usage.byModel"), "qwen-plus")
	if strings.Contains(usageText, uiString(t, "en", "usage.empty")) {
		t.Errorf("the usage page says there is no usage after two replies:\n%s", usageText)
	}
	screenshot(t, "18-usage")
	a.press("Escape")
	waitGone(t, 5*time.Second, "the usage page", func(n axNode) bool { return n.Text == uiString(t, "en", "usage.title") })

	// About from the sidebar: the version this binary reports on the command line.
	a.clickControl("push button", uiString(t, "en", "sidebar.about"))
	_, tree, at = waitNode(t, 10*time.Second, "the About dialog", func(n axNode) bool { return n.Role == "dialog" && n.Name == "QwenDesk" })
	aboutText := treeText(subtree(tree, at))
	version := binaryVersion(t, a.cmd.Path)
	if want := strings.ReplaceAll(uiString(t, "en", "about.version"), "{version}", version); !strings.Contains(aboutText, want) {
		t.Errorf("About does not show %q:\n%s", want, aboutText)
	}
	screenshot(t, "18b-about")
	a.press("Escape")
	waitGone(t, 5*time.Second, "the About dialog", func(n axNode) bool { return n.Role == "dialog" && n.Name == "QwenDesk" })
	a.quit()
}

// binaryVersion is the version bin prints for --version ("QwenDesk 0.1.0 (commit …)").
func binaryVersion(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "--version").Output()
	f := strings.Fields(string(out))
	if err != nil || len(f) < 2 || f[0] != "QwenDesk" {
		t.Fatalf("%s --version: %q %v", bin, out, err)
	}
	return f[1]
}

// waitGone waits until no showing node matches: a dialog that closed, a page that went away.
func waitGone(t *testing.T, timeout time.Duration, what string, match func(axNode) bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		nodes, err := axTree(t)
		still := false
		for _, n := range nodes {
			if match(n) && n.has("showing") {
				still = true
			}
		}
		if err == nil && !still {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is still shown after %s (read error: %v)", what, timeout, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// waitLastAlert waits until the newest alert in the window (an error notice) shows every one
// of want, and returns its text; what names the case in the failure.
func waitLastAlert(t *testing.T, timeout time.Duration, what string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		nodes, err := axTree(t)
		text := ""
		for i, n := range nodes {
			if n.Attrs["computed-role"] == "alert" {
				text = treeText(subtree(nodes, i))
			}
		}
		missing := ""
		for _, w := range want {
			if !strings.Contains(flat(text), flat(w)) {
				missing = w
				break
			}
		}
		if err == nil && missing == "" {
			return text
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the newest alert does not show %q within %s (read error: %v); it shows:\n%s\nthe window shows:\n%s",
				what, missing, timeout, err, text, treeText(nodes))
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// lastReply is the newest assistant message as the file holds it.
func lastReply(t *testing.T, dataDir string) rawMessage {
	t.Helper()
	msgs := rawMessages(t, filepath.Join(dataDir, "history.db"))
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "assistant" {
			return msgs[i]
		}
	}
	t.Fatalf("the file holds no reply: %+v", msgs)
	return rawMessage{}
}

// a11yBusAddress is the accessibility bus of this session (at-spi2-core's), asked of the
// session bus as every GTK app does at start.
func a11yBusAddress(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("dbus-send", "--session", "--dest=org.a11y.Bus", "--print-reply=literal",
		"/org/a11y/bus", "org.a11y.Bus.GetAddress").Output()
	addr := strings.TrimSpace(string(out))
	if err != nil || addr == "" {
		t.Fatalf("the session has no accessibility bus: %v %q", err, out)
	}
	return addr
}
