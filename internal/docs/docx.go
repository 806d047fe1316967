package docs

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// extractDOCX reads word/document.xml into Markdown: headings (by style, in any UI language,
// via styles.xml) as #, numbered and bulleted lists (via numbering.xml), tables as Markdown
// tables. Word files have no stable pages, so the whole body is one part.
func extractDOCX(ctx context.Context, name string, data []byte, lim Limits) (*Document, error) {
	z, err := openOfficeZip(name, data, lim)
	if err != nil {
		return nil, err
	}
	headings, err := docxHeadingStyles(ctx, z)
	if err != nil {
		return nil, err
	}
	formats, err := docxNumbering(ctx, z)
	if err != nil {
		return nil, err
	}
	w, c, err := z.walk(ctx, "word/document.xml")
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, errCorrupt(name, nil, "word/document.xml is missing")
	}
	defer c.Close()

	var (
		out      strings.Builder
		para     strings.Builder
		inText   bool
		style    string
		numID    string
		ilvl     int
		inPara   bool
		counters = map[string]int{}
		tables   []*docxTable
	)
	emit := func(line string) {
		if len(tables) > 0 {
			tables[len(tables)-1].addText(line)
			return
		}
		if out.Len() > 0 {
			out.WriteString("\n\n")
		}
		out.WriteString(line)
	}
	for {
		tok, err := w.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				inPara, style, numID, ilvl = true, "", "", 0
				para.Reset()
			case "pStyle":
				style = attr(t, "val")
			case "numId":
				numID = attr(t, "val")
			case "ilvl":
				ilvl, _ = strconv.Atoi(attr(t, "val"))
			case "t":
				inText = true
			case "tab":
				if inPara {
					para.WriteByte('\t')
				}
			case "br", "cr":
				if inPara {
					para.WriteByte('\n')
				}
			case "tbl":
				tables = append(tables, &docxTable{})
			case "tr":
				if len(tables) > 0 {
					tables[len(tables)-1].rows = append(tables[len(tables)-1].rows, nil)
				}
			case "tc":
				if len(tables) > 0 {
					tables[len(tables)-1].startCell()
				}
			}
		case xml.CharData:
			if inText && inPara {
				para.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				inPara = false
				text := strings.TrimRight(para.String(), " \t")
				if strings.TrimSpace(text) == "" {
					continue
				}
				switch {
				case headings[style] > 0 && len(tables) == 0:
					text = strings.Repeat("#", headings[style]) + " " + strings.TrimSpace(text)
				case numID != "" && numID != "0":
					indent := strings.Repeat("  ", ilvl)
					key := numID + "/" + strconv.Itoa(ilvl)
					if f := formats[numID][ilvl]; f != "" && f != "bullet" && f != "none" {
						counters[key]++
						text = fmt.Sprintf("%s%d. %s", indent, counters[key], text)
					} else {
						text = indent + "- " + text
					}
				}
				emit(text)
			case "tbl":
				if len(tables) == 0 {
					continue
				}
				tb := tables[len(tables)-1]
				tables = tables[:len(tables)-1]
				emit(tb.markdown(lim))
			}
		}
	}
	return &Document{Parts: []Part{{Label: "document", Text: out.String()}}}, nil
}

// docxTable gathers one table's cells; a nested table lands as text inside its outer cell.
type docxTable struct {
	rows [][]string
}

func (t *docxTable) startCell() {
	if len(t.rows) == 0 {
		t.rows = append(t.rows, nil)
	}
	r := &t.rows[len(t.rows)-1]
	*r = append(*r, "")
}

func (t *docxTable) addText(s string) {
	if len(t.rows) == 0 {
		t.startCell()
	}
	r := t.rows[len(t.rows)-1]
	if len(r) == 0 {
		t.startCell()
		r = t.rows[len(t.rows)-1]
	}
	if r[len(r)-1] != "" {
		r[len(r)-1] += "\n"
	}
	r[len(r)-1] += s
}

func (t *docxTable) markdown(lim Limits) string {
	tb := newTable(lim)
	for _, r := range t.rows {
		tb.add(r)
	}
	return tb.markdown()
}

// docxHeadingStyles maps style ids to heading levels. Ids are localised ("1" in a Chinese
// Word, "Heading1" in an English one), the style name ("heading 1") and outline level are not.
func docxHeadingStyles(ctx context.Context, z *officeZip) (map[string]int, error) {
	out := map[string]int{"Title": 1}
	for i := 1; i <= 6; i++ {
		out["Heading"+strconv.Itoa(i)] = i
	}
	w, c, err := z.walk(ctx, "word/styles.xml")
	if err != nil || w == nil {
		return out, err
	}
	defer c.Close()
	id := ""
	for {
		tok, err := w.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "style":
			id = attr(se, "styleId")
		case "name":
			n := strings.ToLower(attr(se, "val"))
			if lvl, ok := strings.CutPrefix(n, "heading "); ok {
				if l, err := strconv.Atoi(lvl); err == nil && l >= 1 && l <= 6 {
					out[id] = l
				}
			} else if n == "title" {
				out[id] = 1
			}
		case "outlineLvl":
			if l, err := strconv.Atoi(attr(se, "val")); err == nil && l <= 5 && id != "" && out[id] == 0 {
				out[id] = l + 1
			}
		}
	}
}

// docxNumbering maps numId → level → number format ("decimal", "bullet", …).
func docxNumbering(ctx context.Context, z *officeZip) (map[string]map[int]string, error) {
	out := map[string]map[int]string{}
	w, c, err := z.walk(ctx, "word/numbering.xml")
	if err != nil || w == nil {
		return out, err
	}
	defer c.Close()
	abstract := map[string]map[int]string{}
	numToAbs := map[string]string{}
	var curAbs, curNum string
	lvl := 0
	for {
		tok, err := w.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "abstractNum":
			curAbs = attr(se, "abstractNumId")
			abstract[curAbs] = map[int]string{}
		case "lvl":
			lvl, _ = strconv.Atoi(attr(se, "ilvl"))
		case "numFmt":
			if m := abstract[curAbs]; m != nil {
				m[lvl] = attr(se, "val")
			}
		case "num":
			curNum = attr(se, "numId")
		case "abstractNumId":
			numToAbs[curNum] = attr(se, "val")
		}
	}
	for n, a := range numToAbs {
		out[n] = abstract[a]
	}
	return out, nil
}
