// Command benchdocs measures document extraction (PDF pages/s, DOCX and XLSX MB/s and memory) for internal/docs and the strongest alternative, side by side.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ledong "github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"

	"qwendesk/internal/benchrow"
	"qwendesk/internal/docs"
	"qwendesk/internal/docs/docstest"
)

func main() {
	out := flag.String("out", "build/bench/docs.json", "where to write the JSON rows")
	cache := flag.String("cache", filepath.Join(os.TempDir(), "qwendesk-benchdocs"), "folder for the Chromium-printed PDFs")
	pages := flag.Int("pages", 200, "pages in the PDF")
	rows := flag.Int("rows", 200_000, "rows in the large XLSX")
	flag.Parse()
	var all []benchrow.Row
	pdfRows, err := benchPDF(*cache, *pages)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdocs: PDF not measured:", err)
	}
	all = append(all, pdfRows...)
	all = append(all, benchDOCX()...)
	all = append(all, benchXLSX(*rows)...)
	if err := benchrow.Write(*out, all); err != nil {
		fmt.Fprintln(os.Stderr, "benchdocs:", err)
		os.Exit(1)
	}
	for _, r := range all {
		fmt.Printf("%-52s %12.2f %-8s %s\n", r.Figure, r.QwenDesk, r.Unit, r.Note)
	}
	fmt.Println("rows written to", *out)
	if err != nil {
		os.Exit(1)
	}
}

// peak runs fn while sampling the heap, and returns fn's time and the heap's peak above
// what it was before.
func peak(fn func()) (time.Duration, float64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var top atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > top.Load() {
					top.Store(m.HeapInuse)
				}
			}
		}
	}()
	start := time.Now()
	fn()
	d := time.Since(start)
	close(stop)
	wg.Wait()
	p := top.Load()
	if p < base {
		p = base
	}
	return d, float64(p-base) / (1 << 20)
}

func mb(n int) float64 { return float64(n) / (1 << 20) }

func benchPDF(cache string, n int) ([]benchrow.Row, error) {
	data, err := docstest.PrintPDF(context.Background(), cache, docstest.Page(docstest.FontCID, docstest.MixedPages(n)...))
	if err != nil {
		return nil, err
	}
	type3, err := docstest.PrintPDF(context.Background(), cache, docstest.Page(docstest.FontType3, "<p>甲方应当在收到发票后三十日内付款。</p>"))
	if err != nil {
		return nil, err
	}
	x := docs.New()
	defer x.Close()
	startup := time.Now()
	if _, err := x.Extract(context.Background(), "warm.pdf", type3, docs.Limits{}); err != nil {
		return nil, err
	}
	start := time.Since(startup)
	var d *docs.Document
	el, mem := peak(func() { d, err = x.Extract(context.Background(), "bench.pdf", data, docs.Limits{}) })
	if err != nil {
		return nil, err
	}
	okPages := 0
	for i, p := range d.Parts {
		if strings.HasPrefix(p.Text, fmt.Sprintf("第%d页 段落1：", i+1)) {
			okPages++
		}
	}
	t3, _ := x.Extract(context.Background(), "t3.pdf", type3, docs.Limits{})
	t3ok := t3 != nil && strings.Contains(t3.Text, "甲方应当在收到发票后三十日内付款。")

	var lp []string
	lel, lmem := peak(func() { lp, err = ledongPages(data) })
	lok := 0
	for i, p := range lp {
		if strings.Contains(p, fmt.Sprintf("第%d页 段落1：", i+1)) {
			lok++
		}
	}
	lt3, _ := ledongPages(type3)
	lt3ok := len(lt3) == 1 && strings.Contains(lt3[0], "甲方应当在收到发票后三十日内付款。")
	note := func(ok, total int, t3 bool, mem float64) string {
		return fmt.Sprintf("%d/%d pages start with their own page's text; Type 3 CJK exact: %v; heap peak %.0f MB", ok, total, t3, mem)
	}
	return []benchrow.Row{
		{Figure: fmt.Sprintf("PDF %d pages: PDFium wasm (chosen)", n), QwenDesk: float64(len(d.Parts)) / el.Seconds(), Unit: "pages/s", Goal: "—",
			Note: note(okPages, d.Pages, t3ok, mem), BaselineNote: fmt.Sprintf("ledongthuc/pdf %.0f pages/s", float64(len(lp))/lel.Seconds())},
		{Figure: fmt.Sprintf("PDF %d pages: ledongthuc/pdf", n), QwenDesk: float64(len(lp)) / lel.Seconds(), Unit: "pages/s", Goal: "—",
			Note: note(lok, len(lp), lt3ok, lmem)},
		{Figure: "PDF engine start (compile PDFium wasm, first file)", QwenDesk: start.Seconds(), Unit: "s", Goal: "—"},
	}, nil
}

func ledongPages(data []byte) (pages []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	r, err := ledong.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	for i := 1; i <= r.NumPage(); i++ {
		s, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			return nil, err
		}
		pages = append(pages, s)
	}
	return pages, nil
}

func benchDOCX() []benchrow.Row {
	var body []string
	for i := range 4000 {
		body = append(body, docstest.Heading(2, fmt.Sprintf("第%d节 Section %d", i+1, i+1)),
			docstest.Para(strings.Repeat("甲方应当在收到发票后三十日内付款。The buyer pays within 30 days. ", 4)),
			docstest.ListItem(true, 0, "设计评审"), docstest.ListItem(false, 1, "unit tests"))
		if i%20 == 0 {
			body = append(body, docstest.Table([][]string{{"阶段", "负责人"}, {"设计", "王伟"}, {"实现", "李娜"}}))
		}
	}
	data := docstest.DOCX(body...)
	x := docs.New()
	defer x.Close()
	var d *docs.Document
	var err error
	el, mem := peak(func() { d, err = x.Extract(context.Background(), "big.docx", data, docs.Limits{}) })
	if err != nil {
		return []benchrow.Row{{Figure: "DOCX: internal/docs", Unit: "MB/s", Goal: "—", Note: "not measured: " + err.Error()}}
	}
	xml := unpacked(data)
	return []benchrow.Row{{Figure: fmt.Sprintf("DOCX %.1f MB of XML (%.2f MB zipped): internal/docs", mb(xml), mb(len(data))), QwenDesk: mb(xml) / el.Seconds(), Unit: "MB/s", Goal: "—",
		Note: fmt.Sprintf("MB/s of unpacked XML; %d chars out, heap peak %.0f MB; no other Go DOCX reader was a candidate (unioffice is paid)", d.Chars, mem)}}
}

func benchXLSX(n int) []benchrow.Row {
	rows := [][]string{{"姓名", "城市", "部门", "销售额", "备注"}}
	for i := range n {
		rows = append(rows, []string{fmt.Sprintf("员工%d", i), "杭州", fmt.Sprintf("部门%d", i%40), fmt.Sprint(i * 7), "季度回顾 review"})
	}
	data, err := excelizeFile(rows)
	if err != nil {
		return []benchrow.Row{{Figure: "XLSX", Unit: "MB/s", Goal: "—", Note: "not measured: " + err.Error()}}
	}
	x := docs.New()
	defer x.Close()
	var d *docs.Document
	el, mem := peak(func() { d, err = x.Extract(context.Background(), "big.xlsx", data, docs.Limits{}) })
	xml := unpacked(data)
	ours := benchrow.Row{Figure: fmt.Sprintf("XLSX %.1f MB of XML (%d rows): internal/docs streaming", mb(xml), n), Unit: "MB/s", Goal: "—"}
	if err != nil {
		ours.Note = "not measured: " + err.Error()
	} else {
		ours.QwenDesk = mb(xml) / el.Seconds()
		ours.Note = fmt.Sprintf("heap peak %.0f MB; truncated note present: %v", mem, strings.Contains(d.Text, "more rows not shown"))
	}
	var shown int
	eel, emem := peak(func() {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		defer f.Close()
		r, err := f.Rows("明细")
		if err != nil {
			return
		}
		for r.Next() {
			cols, _ := r.Columns()
			if len(cols) > 0 {
				shown++
			}
		}
		r.Close()
	})
	ex := benchrow.Row{Figure: "XLSX same file: excelize v2.11.1 Rows()", QwenDesk: mb(xml) / eel.Seconds(), Unit: "MB/s", Goal: "—",
		Note: fmt.Sprintf("heap peak %.0f MB; rows read %d", emem, shown)}
	ours.BaselineNote = fmt.Sprintf("excelize %.1f MB/s, heap peak %.0f MB", ex.QwenDesk, emem)
	return []benchrow.Row{ours, ex}
}

// excelizeFile writes the sheet with excelize's StreamWriter, so that both readers are timed
// on a file a real writer made.
func excelizeFile(rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "明细"); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter("明细")
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, vals); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unpacked is the sum of a zip's entry sizes: throughput is quoted per MB of XML parsed, since
// the zipped size depends on how repetitive the content is.
func unpacked(data []byte) int {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return len(data)
	}
	n := 0
	for _, f := range zr.File {
		n += int(f.UncompressedSize64)
	}
	return n
}
