package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"qwendesk/internal/chat"
	"qwendesk/internal/docs"
	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
)

// The bound methods of attaching documents: the native file picker, files dropped or pasted
// into the webview, the preview, the context budget, the upload to DashScope's file API and
// sending. Extraction runs on the bound call's own goroutine (never the UI thread), at most
// two files at once, each within docs' time limit.

// maxAttachBytes is the largest file accepted (docs' input limit).
var maxAttachBytes = docs.DefaultLimits().MaxInputBytes

// maxAttachBase64 bounds the base64 text of a dropped file, checked before decoding so an
// oversized drop is refused without allocating its bytes.
var maxAttachBase64 = int((maxAttachBytes+2)/3*4 + 4)

// maxPickedFiles bounds one pick or drop.
const maxPickedFiles = chat.MaxDocumentsPerMessage

// previewRunes bounds the text a preview sends to the webview: enough to check the
// extraction, not a whole book kept alive in WebKit.
const previewRunes = 100_000

// multiFilePicker is the native "open several files" dialog; wailsDesktop implements it.
type multiFilePicker interface {
	// OpenFiles asks for one or more files; nil means the user cancelled.
	OpenFiles(title string) ([]string, error)
}

// AttachResult is one file the user attached: a document (its chip), an image (a data: URL
// for the vision path), or why it was refused.
type AttachResult struct {
	Name     string            `json:"name"`
	Document *store.Attachment `json:"document,omitempty"`
	Image    string            `json:"image,omitempty"`
	Error    *UserFacingError  `json:"error,omitempty"`
}

// pending is a file extracted this session and not yet sent (or sent, and kept for an
// upload): its bytes stay in memory so it can be uploaded without being read again.
type pending struct {
	doc    store.Document
	name   string
	data   []byte
	usedAt time.Time
}

// attachments holds the pending files, bounded in count and bytes (oldest dropped first).
type attachments struct {
	mu    sync.Mutex
	files map[string]*pending
	slots chan struct{} // extraction concurrency
}

const (
	maxPendingFiles = 40
	maxPendingBytes = 256 << 20
)

func newAttachments() *attachments {
	return &attachments{files: map[string]*pending{}, slots: make(chan struct{}, 2)}
}

func (p *attachments) put(hash string, f *pending) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f.usedAt = time.Now()
	p.files[hash] = f
	for {
		total, oldest := 0, ""
		for h, x := range p.files {
			total += len(x.data)
			if oldest == "" || x.usedAt.Before(p.files[oldest].usedAt) {
				oldest = h
			}
		}
		if (len(p.files) <= maxPendingFiles && total <= maxPendingBytes) || oldest == hash {
			return
		}
		delete(p.files, oldest)
	}
}

func (p *attachments) get(hash string) *pending {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.files[hash]
	if f != nil {
		f.usedAt = time.Now()
	}
	return f
}

// AttachFiles opens the system file picker and reads every chosen file. A file that cannot
// be attached is a result with an error (its kind says why), not a failure of the call.
func (a *App) AttachFiles() ([]AttachResult, error) {
	picker, ok := a.desktop.(multiFilePicker)
	if !ok {
		return nil, &chat.UserError{Kind: chat.KindInternal, Message: "This build cannot open a file picker."}
	}
	if !a.noWarm {
		a.extractor.Warm() // the user takes longer to choose than PDFium takes to start
	}
	paths, err := picker.OpenFiles("Attach files")
	if err != nil {
		return nil, err
	}
	if len(paths) > maxPickedFiles {
		return nil, &chat.UserError{Kind: chat.KindInvalidInput, Message: fmt.Sprintf("Attach at most %d files at once.", maxPickedFiles)}
	}
	out := make([]AttachResult, len(paths))
	var wg sync.WaitGroup
	for i, path := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = a.attachPath(path)
		}()
	}
	wg.Wait()
	return out, nil
}

func (a *App) attachPath(path string) AttachResult {
	name := filepath.Base(path)
	info, err := os.Stat(path)
	if err != nil {
		return failed(name, &chat.UserError{Kind: chat.KindPermission, Message: fmt.Sprintf("%s cannot be read: %v", name, err)})
	}
	if info.Size() > maxAttachBytes {
		// Refused before reading: a 4 GB file must not be loaded to be told it is too large.
		return failed(name, tooLarge(name, info.Size()))
	}
	// The slot is taken before reading, so twenty picked files are not all in memory at once.
	release, busy := a.extractionSlot()
	if busy != nil {
		return failed(name, busy)
	}
	defer release()
	data, err := os.ReadFile(path)
	if err != nil {
		return failed(name, &chat.UserError{Kind: chat.KindPermission, Message: fmt.Sprintf("%s cannot be read: %v", name, err)})
	}
	return a.attach(name, data)
}

// extractionSlot waits for one of the slots that bound how many files are read, extracted or
// drawn at once, or for the app to close.
func (a *App) extractionSlot() (release func(), closing *chat.UserError) {
	select {
	case a.docs.slots <- struct{}{}:
		return func() { <-a.docs.slots }, nil
	case <-a.root.Done():
		return nil, &chat.UserError{Kind: string(docs.KindTimeout), Message: "The app is closing.", Err: a.root.Err()}
	}
}

// AttachData reads a file dropped or pasted into the window; data is its content in base64.
func (a *App) AttachData(name, data string) (AttachResult, error) {
	name = cleanName(name)
	if len(data) > maxAttachBase64 {
		return failed(name, tooLarge(name, int64(len(data))/4*3)), nil
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return AttachResult{}, &chat.UserError{Kind: chat.KindInvalidInput, Message: "The file's data did not arrive intact."}
	}
	release, busy := a.extractionSlot()
	if busy != nil {
		return failed(name, busy), nil
	}
	defer release()
	return a.attach(name, raw), nil
}

// attach extracts a file's text into a chip; the caller holds an extraction slot.
func (a *App) attach(name string, data []byte) AttachResult {
	start := time.Now()
	d, err := a.extractor.Extract(a.root, name, data, docs.Limits{})
	if err != nil {
		var de *docs.Error
		if errors.As(err, &de) {
			a.log.Info("attach refused", "kind", string(de.Kind), "bytes", len(data))
			return failed(name, &chat.UserError{Kind: string(de.Kind), Message: de.Message, Err: err})
		}
		return failed(name, &chat.UserError{Kind: chat.KindInternal, Message: err.Error(), Err: err})
	}
	if d.Type == docs.TypeImage {
		url := "data:" + http.DetectContentType(data) + ";base64," + base64.StdEncoding.EncodeToString(data)
		if err := qwen.CheckImage(url); err != nil {
			return failed(name, &chat.UserError{Kind: chat.KindInvalidInput, Message: fmt.Sprintf("%s cannot be sent: %v.", name, err)})
		}
		return AttachResult{Name: name, Image: url}
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	stored := chat.ToStored(d, hash, int64(len(data)))
	a.docs.put(hash, &pending{doc: stored, name: name, data: data})
	a.log.Info("attached", "type", string(d.Type), "bytes", len(data), "parts", len(d.Parts), "tokens", d.Tokens,
		"ms", time.Since(start).Milliseconds())
	att := attachmentOf(stored, name)
	return AttachResult{Name: name, Document: &att}
}

func attachmentOf(d store.Document, name string) store.Attachment {
	return store.Attachment{Hash: d.Hash, Name: name, Mode: store.DocModeText, Type: d.Type, Encoding: d.Encoding,
		Pages: d.Pages, Sheets: d.Sheets, Chars: d.Chars, Tokens: d.Tokens, NoTextLayer: d.NoTextLayer, Truncated: d.Truncated}
}

func failed(name string, err *chat.UserError) AttachResult {
	return AttachResult{Name: name, Error: &UserFacingError{Kind: err.Kind, Message: err.Message}}
}

func tooLarge(name string, size int64) *chat.UserError {
	return &chat.UserError{Kind: string(docs.KindTooLarge), Message: fmt.Sprintf("%s is %.1f MB; files over %d MB cannot be attached.",
		name, float64(size)/(1<<20), maxAttachBytes>>20)}
}

// cleanName keeps a dropped file's name printable and short; it is only ever shown and sent.
func cleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	if name == "" || name == "." || name == "/" {
		return "file"
	}
	return name
}

// DocumentPreview is the extracted text of an attachment as the model will read it (the
// whole file), cut for display when very long.
type DocumentPreview struct {
	Text      string `json:"text"`
	Chars     int    `json:"chars"`
	Shortened bool   `json:"shortened"` // only the first previewRunes characters are in Text
}

// PreviewDocument returns the text of an attached document, pending or stored.
func (a *App) PreviewDocument(hash, name string) (DocumentPreview, error) {
	d, err := a.document(hash)
	if err != nil {
		return DocumentPreview{}, err
	}
	text := docs.Render(chat.FromStored(d, cleanName(name)))
	p := DocumentPreview{Text: text, Chars: utf8.RuneCountInString(text)}
	if p.Chars > previewRunes {
		p.Text, p.Shortened = string([]rune(text)[:previewRunes]), true
	}
	return p, nil
}

func (a *App) document(hash string) (store.Document, error) {
	if err := checkHash(hash); err != nil {
		return store.Document{}, err
	}
	if f := a.docs.get(hash); f != nil {
		return f.doc, nil
	}
	// Not read this session: it is in the history, which may still be opening.
	if err := a.opened(); err != nil {
		return store.Document{}, err
	}
	d, err := a.history.Document(a.root, hash)
	if errors.Is(err, store.ErrNotFound) {
		return store.Document{}, &chat.UserError{Kind: chat.KindNotFound, Message: "That file is no longer attached: attach it again."}
	}
	if err != nil {
		return store.Document{}, a.storageError(err)
	}
	return d, nil
}

func checkHash(hash string) error {
	if len(hash) != 64 || strings.ContainsFunc(hash, func(r rune) bool { return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') }) {
		return &chat.UserError{Kind: chat.KindNotFound, Message: "Unknown file."}
	}
	return nil
}

// ContextBudget is what the composer compares attachments against.
type ContextBudget struct {
	Window qwen.ContextWindow `json:"window"`
	// UsedTokens estimates what the conversation already sends every turn (system prompt,
	// earlier messages and their documents), before anything in the composer.
	UsedTokens int `json:"usedTokens"`
	// UploadModel is the model that reads uploaded files (qwen-long); "" when the endpoint
	// cannot take uploads (qwen-long is offered in the Beijing region only).
	UploadModel string `json:"uploadModel"`
}

// Budget returns the context window of model (the conversation's when it has one) and what
// the conversation already uses of it. conversationID may be "" for a new chat.
func (a *App) Budget(conversationID, model string) (ContextBudget, error) {
	if err := a.opened(); err != nil {
		return ContextBudget{}, err
	}
	used := 0
	if conversationID != "" {
		if err := checkID(conversationID); err != nil {
			return ContextBudget{}, err
		}
		n, m, err := a.chat.ContextTokens(a.root, conversationID)
		if err != nil {
			return ContextBudget{}, err
		}
		used = n
		if m != "" {
			model = m
		}
	}
	if strings.TrimSpace(model) == "" {
		model = a.settings.Connection().Model
	}
	b := ContextBudget{Window: qwen.ContextWindowOf(model), UsedTokens: used}
	if ep := a.endpoint(); ep.Region == qwen.DefaultRegion || ep.Region == "custom" {
		// A custom endpoint may be a Beijing workspace host or a proxy: let the server say.
		b.UploadModel = qwen.LongContextModel
	}
	return b, nil
}

// UploadDocument sends an attached file, as it was read from disk, to DashScope's file API
// for qwen-long, and returns its chip in "file" mode. Its tokens are billed on every turn
// that refers to it, which the UI says before offering this.
func (a *App) UploadDocument(hash, name string) (store.Attachment, error) {
	if err := a.opened(); err != nil {
		return store.Attachment{}, err
	}
	if err := checkHash(hash); err != nil {
		return store.Attachment{}, err
	}
	f := a.docs.get(hash)
	if f == nil {
		return store.Attachment{}, &chat.UserError{Kind: chat.KindNotFound, Message: "Attach the file again to upload it: its contents are not kept after a restart."}
	}
	ctx, cancel := context.WithTimeout(a.root, 10*time.Minute)
	defer cancel()
	key, err := a.key(ctx)
	if err != nil {
		return store.Attachment{}, err
	}
	name = cleanName(name)
	fo, err := a.currentClient().UploadFile(ctx, key, name, f.data)
	if err != nil {
		a.log.Warn("upload failed", "kind", errorKind(err))
		return store.Attachment{}, err
	}
	a.log.Info("uploaded", "bytes", len(f.data), "file", fo.ID)
	att := attachmentOf(f.doc, name)
	att.Mode, att.FileID = store.DocModeFile, fo.ID
	return att, nil
}

// DocumentRef is how the composer sends one attachment.
type DocumentRef struct {
	Hash      string `json:"hash"`
	Name      string `json:"name"`
	Mode      string `json:"mode"`                // text, excerpt or file
	MaxTokens int    `json:"maxTokens,omitempty"` // excerpt: the budget to cut to
	FileID    string `json:"fileId,omitempty"`    // file: from UploadDocument
}

// SendWithAttachments posts text with images and documents; the text may be empty. Each
// document's text goes in the message (or, uploaded, a fileid:// reference) and stays in
// the conversation's context for later turns.
func (a *App) SendWithAttachments(conversationID, text string, images []string, documents []DocumentRef) (chat.Turn, error) {
	if err := a.opened(); err != nil {
		return chat.Turn{}, err
	}
	if len(documents) > chat.MaxDocumentsPerMessage {
		return chat.Turn{}, &chat.UserError{Kind: chat.KindInvalidInput, Message: fmt.Sprintf("Attach at most %d files to one message.", chat.MaxDocumentsPerMessage)}
	}
	var atts []store.Attachment
	var fresh []store.Document
	for _, ref := range documents {
		if err := checkHash(ref.Hash); err != nil {
			return chat.Turn{}, err
		}
		att := store.Attachment{Hash: ref.Hash, Name: cleanName(ref.Name), Mode: ref.Mode, MaxTokens: ref.MaxTokens, FileID: ref.FileID}
		switch {
		case ref.Mode == store.DocModeText && ref.MaxTokens == 0 && ref.FileID == "":
		case ref.Mode == store.DocModeExcerpt && ref.MaxTokens > 0 && ref.FileID == "":
		case ref.Mode == store.DocModeFile && strings.HasPrefix(ref.FileID, "file-") && len(ref.FileID) <= 128 && checkID(ref.FileID) == nil && ref.MaxTokens == 0:
		default:
			return chat.Turn{}, &chat.UserError{Kind: chat.KindInvalidInput, Message: fmt.Sprintf("%s cannot be sent that way.", att.Name)}
		}
		if f := a.docs.get(ref.Hash); f != nil {
			fresh = append(fresh, f.doc)
		} else if _, err := a.document(ref.Hash); err != nil {
			return chat.Turn{}, err
		}
		atts = append(atts, att)
	}
	return a.startTurn(conversationID, func(ctx context.Context, requestID, model string, onEnd func()) (chat.Turn, error) {
		return a.chat.Send(ctx, chat.SendInput{ConversationID: conversationID, Text: text, Images: images, Model: model,
			RequestID: requestID, Documents: atts, NewDocuments: fresh}, onEnd)
	})
}

// PageImages are an attached PDF's first pages drawn as images, for the vision path.
type PageImages struct {
	Images     []string `json:"images"`     // data:image/png;base64 URLs, in page order from page 1
	TotalPages int      `json:"totalPages"` // pages in the file: more than len(Images) when the rest were left out
}

// DocumentPagesAsImages draws the first maxPages pages of an attached PDF — a scan, whose
// text cannot be read — as PNG images for a vision model. maxPages is the room the message
// has left for images (1 to qwen.MaxImagesPerTurn). The file is found by its hash among the
// files attached this session: its bytes are not kept after a restart. It needs nothing
// from the history, like reading a file into a chip.
func (a *App) DocumentPagesAsImages(hash string, maxPages int) (PageImages, error) {
	if err := checkHash(hash); err != nil {
		return PageImages{}, err
	}
	if maxPages < 1 || maxPages > qwen.MaxImagesPerTurn {
		return PageImages{}, &chat.UserError{Kind: chat.KindInvalidInput,
			Message: fmt.Sprintf("A message takes 1 to %d images.", qwen.MaxImagesPerTurn)}
	}
	f := a.docs.get(hash)
	if f == nil {
		return PageImages{}, &chat.UserError{Kind: chat.KindNotFound, Message: "Attach the file again to send its pages: its contents are not kept after a restart."}
	}
	// The same slots as reading files: drawing pages is as heavy, and shares the engine.
	release, busy := a.extractionSlot()
	if busy != nil {
		return PageImages{}, busy
	}
	defer release()
	start := time.Now()
	r, err := a.extractor.RenderPages(a.root, f.name, f.data, docs.RenderLimits{MaxPages: maxPages, MaxBytes: qwen.MaxImageBytes})
	if err != nil {
		var de *docs.Error
		if errors.As(err, &de) {
			a.log.Info("pages not drawn", "kind", string(de.Kind), "bytes", len(f.data))
			return PageImages{}, &chat.UserError{Kind: string(de.Kind), Message: de.Message, Err: err}
		}
		return PageImages{}, &chat.UserError{Kind: chat.KindInternal, Message: err.Error(), Err: err}
	}
	out := PageImages{TotalPages: r.TotalPages, Images: make([]string, 0, len(r.Pages))}
	size := 0
	for _, p := range r.Pages {
		url := "data:image/png;base64," + base64.StdEncoding.EncodeToString(p.PNG)
		// docs sizes every page under the limit; checked again because the send path will.
		if err := qwen.CheckImage(url); err != nil {
			return PageImages{}, &chat.UserError{Kind: chat.KindInternal, Message: fmt.Sprintf("Page %d of %s cannot be sent: %v.", p.Page, f.name, err), Err: err}
		}
		out.Images = append(out.Images, url)
		size += len(p.PNG)
	}
	a.log.Info("pages drawn", "pages", len(out.Images), "of", out.TotalPages, "png_bytes", size, "ms", time.Since(start).Milliseconds())
	return out, nil
}
