package docstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoChromium means no Chromium is installed (scripts/setup.sh installs Debian's).
var ErrNoChromium = errors.New("chromium is not installed (run scripts/setup.sh)")

// Chromium is the path of a Chromium binary, or "" when there is none.
func Chromium() string {
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// PrintPDF prints page (an HTML document) to PDF with headless Chromium. Results are cached
// under dir by the page's hash, since starting Chromium costs about two seconds.
func PrintPDF(ctx context.Context, dir, page string) ([]byte, error) {
	bin := Chromium()
	if bin == "" {
		return nil, ErrNoChromium
	}
	dir, err := filepath.Abs(dir) // Chromium opens the page by a file:// URL
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(page))
	out := filepath.Join(dir, hex.EncodeToString(sum[:8])+".pdf")
	if b, err := os.ReadFile(out); err == nil && len(b) > 0 {
		return b, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	src := strings.TrimSuffix(out, ".pdf") + ".html"
	if err := os.WriteFile(src, []byte(page), 0o644); err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "docstest-chromium-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(profile)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	tmp := out + ".tmp"
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-pdf-header-footer", "--user-data-dir="+profile, "--print-to-pdf="+tmp, "file://"+src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("chromium: %w: %s", err, lastLine(stderr.String()))
	}
	if err := os.Rename(tmp, out); err != nil {
		return nil, fmt.Errorf("chromium wrote no PDF: %w: %s", err, lastLine(stderr.String()))
	}
	return os.ReadFile(out)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// Fonts for the pages. WenQuanYi Micro Hei has TrueType outlines, which Chromium embeds as
// CIDFontType2 / Identity-H with a ToUnicode map; Noto Sans CJK is CFF, which Chromium
// embeds as Type 3 fonts (with ToUnicode) — two different paths an extractor must get right.
const (
	FontCID   = "WenQuanYi Micro Hei"
	FontType3 = "Noto Sans CJK SC"
)

// Page wraps blocks in an HTML page in font; each block after the first starts a new page.
func Page(font string, blocks ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html><head><meta charset="utf-8"><style>body{font-family:%q;font-size:12pt}.pg{break-after:page}.pg:last-child{break-after:auto}.cols{display:flex;gap:48px}.cols>div{flex:1}</style></head><body>`, font)
	for _, bl := range blocks {
		b.WriteString(`<div class="pg">` + bl + `</div>`)
	}
	b.WriteString(`</body></html>`)
	return b.String()
}

// TwoColumns is a block laid out as two columns side by side.
func TwoColumns(left, right string) string {
	return `<div class="cols"><div>` + left + `</div><div>` + right + `</div></div>`
}

// ScanPage is a page whose only content is a picture of text-like lines: a PDF printed from
// it has no text layer, like a scan.
func ScanPage() string {
	img := image.NewGray(image.Rect(0, 0, 800, 400))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	r := rand.New(rand.NewPCG(1, 2))
	for line := 0; line < 8; line++ {
		x := 40
		for x < 740 {
			w := 8 + r.IntN(30)
			for yy := 40 + line*44; yy < 64+line*44; yy++ {
				for xx := x; xx < min(x+w, 760); xx++ {
					img.SetGray(xx, yy, color.Gray{Y: 20})
				}
			}
			x += w + 6
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return `<img style="width:100%" src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(buf.Bytes()) + `">`
}

// MixedPages is n pages of mixed Chinese and English paragraphs, each starting with its page
// number ("第7页"), for the benchmark and the many-pages test.
func MixedPages(n int) []string {
	const zh = "甲方应当在收到发票后三十日内付款乙方负责维护服务器本合同自双方签字之日起生效季度收入增长了百分之十二成本保持稳定新产品将于五月发布"
	han := []rune(zh)
	r := rand.New(rand.NewPCG(7, 7))
	pages := make([]string, n)
	for i := range pages {
		var b strings.Builder
		for j := range 6 {
			fmt.Fprintf(&b, "<p>第%d页 段落%d：", i+1, j+1)
			for range 60 {
				b.WriteRune(han[r.IntN(len(han))])
			}
			fmt.Fprintf(&b, " The quarterly report for page %d covers revenue, costs and hiring plans in detail.</p>", i+1)
		}
		pages[i] = b.String()
	}
	return pages
}
