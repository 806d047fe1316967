package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"qwendesk/internal/proctree"
)

// proc is one process of the app's tree (the same readings as cmd/benchapp's).
type proc struct {
	pid          int
	name         string
	rssKB, pssKB int
}

// tree returns the app and all its descendants with their VmRSS and Pss.
func tree(root int) []proc {
	var out []proc
	for _, pid := range proctree.Of(root) {
		p := proc{pid: pid}
		if data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if k, v, ok := strings.Cut(line, ":"); ok && k == "VmRSS" && len(strings.Fields(v)) > 0 {
					p.rssKB, _ = strconv.Atoi(strings.Fields(v)[0])
				}
			}
		}
		if data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid)); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if k, v, ok := strings.Cut(line, ":"); ok && k == "Pss" && len(strings.Fields(v)) > 0 {
					p.pssKB, _ = strconv.Atoi(strings.Fields(v)[0])
				}
			}
		}
		if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && len(cmdline) > 0 {
			arg0, _, _ := bytes.Cut(cmdline, []byte{0})
			p.name = filepath.Base(string(arg0))
		}
		out = append(out, p)
	}
	return out
}

func sum(ps []proc) (rssKB, pssKB int) {
	for _, p := range ps {
		rssKB += p.rssKB
		pssKB += p.pssKB
	}
	return
}

func describe(ps []proc) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%s %.1f (RSS %.1f)", p.name, mb(p.pssKB), mb(p.rssKB)))
	}
	return strings.Join(parts, "; ")
}

func mb(kb int) float64 { return float64(kb) * 1024 / 1e6 }
