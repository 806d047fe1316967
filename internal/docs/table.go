package docs

import (
	"fmt"
	"slices"
	"strings"
)

// table collects rows for one Markdown table, keeping at most MaxRows data rows and MaxColumns
// columns and counting what it leaves out so the note can say so.
type table struct {
	maxRows, maxCols int
	rows             [][]string
	width            int // widest row seen, before the column cap
	droppedRows      int
}

func newTable(lim Limits) *table { return &table{maxRows: lim.MaxRows, maxCols: lim.MaxColumns} }

// add keeps a row (the first is the header) or counts it as left out. Rows whose cells are
// all empty are skipped: spreadsheets are full of them.
func (t *table) add(row []string) {
	last := len(row)
	for last > 0 && strings.TrimSpace(row[last-1]) == "" {
		last--
	}
	if last == 0 {
		return
	}
	row = row[:last]
	t.width = max(t.width, len(row))
	if len(t.rows) > t.maxRows { // header + maxRows data rows
		t.droppedRows++
		return
	}
	if len(row) > t.maxCols {
		row = row[:t.maxCols]
	}
	t.rows = append(t.rows, slices.Clone(row)) // callers reuse their row slice
}

func (t *table) truncated() bool { return t.droppedRows > 0 || t.width > t.maxCols }

func (t *table) markdown() string {
	if len(t.rows) == 0 {
		return ""
	}
	cols := min(t.width, t.maxCols)
	var b strings.Builder
	writeRow := func(r []string) {
		b.WriteString("|")
		for i := range cols {
			c := ""
			if i < len(r) {
				c = cell(r[i])
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	writeRow(t.rows[0])
	b.WriteString("|" + strings.Repeat(" --- |", cols) + "\n")
	for _, r := range t.rows[1:] {
		writeRow(r)
	}
	if t.droppedRows > 0 {
		fmt.Fprintf(&b, "\n… %s more rows not shown", formatCount(t.droppedRows))
	}
	if t.width > t.maxCols {
		if t.droppedRows > 0 {
			b.WriteString(";")
		} else {
			b.WriteString("\n…")
		}
		fmt.Fprintf(&b, " %s more columns not shown", formatCount(t.width-t.maxCols))
	}
	return strings.TrimRight(b.String(), "\n")
}

// cell makes a value safe inside a Markdown table row.
func cell(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\\", "\\\\")
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\r\n", "<br>")
	return strings.ReplaceAll(s, "\n", "<br>")
}
