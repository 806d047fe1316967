// Command benchreport merges the JSON results of the make bench programs into one table,
// prints it, and writes docs/BENCHMARKS.md with a description of the machine.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// row is one figure; every bench program writes a JSON array of them.
type row struct {
	Figure       string   `json:"figure"`
	QwenDesk     float64  `json:"qwendesk"`
	Baseline     *float64 `json:"baseline,omitempty"`
	BaselineName string   `json:"baseline_name,omitempty"`
	BaselineNote string   `json:"baseline_note,omitempty"`
	Ratio        *float64 `json:"ratio,omitempty"`
	Unit         string   `json:"unit"`
	Goal         string   `json:"goal,omitempty"`
	Met          *bool    `json:"met,omitempty"`
	Note         string   `json:"note,omitempty"`
}

// sections are read in this order; a missing file is reported, not fatal, so one broken
// benchmark does not hide the others.
var sections = []struct{ file, title string }{
	{"decode.json", "1. Stream decoding"},
	{"latency.json", "2. Added latency"},
	{"render.json", "3. Rendering a long answer, in WebKitGTK"},
	{"app.json", "4. The app itself: launch, memory against Chromium"},
	{"history.json", "5. History at scale"},
	{"docs.json", "6. Reading attached documents"},
	{"window.json", "7. In the window: token to pixel, a long conversation"},
	{"tools.json", "8. A tool call (MCP over stdio)"},
}

func main() {
	dir := flag.String("dir", "build/bench", "folder with the bench programs' JSON")
	out := flag.String("out", "docs/BENCHMARKS.md", "Markdown report to write")
	notes := flag.String("notes", "", "hand-written Markdown appended after the tables (why missed goals are missed)")
	flag.Parse()
	var text []byte
	if *notes != "" {
		var err error
		if text, err = os.ReadFile(*notes); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, title := range uncited(string(text)) {
			fmt.Fprintf(os.Stderr, "%s: note %q does not say which run it cites (a line starting %q)\n", *notes, title, citesPrefix)
		}
	}
	md, missing := report(*dir, time.Now(), string(text))
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(md)
	if missing == len(sections) {
		os.Exit(1)
	}
}

// report renders the document from the JSON files in dir, and counts the sections that
// were not measured. make bench deletes the previous run's files first, so a benchmark that
// failed has no file and shows as not measured, never with an earlier run's figures.
func report(dir string, now time.Time, notes string) (string, int) {
	var body strings.Builder
	var missed []string
	goals := 0
	missing := 0
	var scale *float64
	var first, last time.Time
	for _, s := range sections {
		path := filepath.Join(dir, s.file)
		rows, sc, err := read(path)
		body.WriteString("## " + s.title + "\n\n")
		if err != nil {
			missing++
			fmt.Fprintf(&body, "_Not measured in this run: %v_\n\n", err)
			fmt.Fprintf(os.Stderr, "%s: %v\n", s.title, err)
			continue
		}
		if sc != nil {
			scale = sc
		}
		if fi, err := os.Stat(path); err == nil {
			if first.IsZero() || fi.ModTime().Before(first) {
				first = fi.ModTime()
			}
			if fi.ModTime().After(last) {
				last = fi.ModTime()
			}
		}
		body.WriteString("| Figure | QwenDesk | Baseline | Ratio | Goal | Met |\n|---|---|---|---|---|---|\n")
		for _, r := range rows {
			switch met(r) {
			case "yes":
				goals++
			case "**no**":
				goals++
				missed = append(missed, fmt.Sprintf("%s (section %s): %s, goal %s", r.Figure, strings.SplitN(s.title, ".", 2)[0], value(r.QwenDesk, r.Unit), r.Goal))
			}
			fmt.Fprintf(&body, "| %s | %s | %s | %s | %s | %s |\n", r.Figure, value(r.QwenDesk, r.Unit), baseline(r), ratio(r.Ratio), r.Goal, met(r))
		}
		for _, r := range rows {
			if r.Note != "" {
				fmt.Fprintf(&body, "\n- %s: %s", r.Figure, r.Note)
			}
		}
		body.WriteString("\n\n")
	}

	var md strings.Builder
	md.WriteString("# Benchmarks\n\n")
	md.WriteString("Produced by one `make bench` run on " + now.UTC().Format("2006-01-02 15:04 UTC"))
	if !first.IsZero() {
		fmt.Fprintf(&md, " (its results written %s–%s)", first.UTC().Format("15:04"), last.UTC().Format("15:04 UTC"))
	}
	md.WriteString(". Ratios are measured side by side in the same run; ")
	md.WriteString("absolute times depend on the machine and are never used as pass/fail in tests. ")
	md.WriteString("**Met:** yes or **no** against the goal; _reported_ means a figure shown for context, with no goal to meet.\n\n")
	md.WriteString("**Machine:** " + machine() + "\n\n")
	md.WriteString("**Scale:** " + scaleLine(scale) + "\n\n")
	fmt.Fprintf(&md, "**Goals:** %d of %d met", goals-len(missed), goals)
	if missing > 0 {
		fmt.Fprintf(&md, "; %d of %d sections not measured in this run", missing, len(sections))
	}
	if len(missed) > 0 {
		md.WriteString(". Missed (why, and what was tried, after the tables):\n\n")
		for _, m := range missed {
			md.WriteString("- " + m + "\n")
		}
		md.WriteString("\n")
	} else {
		md.WriteString(".\n\n")
	}
	md.WriteString(body.String())
	if notes != "" {
		md.WriteString(notes)
	}
	return md.String(), missing
}

// scaleLine states the size of the generated history the history figures come from.
func scaleLine(scale *float64) string {
	if scale == nil {
		return "history at scale not measured in this run; the other sections do not depend on history size."
	}
	line := fmt.Sprintf("history generated at -scale %g: %d conversations, %d messages", *scale, int(*scale*10000), int(*scale*1000000))
	if *scale != 1 {
		return line + " — not the issue's 10,000 and 1,000,000 (HISTORY_SCALE=1)."
	}
	return line + ", the issue's size."
}

// citesPrefix starts the line by which each hand-written note names the run it cites.
const citesPrefix = "Cites:"

// uncited returns the titles of the notes ("### " sections) that have no Cites: line.
func uncited(notes string) []string {
	var out []string
	title, cited := "", true
	for _, line := range strings.Split(notes+"\n### ", "\n") {
		if strings.HasPrefix(line, "### ") {
			if !cited {
				out = append(out, title)
			}
			title, cited = strings.TrimPrefix(line, "### "), false
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(line, "*_ "), citesPrefix) {
			cited = true
		}
	}
	return out
}

func read(path string) ([]row, *float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, err
	}
	// Either a bare array of rows, or an object that carries them under "rows" beside its
	// own details (run settings, per-run data).
	var rows []row
	if err := json.Unmarshal(data, &rows); err == nil {
		return rows, nil, nil
	}
	var wrapped struct {
		Rows  []row    `json:"rows"`
		Scale *float64 `json:"scale"` // history at scale: a fraction of the 10,000 × 100 target
	}
	if err := json.Unmarshal(data, &wrapped); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(wrapped.Rows) == 0 {
		return nil, nil, fmt.Errorf("%s has no figures", path)
	}
	if wrapped.Scale != nil && *wrapped.Scale != 1 {
		wrapped.Rows[0].Note = fmt.Sprintf("this run used -scale %g (%d conversations, %d messages, not the full 10,000 and 1,000,000); %s",
			*wrapped.Scale, int(*wrapped.Scale*10000), int(*wrapped.Scale*1000000), wrapped.Rows[0].Note)
	}
	return wrapped.Rows, wrapped.Scale, nil
}

func value(v float64, unit string) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f %s", v, unit)
	case v >= 1:
		return fmt.Sprintf("%.1f %s", v, unit)
	}
	return fmt.Sprintf("%.3g %s", v, unit)
}

func baseline(r row) string {
	switch {
	case r.Baseline != nil:
		return value(*r.Baseline, r.Unit) + " (" + r.BaselineName + ")"
	case r.BaselineNote != "":
		return r.BaselineNote
	}
	return "—"
}

func ratio(r *float64) string {
	if r == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f×", *r)
}

// met is the verdict column. A row without a goal — "reported", "reference", or no verdict —
// is marked reported whatever its met field says: a figure with nothing to meet must never
// read as a goal that was met.
func met(r row) string {
	switch {
	case r.Met == nil || r.Goal == "" || r.Goal == "reported" || r.Goal == "reference":
		return "_reported_"
	case *r.Met:
		return "yes"
	}
	return "**no**"
}

// machine describes the CPU, cores, memory and OS the numbers come from.
func machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		fmt.Sscanf(strings.TrimPrefix(strings.Split(string(data), "\n")[0], "MemTotal:"), "%d", &kb)
		mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/1024/1024)
	}
	osName := runtime.GOOS
	if out, err := exec.Command("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME").Output(); err == nil {
		osName = strings.TrimSpace(string(out))
	}
	tools := []string{runtime.Version()}
	if out, err := exec.Command("node", "--version").Output(); err == nil {
		tools = append(tools, "Node "+strings.TrimSpace(string(out)))
	}
	sort.Strings(tools)
	return fmt.Sprintf("%s, %d cores%s; %s; %s", cpu, runtime.NumCPU(), mem, osName, strings.Join(tools, ", "))
}
