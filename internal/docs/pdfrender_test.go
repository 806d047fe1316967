package docs

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"
	"time"

	"qwendesk/internal/docs/docstest"
)

func scanPDF(t *testing.T, pages int) []byte {
	t.Helper()
	blocks := make([]string, pages)
	for i := range blocks {
		blocks[i] = docstest.ScanPage()
	}
	return printPDF(t, docstest.Page(docstest.FontCID, blocks...))
}

func decodePNG(t *testing.T, p PageImage) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(p.PNG))
	if err != nil {
		t.Fatalf("page %d is not a PNG: %v", p.Page, err)
	}
	if b := img.Bounds(); b.Dx() != p.Width || b.Dy() != p.Height {
		t.Fatalf("page %d is %v, reported %dx%d", p.Page, b, p.Width, p.Height)
	}
	return img
}

// inkShare is the share of dark pixels: the scan fixture's "lines of text" are dark bars on
// white, so a blank (or all-black) render is caught.
func inkShare(img image.Image) float64 {
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0x4000 {
				dark++
			}
		}
	}
	return float64(dark) / float64(b.Dx()*b.Dy())
}

func TestRenderScanPages(t *testing.T) {
	data := scanPDF(t, 1)
	got, err := pdfX().RenderPages(context.Background(), "scan.pdf", data, RenderLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if got.TotalPages != 1 || len(got.Pages) != 1 || got.Pages[0].Page != 1 {
		t.Fatalf("total %d, drawn %d; want the one page", got.TotalPages, len(got.Pages))
	}
	p := got.Pages[0]
	img := decodePNG(t, p)
	// Chromium prints on Letter (612 × 792 pt): 150 DPI would be 1275 × 1650, over the
	// 1,600 px cap, so the long side is exactly the cap and the shape is kept.
	if p.Height != 1600 || p.Width < 1200 || p.Width > 1260 {
		t.Errorf("page is %dx%d, want 1600 px high and Letter-shaped", p.Width, p.Height)
	}
	if len(p.PNG) > 10<<20 {
		t.Errorf("PNG is %d bytes, over the image limit", len(p.PNG))
	}
	if ink := inkShare(img); ink < 0.02 || ink > 0.5 {
		t.Errorf("%.1f%% of the page is dark; want the scanned lines on white", ink*100)
	}
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0xffff {
		t.Errorf("corner alpha %#x: the page should be opaque", a)
	}
}

func TestRenderPagesStopsAtTheCap(t *testing.T) {
	data := scanPDF(t, 8)
	for _, c := range []struct {
		max, want int
	}{{0, 6}, {2, 2}, {20, 8}} {
		got, err := pdfX().RenderPages(context.Background(), "scan.pdf", data, RenderLimits{MaxPages: c.max, MaxSide: 300})
		if err != nil {
			t.Fatal(err)
		}
		if got.TotalPages != 8 || len(got.Pages) != c.want {
			t.Errorf("MaxPages %d: total %d, drawn %d; want 8 and %d", c.max, got.TotalPages, len(got.Pages), c.want)
		}
		for i, p := range got.Pages {
			if p.Page != i+1 || max(p.Width, p.Height) != 300 {
				t.Errorf("MaxPages %d: image %d is page %d at %dx%d; want page %d, 300 px long", c.max, i, p.Page, p.Width, p.Height, i+1)
			}
			decodePNG(t, p)
		}
	}
}

func TestRenderPagesRefusesWhatIsNotAPDF(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		kind ErrorKind
	}{
		{"notes.txt", []byte("plain text, not a PDF"), KindNotPDF},
		{"fake.pdf", []byte("MZ\x90\x00 an executable renamed"), KindNotPDF},
		{"empty.pdf", nil, KindEmpty},
		{"broken.pdf", []byte("%PDF-1.7\n"), KindCorrupt},
	} {
		_, err := pdfX().RenderPages(context.Background(), c.name, c.data, RenderLimits{})
		if KindOf(err) != c.kind {
			t.Errorf("%s: got %v, want kind %q", c.name, err, c.kind)
		}
	}
}

func TestRenderPagesTimeoutReturnsPromptly(t *testing.T) {
	data := scanPDF(t, 8)
	if _, err := pdfX().RenderPages(context.Background(), "warm.pdf", data, RenderLimits{MaxPages: 1, MaxSide: 100}); err != nil {
		t.Fatal(err) // the engine is started so the limit below measures the render only
	}
	// Eight pages at 600 DPI take seconds; the limit is far shorter.
	heavy := RenderLimits{MaxPages: 8, DPI: 600, MaxSide: 6000, MaxBytes: 200 << 20, Timeout: 80 * time.Millisecond}
	start := time.Now()
	_, err := pdfX().RenderPages(context.Background(), "scan.pdf", data, heavy)
	if KindOf(err) != KindTimeout {
		t.Fatalf("got %v, want timeout", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("timeout returned after %v", el)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pdfX().RenderPages(ctx, "scan.pdf", data, RenderLimits{}); KindOf(err) != KindTimeout {
		t.Errorf("a cancelled ctx: got %v, want timeout", err)
	}
	if _, err := pdfX().RenderPages(context.Background(), "scan.pdf", data, RenderLimits{MaxPages: 1, MaxSide: 100}); err != nil {
		t.Errorf("after a killed render the engine should still work: %v", err)
	}
}

func TestPixelSize(t *testing.T) {
	def := DefaultRenderLimits()
	for _, c := range []struct {
		name   string
		w, h   float64
		lim    RenderLimits
		ww, wh int
	}{
		{"A4 is capped on its long side", 595, 842, def, 1131, 1600},
		{"landscape A4 too", 842, 595, def, 1600, 1131},
		{"a small page keeps 150 DPI, not blown up", 252, 144, def, 525, 300},
		{"a poster is capped", 2384, 3370, def, 1132, 1600},
		{"a byte cap shrinks it further", 595, 842, RenderLimits{DPI: 150, MaxSide: 1600, MaxBytes: 1 << 20}, 0, 0},
	} {
		w, h, ok := pixelSize(c.w, c.h, c.lim)
		if !ok {
			t.Errorf("%s: not ok", c.name)
			continue
		}
		if c.ww == 0 {
			if worstPNG(w, h) > c.lim.MaxBytes || w > 1131 || h > 1600 || w < 300 {
				t.Errorf("%s: %dx%d, worst case %d bytes over %d", c.name, w, h, worstPNG(w, h), c.lim.MaxBytes)
			}
			continue
		}
		if w != c.ww || h != c.wh {
			t.Errorf("%s: %dx%d, want %dx%d", c.name, w, h, c.ww, c.wh)
		}
	}
	if worstPNG(1600, 1600) > def.MaxBytes {
		t.Error("the default cap's worst-case PNG is over the default byte limit")
	}
	for _, bad := range [][2]float64{{0, 842}, {595, -1}} {
		if _, _, ok := pixelSize(bad[0], bad[1], def); ok {
			t.Errorf("%v: a page without a size should be refused", bad)
		}
	}
}
