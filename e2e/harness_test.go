//go:build e2e

// Package e2e drives the built QwenDesk binary in a real window under Xvfb, against the
// local fake DashScope server, the way a person would: it types with xdotool, reads the
// app's log and the fake server's records, and saves screenshots.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"qwendesk/internal/store"
)

// app is one running QwenDesk process.
type app struct {
	t       *testing.T
	cmd     *exec.Cmd
	dataDir string
	window  string
	exited  chan error
}

// launch starts the binary under test with a private data folder and extra environment.
func launch(t *testing.T, dataDir string, env ...string) *app {
	t.Helper()
	bin := os.Getenv("QWENDESK_E2E_BIN")
	if bin == "" {
		t.Fatal("QWENDESK_E2E_BIN is not set: run through scripts/e2e.sh (make test-e2e)")
	}
	return launchBinary(t, bin, dataDir, append([]string{"QWENDESK_DATA_DIR=" + dataDir}, env...)...)
}

// launchBinary starts bin with extra environment; dataDir is where it keeps its files (the
// default folder unless env sets QWENDESK_DATA_DIR).
func launchBinary(t *testing.T, bin, dataDir string, env ...string) *app {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group: only the signals this test sends reach it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	a := &app{t: t, cmd: cmd, dataDir: dataDir, exited: make(chan error, 1)}
	go func() { a.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-a.exited
		}
		// WebKit's web and network processes share the app's process group. Left behind by
		// a kill, each keeps its X connection open, and enough of them make Xvfb refuse the
		// next app ("failed to init GTK").
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if t.Failed() {
			t.Logf("app output:\n%s", out.String())
			if log, err := os.ReadFile(filepath.Join(dataDir, "qwendesk.log")); err == nil {
				t.Logf("app log:\n%s", log)
			}
		}
	})
	a.window = a.waitWindow()
	a.waitPaint()
	return a
}

// waitPaint waits until the window shows more than its background colour: first paint comes
// about 1.5 s after the window maps, and much later on a cold first start.
func (a *app) waitPaint() {
	a.t.Helper()
	probe := filepath.Join(a.t.TempDir(), "paint.png")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if colours(probe) >= 50 {
			time.Sleep(500 * time.Millisecond) // let the first data load settle
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	a.t.Fatal("the window stayed blank for 30 s")
}

// colours screenshots the screen to path and counts its distinct colours (0 on failure).
func colours(path string) int {
	if exec.Command("import", "-window", "root", path).Run() != nil {
		return 0
	}
	out, err := exec.Command("convert", path, "-format", "%k", "info:").Output()
	if err != nil {
		return 0
	}
	var n int
	fmt.Sscan(string(out), &n)
	return n
}

func (a *app) waitWindow() string {
	a.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-a.exited:
			a.t.Fatalf("app exited before showing a window: %v", err)
		default:
		}
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^QwenDesk( .*)?$").Output()
		if err == nil {
			if ids := strings.Fields(string(out)); len(ids) > 0 {
				return ids[0]
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	a.t.Fatal("no QwenDesk window within 30 s")
	return ""
}

// focus gives the window keyboard focus (there is no window manager under Xvfb).
func (a *app) focus() {
	a.t.Helper()
	xdo(a.t, "windowfocus", "--sync", a.window)
}

// typeText types s into whatever element has focus.
func (a *app) typeText(s string) {
	a.t.Helper()
	a.focus()
	xdo(a.t, "type", "--delay", "15", "--window", a.window, s)
}

// press sends one key (xdotool names: Return, Escape, Tab, ctrl+a).
func (a *app) press(keys ...string) {
	a.t.Helper()
	a.focus()
	for _, k := range keys {
		xdo(a.t, "key", "--window", a.window, k)
	}
}

// click clicks at window-relative coordinates.
func (a *app) click(x, y int) {
	a.t.Helper()
	xdo(a.t, "mousemove", "--window", a.window, fmt.Sprint(x), fmt.Sprint(y))
	xdo(a.t, "click", "1")
}

// quit sends SIGTERM and expects a clean exit within a few seconds.
func (a *app) quit() {
	a.t.Helper()
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-a.exited:
		if err != nil {
			a.t.Errorf("app did not exit cleanly on SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		a.t.Error("app ignored SIGTERM for 10 s")
		_ = a.cmd.Process.Kill()
		<-a.exited
	}
}

// logEntry is one line of the app's JSON log.
type logEntry map[string]any

func (e logEntry) str(k string) string { s, _ := e[k].(string); return s }

func (a *app) logEntries() []logEntry {
	f, err := os.Open(filepath.Join(a.dataDir, "qwendesk.log"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []logEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for sc.Scan() {
		var e logEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

// waitLog waits for the n-th (1-based) log entry with message msg and returns it.
func (a *app) waitLog(msg string, n int, timeout time.Duration) logEntry {
	a.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		seen := 0
		for _, e := range a.logEntries() {
			if e.str("msg") == msg {
				seen++
				if seen == n {
					return e
				}
			}
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("log entry %q #%d did not appear within %s", msg, n, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenshot saves the whole screen and fails if it is blank (a window the colour of its
// background is what a broken frontend bundle looks like).
func screenshot(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("QWENDESK_E2E_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if n := colours(path); n < 50 {
		t.Errorf("screenshot %s has only %d colours: the window looks blank", path, n)
	}
	t.Logf("screenshot: %s", path)
	return path
}

func xdo(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v: %s", args, err, out)
	}
}

// testKey is made up per run so no key-shaped string is ever committed.
func testKey(t *testing.T) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "sk-e2e" + hex.EncodeToString(b[:])
}

// assertNoKeyIn fails if key appears in any file the app could have written: dataDir, the
// whole temporary HOME (WebKit's local storage and caches under ~/.local/share and ~/.cache,
// the keyring folder, the app's TMPDIR, which scripts/e2e.sh puts there), and the files at the
// top of /tmp changed since this test run began (a library that ignores TMPDIR). The keyring
// file holds the key encrypted, so a plain-text match there is a leak too.
func assertNoKeyIn(t *testing.T, dataDir, key string) {
	t.Helper()
	for _, path := range keyLeaks(key, dataDir, os.Getenv("HOME")) {
		t.Errorf("the API key leaked into %s", path)
	}
}

// runStarted is when this test binary started: /tmp files older than that are not the app's.
var runStarted = time.Now()

// keyLeaks lists the files under roots, and the new regular files directly in /tmp, holding key.
func keyLeaks(key string, roots ...string) []string {
	var leaks []string
	check := func(path string, info os.FileInfo) {
		if !info.Mode().IsRegular() || info.Size() > 256<<20 {
			return
		}
		if data, err := os.ReadFile(path); err == nil && bytes.Contains(data, []byte(key)) {
			leaks = append(leaks, path)
		}
	}
	for _, root := range roots {
		if root == "" {
			continue
		}
		_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if info, err := d.Info(); err == nil {
				check(path, info)
			}
			return nil
		})
	}
	if entries, err := os.ReadDir("/tmp"); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && !e.IsDir() && info.ModTime().After(runStarted) {
				check(filepath.Join("/tmp", e.Name()), info)
			}
		}
	}
	return leaks
}

// clearKeychain removes QwenDesk's item from the session's Secret Service.
func clearKeychain(t *testing.T) {
	t.Helper()
	_ = exec.Command("secret-tool", "clear", "service", "QwenDesk", "username", "dashscope-api-key").Run()
}

// kill ends the app with SIGKILL, as a crash or power cut would.
func (a *app) kill() {
	a.t.Helper()
	_ = a.cmd.Process.Kill()
	<-a.exited
}

// integrityCheck runs PRAGMA integrity_check on a SQLite file the app is not using, read-only:
// the check must not change (checkpoint, repair) the file it judges.
func integrityCheck(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	return res
}

// rawMessage is one row of the messages table as the file holds it.
type rawMessage struct{ ID, ConversationID, Role, Content, Status string }

// rawMessages reads every message, oldest first, straight from the file and read-only:
// store.Open would first mark replies left streaming by a crash as incomplete, hiding what the
// app itself wrote (or failed to).
func rawMessages(t *testing.T, path string) []rawMessage {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT id, conversation_id, role, content, status FROM messages ORDER BY seq")
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	defer rows.Close()
	var out []rawMessage
	for rows.Next() {
		var m rawMessage
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Role, &m.Content, &m.Status); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// storedMessages reads every message of the only conversation in the data folder.
func storedMessages(t *testing.T, dataDir string) []store.Message {
	t.Helper()
	st, _, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	convs, err := st.ListConversations(context.Background(), 10, 0)
	if err != nil || len(convs) != 1 {
		t.Fatalf("conversations: %+v %v", convs, err)
	}
	msgs, err := st.Messages(context.Background(), convs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}
