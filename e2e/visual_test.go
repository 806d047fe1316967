//go:build e2e

package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/fakedashscope"
	"qwendesk/internal/store"
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

// Three models answer one question side by side against the fake server, one of them a model
// that does not exist: three turns stream, that one fails alone, and continuing with another
// keeps the chosen answer on screen and in the file, with the other two as its versions.
func TestCompareThreeModelsAndContinueWithOne(t *testing.T) {
	key := testKey(t)
	missing := fakedashscope.MissingModelPrefix + "-model"
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 15 * time.Millisecond,
		Models: []string{"qwen-plus", missing, "qwen-flash"}})
	defer fake.Close()
	dataDir := t.TempDir()
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.typeText("Which of you is cheapest?")
	activate(t, "Compare models…", 0)
	// The setup starts with the conversation's model and the next two in the list.
	activate(t, "Ask 3 models", 0)
	for i := 1; i <= 3; i++ {
		a.waitLog("turn finished", i, turnTimeout)
	}
	text := waitWindowText(t, 10*time.Second, "qwen-plus", missing, "qwen-flash", "does not exist", "Continue with this answer")
	if n := strings.Count(text, "Which of you is cheapest?"); n < 1 {
		t.Errorf("the question is not shown:\n%s", text)
	}
	if n := strings.Count(text, "fakedashscope"); n != 2 {
		t.Errorf("%d answers shown, want 2 (and one error):\n%s", n, text)
	}
	time.Sleep(500 * time.Millisecond)
	screenshot(t, "32-compare-three-models")

	var flash string
	for _, m := range storedMessages(t, dataDir) {
		if m.Role == "assistant" && m.Model == "qwen-flash" {
			flash = m.ID
		}
	}
	// The columns' order is the setup's (the model list's order): find qwen-flash's.
	col := 0
	for _, m := range []string{"qwen-plus", missing} {
		if strings.Index(text, "\n"+m+"\n") < strings.Index(text, "\nqwen-flash\n") {
			col++
		}
	}
	activate(t, "Continue with this answer", col)
	// The chosen answer is on screen as its version of the turn, and it is the model now.
	waitWindowText(t, 10*time.Second, strconv.Itoa(col+1)+"/3", "Model: qwen-flash", "Compare models…")
	a.quit()

	msgs := storedMessages(t, dataDir)
	if len(msgs) != 4 {
		t.Fatalf("stored %d messages, want the question and three replies", len(msgs))
	}
	statuses := map[string]string{}
	for _, m := range msgs[1:] {
		statuses[m.Model] = m.Status
	}
	if statuses["qwen-plus"] != "complete" || statuses["qwen-flash"] != "complete" || statuses[missing] != "error" {
		t.Fatalf("stored replies: %v", statuses)
	}
	st, _, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	convs, _ := st.ListConversations(context.Background(), 10, 0)
	conv, err := st.Conversation(context.Background(), convs[0].ID)
	if err != nil || conv.ActiveLeaf != flash || conv.Model != "qwen-flash" {
		t.Fatalf("continued with %q (model %q), want qwen-flash's reply %q: %v", conv.ActiveLeaf, conv.Model, flash, err)
	}
}
