//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"qwendesk/internal/fakedashscope"
	"qwendesk/internal/store"
)

// hostileRun sends the #xss corpus to bin, waits for it to render and for anything it would
// load or run, and returns the beacon paths the webview requested and the conversation's
// accessibility subtree (the rendered DOM as the engine exposes it).
func hostileRun(t *testing.T, bin, marker, shot string) (beacons []string, log []axNode) {
	t.Helper()
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()
	a := launchBinary(t, bin, dataDir, "QWENDESK_DATA_DIR="+dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.typeText("Summarise this page " + marker)
	a.press("Return")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn ended %q", e.str("status"))
	}
	waitWindowText(t, 10*time.Second, "End of the test.")
	// Hover and click the "hover me" vector and wait: handlers, timers and loads get their chance.
	nodes, _ := axTree(t)
	for _, n := range nodes {
		if strings.Contains(n.Text, "hover me") && n.W > 0 {
			xdo(t, "mousemove", "--sync", fmt.Sprint(n.X+4), fmt.Sprint(n.Y+n.H/2))
			xdo(t, "click", "1")
			break
		}
	}
	time.Sleep(2 * time.Second)
	screenshot(t, shot)
	// The conversation as rendered; nil if the page is gone (a vector navigated it away).
	nodes, _ = axTree(t)
	for i, n := range nodes {
		if isRole("log", "Conversation")(n) {
			log = subtree(nodes, i)
		}
	}
	a.quit()
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/beacon") {
			beacons = append(beacons, r.Path)
		}
	}
	return beacons, log
}

// survivors lists what the rendered conversation still holds of the corpus: elements that run,
// load, frame or submit, and links whose target would run code.
func survivors(log []axNode) []string {
	banned := map[string]bool{"script": true, "iframe": true, "object": true, "embed": true, "form": true,
		"video": true, "audio": true, "picture": true, "source": true, "foreignObject": true, "use": true,
		"image": true, "style": true, "link": true, "meta": true, "base": true, "marquee": true, "body": true}
	var out []string
	for _, n := range log {
		tag := n.tag()
		switch {
		case banned[tag]:
			out = append(out, "a <"+tag+"> element: "+n.String())
		case tag == "img" && n.Name != "": // the sanitizer turns every non-data: image into a link
			out = append(out, "an image: "+n.String())
		case tag == "svg" && !strings.Contains(n.Attrs["class"], "katex"):
			out = append(out, "an SVG outside a formula: "+n.String())
		case tag == "input" && !(n.Role == "check box" && !n.has("enabled")):
			out = append(out, "a live input: "+n.String())
		case tag == "button" && !strings.HasPrefix(n.Name, "Copy") && n.Name != "" && !isMessageAction(n.Name) && !isCodeTool(n):
			out = append(out, "a button from the reply: "+n.String())
		case n.URI != "" && !strings.HasPrefix(n.URI, "http://") && !strings.HasPrefix(n.URI, "https://") && !strings.HasPrefix(n.URI, "mailto:"):
			out = append(out, "a link to "+n.URI+": "+n.String())
		}
	}
	return out
}

// isCodeTool reports whether a button is one the renderer adds to a finished code block:
// Preview on an html/svg block, Source / Save SVG / Save PNG on a diagram. The sanitizer lets
// no <button> through from a reply (not in its allowed tags), so a button with one of these
// exact labels is the app's own; WebKitGTK does not expose the class that marks them.
func isCodeTool(n axNode) bool {
	return slices.Contains([]string{"Preview", "Source", "Diagram", "Save SVG", "Save PNG"}, n.Name)
}

func isMessageAction(name string) bool {
	return slices.Contains([]string{"Regenerate", "Delete", "Edit", "Copy"}, name)
}

// Model output full of XSS and injection vectors, rendered by the shipped binary in the real
// engine (WebKitGTK): nothing runs, nothing loads, and nothing dangerous is left in the page.
// The production bundle carries no trace of the test builds' sanitizer bypass.
func TestHostileContentRunsNothing(t *testing.T) {
	bin := os.Getenv("QWENDESK_E2E_BIN")
	if data, err := os.ReadFile(bin); err != nil || bytes.Contains(data, []byte("QWENDESK-E2E-UNSANITIZED-BUILD")) {
		t.Fatalf("%s holds the unsanitized test build's marker (or cannot be read: %v)", bin, err)
	}
	beacons, log := hostileRun(t, bin, "#xss", "20-hostile-content-inert")
	if log == nil {
		t.Fatal("the conversation is gone from the window: a vector navigated the page away")
	}
	for _, b := range beacons {
		t.Errorf("the webview requested %s: a vector was not neutralised", b)
	}
	for _, s := range survivors(log) {
		t.Errorf("the rendered reply holds %s", s)
	}
	t.Logf("%d XSS vectors rendered; no beacon request, nothing dangerous in the page", fakedashscope.XSSVectorCount())
}

// variant is a test build of the app next to the one under test (scripts/e2e-variants.sh).
func variant(t *testing.T, name string) string {
	t.Helper()
	bin := os.Getenv("QWENDESK_E2E_BIN") + "-e2e-" + name
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is not built: run scripts/e2e-variants.sh (make test-e2e does)", bin)
	}
	return bin
}

// The sanitizer alone, in the real engine: a build whose CSP allows every script, inline
// handler and remote load. Whatever the sanitizer lets through now really runs or loads and
// calls the fake server (an onerror left on the data: image, say).
func TestSanitizerAloneStopsHostileContent(t *testing.T) {
	beacons, log := hostileRun(t, variant(t, "relaxedcsp"), "#xss", "22-hostile-sanitizer-alone")
	if log == nil {
		t.Fatal("the conversation is gone from the window: a vector navigated the page away")
	}
	for _, b := range beacons {
		t.Errorf("with the CSP relaxed the webview requested %s: the sanitizer let a vector through", b)
	}
	for _, s := range survivors(log) {
		t.Errorf("the sanitized reply holds %s", s)
	}
}

// The CSP alone: a build whose frontend renders the model's HTML unsanitized. The page now
// holds the hostile elements, and the shipped policy must still stop every load and script.
// Not navigation: unsanitized, a <meta http-equiv=refresh> takes the whole webview to the
// attacker's page whatever the CSP says, so this run leaves those vectors out (#xss-stay) and
// the sanitizer is the only defence against them (the README's security notes say so).
func TestCSPAloneStopsHostileContent(t *testing.T) {
	beacons, log := hostileRun(t, variant(t, "unsanitized"), "#xss-stay", "23-hostile-csp-alone")
	if len(survivors(log)) == 0 {
		t.Fatal("the unsanitized build rendered nothing hostile: it is not testing the CSP alone")
	}
	for _, b := range beacons {
		t.Errorf("with the sanitizer bypassed the webview requested %s: the CSP let it through", b)
	}
}

// The control for both: with neither defence, the corpus really runs and loads (so the two
// tests above would see a failure of their defence), including the handler on the data: image.
func TestHostileCorpusRunsWithoutDefences(t *testing.T) {
	beacons, _ := hostileRun(t, variant(t, "nodefence"), "#xss-stay", "24-hostile-no-defence")
	t.Logf("with no defence the webview requested %d beacons: %v", len(beacons), beacons)
	for _, want := range []string{"/beacon/2", "/beacon/3", "/beacon/31"} {
		if !slices.Contains(beacons, want) {
			t.Errorf("with no defence %s was not requested: the test could not see that vector fail", want)
		}
	}
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
	// What the user sees at the next start: the conversation reopens with the partial reply
	// and its "stopped" note.
	b := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	waitWindowShowsFlat(t, 15*time.Second, msgs[1].Content)
	waitWindowText(t, 5*time.Second, uiString(t, "en", "msg.stopped"))
	b.quit()
}

// Crash injection: kill -9 at random moments over several turns and restarts. After each
// kill, the file as the dead process left it (read raw, before any store.Open) holds every
// question sent, in order, and the killed reply either complete or still marked streaming
// with a prefix of the answer; the next launch of the app itself marks it incomplete, keeping
// its text. The file passes integrity_check every time.
func TestKillAtRandomMomentsLosesNoSentMessage(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 15 * time.Millisecond})
	defer fake.Close()
	dataDir := t.TempDir()
	db := filepath.Join(dataDir, "history.db")
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	t.Logf("random seed %d", seed)
	const rounds = 4
	var sent []string
	killed := map[string]string{} // reply id → its text when the app was killed
	for i := 0; i < rounds; i++ {
		a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
		q := "crash round " + string(rune('A'+i)) + " #long"
		a.typeText(q)
		a.press("Return")
		sent = append(sent, strings.TrimSpace(q))
		a.waitLog("turn started", i+1, 15*time.Second)
		time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond)
		a.kill()
		if res := integrityCheck(t, db); res != "ok" {
			t.Fatalf("round %d: integrity_check = %s", i, res)
		}
		var questions []string
		for _, m := range rawMessages(t, db) {
			switch {
			case m.Role == "user":
				questions = append(questions, m.Content)
			case m.Role != "assistant":
			case killed[m.ID] != "":
				// Killed in an earlier round: this round's launch repaired it, text intact.
				if m.Status != "incomplete" || m.Content != killed[m.ID] {
					t.Errorf("round %d: a reply killed earlier is %q with %d bytes, want incomplete with its %d bytes", i, m.Status, len(m.Content), len(killed[m.ID]))
				}
				delete(killed, m.ID)
			case m.Status == "streaming":
				if !strings.HasPrefix(fake.ReplyText(q), m.Content) {
					t.Errorf("round %d: the reply left streaming is not a prefix of the answer sent: %.80q", i, m.Content)
				}
				killed[m.ID] = m.Content
			case m.Status != "complete" && m.Status != "incomplete":
				t.Errorf("round %d: a reply in the file has status %q", i, m.Status)
			}
		}
		if strings.Join(questions, "|") != strings.Join(sent, "|") {
			t.Fatalf("round %d: after kill -9 the file holds questions %q, want %q", i, questions, sent)
		}
	}
	// Only the last round's reply can still be streaming: every launch repaired the ones before.
	if len(killed) > 1 {
		t.Errorf("%d replies left streaming across launches: %v", len(killed), killed)
	}
	st, report, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if report.Interrupted != len(killed) {
		t.Errorf("store.Open repaired %d replies, want the %d the last kill left streaming", report.Interrupted, len(killed))
	}
	convs, _ := st.ListConversations(context.Background(), 10, 0)
	var got []string
	for _, c := range convs {
		msgs, _ := st.Messages(context.Background(), c.ID)
		for _, m := range msgs {
			if m.Role == "user" {
				got = append(got, m.Content)
			}
		}
	}
	slices.Sort(got)
	if want := slices.Sorted(slices.Values(sent)); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("after %d kills the history has questions %q, want %q", rounds, got, want)
	}
}

// A second launch with the same data folder hands over to the first and exits with status 0
// (a launcher or the desktop would report anything else as a failure), opens no window of its
// own, and brings the first window to the front. Run with a window manager of its own, so
// there is a front to come to: another window takes the focus first.
func TestSecondLaunchLeavesOneInstance(t *testing.T) {
	startWindowManager(t)
	dataDir := t.TempDir()
	a := launch(t, dataDir, "DASHSCOPE_API_KEY="+testKey(t))
	other := exec.Command("xmessage", "-name", "e2e-other", "another window")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Process.Kill(); _ = other.Wait() })
	waitActiveWindow(t, 10*time.Second, "the other window", func(id string) bool { return id != "" && id != a.window })

	second := exec.Command(a.cmd.Path)
	second.Env = a.cmd.Env
	var out strings.Builder
	second.Stdout, second.Stderr = &out, &out
	done := make(chan error, 1)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the second launch exited with %v, want status 0 after handing over; output:\n%s", err, out.String())
		}
	case <-time.After(20 * time.Second):
		_ = second.Process.Signal(syscall.SIGKILL)
		t.Fatal("the second launch kept running beside the first")
	}
	if out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^QwenDesk( .*)?$").Output(); len(strings.Fields(string(out))) != 1 {
		t.Fatalf("windows after the second launch: %q", out)
	}
	waitActiveWindow(t, 10*time.Second, "the first QwenDesk window", func(id string) bool { return id == a.window })
	screenshot(t, "21-second-launch-raised-first")
	a.quit()
}

// startWindowManager runs openbox on the test's screen until the test ends, unless
// scripts/e2e.sh already started one (E2E_WM).
func startWindowManager(t *testing.T) {
	t.Helper()
	if os.Getenv("E2E_WM") != "" {
		return
	}
	wm := exec.Command("openbox")
	if err := wm.Start(); err != nil {
		t.Skipf("no window manager to test raising a window with: %v", err)
	}
	t.Cleanup(func() { _ = wm.Process.Kill(); _ = wm.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, _ := exec.Command("xprop", "-root", "_NET_SUPPORTING_WM_CHECK").Output()
		if strings.Contains(string(out), "window id") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("openbox did not start managing the screen: %q", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitActiveWindow polls the root window's _NET_ACTIVE_WINDOW (set by the window manager)
// until ok accepts it; ids are decimal, as xdotool prints them.
func waitActiveWindow(t *testing.T, timeout time.Duration, what string, ok func(id string) bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	got := ""
	for {
		out, err := exec.Command("xprop", "-root", "-notype", "_NET_ACTIVE_WINDOW").Output()
		if err == nil {
			// "_NET_ACTIVE_WINDOW: window id # 0x400007" (or "0x0" when none)
			if f := strings.Fields(string(out)); len(f) > 0 {
				var id uint64
				if _, err := fmt.Sscanf(f[len(f)-1], "0x%x", &id); err == nil {
					got = ""
					if id != 0 {
						got = fmt.Sprint(id)
					}
					if ok(got) {
						return
					}
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the active window is not %s after %s (it is %q)", what, timeout, got)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// The main view in dark mode and Chinese, as a user with those preferences sees it: the
// interface's own words in Chinese, a reply, an error's title and hint in Chinese, and a dark
// window background on screen.
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
	zh := func(key string) string { return uiString(t, "zh", key) }
	waitWindowText(t, 10*time.Second, zh("sidebar.label"), zh("top.newChat"), zh("composer.hint"), zh("sidebar.about"))
	a.typeText("Explain quicksort #markdown")
	a.press("Return")
	a.waitLog("turn finished", 1, turnTimeout)
	waitWindowText(t, 10*time.Second, "快速排序 Quicksort", zh("sidebar.today"))
	a.typeText("Check #err401")
	a.press("Return")
	a.waitLog("turn finished", 2, turnTimeout)
	waitLastAlert(t, 10*time.Second, "zh auth error", zh("error.title.auth"), zh("error.hint.auth"))
	text, _ := windowText(t)
	for _, en := range []string{uiString(t, "en", "composer.hint"), uiString(t, "en", "error.title.auth"), uiString(t, "en", "sidebar.label")} {
		if strings.Contains(text, en) {
			t.Errorf("the Chinese window shows English %q", en)
		}
	}
	shot := screenshot(t, "19-dark-chinese")
	// The sidebar's background, well inside the window (which is centred on the screen).
	x, y := windowOrigin(t, a.window)
	if l := luminance(t, shot, x+130, y+400); l > 0.25 {
		t.Errorf("the dark theme's sidebar has luminance %.2f at (%d,%d), want dark (< 0.25)", l, x+130, y+400)
	}
	a.quit()
}

// windowOrigin is the window's top-left corner on the screen.
func windowOrigin(t *testing.T, window string) (int, int) {
	t.Helper()
	out, err := exec.Command("xdotool", "getwindowgeometry", "--shell", window).Output()
	if err != nil {
		t.Fatal(err)
	}
	var x, y int
	for _, line := range strings.Fields(string(out)) {
		fmt.Sscanf(line, "X=%d", &x)
		fmt.Sscanf(line, "Y=%d", &y)
	}
	return x, y
}

// luminance is the mean brightness (0 black … 1 white) of a 20×20 patch of a screenshot.
func luminance(t *testing.T, png string, x, y int) float64 {
	t.Helper()
	out, err := exec.Command("convert", png, "-crop", fmt.Sprintf("20x20+%d+%d", x, y), "-colorspace", "Gray", "-format", "%[fx:mean]", "info:").Output()
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	var l float64
	fmt.Sscan(string(out), &l)
	return l
}
