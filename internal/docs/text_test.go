package docs

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const zhSentence = "甲方应当在收到发票后三十日内付款。"

func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func extract(t testing.TB, name string, data []byte, lim Limits) (*Document, error) {
	t.Helper()
	x := New()
	t.Cleanup(func() { x.Close() })
	return x.Extract(context.Background(), name, data, lim)
}

func TestTextFiles(t *testing.T) {
	gb := gb18030(t, "会议纪要\n"+zhSentence+"\n")
	cases := []struct {
		name, file string
		data       []byte
		kind       Type
		encoding   string
		want       []string
	}{
		{"UTF-8 text", "notes.txt", []byte("hello " + zhSentence), TypeText, "UTF-8", []string{zhSentence}},
		{"GB18030 .txt", "纪要.txt", gb, TypeText, "GB18030", []string{"会议纪要", zhSentence}},
		{"GB18030 unknown extension", "minutes.dat", gb, TypeText, "GB18030", []string{zhSentence}},
		{"UTF-16LE with BOM", "w.txt", append([]byte{0xFF, 0xFE}, utf16leString("Hi 你好")...), TypeText, "UTF-16LE", []string{"Hi 你好"}},
		{"Markdown", "README.md", []byte("# Title\n\n- item"), TypeMarkdown, "UTF-8", []string{"# Title\n\n- item"}},
		{"JSON", "data.json", []byte(`{"城市":"杭州"}`), TypeJSON, "UTF-8", []string{`{"城市":"杭州"}`}},
		{"Go source", "main.go", []byte("package main\n"), TypeCode, "UTF-8", []string{"package main"}},
		{"HTML to readable text", "page.html",
			[]byte("<html><head><title>T</title><style>p{}</style><script>var x=1</script></head><body><h2>标题</h2><p>第一段 <b>粗体</b></p><ul><li>一</li><li>二</li></ul></body></html>"),
			TypeHTML, "UTF-8", []string{"## 标题\n第一段 粗体\n- 一\n- 二"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := extract(t, c.file, c.data, Limits{})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if d.Type != c.kind || d.Encoding != c.encoding {
				t.Errorf("kind %q encoding %q, want %q %q", d.Type, d.Encoding, c.kind, c.encoding)
			}
			for _, w := range c.want {
				if !strings.Contains(d.Text, w) {
					t.Errorf("text %q lacks %q", d.Text, w)
				}
			}
			if !strings.HasPrefix(d.Text, "=== "+c.file+" ===\n") {
				t.Errorf("text does not start with the file marker: %q", d.Text)
			}
			if strings.Contains(d.Text, "var x") || strings.Contains(d.Text, "p{}") {
				t.Errorf("script or style leaked into text: %q", d.Text)
			}
		})
	}
	if d, _ := extract(t, "main.go", []byte("package main\n"), Limits{}); d.Language != "go" {
		t.Errorf("language %q, want go", d.Language)
	}
}

func utf16leString(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func TestBadInputs(t *testing.T) {
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 100)...)
	pe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0, 0xfe}, 100)...)
	binary := bytes.Repeat([]byte{0x00, 0x9f, 0x92, 0x96, 0x01}, 200)
	cases := []struct {
		name, file string
		data       []byte
		lim        Limits
		kind       ErrorKind
		msg        string
	}{
		{"empty file", "a.txt", nil, Limits{}, KindEmpty, "a.txt is empty"},
		{"only whitespace", "a.txt", []byte(" \n\t"), Limits{}, KindEmpty, "no text"},
		{"over the size limit", "big.txt", bytes.Repeat([]byte("a"), 2048), Limits{MaxInputBytes: 1024}, KindTooLarge, "files over 1.0 KB"},
		{"ELF renamed .pdf", "report.pdf", elf, Limits{}, KindDisguised, "named .pdf but its content is a program"},
		{"PE renamed .docx", "report.docx", pe, Limits{}, KindDisguised, "named .docx"},
		{"text renamed .pdf", "fake.pdf", []byte("just text"), Limits{}, KindDisguised, "named .pdf"},
		{"ELF with no extension", "tool", elf, Limits{}, KindUnsupported, "is a program"},
		{"binary with unknown extension", "blob.bin", binary, Limits{}, KindUnsupported, "binary"},
		{"legacy .doc", "old.doc", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...), Limits{}, KindUnsupported, "old Office file"},
		{"encrypted OOXML", "secret.docx", append(append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...), utf16le("EncryptedPackage")...), Limits{}, KindEncrypted, "password-protected"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := extract(t, c.file, c.data, c.lim)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, %v; want an *Error of kind %q", d, err, c.kind)
			}
			if e.Kind != c.kind || !strings.Contains(e.Message, c.msg) {
				t.Errorf("kind %q message %q; want %q containing %q", e.Kind, e.Message, c.kind, c.msg)
			}
			if !errors.Is(err, &Error{Kind: c.kind}) {
				t.Errorf("errors.Is does not match kind %q", c.kind)
			}
		})
	}
}

func TestImageIsReportedNotRead(t *testing.T) {
	d, err := extract(t, "photo.jpg", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), Limits{})
	if err != nil || d.Type != TypeImage || d.Text != "" {
		t.Fatalf("got %+v, %v; want TypeImage with no text", d, err)
	}
}

func TestCSVRowCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("城市,人口\n")
	for i := range 1200 {
		b.WriteString("杭州," + strings.Repeat("9", i%5+1) + "\n")
	}
	data := gb18030(t, b.String())
	d, err := extract(t, "cities.csv", data, Limits{MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	if d.Encoding != "GB18030" || !d.Truncated {
		t.Errorf("encoding %q truncated %v", d.Encoding, d.Truncated)
	}
	if !strings.Contains(d.Text, "| 城市 | 人口 |\n| --- | --- |\n| 杭州 | 9 |") {
		t.Errorf("no Markdown table with the header and first row:\n%s", d.Text)
	}
	if !strings.Contains(d.Text, "… 1,190 more rows not shown") {
		t.Errorf("row-cap note missing:\n%s", d.Text)
	}
}

func TestEstimateTokens(t *testing.T) {
	cases := map[string]int{"": 0, "abcd": 1, "abcde": 2, "你好": 2, "你好abcd": 3, "，。": 2}
	for s, want := range cases {
		if got := EstimateTokens(s); got != want {
			t.Errorf("EstimateTokens(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTimeoutIsPrompt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := New()
	defer x.Close()
	start := time.Now()
	_, err := x.Extract(ctx, "a.csv", []byte("a,b\n1,2\n"), Limits{})
	if KindOf(err) != KindTimeout {
		t.Fatalf("cancelled ctx gave %v, want timeout", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func FuzzDecodeText(f *testing.F) {
	f.Add([]byte("hello"))
	f.Add(gb18030(f, zhSentence))
	f.Add([]byte{0xFF, 0xFE, 'a', 0})
	f.Add([]byte("<p>x</p>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"a.txt", "a.html", "a.csv", "a.unknown"} {
			d, err := extractSync(name, data)
			if err == nil && d.Tokens < 0 {
				t.Fatal("negative token count")
			}
			if err != nil && KindOf(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
		}
	})
}

// extractSync is Extract without its goroutine and timer, for fuzzing: the fuzzer treats the
// scheduling noise of a goroutine as new coverage and never stops minimising. A panic fails.
func extractSync(name string, data []byte) (*Document, error) {
	lim := Limits{}.withDefaults()
	if len(data) == 0 {
		return nil, errEmpty(name)
	}
	kind, err := classify(name, data)
	if err != nil || kind == TypeImage || kind == TypePDF {
		return nil, err
	}
	d, err := extractPure(context.Background(), name, kind, data, lim)
	return finish(name, kind, d, err)
}
