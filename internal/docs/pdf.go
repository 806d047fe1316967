package docs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// pdfMemoryPages caps one PDFium instance's linear memory (64 KiB pages): 1 GiB, enough for a
// 50 MB file's objects, and a hard stop for a file built to exhaust memory.
const pdfMemoryPages = 16384

// pdfEngine is PDFium compiled to WebAssembly (shipped inside the go-pdfium module), run by
// wazero in pure Go: no cgo, no native library to ship, and a sandbox whose memory is capped
// and whose execution can be interrupted — which is how a stuck parse honours ctx.
type pdfEngine struct {
	mu   sync.Mutex
	pool pdfium.Pool
	err  error
}

func newPDFEngine() *pdfEngine { return &pdfEngine{} }

// start compiles the module on first use; a failure is remembered so every PDF gets the same
// answer instead of paying the compile again.
func (p *pdfEngine) start() (pdfium.Pool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pool != nil || p.err != nil {
		return p.pool, p.err
	}
	p.pool, p.err = webassembly.Init(webassembly.Config{
		MinIdle:  0,
		MaxIdle:  1,
		MaxTotal: 2, // two files at once at most; a third waits (bounded by its ctx)
		// A fresh instance per file costs a module instantiation and FPDF_InitLibrary;
		// a killed one is discarded by Kill either way.
		ReuseWorkers: true,
		// Nothing is mounted: documents arrive as bytes, and PDFium has no reason to see disk.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   io.Discard,
		Stderr:   io.Discard,
		RuntimeConfig: wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
			WithMemoryLimitPages(pdfMemoryPages).
			WithCloseOnContextDone(true),
	})
	return p.pool, p.err
}

func (p *pdfEngine) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pool == nil {
		return nil
	}
	err := p.pool.Close()
	p.pool, p.err = nil, errors.New("PDF engine closed")
	return err
}

// extract reads every page's text.
func (p *pdfEngine) extract(ctx context.Context, name string, data []byte) (*Document, error) {
	return withInstance(p, ctx, name, func(inst pdfium.Pdfium) (*Document, error) { return pdfPages(inst, name, data) })
}

// withInstance runs fn on an engine instance, on its own goroutine. When ctx ends first the
// instance is killed, which interrupts PDFium mid-call and frees its memory, and the caller
// gets a timeout at once. Every use of the engine goes through here, so text extraction and
// page rendering share the same instances (at most two at once) and the same time rules.
func withInstance[T any](p *pdfEngine, ctx context.Context, name string, fn func(pdfium.Pdfium) (T, error)) (T, error) {
	var zero T
	pool, err := p.start()
	if err != nil {
		return zero, newError(KindUnsupported, name, err, "PDF files cannot be read on this computer (the PDF engine did not start).")
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return zero, errTimeout(name, err)
		}
		return zero, errCorrupt(name, err, "the PDF engine is unavailable")
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{zero, errCorrupt(name, fmt.Errorf("panic: %v", r), "the PDF reader failed on it")}
			}
		}()
		v, err := fn(inst)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		inst.Close()
		return r.v, r.err
	case <-ctx.Done():
		inst.Kill()
		return zero, errTimeout(name, ctx.Err())
	}
}

func pdfPages(inst pdfium.Pdfium, name string, data []byte) (*Document, error) {
	doc, pages, err := openPDF(inst, name, data)
	if err != nil {
		return nil, err
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc})
	d := &Document{Pages: pages}
	for i := range pages {
		t, err := inst.GetPageText(&requests.GetPageText{Page: requests.Page{
			ByIndex: &requests.PageByIndex{Document: doc, Index: i}}})
		if err != nil {
			return nil, errCorrupt(name, err, fmt.Sprintf("page %d cannot be read", i+1))
		}
		text := strings.ReplaceAll(t.Text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
		d.Parts = append(d.Parts, Part{Label: fmt.Sprintf("page %d", i+1), Text: strings.TrimSpace(text)})
	}
	return d, nil
}

// openPDF opens data and counts its pages; the caller closes the document.
func openPDF(inst pdfium.Pdfium, name string, data []byte) (references.FPDF_DOCUMENT, int, error) {
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		switch {
		case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
			return "", 0, errEncrypted(name, err)
		default:
			return "", 0, errCorrupt(name, err, "PDFium could not open it")
		}
	}
	pc, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
		return "", 0, errCorrupt(name, err, "its page tree is broken")
	}
	if pc.PageCount == 0 {
		inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
		return "", 0, errCorrupt(name, nil, "it has no pages")
	}
	return doc.Document, pc.PageCount, nil
}
