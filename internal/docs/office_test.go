package docs

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/docs/docstest"
)

func TestDOCX(t *testing.T) {
	data := docstest.DOCX(
		docstest.Heading(1, "项目计划"),
		docstest.Para(zhSentence),
		docstest.Heading(2, "Milestones"),
		docstest.ListItem(true, 0, "设计"),
		docstest.ListItem(true, 0, "实现"),
		docstest.ListItem(false, 1, "单元测试"),
		docstest.Table([][]string{{"阶段", "负责人"}, {"设计", "王伟"}, {"a|b", "x"}}),
	)
	d, err := extract(t, "plan.docx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := "# 项目计划\n\n" + zhSentence + "\n\n## Milestones\n\n1. 设计\n\n2. 实现\n\n  - 单元测试\n\n" +
		"| 阶段 | 负责人 |\n| --- | --- |\n| 设计 | 王伟 |\n| a\\|b | x |"
	if d.Type != TypeDOCX || d.Parts[0].Text != want {
		t.Errorf("kind %q, text:\n%s\nwant:\n%s", d.Type, d.Parts[0].Text, want)
	}
}

func TestXLSX(t *testing.T) {
	rows := [][]string{{"姓名", "城市", "销售额"}}
	for i := range 1000 {
		rows = append(rows, []string{fmt.Sprintf("员工%d", i), "杭州", fmt.Sprint(i * 10)})
	}
	data := docstest.XLSX(
		docstest.Sheet{Name: "汇总", Rows: [][]string{{"季度", "收入"}, {"Q1", "1200"}, {"", ""}, {"Q2", "", "备注"}}},
		docstest.Sheet{Name: "明细", Rows: rows},
	)
	d, err := extract(t, "sales.xlsx", data, Limits{MaxRows: 20})
	if err != nil {
		t.Fatal(err)
	}
	if d.Sheets != 2 || d.Parts[0].Label != "汇总" || d.Parts[1].Label != "明细" {
		t.Fatalf("sheets %d, parts %+v", d.Sheets, d.Parts)
	}
	if want := "| 季度 | 收入 |  |\n| --- | --- | --- |\n| Q1 | 1200 |  |\n| Q2 |  | 备注 |"; d.Parts[0].Text != want {
		t.Errorf("sheet 1:\n%s\nwant:\n%s", d.Parts[0].Text, want)
	}
	if !strings.Contains(d.Parts[1].Text, "| 员工19 | 杭州 | 190 |") || strings.Contains(d.Parts[1].Text, "员工20 ") {
		t.Errorf("row cap of 20 not applied:\n%s", d.Parts[1].Text)
	}
	if !strings.Contains(d.Parts[1].Text, "… 980 more rows not shown") || !d.Truncated {
		t.Errorf("row-cap note missing:\n%s", d.Parts[1].Text)
	}
	if !strings.Contains(d.Text, `=== sales.xlsx: sheet "明细" ===`) {
		t.Errorf("sheet marker missing:\n%.300s", d.Text)
	}
}

func TestPPTX(t *testing.T) {
	data := docstest.PPTX(
		docstest.Slide{Title: "季度回顾", Body: []string{"收入增长百分之十二"}},
		docstest.Slide{Title: "Roadmap", Body: []string{"Ship v2"}, Table: [][]string{{"月份", "目标"}, {"五月", "发布"}}},
	)
	d, err := extract(t, "deck.pptx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Pages != 2 || d.Parts[0].Label != "slide 1: 季度回顾" || d.Parts[1].Label != "slide 2: Roadmap" {
		t.Fatalf("slides out of order or untitled: %+v", d.Parts)
	}
	if want := "# Roadmap\nShip v2\n| 月份 | 目标 |\n| --- | --- |\n| 五月 | 发布 |"; d.Parts[1].Text != want {
		t.Errorf("slide 2:\n%s\nwant:\n%s", d.Parts[1].Text, want)
	}
	if !strings.Contains(d.Text, "=== deck.pptx: slide 1: 季度回顾 ===\n# 季度回顾\n收入增长百分之十二") {
		t.Errorf("combined text:\n%s", d.Text)
	}
}

// rawZip writes one stored-as-deflate entry whose header declares size bytes unpacked, the
// way a crafted bomb lies about (or truthfully states) its size.
func rawZip(t *testing.T, name string, zeros int, declared uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(make([]byte, zeros))
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}

func TestBadOfficeFiles(t *testing.T) {
	good := docstest.DOCX(docstest.Para(zhSentence))
	deep := docstest.Zip(docstest.Entry{Name: "word/document.xml",
		Data: []byte(strings.Repeat("<w:x>", 5000) + strings.Repeat("</w:x>", 5000))})
	cases := []struct {
		name, file string
		data       []byte
		kind       ErrorKind
		msg        string
	}{
		{"truncated docx", "t.docx", good[:len(good)/2], KindCorrupt, "zip structure is broken"},
		{"zip bomb by ratio", "bomb.docx", rawZip(t, "word/document.xml", 20<<20, 20<<20), KindZipBomb, "compresses more than 200 to 1"},
		{"zip bomb by declared size", "bomb.docx", rawZip(t, "word/document.xml", 1<<10, 4<<30), KindZipBomb, "more than 256.0 MB unpacked"},
		{"zip entry lying about its size", "liar.docx", rawZip(t, "word/document.xml", 1<<20, 100), KindCorrupt, "damaged"},
		{"entry named outside the archive", "evil.docx", docstest.Zip(docstest.Entry{Name: "word/document.xml", Data: []byte("<a/>")}, docstest.Entry{Name: "../../evil.sh", Data: []byte("x")}), KindCorrupt, `"../../evil.sh"`},
		{"deeply nested XML", "deep.docx", deep, KindCorrupt, "nested more than 256 levels"},
		{"plain zip named .xlsx", "a.xlsx", docstest.Zip(docstest.Entry{Name: "a.txt", Data: []byte("x")}), KindDisguised, "named .xlsx"},
		{"docx renamed .pdf", "a.pdf", good, KindDisguised, "content is a docx file"},
		{"docx with no text", "blank.docx", docstest.DOCX(), KindEmpty, "no text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := extract(t, c.file, c.data, Limits{})
			var e *Error
			if !errors.As(err, &e) || e.Kind != c.kind || !strings.Contains(e.Message, c.msg) {
				t.Fatalf("got %v (kind %q); want kind %q with %q", err, KindOf(err), c.kind, c.msg)
			}
			if el := time.Since(start); el > 2*time.Second {
				t.Errorf("took %v", el)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("allocated %d MB rejecting it", grew>>20)
			}
		})
	}
}

func TestOfficeTimeout(t *testing.T) {
	rows := make([][]string, 200_000)
	for i := range rows {
		rows[i] = []string{"数据", fmt.Sprint(i)}
	}
	data := docstest.XLSX(docstest.Sheet{Name: "big", Rows: rows})
	start := time.Now()
	_, err := extract(t, "big.xlsx", data, Limits{Timeout: 20 * time.Millisecond})
	if KindOf(err) != KindTimeout {
		t.Fatalf("got %v, want timeout", err)
	}
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("timeout returned after %v", el)
	}
}

func FuzzOffice(f *testing.F) {
	f.Add(docstest.DOCX(docstest.Heading(1, "标题"), docstest.Table([][]string{{"a", "b"}})))
	f.Add(docstest.XLSX(docstest.Sheet{Name: "s", Rows: [][]string{{"a", "1"}}}))
	f.Add(docstest.PPTX(docstest.Slide{Title: "t", Body: []string{"b"}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"f.docx", "f.xlsx", "f.pptx"} {
			if _, err := extractSync(name, data); err != nil && KindOf(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
		}
	})
}
