package main

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

	"qwendesk/internal/chat"
	"qwendesk/internal/docs"
	"qwendesk/internal/docs/docstest"
	"qwendesk/internal/fakedashscope"
	"qwendesk/internal/qwen"
	"qwendesk/internal/secrets"
	"qwendesk/internal/store"
)

// pickingDesktop is the fake desktop whose multiple-file picker returns preset paths.
type pickingDesktop struct {
	*fakeDesktop
	paths []string
}

func (d *pickingDesktop) OpenFiles(string) ([]string, error) { return d.paths, nil }

func newDocsApp(t *testing.T) (*testApp, *pickingDesktop) {
	t.Helper()
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	a.startup(context.Background())
	if _, err := a.SaveKey(leakKey); err != nil {
		t.Fatal(err)
	}
	d := &pickingDesktop{fakeDesktop: a.desktop}
	a.App.desktop = d
	a.App.noWarm = true // no PDF here: starting PDFium would only cost seconds
	return a, d
}

func writeFiles(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func lastChat(t *testing.T, fake *fakedashscope.Server) fakedashscope.Recorded {
	t.Helper()
	reqs := fake.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Stream {
			return reqs[i]
		}
	}
	t.Fatal("no chat request")
	return fakedashscope.Recorded{}
}

// Files picked in the native dialog come back as chips or, for a bad file, with the kind
// the UI translates; the good one's text reaches the model delimited and named, Chinese
// intact; the conversation shows the chip, and a search finds the text with the file name.
func TestPickedFilesReachTheModelAndBadOnesSayWhy(t *testing.T) {
	a, picker := newDocsApp(t)
	dir := writeFiles(t, map[string][]byte{
		"纪要.md":       []byte("# 会议纪要\n\n甲方同意在三十日内付款。\n"),
		"invoice.pdf": append([]byte("MZ\x90\x00"), make([]byte, 200)...),
		"empty.txt":   {},
		"photo.png":   tinyPNG(t),
	})
	for _, n := range []string{"纪要.md", "invoice.pdf", "empty.txt", "photo.png"} {
		picker.paths = append(picker.paths, filepath.Join(dir, n))
	}
	res, err := a.AttachFiles()
	if err != nil || len(res) != 4 {
		t.Fatalf("AttachFiles: %+v %v", res, err)
	}
	md := res[0].Document
	if md == nil || md.Name != "纪要.md" || md.Type != string(docs.TypeMarkdown) || md.Chars == 0 || md.Tokens == 0 || md.Encoding != "UTF-8" {
		t.Fatalf("markdown chip %+v (error %+v)", md, res[0].Error)
	}
	if e := res[1].Error; e == nil || e.Kind != string(docs.KindDisguised) || !strings.Contains(e.Message, "invoice.pdf") {
		t.Errorf("disguised exe: %+v", res[1])
	}
	if e := res[2].Error; e == nil || e.Kind != string(docs.KindEmpty) {
		t.Errorf("empty file: %+v", res[2])
	}
	if !strings.HasPrefix(res[3].Image, "data:image/png;base64,") {
		t.Errorf("an image picked in the dialog goes to the vision path: %+v", res[3])
	}

	p, err := a.PreviewDocument(md.Hash, md.Name)
	if err != nil || !strings.Contains(p.Text, "=== 纪要.md ===\n# 会议纪要") {
		t.Fatalf("preview %+v %v", p, err)
	}

	conv, _ := a.NewConversation()
	turn, err := a.SendWithAttachments(conv.ID, "付款期限是多久？", nil, []DocumentRef{{Hash: md.Hash, Name: md.Name, Mode: store.DocModeText}})
	if err != nil {
		t.Fatal(err)
	}
	if end := a.events.waitEnd(t, turn.RequestID); end != chat.EventDone {
		t.Fatalf("turn ended with %s", end)
	}
	user := lastChat(t, a.fake).Messages[0].Content
	if !strings.HasPrefix(user, "<document name=\"纪要.md\">\n=== 纪要.md ===\n# 会议纪要") || !strings.HasSuffix(user, "</document>\n\n付款期限是多久？") {
		t.Fatalf("user message sent:\n%s", user)
	}
	c, _ := a.Conversation(conv.ID)
	if q := c.Messages[0]; q.Content != "付款期限是多久？" || len(q.Documents) != 1 || q.Documents[0].Name != "纪要.md" {
		t.Fatalf("question shown as %q with %+v", q.Content, q.Documents)
	}
	groups, err := a.Search("三十日内")
	if err != nil || len(groups) != 1 {
		t.Fatalf("search %+v %v", groups, err)
	}
	var inDoc *store.SearchHit
	for i, h := range groups[0].Hits {
		if h.InDocument {
			inDoc = &groups[0].Hits[i]
		}
	}
	if inDoc == nil || inDoc.DocumentName != "纪要.md" || inDoc.DocumentPart != "document" {
		t.Fatalf("no document hit with the file name: %+v", groups[0].Hits)
	}
}

// A dropped file whose base64 is over the limit is refused before it is decoded; damaged
// base64 is an input error; a good drop is a chip.
func TestDroppedFileLimits(t *testing.T) {
	a, _ := newDocsApp(t)
	res, err := a.AttachData("huge.pdf", strings.Repeat("A", maxAttachBase64+1))
	if err != nil || res.Error == nil || res.Error.Kind != string(docs.KindTooLarge) {
		t.Fatalf("oversized drop: %+v %v", res, err)
	}
	if _, err := a.AttachData("x.txt", "not base64!"); kindOf(err) != chat.KindInvalidInput {
		t.Fatalf("damaged base64: %v", err)
	}
	res, err = a.AttachData("../../etc/notes.txt", base64.StdEncoding.EncodeToString([]byte("plain notes")))
	if err != nil || res.Document == nil || res.Document.Name != "notes.txt" {
		t.Fatalf("good drop: %+v %v", res, err)
	}
}

// Over the context window, the user may upload the file for qwen-long: the fake receives
// the original bytes, and the turn refers to it by fileid:// without sending its text.
func TestUploadForQwenLong(t *testing.T) {
	a, _ := newDocsApp(t)
	body := "第一页 contract text " + strings.Repeat("条款。", 50)
	res, err := a.AttachData("contract.txt", base64.StdEncoding.EncodeToString([]byte(body)))
	if err != nil || res.Document == nil {
		t.Fatal(res, err)
	}
	b, err := a.Budget("", "qwen-plus")
	if err != nil || b.Window.Tokens != 131_072 || b.UploadModel != "qwen-long" {
		t.Fatalf("budget %+v %v", b, err)
	}
	up, err := a.UploadDocument(res.Document.Hash, "contract.txt")
	if err != nil || up.Mode != store.DocModeFile || !strings.HasPrefix(up.FileID, "file-fe-") {
		t.Fatalf("upload %+v %v", up, err)
	}
	if ups := a.fake.Uploads(); len(ups) != 1 || string(ups[0].Data) != body || ups[0].Filename != "contract.txt" {
		t.Fatalf("fake received %+v", ups)
	}
	conv, _ := a.NewConversation()
	if _, err := a.UpdateConversationSettings(conv.ID, chat.ConversationSettings{Model: "qwen-long"}); err != nil {
		t.Fatal(err)
	}
	turn, err := a.SendWithAttachments(conv.ID, "Summarise", nil, []DocumentRef{{Hash: up.Hash, Name: up.Name, Mode: up.Mode, FileID: up.FileID}})
	if err != nil {
		t.Fatal(err)
	}
	a.events.waitEnd(t, turn.RequestID)
	r := lastChat(t, a.fake)
	if r.Model != "qwen-long" || r.Messages[0].Content != "fileid://"+up.FileID || strings.Contains(r.Messages[1].Content, "条款") {
		t.Fatalf("request %s %+v", r.Model, r.Messages)
	}
	b, _ = a.Budget(conv.ID, "")
	if b.Window.Family != "qwen-long" || b.UsedTokens == 0 {
		t.Fatalf("budget of the conversation %+v", b)
	}
	if _, err := a.SendWithAttachments(conv.ID, "x", nil, []DocumentRef{{Hash: up.Hash, Name: "a", Mode: "file", FileID: "../../x"}}); kindOf(err) != chat.KindInvalidInput {
		t.Fatalf("a bad file id: %v", err)
	}
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// scanFixture is a PDF printed by Chromium whose pages are only pictures (no text layer).
func scanFixture(t *testing.T, pages int) []byte {
	t.Helper()
	if docstest.Chromium() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; scripts/setup.sh installs it and CI must have it")
		}
		t.Skip("SKIPPED: chromium is not installed (run scripts/setup.sh); scans are untested here")
	}
	blocks := make([]string, pages)
	for i := range blocks {
		blocks[i] = docstest.ScanPage()
	}
	b, err := docstest.PrintPDF(context.Background(), filepath.Join("build", "test-cache", "docstest"), docstest.Page(docstest.FontCID, blocks...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A scan attached from the composer is flagged; its pages come back as PNG data: URLs, at
// most as many as asked (the room left in the message) with the file's page count to say
// what was left out; sent with a vision model they reach DashScope as image_url parts.
func TestScanPagesGoToTheVisionModelAsImages(t *testing.T) {
	a, _ := newDocsApp(t)
	res, err := a.AttachData("扫描件.pdf", base64.StdEncoding.EncodeToString(scanFixture(t, 8)))
	if err != nil || res.Document == nil || !res.Document.NoTextLayer || res.Document.Pages != 8 {
		t.Fatalf("scan chip %+v %+v %v", res.Document, res.Error, err)
	}
	pages, err := a.DocumentPagesAsImages(res.Document.Hash, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages.Images) != 4 || pages.TotalPages != 8 {
		t.Fatalf("%d images of %d pages; want 4 of 8", len(pages.Images), pages.TotalPages)
	}
	for i, url := range pages.Images {
		b64, ok := strings.CutPrefix(url, "data:image/png;base64,")
		raw, err := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil {
			t.Fatalf("image %d is not a PNG data URL: %.40s", i, url)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil || max(img.Bounds().Dx(), img.Bounds().Dy()) > 1600 {
			t.Fatalf("image %d: %v, %v", i, err, img.Bounds())
		}
	}

	conv, _ := a.NewConversation()
	if _, err := a.UpdateConversationSettings(conv.ID, chat.ConversationSettings{Model: "qwen3-vl-plus"}); err != nil {
		t.Fatal(err)
	}
	turn, err := a.SendWithAttachments(conv.ID, "这份扫描件写了什么？", pages.Images, nil)
	if err != nil {
		t.Fatal(err)
	}
	if end := a.events.waitEnd(t, turn.RequestID); end != chat.EventDone {
		t.Fatalf("turn ended with %s", end)
	}
	r := lastChat(t, a.fake)
	var body struct {
		Messages []struct {
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || len(body.Messages) == 0 {
		t.Fatalf("request body: %v", err)
	}
	var parts []struct {
		Type     string `json:"type"`
		ImageURL struct {
			URL string `json:"url"`
		} `json:"image_url"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(body.Messages[len(body.Messages)-1].Content, &parts); err != nil {
		t.Fatalf("the question was not sent as content parts: %v", err)
	}
	if r.Model != "qwen3-vl-plus" || len(parts) != 5 || parts[4].Text != "这份扫描件写了什么？" {
		t.Fatalf("model %s, %d parts", r.Model, len(parts))
	}
	for i, p := range parts[:4] {
		if p.Type != "image_url" || p.ImageURL.URL != pages.Images[i] {
			t.Errorf("part %d is %q, not page %d's image", i, p.Type, i+1)
		}
	}
}

func TestDocumentPagesAsImagesRefusals(t *testing.T) {
	a, _ := newDocsApp(t)
	txt, err := a.AttachData("notes.txt", base64.StdEncoding.EncodeToString([]byte("plain notes")))
	if err != nil || txt.Document == nil {
		t.Fatal(txt, err)
	}
	for _, c := range []struct {
		name     string
		hash     string
		maxPages int
		kind     string
	}{
		{"a malformed hash", "../../etc/passwd", 1, chat.KindNotFound},
		{"a file not attached this session", strings.Repeat("0", 64), 1, chat.KindNotFound},
		{"no room for images", txt.Document.Hash, 0, chat.KindInvalidInput},
		{"more than a message takes", txt.Document.Hash, qwen.MaxImagesPerTurn + 1, chat.KindInvalidInput},
		{"not a PDF", txt.Document.Hash, 1, string(docs.KindNotPDF)},
	} {
		if _, err := a.DocumentPagesAsImages(c.hash, c.maxPages); kindOf(err) != c.kind {
			t.Errorf("%s: got %v, want kind %q", c.name, err, c.kind)
		}
	}
}
