package docs

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qwendesk/internal/docs/docstest"
)

// pdfX is one Extractor shared by the PDF tests: compiling PDFium costs seconds (more under
// -race), and sharing it also tests that one engine serves many files.
var pdfX = sync.OnceValue(func() *Extractor { return New() })

// needTool fails under CI (the fixture must be made there) and skips loudly elsewhere.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; scripts/setup.sh installs it and CI must have it", name)
	}
	t.Skipf("SKIPPED: %s is not installed (run scripts/setup.sh); PDF behaviour is untested here", name)
}

func printPDF(t testing.TB, page string) []byte {
	t.Helper()
	needTool(t, "chromium")
	// The repository's build folder, not the user's cache: tests leave nothing in HOME.
	b, err := docstest.PrintPDF(context.Background(), filepath.Join("..", "..", "build", "test-cache", "docstest"), page)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func extractPDF(t testing.TB, name string, data []byte, lim Limits) (*Document, error) {
	t.Helper()
	return pdfX().Extract(context.Background(), name, data, lim)
}

func contractPages(font string) string {
	return docstest.Page(font,
		"<h1>合同条款</h1><p>"+zhSentence+"</p><p>The buyer pays within 30 days.</p>",
		"<p>第二页：乙方负责维护服务器。</p>",
		"<p>第三页：本合同自双方签字之日起生效。</p>")
}

func TestPDFChinese(t *testing.T) {
	for _, font := range []string{docstest.FontCID, docstest.FontType3} {
		t.Run(font, func(t *testing.T) {
			d, err := extractPDF(t, "contract.pdf", printPDF(t, contractPages(font)), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Type != TypePDF || d.Pages != 3 || len(d.Parts) != 3 || d.NoTextLayer {
				t.Fatalf("kind %q pages %d parts %d noText %v", d.Type, d.Pages, len(d.Parts), d.NoTextLayer)
			}
			if want := "合同条款\n" + zhSentence + "\nThe buyer pays within 30 days."; d.Parts[0].Text != want {
				t.Errorf("page 1 = %q, want %q", d.Parts[0].Text, want)
			}
			if d.Parts[1].Label != "page 2" || d.Parts[1].Text != "第二页：乙方负责维护服务器。" {
				t.Errorf("page 2 = %+v", d.Parts[1])
			}
			if !strings.Contains(d.Text, "=== contract.pdf: page 3 of 3 ===\n第三页：本合同自双方签字之日起生效。") {
				t.Errorf("page 3 marker missing:\n%s", d.Text)
			}
		})
	}
}

func TestPDFTwoColumnsReadInOrder(t *testing.T) {
	page := docstest.Page(docstest.FontCID, docstest.TwoColumns(
		"<p>左栏第一段：季度收入增长了百分之十二。</p><p>左栏第二段：成本保持稳定。</p>",
		"<p>右栏第一段：新产品将于五月发布。</p><p>右栏第二段：团队扩大到二十人。</p>"))
	d, err := extractPDF(t, "cols.pdf", printPDF(t, page), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := "左栏第一段：季度收入增长了百分之十二。\n左栏第二段：成本保持稳定。\n右栏第一段：新产品将于五月发布。\n右栏第二段：团队扩大到二十人。"
	if d.Parts[0].Text != want {
		t.Errorf("got %q, want the left column, then the right", d.Parts[0].Text)
	}
}

func TestPDFScanHasNoTextLayer(t *testing.T) {
	d, err := extractPDF(t, "scan.pdf", printPDF(t, docstest.Page(docstest.FontCID, docstest.ScanPage())), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.NoTextLayer || !d.Parts[0].NoText || d.Pages != 1 {
		t.Errorf("NoTextLayer %v, page NoText %v, pages %d; want a scan flagged", d.NoTextLayer, d.Parts[0].NoText, d.Pages)
	}
}

func TestBadPDFs(t *testing.T) {
	good := printPDF(t, contractPages(docstest.FontCID))
	needTool(t, "qpdf")
	dir := t.TempDir()
	plain, enc := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "enc.pdf")
	os.WriteFile(plain, good, 0o644)
	if out, err := exec.Command("qpdf", "--encrypt", "user-pw", "owner-pw", "256", "--", plain, enc).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v %s", err, out)
	}
	encrypted, _ := os.ReadFile(enc)
	cases := []struct {
		name string
		data []byte
		kind ErrorKind
		msg  string
	}{
		{"encrypted", encrypted, KindEncrypted, "password-protected"},
		{"truncated", good[:len(good)/3], KindCorrupt, "damaged"},
		{"header only", []byte("%PDF-1.7\n"), KindCorrupt, "damaged"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			d, err := extractPDF(t, "x.pdf", c.data, Limits{})
			if KindOf(err) != c.kind || err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, %v; want kind %q with %q", d, err, c.kind, c.msg)
			}
			if el := time.Since(start); el > 10*time.Second {
				t.Errorf("took %v", el)
			}
		})
	}
}

func TestPDFTimeoutInsideParse(t *testing.T) {
	big := printPDF(t, docstest.Page(docstest.FontCID, docstest.MixedPages(200)...))
	if _, err := extractPDF(t, "warm.pdf", printPDF(t, contractPages(docstest.FontCID)), Limits{}); err != nil {
		t.Fatal(err) // the engine is started so the limit below measures the parse only
	}
	start := time.Now()
	_, err := extractPDF(t, "big.pdf", big, Limits{Timeout: 50 * time.Millisecond})
	if KindOf(err) != KindTimeout {
		t.Fatalf("got %v, want timeout", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("timeout returned after %v", el)
	}
	d, err := extractPDF(t, "big.pdf", big, Limits{})
	if err != nil {
		t.Fatalf("after a killed parse the engine should still work: %v", err)
	}
	if d.Pages != 200 || !strings.HasPrefix(d.Parts[199].Text, "第200页 段落1：") {
		t.Errorf("pages %d, last page %.40q", d.Pages, d.Parts[len(d.Parts)-1].Text)
	}
}

func FuzzPDF(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	if _, err := exec.LookPath("chromium"); err == nil {
		f.Add(printPDF(f, contractPages(docstest.FontCID)))
	}
	pool, err := pdfX().pdf.start()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Synchronously, without the timeout goroutine, so coverage is deterministic.
		inst, err := pool.GetInstance(time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		defer inst.Close()
		if _, err := pdfPages(inst, "f.pdf", data); err != nil && KindOf(err) == "" {
			t.Fatalf("untyped error %v", err)
		}
	})
}
