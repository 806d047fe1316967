package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// proc is one process of the app's tree (the same readings as cmd/benchapp's).
type proc struct {
	pid          int
	name         string
	rssKB, pssKB int
}

// tree returns the app and all its descendants with their VmRSS and Pss.
func tree(root int) []proc {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], pid)
	}
	var out []proc
	var walk func(int)
	walk = func(pid int) {
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
		for _, c := range children[pid] {
			walk(c)
		}
	}
	walk(root)
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
