//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func windowReader() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "window_text.py")
}

// windowText is the text the window shows, read from its accessibility tree by
// window_text.py: what a screen reader would read, not what the app logged.
func windowText(t *testing.T) (string, error) {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", windowReader()).Output()
	return string(out), err
}

// waitWindowText polls the window until every one of want is shown and returns the text.
// Case is ignored: the engine exposes text as drawn, so a CSS text-transform (the section
// headings are upper case) changes what the reader gets.
func waitWindowText(t *testing.T, timeout time.Duration, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var text string
	var err error
	for {
		text, err = windowText(t)
		missing := ""
		for _, w := range want {
			if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
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

// flat is s with every run of white space made one space: the reader joins lines per element,
// so a paragraph the renderer wrapped compares equal to its source.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// waitWindowShowsFlat is waitWindowText for long passages (a whole reply): white space is
// compared loosely, as it is laid out, not as it was typed.
func waitWindowShowsFlat(t *testing.T, timeout time.Duration, want string) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		text, err := windowText(t)
		if err == nil && strings.Contains(flat(text), flat(want)) {
			return text
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window did not show within %s (read error: %v):\n%q\nit shows:\n%s", timeout, err, want, text)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// axNode is one element of the window's accessibility tree (window_text.py --json).
type axNode struct {
	Depth       int               `json:"depth"`
	Role        string            `json:"role"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Text        string            `json:"text"`
	States      []string          `json:"states"`
	Attrs       map[string]string `json:"attrs"`
	URI         string            `json:"uri"`
	X, Y, W, H  int
}

func (n axNode) has(state string) bool { return slices.Contains(n.States, state) }

// tag is the DOM element WebKit built the node from ("" for GTK's own widgets).
func (n axNode) tag() string { return n.Attrs["tag"] }

func (n axNode) String() string {
	return fmt.Sprintf("%s %q (tag %s, text %q, states %v)", n.Role, n.Name, n.tag(), n.Text, n.States)
}

// axTree reads the whole tree, in document order (a parent before its children).
func axTree(t *testing.T) ([]axNode, error) {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", windowReader(), "--json").Output()
	if err != nil {
		return nil, err
	}
	var nodes []axNode
	if err := json.Unmarshal(out, &nodes); err != nil {
		return nil, fmt.Errorf("window_text.py --json: %v", err)
	}
	return nodes, nil
}

// subtree is the node at i with its descendants.
func subtree(nodes []axNode, i int) []axNode {
	end := i + 1
	for end < len(nodes) && nodes[end].Depth > nodes[i].Depth {
		end++
	}
	return nodes[i:end]
}

// treeText is the text of nodes, one line per element, as windowText prints it.
func treeText(nodes []axNode) string {
	var b strings.Builder
	skipBelow := -1 // inside the reply announcer (see window_text.py) until depth returns here
	for _, n := range nodes {
		if skipBelow >= 0 && n.Depth > skipBelow {
			continue
		}
		skipBelow = -1
		if n.Attrs["id"] == "reply-announcer" {
			skipBelow = n.Depth
			continue
		}
		if s := n.Text; s != "" {
			b.WriteString(s + "\n")
		} else if n.Name != "" {
			b.WriteString(n.Name + "\n")
		}
	}
	return b.String()
}

// isRole matches a node by role and exact accessible name.
func isRole(role, name string) func(axNode) bool {
	return func(n axNode) bool { return n.Role == role && n.Name == name }
}

// waitNode polls the tree until a node matches and returns it with the tree it was in and its
// index there. A node scrolled out of view matches too: ask for the "showing" state to exclude it.
func waitNode(t *testing.T, timeout time.Duration, what string, match func(axNode) bool) (axNode, []axNode, int) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		nodes, err := axTree(t)
		for i, n := range nodes {
			if match(n) {
				return n, nodes, i
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s in the accessibility tree within %s (read error: %v); the window shows:\n%s", what, timeout, err, treeText(nodes))
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// clickControl finds a control by role and accessible name, as a screen-reader user would,
// and clicks the middle of where it is drawn, as a sighted user would: a control with no
// name, or hidden under something else, cannot be clicked this way.
func (a *app) clickControl(role, name string) {
	a.t.Helper()
	n, _, _ := waitNode(a.t, 10*time.Second, fmt.Sprintf("a showing %s named %q", role, name), func(n axNode) bool {
		return isRole(role, name)(n) && n.has("showing")
	})
	if n.W <= 0 || n.H <= 0 {
		a.t.Fatalf("%v has no extents to click", n)
	}
	xdo(a.t, "mousemove", "--sync", fmt.Sprint(n.X+n.W/2), fmt.Sprint(n.Y+n.H/2))
	xdo(a.t, "click", "1")
}

// focused is the web element that has keyboard focus ("" role when none does).
func focused(t *testing.T) axNode {
	t.Helper()
	nodes, _ := axTree(t)
	var last axNode
	for _, n := range nodes {
		// The document and its scroll pane report focus too while a child has it: keep the innermost.
		if n.has("focused") && n.tag() != "" {
			last = n
		}
	}
	return last
}

var (
	uiOnce    sync.Once
	uiDicts   map[string]map[string]string
	uiErr     error
	uiEntryRE = regexp.MustCompile(`(?m)^\s*'([\w.]+)':\s*'([^']*)',`)
)

// uiString is the frontend's own wording for key in lang ("en" or "zh"), read from
// frontend/src/lib/i18n.ts, so a test asserts what the user is shown without copying it.
func uiString(t *testing.T, lang, key string) string {
	t.Helper()
	uiOnce.Do(func() {
		_, here, _, _ := runtime.Caller(0)
		src, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "frontend", "src", "lib", "i18n.ts"))
		if err != nil {
			uiErr = err
			return
		}
		s := string(src)
		enAt, zhAt := strings.Index(s, "\nconst en = {"), strings.Index(s, "\nconst zh: ")
		if enAt < 0 || zhAt < enAt {
			uiErr = fmt.Errorf("i18n.ts: the en and zh dictionaries were not found")
			return
		}
		uiDicts = map[string]map[string]string{"en": {}, "zh": {}}
		for lang, part := range map[string]string{"en": s[enAt:zhAt], "zh": s[zhAt:]} {
			for _, m := range uiEntryRE.FindAllStringSubmatch(part, -1) {
				uiDicts[lang][m[1]] = m[2]
			}
		}
	})
	if uiErr != nil {
		t.Fatal(uiErr)
	}
	v, ok := uiDicts[lang][key]
	if !ok {
		t.Fatalf("i18n.ts has no %s string %q (on one line)", lang, key)
	}
	return v
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
