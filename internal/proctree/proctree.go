// Package proctree finds a process tree on Linux: the processes of some roots and all their
// descendants, from /proc. The benchmarks measure the app's whole tree (its WebKit
// processes, Chromium's helpers) with it.
package proctree

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Of returns the pids of roots and of all their descendants, each once, every parent before
// its children.
func Of(roots ...int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parent(pid); ok {
			children[ppid] = append(children[ppid], pid)
		}
	}
	var out []int
	seen := map[int]bool{}
	var walk func(int)
	walk = func(pid int) {
		if seen[pid] {
			return
		}
		seen[pid] = true
		out = append(out, pid)
		for _, c := range children[pid] {
			walk(c)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}

// parent reads pid's parent from /proc/PID/stat: "pid (comm) state ppid …", where comm can
// hold spaces and parentheses.
func parent(pid int) (int, bool) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}
