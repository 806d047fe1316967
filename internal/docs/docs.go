package docs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
)

// Type is what a file is, decided by its content (not an error kind: those are ErrorKind).
type Type string

// The kinds Extract recognises.
const (
	TypePDF      Type = "pdf"
	TypeDOCX     Type = "docx"
	TypeXLSX     Type = "xlsx"
	TypePPTX     Type = "pptx"
	TypeCSV      Type = "csv"
	TypeText     Type = "text"
	TypeMarkdown Type = "markdown"
	TypeHTML     Type = "html"
	TypeJSON     Type = "json"
	TypeCode     Type = "code"
	TypeImage    Type = "image" // recognised and left to the vision path: no text, no error
)

// Part is one page, sheet or slide.
type Part struct {
	Label  string // "page 3", the sheet's name, "slide 2: Roadmap", or "document"
	Text   string
	NoText bool // the part has no extractable text (a scanned page, an empty sheet)
}

// Document is the text of one file and what the UI needs to say about it.
type Document struct {
	Name     string
	Type     Type
	Language string // for TypeCode: the language named by the extension ("go", "python", …)
	// Encoding is the character encoding assumed for text kinds: "UTF-8", "UTF-8 (BOM)",
	// "UTF-16LE", "UTF-16BE" or "GB18030". Empty for binary formats.
	Encoding string
	Parts    []Part
	// Text is every part in order, each under a marker line naming the file and the part
	// ("=== contract.pdf: page 3 of 12 ===") so that a model can cite where it read something.
	Text        string
	Pages       int  // PDF pages or PPTX slides; 0 otherwise
	Sheets      int  // XLSX sheets (1 for CSV)
	Chars       int  // runes in Text
	Tokens      int  // EstimateTokens(Text)
	NoTextLayer bool // a PDF none of whose pages has text: offer page images to a vision model
	Truncated   bool // rows or columns were left out; the marker in Text says how many
}

// Limits bound the work one Extract may do. A zero field takes its default (DefaultLimits).
type Limits struct {
	MaxInputBytes       int64         // the file itself
	MaxUnzippedBytes    int64         // the sum of the declared sizes of a zip's entries
	MaxZipEntries       int           // entries in a zip
	MaxCompressionRatio int64         // per entry, for entries over 1 MiB unpacked
	MaxXMLDepth         int           // element nesting in Office XML
	MaxRows             int           // rows shown per sheet (and per CSV); the rest are counted
	MaxColumns          int           // columns shown per sheet
	Timeout             time.Duration // on top of ctx's own deadline
}

// DefaultLimits are the limits used for any zero field of Limits.
func DefaultLimits() Limits {
	return Limits{
		MaxInputBytes:       50 << 20,
		MaxUnzippedBytes:    256 << 20,
		MaxZipEntries:       10_000,
		MaxCompressionRatio: 200,
		MaxXMLDepth:         256,
		MaxRows:             500,
		MaxColumns:          50,
		Timeout:             60 * time.Second,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxInputBytes <= 0 {
		l.MaxInputBytes = d.MaxInputBytes
	}
	if l.MaxUnzippedBytes <= 0 {
		l.MaxUnzippedBytes = d.MaxUnzippedBytes
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = d.MaxZipEntries
	}
	if l.MaxCompressionRatio <= 0 {
		l.MaxCompressionRatio = d.MaxCompressionRatio
	}
	if l.MaxXMLDepth <= 0 {
		l.MaxXMLDepth = d.MaxXMLDepth
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// Extractor turns files into Documents. It owns the PDF engine, which is costly to start
// (about 2.5 s to compile PDFium's WebAssembly here) and so is started on the first PDF and
// kept; everything else is stateless. Safe for concurrent use. Close releases the engine.
type Extractor struct {
	pdf *pdfEngine
}

// New returns an Extractor; nothing is started until the first PDF.
func New() *Extractor { return &Extractor{pdf: newPDFEngine()} }

// Close stops the PDF engine, if it was started.
func (x *Extractor) Close() error { return x.pdf.close() }

// Extract reads the file called name whose content is data. The kind is decided by content;
// the extension only picks among text kinds and catches disguised files. A failure is always
// an *Error; an image is not a failure but a Document of TypeImage with no text.
func (x *Extractor) Extract(ctx context.Context, name string, data []byte, lim Limits) (*Document, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxInputBytes {
		return nil, newError(KindTooLarge, name, nil, "%s is %s; files over %s cannot be attached.",
			name, formatBytes(int64(len(data))), formatBytes(lim.MaxInputBytes))
	}
	if len(data) == 0 {
		return nil, errEmpty(name)
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()

	kind, err := classify(name, data)
	if err != nil {
		return nil, err
	}
	if kind == TypeImage {
		return &Document{Name: name, Type: TypeImage}, nil
	}
	if kind == TypePDF {
		// The engine runs PDFium in its own sandbox and enforces ctx itself.
		d, err := x.pdf.extract(ctx, name, data)
		return finish(name, kind, d, err)
	}
	return runBounded(ctx, name, func() (*Document, error) {
		d, err := extractPure(ctx, name, kind, data, lim)
		return finish(name, kind, d, err)
	})
}

// runBounded runs fn on its own goroutine so that the caller gets a timeout error as soon as
// ctx ends even if fn is stuck in a library call; fn's own loops also poll ctx so that the
// abandoned goroutine stops soon after. A panic inside fn becomes a corrupt error.
func runBounded(ctx context.Context, name string, fn func() (*Document, error)) (*Document, error) {
	type result struct {
		doc *Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{nil, errCorrupt(name, fmt.Errorf("panic: %v\n%s", r, debug.Stack()), "the reader failed on it")}
			}
		}()
		d, err := fn()
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-ctx.Done():
		return nil, errTimeout(name, ctx.Err())
	}
}

func extractPure(ctx context.Context, name string, kind Type, data []byte, lim Limits) (*Document, error) {
	switch kind {
	case TypeDOCX:
		return extractDOCX(ctx, name, data, lim)
	case TypeXLSX:
		return extractXLSX(ctx, name, data, lim)
	case TypePPTX:
		return extractPPTX(ctx, name, data, lim)
	case TypeCSV:
		return extractCSV(ctx, name, data, lim)
	default:
		return extractText(name, kind, data)
	}
}

// finish fills in what every kind shares: the combined text with markers and the counts.
func finish(name string, kind Type, d *Document, err error) (*Document, error) {
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return nil, errTimeout(name, err)
		}
		return nil, errCorrupt(name, err, "its structure is invalid")
	}
	d.Name, d.Type = name, kind
	anyText := false
	for i, p := range d.Parts {
		if strings.TrimSpace(p.Text) == "" {
			d.Parts[i].NoText = true
		} else {
			anyText = true
		}
	}
	if !anyText && kind != TypePDF {
		return nil, errEmpty(name)
	}
	if kind == TypePDF {
		d.NoTextLayer = !anyText
	}
	d.Text = Render(d)
	d.Chars = len([]rune(d.Text))
	d.Tokens = EstimateTokens(d.Text)
	return d, nil
}

func marker(name string, d *Document, i int) string {
	p := d.Parts[i]
	switch {
	case d.Pages > 0 && d.Type == TypePDF:
		return fmt.Sprintf("=== %s: %s of %d ===", name, p.Label, d.Pages)
	case len(d.Parts) == 1 && p.Label == "document":
		return fmt.Sprintf("=== %s ===", name)
	case d.Sheets > 0:
		return fmt.Sprintf("=== %s: sheet %q ===", name, p.Label)
	default:
		return fmt.Sprintf("=== %s: %s ===", name, p.Label)
	}
}

func ext(name string) string { return strings.ToLower(strings.TrimPrefix(filepath.Ext(name), ".")) }

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// formatCount writes n with thousands separators, as the row-cap notes show it.
func formatCount(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Warm starts the PDF engine in the background, so that the first PDF does not wait for its
// few seconds of compilation: call it when a file is about to be chosen.
func (x *Extractor) Warm() { go func() { _, _ = x.pdf.start() }() }
