//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/docs/docstest"
	"qwendesk/internal/fakedashscope"
)

// chooseFile answers the GTK file chooser the way a person who knows the path does:
// Ctrl+L opens the location field, the path is typed, Return picks it.
func (a *app) chooseFile(path string) {
	time.Sleep(2 * time.Second) // the chooser maps; it has no accessible "ready" to wait for
	xdo(a.t, "key", "--clearmodifiers", "ctrl+l")
	time.Sleep(300 * time.Millisecond)
	xdo(a.t, "type", "--delay", "20", path)
	time.Sleep(300 * time.Millisecond)
	xdo(a.t, "key", "Return")
}

// A Chromium-printed Chinese PDF attached with Ctrl+O and the real GTK file chooser: the
// chip says 3 pages; the fake server receives the text, Chinese included, inside a named
// <document> with page markers; the answer is stored; after a restart the question still
// shows its chip. Then a file too big for qwen-plus brings the warning before sending.
func TestAttachPDFThroughTheFileChooser(t *testing.T) {
	clearKeychain(t)
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	dir := t.TempDir()
	pdf, err := docstest.PrintPDF(context.Background(), filepath.Join(os.TempDir(), "qwendesk-e2e-pdf"), docstest.Page(docstest.FontType3,
		"<h1>服务合同</h1><p>甲方应当在收到发票后三十日内付款。</p>",
		"<p>Page two: the penalty clause is five percent.</p>",
		"<p>第三页：本合同自双方签字之日起生效。</p>"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "contract-zh.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	env := []string{"DASHSCOPE_BASE_URL=" + fake.BaseURL(), "DASHSCOPE_API_KEY=" + key}
	a := launch(t, dataDir, env...)
	time.Sleep(2 * time.Second) // first paint

	a.press("ctrl+o")
	a.chooseFile(path)
	att := a.waitLog("attached", 1, 60*time.Second)
	if att.str("type") != "pdf" {
		t.Fatalf("attached as %q, want pdf", att.str("type"))
	}
	waitWindowText(t, 20*time.Second, "contract-zh.pdf", "3 pages", "/ 131,072 tokens")
	screenshot(t, "doc-01-chip")

	pressButton(t, "Preview the text of contract-zh.pdf")
	waitWindowText(t, 10*time.Second, "=== contract-zh.pdf: page 3 of 3 ===", "本合同自双方签字之日起生效")
	screenshot(t, "doc-02-preview")
	a.press("Escape")
	time.Sleep(500 * time.Millisecond)

	question := "What does page 3 say?"
	a.typeText(question)
	a.press("Return")
	if done := a.waitLog("turn finished", 1, turnTimeout); done.str("status") != "complete" {
		t.Fatalf("turn ended %q", done.str("status"))
	}
	sent := lastChat(t, fake)
	user := sent.Messages[len(sent.Messages)-1].Content
	for _, want := range []string{"<document name=\"contract-zh.pdf\">", "=== contract-zh.pdf: page 1 of 3 ===", "甲方应当在收到发票后三十日内付款",
		"=== contract-zh.pdf: page 3 of 3 ===", "本合同自双方签字之日起生效", "</document>\n\n" + question} {
		if !strings.Contains(user, want) {
			t.Fatalf("the fake received a user message without %q:\n%s", want, user)
		}
	}
	msgs := storedMessages(t, dataDir)
	if len(msgs) < 2 || msgs[0].Content != question || msgs[1].Status != "complete" || msgs[1].Content == "" {
		t.Fatalf("stored %+v", msgs)
	}
	time.Sleep(time.Second)
	screenshot(t, "doc-03-sent")
	a.quit()

	b := launch(t, dataDir, env...)
	waitWindowText(t, 30*time.Second, question, "contract-zh.pdf", "3 pages")
	screenshot(t, "doc-04-after-restart")

	// 150,000 Chinese characters: more than qwen-plus's window can take in one question.
	big := filepath.Join(dir, "long-report.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("季度收入增长了百分之十二成本保持稳定。", 7_900)), 0o600); err != nil {
		t.Fatal(err)
	}
	b.press("ctrl+o")
	b.chooseFile(big)
	b.waitLog("attached", 1, 60*time.Second)
	waitWindowText(t, 20*time.Second, "This will not fit", "Send the first part", "Upload for qwen-long")
	screenshot(t, "doc-05-context-warning")
	pressButton(t, "Send the first part")
	waitWindowText(t, 10*time.Second, "first part")
	screenshot(t, "doc-06-first-part")
	b.quit()
	assertNoKeyIn(t, dataDir, key)
}

// A scan (a Chromium-printed PDF whose eight pages are only pictures) attached through the
// GTK chooser: its chip says it has no text and offers "Send pages as images"; qwen-plus is
// named as unable to see them. Pressed through the accessibility tree, the chip becomes six
// images (a message's cap) and the composer says two pages were left out; the switch to a
// vision model is pressed the same way, and the fake server receives the six pages as
// image_url parts, in order, before the question.
func TestScanSentAsPageImages(t *testing.T) {
	clearKeychain(t)
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	blocks := make([]string, 8)
	for i := range blocks {
		blocks[i] = docstest.ScanPage()
	}
	pdf, err := docstest.PrintPDF(context.Background(), filepath.Join(os.TempDir(), "qwendesk-e2e-pdf"), docstest.Page(docstest.FontCID, blocks...))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "scanned-contract.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	time.Sleep(2 * time.Second) // first paint

	a.press("ctrl+o")
	a.chooseFile(path)
	if att := a.waitLog("attached", 1, 60*time.Second); att.str("type") != "pdf" {
		t.Fatalf("attached as %q, want pdf", att.str("type"))
	}
	asImages := uiString(t, "en", "doc.asImages")
	waitWindowText(t, 20*time.Second, "scanned-contract.pdf", "8 pages", uiString(t, "en", "doc.scanned"), asImages, "qwen-plus cannot see images")
	screenshot(t, "scan-01-chip")

	pressButton(t, asImages)
	drawn := a.waitLog("pages drawn", 1, 60*time.Second)
	if drawn["pages"] != float64(6) || drawn["of"] != float64(8) {
		t.Fatalf("drew %v of %v pages, want 6 of 8", drawn["pages"], drawn["of"])
	}
	waitWindowText(t, 20*time.Second, "the first 6 of its 8 pages were turned into images")
	waitGone(t, 10*time.Second, "the scan's chip", func(n axNode) bool { return n.Name == "scanned-contract.pdf" })
	pressButton(t, "Switch to qwen3-vl-plus")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		text, err := windowText(t)
		if err == nil && strings.Contains(text, asImages) {
			t.Fatal("the chip still offers its pages after they became images")
		}
		if err == nil && !strings.Contains(text, "cannot see images") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the vision notice is still shown after switching (read error: %v):\n%s", err, text)
		}
	}
	screenshot(t, "scan-02-images")

	question := "What does this scan say?"
	a.clickControl("entry", uiString(t, "en", "composer.label"))
	a.typeText(question)
	a.press("Return")
	if done := a.waitLog("turn finished", 1, turnTimeout); done.str("status") != "complete" {
		t.Fatalf("turn ended %q", done.str("status"))
	}
	sent := lastChat(t, fake)
	var body struct {
		Messages []struct {
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(sent.Body, &body); err != nil || len(body.Messages) == 0 {
		t.Fatalf("request body: %v", err)
	}
	var parts []struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		ImageURL struct {
			URL string `json:"url"`
		} `json:"image_url"`
	}
	if err := json.Unmarshal(body.Messages[len(body.Messages)-1].Content, &parts); err != nil {
		t.Fatalf("the question was not sent as content parts: %v", err)
	}
	if sent.Model != "qwen3-vl-plus" || len(parts) != 7 || parts[6].Type != "text" || parts[6].Text != question {
		t.Fatalf("model %q, %d parts; want qwen3-vl-plus with 6 images and the question", sent.Model, len(parts))
	}
	for i, p := range parts[:6] {
		b64, ok := strings.CutPrefix(p.ImageURL.URL, "data:image/png;base64,")
		raw, err := base64.StdEncoding.DecodeString(b64)
		if p.Type != "image_url" || !ok || err != nil {
			t.Fatalf("part %d is %q, not a PNG image", i, p.Type)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil || max(img.Bounds().Dx(), img.Bounds().Dy()) != 1600 {
			t.Fatalf("page %d: %v %v", i+1, err, img.Bounds())
		}
	}
	a.quit()
	assertNoKeyIn(t, dataDir, key)
}
