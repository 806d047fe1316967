//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"qwendesk/internal/fakedashscope"
)

// A reply with two Mermaid blocks, drawn by the real Mermaid in WebKitGTK: the good one
// becomes a diagram (its labels are in the window as SVG text), the broken one shows its
// parse error and its source.
func TestDiagramRendersAfterItsBlockCompletes(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 20 * time.Millisecond})
	defer fake.Close()
	a := launch(t, t.TempDir(), "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.typeText("Which model should I use? #diagram")
	a.press("Return")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn ended %q", e.str("status"))
	}
	text := waitWindowText(t, 20*time.Second, "This diagram could not be drawn", "Save SVG", "Diagram: ")
	// The labels are the diagram's own (its accessible name lists them): Mermaid drew it.
	if !strings.Contains(text, "Question 问题") || !strings.Contains(text, "qwen3-max") || !strings.Contains(text, "Parse error") {
		t.Errorf("diagram labels or the parse error missing:\n%s", text)
	}
	// The good diagram's toolbar is there once (the broken one has none), and its source is hidden.
	if n := strings.Count(text, "Save PNG"); n != 1 {
		t.Errorf("%d diagrams with a toolbar, want 1:\n%s", n, text)
	}
	time.Sleep(500 * time.Millisecond)
	screenshot(t, "30-mermaid-diagram")
	a.quit()
}

// The preview of a page that tries every way out of its frame, with and without a script.
// The page is shown (its heading is in the window), its script does not run (WebKitGTK would
// hand it Wails' IPC: with scripts on, this test saw SetModel called from the preview), nothing
// it names is loaded or reached, no bound method runs, and the app's window still shows the app.
func TestPreviewCannotEscapeItsFrame(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	a := launch(t, t.TempDir(), "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.typeText("Make me a page #preview")
	a.press("Return")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn ended %q", e.str("status"))
	}
	waitWindowText(t, 10*time.Second, "Preview")
	activate(t, "Preview", 0)
	waitWindowText(t, 15*time.Second, "Isolation probe", "This page stays in its frame.")
	time.Sleep(3 * time.Second) // the meta refresh (1 s), late loads
	text, _ := windowText(t)
	if strings.Contains(text, "probe-script: ran") || strings.Contains(text, "probe-ipc") {
		t.Errorf("the preview's script ran:\n%s", text)
	}
	if !strings.Contains(text, "Isolation probe") {
		t.Errorf("the preview navigated away from its page:\n%s", text)
	}
	screenshot(t, "31-preview-isolated")
	// Still the app: nothing navigated the window.
	waitWindowText(t, 5*time.Second, "Make me a page #preview", "Send message")
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/beacon") {
			t.Errorf("the preview reached the network: %s", r.Path)
		}
	}
	for _, e := range a.logEntries() {
		if strings.Contains(e.str("model"), "escaped") || e.str("msg") == "model changed" {
			t.Errorf("a bound method ran for the preview: %v", e)
		}
	}

	// The SVG block previews too, in the same panel.
	activate(t, "Preview", 1)
	waitWindowText(t, 10*time.Second, "QwenDesk")
	a.quit()
}
