package docs

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// extractXLSX streams each sheet in workbook order into a Markdown table with the row cap.
// It is our own reader rather than excelize because excelize loads a whole sheet into memory
// before the first row comes out (see cmd/benchdocs for the measured difference); here only
// the shared strings and the shown rows are held. Cached values are shown as stored: dates
// stay Excel serial numbers, formulas show their last result.
func extractXLSX(ctx context.Context, name string, data []byte, lim Limits) (*Document, error) {
	z, err := openOfficeZip(name, data, lim)
	if err != nil {
		return nil, err
	}
	rels, err := z.rels(ctx, "xl/_rels/workbook.xml.rels", "xl")
	if err != nil {
		return nil, err
	}
	type sheet struct{ name, path string }
	var sheets []sheet
	w, c, err := z.walk(ctx, "xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, errCorrupt(name, nil, "xl/workbook.xml is missing")
	}
	for {
		tok, err := w.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.Close()
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "sheet" {
			if p := rels[relID(se)]; p != "" {
				sheets = append(sheets, sheet{attr(se, "name"), p})
			}
		}
	}
	c.Close()
	shared, err := xlsxSharedStrings(ctx, z)
	if err != nil {
		return nil, err
	}
	d := &Document{Sheets: len(sheets)}
	for _, s := range sheets {
		tb, err := xlsxSheet(ctx, z, s.path, shared, lim)
		if err != nil {
			return nil, err
		}
		d.Truncated = d.Truncated || tb.truncated()
		d.Parts = append(d.Parts, Part{Label: s.name, Text: tb.markdown()})
	}
	return d, nil
}

func xlsxSharedStrings(ctx context.Context, z *officeZip) ([]string, error) {
	w, c, err := z.walk(ctx, "xl/sharedStrings.xml")
	if err != nil || w == nil {
		return nil, err
	}
	defer c.Close()
	var (
		out      []string
		cur      strings.Builder
		inT, inP bool
	)
	for {
		tok, err := w.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				cur.Reset()
			case "t":
				inT = true
			case "rPh": // phonetic guide (furigana): not part of the value
				inP = true
			}
		case xml.CharData:
			if inT && !inP {
				cur.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "rPh":
				inP = false
			case "si":
				out = append(out, cur.String())
			}
		}
	}
}

func xlsxSheet(ctx context.Context, z *officeZip, p string, shared []string, lim Limits) (*table, error) {
	tb := newTable(lim)
	w, c, err := z.walk(ctx, p)
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, errCorrupt(z.name, nil, p+" is missing")
	}
	defer c.Close()
	var (
		row       []string
		col       int
		typ       string
		val       strings.Builder
		inV, inIs bool
	)
	for {
		tok, err := w.next()
		if errors.Is(err, io.EOF) {
			return tb, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row = row[:0]
				col = 0
			case "c":
				typ = attr(t, "t")
				if r := attr(t, "r"); r != "" {
					col = columnIndex(r)
				}
				val.Reset()
			case "v":
				inV = true
			case "t":
				inIs = true
			}
		case xml.CharData:
			if inV || inIs {
				val.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inIs = false
			case "c":
				v := val.String()
				switch typ {
				case "s":
					if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < len(shared) {
						v = shared[i]
					}
				case "b":
					v = map[string]string{"0": "FALSE", "1": "TRUE"}[v]
				}
				if col > 16384 { // Excel's last column: anything further is a crafted file
					col = 16384
				}
				for len(row) < col {
					row = append(row, "")
				}
				row = append(row, v)
				col++
			case "row":
				tb.add(row)
			}
		}
	}
}

// columnIndex turns a cell reference ("AB12") into its zero-based column (27).
func columnIndex(ref string) int {
	n := 0
	for _, ch := range ref {
		if ch < 'A' || ch > 'Z' {
			break
		}
		n = n*26 + int(ch-'A'+1)
		if n > 16384 {
			return 16384
		}
	}
	return max(n-1, 0)
}
