//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/fakedashscope"
)

// controlRoles are the roles a user operates; each needs a name a screen reader can say.
var controlRoles = []string{"push button", "toggle button", "check box", "radio button", "combo box", "entry",
	"password text", "link", "slider", "spin button", "page tab", "menu item", "list box", "switch", "text"}

// unnamedControls lists the page's controls (and anything else that takes focus) with no
// accessible name: an icon button without aria-label, a field without a label.
func unnamedControls(nodes []axNode) []string {
	var out []string
	for _, n := range nodes {
		if n.tag() == "" || n.Role == "document web" || !n.has("showing") {
			continue // GTK's own widgets, the page itself, what is scrolled away or hidden
		}
		control := slices.Contains(controlRoles, n.Role) && n.Role != "text"
		if (control || n.has("focusable")) && n.Name == "" {
			out = append(out, n.String())
		}
	}
	return out
}

// assertNamed fails for every unnamed control on the screen called screen.
func assertNamed(t *testing.T, screen string) {
	t.Helper()
	nodes, err := axTree(t)
	if err != nil {
		t.Fatalf("%s: read the tree: %v", screen, err)
	}
	for _, c := range unnamedControls(nodes) {
		t.Errorf("%s: a control has no accessible name: %s", screen, c)
	}
}

// Every screen, walked as a screen reader walks it: setup, chat with a reply, Settings, Usage,
// About and Search. Any control without a name fails the test, naming the screen and control.
func TestEveryControlHasAName(t *testing.T) {
	clearKeychain(t)
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 5 * time.Millisecond})
	defer fake.Close()

	setup := launch(t, t.TempDir(), "DASHSCOPE_BASE_URL="+fake.BaseURL())
	waitWindowText(t, 15*time.Second, uiString(t, "en", "setup.title"))
	assertNamed(t, "setup")
	setup.quit()

	a := launch(t, t.TempDir(), "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.typeText("Name every control #think")
	a.press("Return")
	a.waitLog("turn finished", 1, turnTimeout)
	waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText("Name every control #think"))
	assertNamed(t, "chat")

	a.press("ctrl+comma")
	waitNode(t, 10*time.Second, "the Settings dialog", isRole("dialog", uiString(t, "en", "settings.title")))
	assertNamed(t, "settings")
	a.press("Escape")
	waitGone(t, 5*time.Second, "the Settings dialog", isRole("dialog", uiString(t, "en", "settings.title")))

	a.clickControl("push button", uiString(t, "en", "sidebar.usage"))
	waitNode(t, 10*time.Second, "the usage page", isRole("dialog", uiString(t, "en", "usage.title")))
	assertNamed(t, "usage")
	a.press("Escape")
	waitGone(t, 5*time.Second, "the usage page", isRole("dialog", uiString(t, "en", "usage.title")))

	a.clickControl("push button", uiString(t, "en", "sidebar.about"))
	waitNode(t, 10*time.Second, "the About dialog", isRole("dialog", "QwenDesk"))
	assertNamed(t, "about")
	a.press("Escape")

	a.press("ctrl+k")
	waitNode(t, 10*time.Second, "the search palette", isRole("dialog", uiString(t, "en", "search.title")))
	a.typeText("control")
	waitWindowText(t, 10*time.Second, "Name every control")
	assertNamed(t, "search")
	a.press("Escape")
	a.quit()
}

// focusWithin reports whether keyboard focus is on a node of the subtree whose root matches.
func focusWithin(t *testing.T, root func(axNode) bool) (bool, axNode) {
	t.Helper()
	nodes, _ := axTree(t)
	f := axNode{}
	for _, n := range nodes {
		if n.has("focused") && n.tag() != "" {
			f = n
		}
	}
	for i, n := range nodes {
		if root(n) {
			for _, m := range subtree(nodes, i) {
				if m.has("focused") && m.tag() != "" && m.Name == f.Name && m.Role == f.Role {
					return true, f
				}
			}
		}
	}
	return false, f
}

// waitFocus waits until the focused element matches.
func waitFocus(t *testing.T, timeout time.Duration, what string, match func(axNode) bool) axNode {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		f := focused(t)
		if match(f) {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("focus is not on %s after %s: it is on %v", what, timeout, f)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Keyboard only, no mouse: send a message, start another conversation, go back to the first
// one through the sidebar with Tab and Enter, open Settings, Tab around inside it (focus must
// stay there), close it with Esc and find focus back in the composer. Every stop of Tab must
// be on something with a name.
func TestKeyboardOnly(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 5 * time.Millisecond})
	defer fake.Close()
	a := launch(t, t.TempDir(), "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	composer := isRole("entry", uiString(t, "en", "composer.label"))
	waitFocus(t, 10*time.Second, "the composer at start", composer)

	a.typeText("First question about tea")
	a.press("Return")
	a.waitLog("turn finished", 1, turnTimeout)
	waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText("First question about tea"))
	a.press("ctrl+n")
	waitFocus(t, 5*time.Second, "the composer of a new chat", composer)
	a.typeText("Second question about coffee")
	a.press("Return")
	a.waitLog("turn finished", 2, turnTimeout)
	waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText("Second question about coffee"))

	// Shift+Tab backwards from the composer, through the top bar, into the sidebar's list.
	first := func(n axNode) bool {
		return n.Role == "push button" && strings.Contains(n.Name, "First question about tea")
	}
	found := false
	var stops []string
	for i := 0; i < 40 && !found; i++ {
		a.press("shift+Tab")
		time.Sleep(150 * time.Millisecond)
		f := focused(t)
		stops = append(stops, f.Role+" "+f.Name)
		if f.Name == "" {
			t.Errorf("Tab stop %d has no name: %v", i+1, f)
		}
		found = first(f)
	}
	if !found {
		t.Fatalf("Shift+Tab never reached the first conversation in the sidebar; stops:\n%s", strings.Join(stops, "\n"))
	}
	t.Logf("Shift+Tab stops from the composer to the first conversation:\n%s", strings.Join(stops, "\n"))
	a.press("Return")
	waitNode(t, 10*time.Second, "the first conversation marked current", func(n axNode) bool {
		return first(n) && n.Attrs["current"] == "page"
	})
	text := waitWindowShowsFlat(t, 10*time.Second, fake.ReplyText("First question about tea"))
	if strings.Contains(flat(text), flat(fake.ReplyText("Second question about coffee"))) {
		t.Errorf("opening the first conversation still shows the second one's reply")
	}

	settings := isRole("dialog", uiString(t, "en", "settings.title"))
	a.press("ctrl+comma")
	waitNode(t, 10*time.Second, "the Settings dialog", settings)
	for i := 0; i < 35; i++ { // more stops than the dialog has: Tab must wrap inside it
		if in, f := focusWithin(t, settings); !in {
			t.Fatalf("after %d Tabs focus left the Settings dialog: it is on %v", i, f)
		}
		a.press("Tab")
		time.Sleep(80 * time.Millisecond)
	}
	a.press("shift+Tab")
	if in, f := focusWithin(t, settings); !in {
		t.Fatalf("Shift+Tab left the Settings dialog: focus is on %v", f)
	}
	a.press("Escape")
	waitGone(t, 5*time.Second, "the Settings dialog", settings)
	waitFocus(t, 5*time.Second, "the composer after Settings closed", composer)
	screenshot(t, "25-keyboard-only")
	a.quit()
}

// The check itself can fail: an icon button with no label, or a focusable div, is reported;
// a named one, a hidden one and GTK's own widgets are not.
func TestUnnamedControlsAreReported(t *testing.T) {
	nodes := []axNode{
		{Role: "push button", Name: "", Attrs: map[string]string{"tag": "button"}, States: []string{"focusable", "showing"}},
		{Role: "section", Name: "", Attrs: map[string]string{"tag": "div"}, States: []string{"focusable", "showing"}},
		{Role: "push button", Name: "Close", Attrs: map[string]string{"tag": "button"}, States: []string{"focusable", "showing"}},
		{Role: "push button", Name: "", Attrs: map[string]string{"tag": "button"}, States: []string{"focusable"}},
		{Role: "push button", Name: "", Attrs: map[string]string{}, States: []string{"showing"}},
	}
	if got := unnamedControls(nodes); len(got) != 2 {
		t.Fatalf("unnamedControls found %d of the 2 unnamed controls: %v", len(got), got)
	}
}
