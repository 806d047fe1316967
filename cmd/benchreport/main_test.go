package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestReportedRowsNeverSayMet fails when a row without a goal — a figure shown for context —
// reads as a goal that was met (the sidebar's 91 ms once said "yes" this way), and when a real
// verdict is not shown as yes or no.
func TestReportedRowsNeverSayMet(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		r    row
		want string
	}{
		{row{Goal: "reported", Met: &yes}, "_reported_"},
		{row{Goal: "reference", Met: &yes}, "_reported_"},
		{row{Goal: "", Met: &yes}, "_reported_"},
		{row{Goal: "under 20 ms"}, "_reported_"},
		{row{Goal: "under 20 ms", Met: &yes}, "yes"},
		{row{Goal: "under 20 ms", Met: &no}, "**no**"},
	} {
		if got := met(tc.r); got != tc.want {
			t.Errorf("met(%+v) = %q, want %q", tc.r, got, tc.want)
		}
	}
}

// TestReportOneRun fails when a benchmark whose file is missing (it failed in this run, and
// make bench deleted the previous run's file) is not shown as not measured, when the scale of
// the history is not stated, or when a file's figures are dropped.
func TestReportOneRun(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "decode.json"), []byte(`[{"figure":"ns per chunk","qwendesk":600,"unit":"ns","goal":"≥ 2×","met":true}]`), 0o644)
	os.WriteFile(filepath.Join(dir, "history.json"), []byte(`{"scale":0.1,"rows":[{"figure":"sidebar first screen","qwendesk":3,"unit":"ms","goal":"under 20 ms","met":true},`+
		`{"figure":"whole sidebar","qwendesk":91,"unit":"ms","goal":"reported","met":true},`+
		`{"figure":"search “的”","qwendesk":61,"unit":"ms","goal":"under 50 ms","met":false}]}`), 0o644)
	md, missing := report(dir, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), "")
	if missing != 6 {
		t.Errorf("missing = %d, want 6 (latency, render, app, docs, window, tools)", missing)
	}
	for _, want := range []string{
		"## 2. Added latency\n\n_Not measured in this run:",
		"**Scale:** history generated at -scale 0.1: 1000 conversations, 100000 messages — not the issue's",
		"| ns per chunk | 600 ns |",
		"| whole sidebar | 91.0 ms | — | — | reported | _reported_ |",
		"| sidebar first screen | 3.0 ms | — | — | under 20 ms | yes |",
		"**Goals:** 2 of 3 met; 6 of 8 sections not measured in this run. Missed",
		"- search “的” (section 5): 61.0 ms, goal under 50 ms\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// TestEveryNoteCitesItsRun fails when a hand-written note in bench/MISSED.md does not say
// which run its figures come from, and when the check itself stops finding such a note.
func TestEveryNoteCitesItsRun(t *testing.T) {
	text, err := os.ReadFile("../../bench/MISSED.md")
	if err != nil {
		t.Fatal(err)
	}
	if got := uncited(string(text)); len(got) > 0 {
		t.Fatalf("notes without a %q line: %q", citesPrefix, got)
	}
	got := uncited("## Goals\n\n### A\n\nCites: run 1\n\n### B\n\ntext only\n\n### C\n\n_Cites: run 2_\n")
	if !reflect.DeepEqual(got, []string{"B"}) {
		t.Fatalf("uncited = %q, want [B]", got)
	}
}
