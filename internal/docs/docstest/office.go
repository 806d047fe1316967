// Package docstest builds the files that internal/docs is tested and benchmarked on: Office zips written here, PDFs printed by Chromium.
package docstest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"strings"
)

// Entry is one file inside a zip.
type Entry struct {
	Name string
	Data []byte
}

// Zip packs entries in order, deflated.
func Zip(entries ...Entry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.Name)
		if err != nil {
			panic(err) // only a programming error in a test can get here
		}
		w.Write(e.Data)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

const (
	nsW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	nsR = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	nsA = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"`
	nsP = `xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`
	nsS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
)

func x(s string) string { return html.EscapeString(s) }

// Heading is a Word paragraph in heading style level (1–6). The style id is "1", "2", … as a
// Chinese Word writes it, so the reader must go through styles.xml to know it is a heading.
func Heading(level int, text string) string {
	return fmt.Sprintf(`<w:p><w:pPr><w:pStyle w:val="%d"/></w:pPr><w:r><w:t>%s</w:t></w:r></w:p>`, level, x(text))
}

// Para is a plain Word paragraph.
func Para(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + x(text) + `</w:t></w:r></w:p>`
}

// ListItem is a Word list paragraph: numbered when numbered, bulleted otherwise.
func ListItem(numbered bool, level int, text string) string {
	id := 2
	if numbered {
		id = 1
	}
	return fmt.Sprintf(`<w:p><w:pPr><w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr></w:pPr><w:r><w:t>%s</w:t></w:r></w:p>`, level, id, x(text))
}

// Table is a Word table, one paragraph per cell.
func Table(rows [][]string) string {
	var b strings.Builder
	b.WriteString("<w:tbl>")
	for _, r := range rows {
		b.WriteString("<w:tr>")
		for _, c := range r {
			b.WriteString("<w:tc>" + Para(c) + "</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
	return b.String()
}

// DOCX is a minimal Word file whose body is the given paragraphs and tables.
func DOCX(body ...string) []byte {
	var styles strings.Builder
	styles.WriteString(`<?xml version="1.0" encoding="UTF-8"?><w:styles ` + nsW + `>`)
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&styles, `<w:style w:type="paragraph" w:styleId="%d"><w:name w:val="heading %d"/></w:style>`, i, i)
	}
	styles.WriteString(`</w:styles>`)
	numbering := `<?xml version="1.0" encoding="UTF-8"?><w:numbering ` + nsW + `>` +
		`<w:abstractNum w:abstractNumId="10"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="lowerLetter"/></w:lvl></w:abstractNum>` +
		`<w:abstractNum w:abstractNumId="20"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>` +
		`<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num></w:numbering>`
	return Zip(
		Entry{"[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)},
		Entry{"word/document.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><w:document ` + nsW + `><w:body>` + strings.Join(body, "") + `</w:body></w:document>`)},
		Entry{"word/styles.xml", []byte(styles.String())},
		Entry{"word/numbering.xml", []byte(numbering)},
	)
}

// Sheet is one worksheet's name and rows of cells; cells that parse as numbers are stored as
// numbers, the rest as shared strings.
type Sheet struct {
	Name string
	Rows [][]string
}

// XLSX is a minimal workbook with the sheets in order.
func XLSX(sheets ...Sheet) []byte {
	var shared []string
	index := map[string]int{}
	entries := []Entry{{"[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`)}}
	var wb, rels strings.Builder
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><workbook ` + nsS + ` ` + nsR + `><sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, s := range sheets {
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, x(s.Name), i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		var sd strings.Builder
		sd.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet ` + nsS + `><sheetData>`)
		for r, row := range s.Rows {
			fmt.Fprintf(&sd, `<row r="%d">`, r+1)
			for c, v := range row {
				if v == "" {
					continue
				}
				ref := colName(c) + fmt.Sprint(r+1)
				if isNumber(v) {
					fmt.Fprintf(&sd, `<c r="%s"><v>%s</v></c>`, ref, v)
					continue
				}
				k, ok := index[v]
				if !ok {
					k = len(shared)
					index[v] = k
					shared = append(shared, v)
				}
				fmt.Fprintf(&sd, `<c r="%s" t="s"><v>%d</v></c>`, ref, k)
			}
			sd.WriteString(`</row>`)
		}
		sd.WriteString(`</sheetData></worksheet>`)
		entries = append(entries, Entry{fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), []byte(sd.String())})
	}
	wb.WriteString(`</sheets></workbook>`)
	rels.WriteString(`</Relationships>`)
	var ss strings.Builder
	fmt.Fprintf(&ss, `<?xml version="1.0" encoding="UTF-8"?><sst %s count="%d">`, nsS, len(shared))
	for _, s := range shared {
		ss.WriteString(`<si><t xml:space="preserve">` + x(s) + `</t></si>`)
	}
	ss.WriteString(`</sst>`)
	entries = append(entries,
		Entry{"xl/workbook.xml", []byte(wb.String())},
		Entry{"xl/_rels/workbook.xml.rels", []byte(rels.String())},
		Entry{"xl/sharedStrings.xml", []byte(ss.String())})
	return Zip(entries...)
}

func colName(c int) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i, ch := range s {
		if !(ch >= '0' && ch <= '9' || ch == '.' || ch == '-' && i == 0) {
			return false
		}
	}
	return true
}

// Slide is one slide: its title placeholder, body paragraphs and an optional table.
type Slide struct {
	Title string
	Body  []string
	Table [][]string
}

// PPTX is a minimal presentation. The slide files are numbered in reverse of the
// presentation order, as after moving slides, so only sldIdLst gives the right order.
func PPTX(slides ...Slide) []byte {
	var pres, rels strings.Builder
	pres.WriteString(`<?xml version="1.0" encoding="UTF-8"?><p:presentation ` + nsP + ` ` + nsR + `><p:sldIdLst>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	entries := []Entry{{"[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`)}}
	for i, s := range slides {
		file := len(slides) - i
		fmt.Fprintf(&pres, `<p:sldId id="%d" r:id="rId%d"/>`, 256+i, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide%d.xml"/>`, i+1, file)
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><p:sld ` + nsP + ` ` + nsA + ` ` + nsR + `><p:cSld><p:spTree>`)
		if s.Title != "" {
			b.WriteString(`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>` + x(s.Title) + `</a:t></a:r></a:p></p:txBody></p:sp>`)
		}
		if len(s.Body) > 0 {
			b.WriteString(`<p:sp><p:nvSpPr><p:cNvPr id="3" name="Body"/><p:cNvSpPr/><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr><p:txBody>`)
			for _, l := range s.Body {
				b.WriteString(`<a:p><a:r><a:t>` + x(l) + `</a:t></a:r></a:p>`)
			}
			b.WriteString(`</p:txBody></p:sp>`)
		}
		if len(s.Table) > 0 {
			b.WriteString(`<p:graphicFrame><a:graphic><a:graphicData><a:tbl>`)
			for _, r := range s.Table {
				b.WriteString(`<a:tr>`)
				for _, c := range r {
					b.WriteString(`<a:tc><a:txBody><a:p><a:r><a:t>` + x(c) + `</a:t></a:r></a:p></a:txBody></a:tc>`)
				}
				b.WriteString(`</a:tr>`)
			}
			b.WriteString(`</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`)
		}
		b.WriteString(`</p:spTree></p:cSld></p:sld>`)
		entries = append(entries, Entry{fmt.Sprintf("ppt/slides/slide%d.xml", file), []byte(b.String())})
	}
	pres.WriteString(`</p:sldIdLst></p:presentation>`)
	rels.WriteString(`</Relationships>`)
	entries = append(entries,
		Entry{"ppt/presentation.xml", []byte(pres.String())},
		Entry{"ppt/_rels/presentation.xml.rels", []byte(rels.String())})
	return Zip(entries...)
}
