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
	{"render.json", "3. Rendering a long answer"},
	{"app.json", "4. The app itself"},
	{"history.json", "5. History at scale"},
	{"docs.json", "6. Reading attached documents"},
}

func main() {
	dir := flag.String("dir", "build/bench", "folder with the bench programs' JSON")
	out := flag.String("out", "docs/BENCHMARKS.md", "Markdown report to write")
	notes := flag.String("notes", "", "hand-written Markdown appended after the tables (why missed goals are missed)")
	flag.Parse()
	var md strings.Builder
	md.WriteString("# Benchmarks\n\n")
	md.WriteString("Produced by `make bench` on " + time.Now().UTC().Format("2006-01-02 15:04 UTC") + ". Ratios are measured side by side in the same run; ")
	md.WriteString("absolute times depend on the machine and are never used as pass/fail in tests.\n\n")
	md.WriteString("**Machine:** " + machine() + "\n\n")
	missing := 0
	for _, s := range sections {
		rows, err := read(filepath.Join(*dir, s.file))
		md.WriteString("## " + s.title + "\n\n")
		if err != nil {
			missing++
			fmt.Fprintf(&md, "_Not measured in this run: %v_\n\n", err)
			fmt.Fprintf(os.Stderr, "%s: %v\n", s.title, err)
			continue
		}
		md.WriteString("| Figure | QwenDesk | Baseline | Ratio | Goal | Met |\n|---|---|---|---|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(&md, "| %s | %s | %s | %s | %s | %s |\n", r.Figure, value(r.QwenDesk, r.Unit), baseline(r), ratio(r.Ratio), r.Goal, met(r.Met))
		}
		for _, r := range rows {
			if r.Note != "" {
				fmt.Fprintf(&md, "\n- %s: %s", r.Figure, r.Note)
			}
		}
		md.WriteString("\n\n")
	}
	if *notes != "" {
		text, err := os.ReadFile(*notes)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		md.Write(text)
	}
	if err := os.WriteFile(*out, []byte(md.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(md.String())
	if missing == len(sections) {
		os.Exit(1)
	}
}

func read(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	// Either a bare array of rows, or an object that carries them under "rows" beside its
	// own details (run settings, per-run data).
	var rows []row
	if err := json.Unmarshal(data, &rows); err == nil {
		return rows, nil
	}
	var wrapped struct {
		Rows  []row    `json:"rows"`
		Scale *float64 `json:"scale"` // history at scale: a fraction of the 10,000 × 100 target
	}
	if err := json.Unmarshal(data, &wrapped); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if wrapped.Scale != nil && *wrapped.Scale != 1 && len(wrapped.Rows) > 0 {
		wrapped.Rows[0].Note = fmt.Sprintf("this run used -scale %g (%d conversations, %d messages, not the full 10,000 and 1,000,000); %s",
			*wrapped.Scale, int(*wrapped.Scale*10000), int(*wrapped.Scale*1000000), wrapped.Rows[0].Note)
	}
	return wrapped.Rows, nil
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

func met(m *bool) string {
	switch {
	case m == nil:
		return "—"
	case *m:
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
