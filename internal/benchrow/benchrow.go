// Package benchrow is the JSON row the make bench programs write and cmd/benchreport reads.
package benchrow

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
)

// Row is one figure of a benchmark.
type Row struct {
	Figure       string  `json:"figure"`
	QwenDesk     float64 `json:"qwendesk"`
	Unit         string  `json:"unit"`
	Goal         string  `json:"goal"`
	Met          *bool   `json:"met"` // null: reported, no goal
	Note         string  `json:"note,omitempty"`
	BaselineNote string  `json:"baseline_note,omitempty"`
}

// Met is a goal's verdict as Row.Met wants it.
func Met(ok bool) *bool { return &ok }

// Write stores rows as indented JSON at path, creating its folder.
func Write(path string, rows []Row) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<" and "≤" readable in the goals
	enc.SetIndent("", "  ")
	if err := enc.Encode(rows); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
