package proctree

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

// TestOfFindsChildren fails when a child of the root is missed (a benchmark would leave a
// WebKit process out of the app's memory) or a process appears twice.
func TestOfFindsChildren(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	pids := Of(os.Getpid(), os.Getpid())
	if pids[0] != os.Getpid() || !slices.Contains(pids, cmd.Process.Pid) {
		t.Fatalf("Of(self) = %v, want self first and the child %d", pids, cmd.Process.Pid)
	}
	seen := map[int]bool{}
	for _, p := range pids {
		if seen[p] {
			t.Fatalf("pid %d listed twice: %v", p, pids)
		}
		seen[p] = true
	}
}
