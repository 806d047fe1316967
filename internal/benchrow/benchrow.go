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
	// A baseline measured in the same run (cmd/benchreport shows it as "value (name)"), and
	// QwenDesk's figure divided by it.
	Baseline     *float64 `json:"baseline,omitempty"`
	BaselineName string   `json:"baseline_name,omitempty"`
	Ratio        *float64 `json:"ratio,omitempty"`
}

// Num is a figure as Row.Baseline and Row.Ratio want it.
func Num(v float64) *float64 { return &v }

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
