//go:build e2e

package e2e

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// windowText is the text the window shows, read from its accessibility tree by
// window_text.py: what a screen reader would read, not what the app logged.
func windowText(t *testing.T) (string, error) {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	out, err := exec.Command("/usr/bin/python3", filepath.Join(filepath.Dir(here), "window_text.py")).Output()
	return string(out), err
}

// waitWindowText polls the window until every one of want is shown and returns the text.
func waitWindowText(t *testing.T, timeout time.Duration, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var text string
	var err error
	for {
		text, err = windowText(t)
		missing := ""
		for _, w := range want {
			if !strings.Contains(text, w) {
				missing = w
				break
			}
		}
		if err == nil && missing == "" {
			return text
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window did not show %q within %s (read error: %v); it shows:\n%s", missing, timeout, err, text)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// activate presses the index-th element named name (a button, a link) through the
// accessibility tree (window_act.py): no screen coordinates to keep in step with the layout.
func activate(t *testing.T, name string, index int) {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, err := exec.Command("/usr/bin/python3", filepath.Join(filepath.Dir(here), "window_act.py"), name, strconv.Itoa(index)).CombinedOutput()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			text, _ := windowText(t)
			t.Fatalf("no element %q (#%d) to press: %v %s; the window shows:\n%s", name, index, err, out, text)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
