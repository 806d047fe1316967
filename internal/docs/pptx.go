package docs

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// relID is the r:id attribute, told apart from a plain id by its namespace.
func relID(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "id" && strings.Contains(a.Name.Space, "relationships") {
			return a.Value
		}
	}
	return ""
}

// extractPPTX reads slides in presentation order (sldIdLst, not file names, which reorder
// when slides are moved), each labelled "slide N: <title>", tables as Markdown.
func extractPPTX(ctx context.Context, name string, data []byte, lim Limits) (*Document, error) {
	z, err := openOfficeZip(name, data, lim)
	if err != nil {
		return nil, err
	}
	rels, err := z.rels(ctx, "ppt/_rels/presentation.xml.rels", "ppt")
	if err != nil {
		return nil, err
	}
	w, c, err := z.walk(ctx, "ppt/presentation.xml")
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, errCorrupt(name, nil, "ppt/presentation.xml is missing")
	}
	var slides []string
	for {
		tok, err := w.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.Close()
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "sldId" {
			if p := rels[relID(se)]; p != "" {
				slides = append(slides, p)
			}
		}
	}
	c.Close()
	d := &Document{Pages: len(slides)}
	for i, p := range slides {
		title, body, err := pptxSlide(ctx, z, p, lim)
		if err != nil {
			return nil, err
		}
		label := fmt.Sprintf("slide %d", i+1)
		if title != "" {
			label += ": " + title
		}
		d.Parts = append(d.Parts, Part{Label: label, Text: body})
	}
	return d, nil
}

func pptxSlide(ctx context.Context, z *officeZip, p string, lim Limits) (title, body string, err error) {
	w, c, err := z.walk(ctx, p)
	if err != nil {
		return "", "", err
	}
	if w == nil {
		return "", "", errCorrupt(z.name, nil, p+" is missing")
	}
	defer c.Close()
	var (
		lines   []string
		para    strings.Builder
		inText  bool
		isTitle bool
		shape   []string
		tables  []*docxTable
		titles  []string
	)
	for {
		tok, err := w.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sp":
				isTitle, shape = false, nil
			case "ph":
				if ty := attr(t, "type"); ty == "title" || ty == "ctrTitle" {
					isTitle = true
				}
			case "p":
				para.Reset()
			case "t":
				inText = true
			case "br":
				para.WriteByte('\n')
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
			if inText {
				para.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				s := strings.TrimSpace(para.String())
				if s == "" {
					continue
				}
				if len(tables) > 0 {
					tables[len(tables)-1].addText(s)
				} else {
					shape = append(shape, s)
				}
			case "sp":
				if isTitle && len(shape) > 0 {
					titles = append(titles, strings.Join(shape, " "))
				} else {
					lines = append(lines, shape...)
				}
				shape = nil
			case "tbl":
				if len(tables) == 0 {
					continue
				}
				tb := tables[len(tables)-1]
				tables = tables[:len(tables)-1]
				lines = append(lines, tb.markdown(lim))
			}
		}
	}
	title = strings.Join(titles, " ")
	title = strings.Join(strings.Fields(title), " ")
	if title != "" {
		lines = append([]string{"# " + title}, lines...)
	}
	return title, strings.Join(lines, "\n"), nil
}
