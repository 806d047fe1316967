//go:build e2e

package e2e

import (
	"context"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"qwendesk/internal/fakedashscope"
	"qwendesk/internal/store"
)

// Model output full of XSS and injection vectors, rendered by the real engine (WebKitGTK):
// nothing runs and nothing loads. Every vector would call back to the fake server.
func TestHostileContentRunsNothing(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	a := launch(t, t.TempDir(), "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.typeText("Summarise this page #xss")
	a.press("Return")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn ended %q", e.str("status"))
	}
	time.Sleep(2 * time.Second) // time for anything that would load or run
	screenshot(t, "20-hostile-content-inert")
	a.quit()
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/beacon") {
			t.Errorf("the webview requested %s: a vector was not neutralised", r.Path)
		}
	}
	t.Logf("%d XSS vectors rendered; no beacon request", fakedashscope.XSSVectorCount())
}

// SIGTERM while a reply streams: the app stops it, saves it as stopped, and exits cleanly.
func TestQuitWhileStreamingSavesTheReply(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key})
	defer fake.Close()
	dataDir := t.TempDir()
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.typeText("A long story please #slow")
	a.press("Return")
	a.waitLog("turn started", 1, 15*time.Second)
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	a.quit()
	t.Logf("exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	msgs := storedMessages(t, dataDir)
	if len(msgs) != 2 || msgs[1].Status != "stopped" || msgs[1].Content == "" {
		t.Fatalf("after SIGTERM mid-stream the history holds %+v; want the reply kept as stopped", msgs)
	}
}

// Crash injection: kill -9 at random moments over several turns and restarts. Every message
// the user sent is still there, in order, and the file passes integrity_check.
func TestKillAtRandomMomentsLosesNoSentMessage(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 15 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	t.Logf("random seed %d", seed)
	const rounds = 4
	var sent []string
	for i := 0; i < rounds; i++ {
		a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
		q := "crash round " + string(rune('A'+i)) + " #long"
		a.typeText(q)
		a.press("Return")
		sent = append(sent, strings.TrimSpace(q))
		a.waitLog("turn started", i+1, 15*time.Second)
		time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond)
		a.kill()
		if res := integrityCheck(t, filepath.Join(dataDir, "history.db")); res != "ok" {
			t.Fatalf("round %d: integrity_check = %s", i, res)
		}
	}
	st, _, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	convs, _ := st.ListConversations(context.Background(), 10, 0)
	var got []string
	for _, c := range convs {
		msgs, _ := st.Messages(context.Background(), c.ID)
		for _, m := range msgs {
			if m.Role == "user" {
				got = append(got, m.Content)
			}
			if m.Role == "assistant" && m.Status == "streaming" {
				t.Errorf("a reply is still 'streaming' after reopening: %s", m.ID)
			}
		}
	}
	if strings.Join(got, "|") != strings.Join(sent, "|") {
		t.Fatalf("after %d kills the history has questions %q, want %q", rounds, got, sent)
	}
}

// A second launch with the same data folder hands over to the first and exits.
func TestSecondLaunchLeavesOneInstance(t *testing.T) {
	dataDir := t.TempDir()
	a := launch(t, dataDir, "DASHSCOPE_API_KEY="+testKey(t))
	second := exec.Command(a.cmd.Path)
	second.Env = a.cmd.Env
	done := make(chan error, 1)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		// Wails hands the launch over to the first instance over D-Bus, then exits with
		// status 1 by design; what matters is that it goes away without a window of its own.
		t.Logf("the second launch handed over and exited (%v)", err)
	case <-time.After(20 * time.Second):
		_ = second.Process.Signal(syscall.SIGKILL)
		t.Fatal("the second launch kept running beside the first")
	}
	if out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^QwenDesk( .*)?$").Output(); len(strings.Fields(string(out))) != 1 {
		t.Fatalf("windows after the second launch: %q", out)
	}
	a.quit()
}

// The main view in dark mode and Chinese, as a user with those preferences sees it.
func TestDarkChineseMainView(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()
	st, _, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prefs := `{"theme":"dark","language":"zh","fontSize":15,"sendKey":"enter","proxyMode":"system","proxyURL":""}`
	if err := st.SetSetting(context.Background(), "preferences", prefs); err != nil {
		t.Fatal(err)
	}
	st.Close()
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.typeText("Explain quicksort #markdown")
	a.press("Return")
	a.waitLog("turn finished", 1, turnTimeout)
	time.Sleep(time.Second)
	screenshot(t, "19-dark-chinese")
	a.quit()
}
