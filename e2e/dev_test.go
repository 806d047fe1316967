//go:build e2e && devtest

package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"qwendesk/internal/fakedashscope"
)

// setupComponent is the file the hot-reload test edits (in its copy of the tree).
const setupComponent = "frontend/src/components/SetupScreen.svelte"

// setupHeading is the heading's markup in setupComponent; the test replaces its text.
const setupHeading = `<h1 id="setup-title">{t('setup.title')}</h1>`

// TestDevHotReload is what a new contributor does on a fresh clone: `make dev` with no key,
// then edit SetupScreen.svelte's heading. The window must show each edit within 30 s, in
// the same window (no restart). Read from the window's accessibility tree, not Vite's log.
func TestDevHotReload(t *testing.T) {
	tree := copyTree(t)
	d := startDev(t, tree, "QWENDESK_DATA_DIR="+t.TempDir())
	text := waitWindowText(t, 90*time.Second, "Welcome to QwenDesk")
	if strings.Contains(text, "DASHSCOPE_API_KEY is set") {
		t.Fatalf("a fresh start with no key should show the plain setup screen:\n%s", text)
	}
	screenshot(t, "40-dev-setup")
	window := d.window(t)
	// For the log: the policy the window's page gets, which must let Vite's socket through.
	if resp, err := http.Get("http://localhost:" + d.port + "/"); err == nil {
		resp.Body.Close()
		t.Logf("Content-Security-Policy in dev: %s", resp.Header.Get("Content-Security-Policy"))
	}

	path := filepath.Join(tree, setupComponent)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte(setupHeading)) {
		t.Fatalf("%s no longer has %s: update the test", setupComponent, setupHeading)
	}
	for i := 1; i <= 2; i++ {
		heading := fmt.Sprintf("Hot reload edit %d %s", i, nonce(t))
		edited := bytes.Replace(src, []byte(setupHeading), []byte(`<h1 id="setup-title">`+heading+`</h1>`), 1)
		start := time.Now()
		if err := os.WriteFile(path, edited, 0o644); err != nil {
			t.Fatal(err)
		}
		waitWindowText(t, 30*time.Second, heading)
		t.Logf("edit %d shown in the window after %s", i, time.Since(start).Round(100*time.Millisecond))
		if now := d.window(t); now != window {
			t.Fatalf("the window changed from %s to %s: the app restarted instead of reloading", window, now)
		}
	}
	screenshot(t, "41-dev-hot-reloaded")
}

// TestDevWithKey: `make dev` with a key in the environment opens the main view, talking to a
// local fake DashScope.
func TestDevWithKey(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key})
	defer fake.Close()
	tree := copyTree(t)
	startDev(t, tree, "QWENDESK_DATA_DIR="+t.TempDir(), "DASHSCOPE_API_KEY="+key, "DASHSCOPE_BASE_URL="+fake.BaseURL())
	text := waitWindowText(t, 90*time.Second, "New chat")
	if strings.Contains(text, "Welcome to QwenDesk") {
		t.Fatalf("with a key, make dev should open the main view, not setup:\n%s", text)
	}
	screenshot(t, "42-dev-with-key")
}

// devRun is one `make dev` process group: make, wails dev, Vite and the app.
type devRun struct {
	cmd  *exec.Cmd
	done chan error
	port string // the wails dev server's, on localhost
}

// startDev runs `make dev` in tree with its own wails dev server port, and waits for the window.
func startDev(t *testing.T, tree string, env ...string) *devRun {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command("make", "--no-print-directory", "dev", "DEVFLAGS=-devserver localhost:"+port+"")
	cmd.Dir = tree
	cmd.Env = append(os.Environ(), env...)
	logPath := filepath.Join(artifactDir(t), t.Name()+"-make-dev.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &devRun{cmd: cmd, done: make(chan error, 1), port: port}
	go func() { d.done <- cmd.Wait() }()
	t.Cleanup(func() {
		d.stop()
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("make dev output (%s):\n%s", logPath, tail(b, 6000))
		}
	})
	// The first start compiles the app with -tags dev: minutes on a cold cache.
	deadline := time.Now().Add(6 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-d.done:
			d.done <- err
			t.Fatalf("make dev exited before a window appeared: %v", err)
		default:
		}
		if _, err := findWindow(); err == nil {
			return d
		}
		time.Sleep(time.Second)
	}
	t.Fatal("no QwenDesk window from make dev within 6 minutes")
	return nil
}

// window is the id of the one visible QwenDesk window.
func (d *devRun) window(t *testing.T) string {
	t.Helper()
	id, err := findWindow()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// stop interrupts the whole process group as Ctrl+C in a terminal would, then kills what is left.
func (d *devRun) stop() {
	pgid := d.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGINT)
	select {
	case <-d.done:
	case <-time.After(15 * time.Second):
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	for i := 0; i < 50 && syscall.Kill(-pgid, 0) == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
}

func findWindow() (string, error) {
	out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^QwenDesk( .*)?$").Output()
	if ids := strings.Fields(string(out)); err == nil && len(ids) == 1 {
		return ids[0], nil
	}
	return "", fmt.Errorf("QwenDesk windows: %q (%v)", out, err)
}

// copyTree copies the working tree (tracked and untracked files git does not ignore, so
// uncommitted work is tested too) and the installed node_modules into a temporary folder: a
// fresh clone after `make setup`, whose files the test may edit.
func copyTree(t *testing.T) string {
	t.Helper()
	src := os.Getenv("QWENDESK_DEV_SOURCE")
	if src == "" {
		t.Fatal("QWENDESK_DEV_SOURCE is not set: run through scripts/dev-test.sh (make test-dev)")
	}
	dst := filepath.Join(t.TempDir(), "qwendesk")
	out, err := exec.Command("git", "-C", src, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if err := copyFile(filepath.Join(src, rel), filepath.Join(dst, rel)); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // deleted in the working tree but not yet in the index
			}
			t.Fatal(err)
		}
	}
	if b, err := exec.Command("cp", "-a", filepath.Join(src, "frontend", "node_modules"), filepath.Join(dst, "frontend")).CombinedOutput(); err != nil {
		t.Fatalf("copy node_modules: %v: %s", err, b)
	}
	// A clone is a git repository: the Makefile reads the commit from it.
	if b, err := exec.Command("git", "-C", dst, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, b)
	}
	return dst
}

func copyFile(src, dst string) error {
	info, err := os.Lstat(src)
	if err != nil {
		return err
	}
	if info.IsDir() {
		return nil // a submodule or nested repository: not part of the app
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if info.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

func nonce(t *testing.T) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

func artifactDir(t *testing.T) string {
	if dir := os.Getenv("QWENDESK_E2E_ARTIFACTS"); dir != "" {
		return dir
	}
	return t.TempDir()
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
