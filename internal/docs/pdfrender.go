package docs

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
)

// KindNotPDF: only a PDF's pages can be drawn as images.
const KindNotPDF ErrorKind = "doc_not_pdf"

// RenderLimits bound RenderPages. A zero field takes its default (DefaultRenderLimits).
type RenderLimits struct {
	MaxPages int           // pages drawn, from the first; the rest are counted, not drawn
	DPI      int           // resolution of a page of ordinary size
	MaxSide  int           // pixels on a page's longest side, whatever its size in points
	MaxBytes int           // one PNG; MaxSide shrinks further if its worst case could exceed it
	Timeout  time.Duration // the whole file, on top of ctx's own deadline
}

// DefaultRenderLimits fit what DashScope's vision models take: six images a message (the
// app's per-message cap), 10 MB each. 150 DPI makes body text of a scan legible to the model;
// 1,600 px on the longest side (an A4 page is then 1,131 × 1,600) keeps a poster-sized page
// from turning into tens of megapixels.
func DefaultRenderLimits() RenderLimits {
	return RenderLimits{MaxPages: 6, DPI: 150, MaxSide: 1600, MaxBytes: 10 << 20, Timeout: DefaultLimits().Timeout}
}

func (l RenderLimits) withDefaults() RenderLimits {
	d := DefaultRenderLimits()
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.DPI <= 0 {
		l.DPI = d.DPI
	}
	if l.MaxSide <= 0 {
		l.MaxSide = d.MaxSide
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// PageImage is one page drawn as a PNG.
type PageImage struct {
	Page   int // 1-based
	Width  int
	Height int
	PNG    []byte
}

// PageImages are the first pages of a PDF drawn as images.
type PageImages struct {
	Pages      []PageImage
	TotalPages int // in the file: more than len(Pages) when MaxPages left some out
}

// RenderPages draws the first lim.MaxPages pages of a PDF as PNGs, for a vision model to
// read a scan. It uses the same engine instances and time rules as Extract: a stuck render
// is killed when ctx or lim.Timeout ends. Failures are *Error (KindNotPDF for anything but a
// PDF).
func (x *Extractor) RenderPages(ctx context.Context, name string, data []byte, lim RenderLimits) (*PageImages, error) {
	lim = lim.withDefaults()
	if len(data) == 0 {
		return nil, errEmpty(name)
	}
	if kind, err := classify(name, data); err != nil || kind != TypePDF {
		return nil, newError(KindNotPDF, name, err, "%s is not a PDF: only a PDF's pages can be sent as images.", name)
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	drawn, err := withInstance(x.pdf, ctx, name, func(inst pdfium.Pdfium) (*drawnPages, error) {
		return drawPages(ctx, inst, name, data, lim)
	})
	if err != nil {
		return nil, err
	}
	// Encoding runs after the instance is handed back: it needs no PDFium, and another file
	// should not wait for it.
	out := &PageImages{TotalPages: drawn.total}
	for i, img := range drawn.images {
		if ctx.Err() != nil {
			return nil, errTimeout(name, ctx.Err())
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return nil, errCorrupt(name, err, fmt.Sprintf("page %d cannot be drawn", i+1))
		}
		b := img.Bounds()
		out.Pages = append(out.Pages, PageImage{Page: i + 1, Width: b.Dx(), Height: b.Dy(), PNG: buf.Bytes()})
	}
	return out, nil
}

type drawnPages struct {
	images []*image.RGBA
	total  int
}

func drawPages(ctx context.Context, inst pdfium.Pdfium, name string, data []byte, lim RenderLimits) (*drawnPages, error) {
	doc, pages, err := openPDF(inst, name, data)
	if err != nil {
		return nil, err
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc})
	d := &drawnPages{total: pages}
	for i := range min(pages, lim.MaxPages) {
		if ctx.Err() != nil {
			return nil, errTimeout(name, ctx.Err())
		}
		size, err := inst.FPDF_GetPageSizeByIndex(&requests.FPDF_GetPageSizeByIndex{Document: doc, Index: i})
		if err != nil {
			return nil, errCorrupt(name, err, fmt.Sprintf("page %d has no size", i+1))
		}
		w, h, ok := pixelSize(size.Width, size.Height, lim)
		if !ok {
			return nil, errCorrupt(name, nil, fmt.Sprintf("page %d has no size", i+1))
		}
		res, err := inst.RenderPageInPixels(&requests.RenderPageInPixels{
			Page:  requests.Page{ByIndex: &requests.PageByIndex{Document: doc, Index: i}},
			Width: w, Height: h,
		})
		if err != nil {
			return nil, errCorrupt(name, err, fmt.Sprintf("page %d cannot be drawn", i+1))
		}
		// The rendered pixels live in the sandbox's memory until Cleanup: copy them out, onto
		// white, so that a page with transparency is not sent black and the PNG is opaque RGB
		// (a quarter smaller than RGBA, and what pixelSize's bound assumes).
		src := res.Result.RenderedImage
		img := image.NewRGBA(src.Bounds())
		draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.Draw(img, img.Bounds(), src, src.Bounds().Min, draw.Over)
		res.Cleanup()
		d.images = append(d.images, img)
	}
	return d, nil
}

// pixelSize is a page's size in pixels at lim.DPI, shrunk to lim.MaxSide on its longest side
// and further if the PNG's worst case could exceed lim.MaxBytes. The worst case is an opaque
// 8-bit RGB image that does not compress at all: a filter byte per row, 3 bytes a pixel, and
// deflate's stored-block overhead, plus the chunks — so every PNG fits without retrying.
func pixelSize(wPt, hPt float64, lim RenderLimits) (w, h int, ok bool) {
	if !(wPt > 0 && hPt > 0) || math.IsInf(wPt, 0) || math.IsInf(hPt, 0) {
		return 0, 0, false
	}
	scale := float64(lim.DPI) / 72
	if long := max(wPt, hPt) * scale; long > float64(lim.MaxSide) {
		scale *= float64(lim.MaxSide) / long
	}
	for {
		w, h = max(1, int(math.Round(wPt*scale))), max(1, int(math.Round(hPt*scale)))
		if worstPNG(w, h) <= lim.MaxBytes || (w == 1 && h == 1) {
			return w, h, true
		}
		scale *= 0.9
	}
}

func worstPNG(w, h int) int {
	raw := h * (3*w + 1)
	return raw + (raw/65535+1)*5 + 1024
}
