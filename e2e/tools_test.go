//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/fakedashscope"
)

// The sentence the filesystem server reads back; made up, so only a real read can bring it.
const notesSentence = "The heron leaves the marsh at dawn, 鹭鸟黎明离开沼泽。"

// pressButton presses a button of the window by its accessible name (press_button.py), the
// way a keyboard or screen-reader user reaches it.
func pressButton(t *testing.T, name string) {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := exec.Command("/usr/bin/python3", filepath.Join(filepath.Dir(here), "press_button.py"), name).Run()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			text, _ := windowText(t)
			t.Fatalf("no button named %q could be pressed (%v); the window shows:\n%s", name, err, text)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// filesystemSetup writes the data folder's mcp.json with the real npm filesystem server
// over a folder holding notes.txt; autoApprove lists tools that run without a card.
func filesystemSetup(t *testing.T, autoApprove ...string) (dataDir, notes string) {
	t.Helper()
	servers := os.Getenv("QWENDESK_MCP_SERVERS")
	if servers == "" {
		t.Fatal("QWENDESK_MCP_SERVERS is not set: run through make test-e2e, which installs the npm servers")
	}
	bin := filepath.Join(servers, "node_modules", ".bin", "mcp-server-filesystem")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run scripts/mcp-servers.sh %s", bin, servers)
	}
	root, _ := filepath.EvalSymlinks(t.TempDir())
	notes = filepath.Join(root, "notes.txt")
	if err := os.WriteFile(notes, []byte(notesSentence+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dataDir = t.TempDir()
	entry := map[string]any{"command": bin, "args": []string{root}}
	if len(autoApprove) > 0 {
		entry["autoApprove"] = autoApprove
	}
	data, _ := json.MarshalIndent(map[string]any{"mcpServers": map[string]any{"files": entry}}, "", "  ")
	if err := os.WriteFile(filepath.Join(dataDir, "mcp.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dataDir, notes
}

func chatRequests(fake *fakedashscope.Server) []fakedashscope.Recorded {
	var out []fakedashscope.Recorded
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/chat/completions") && r.Stream {
			out = append(out, r)
		}
	}
	return out
}

// toolMessage returns the content of the tool message sent back in the last chat request.
func toolMessage(t *testing.T, fake *fakedashscope.Server) string {
	t.Helper()
	reqs := chatRequests(fake)
	if len(reqs) == 0 {
		t.Fatal("no chat request")
	}
	for _, m := range reqs[len(reqs)-1].Messages {
		if m.Role == "tool" {
			return m.Content
		}
	}
	t.Fatalf("the last request carries no tool message: %+v", reqs[len(reqs)-1].Messages)
	return ""
}

// askToRead sends a question that makes the fake model call read_text_file on notes.
func askToRead(a *app, notes string) {
	a.typeText(`What do my notes say? #tool:read_text_file {"path":"` + notes + `"}`)
	a.press("Return")
}

// A call not auto-approved waits for a click: the card shows the server, the tool and the
// arguments, and the model hears nothing until Allow once; then the real server's result
// reaches the model, the block shows it, and the answer is stored with the call.
func TestToolCallWaitsForApprovalThenRuns(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	dataDir, notes := filesystemSetup(t)
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key, "SOME_COPY_OF_THE_KEY="+key)
	a.waitLog("tool server ready", 1, 60*time.Second)

	askToRead(a, notes)
	text := waitWindowText(t, 30*time.Second, "Run read_text_file from files?", "Allow once", "Always allow this tool", "Deny", "notes.txt")
	if !strings.Contains(text, `"path": "`+notes+`"`) {
		t.Errorf("the card does not show the arguments as indented JSON:\n%s", text)
	}
	before := len(chatRequests(fake))
	time.Sleep(2 * time.Second)
	if now := len(chatRequests(fake)); now != before {
		t.Fatalf("the model was asked again (%d → %d) before the user answered", before, now)
	}
	screenshot(t, "40-tool-approval-card")

	pressButton(t, "Allow once")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn ended %q, want complete", e.str("status"))
	}
	if got := toolMessage(t, fake); !strings.Contains(got, notesSentence) {
		t.Fatalf("the tool message sent to the model = %q, want the file's sentence", got)
	}
	waitWindowText(t, 15*time.Second, "read_text_file", "on files", "Done", "Tool result:", notesSentence)
	if text, _ := windowText(t); strings.Contains(text, "Allow once") {
		t.Errorf("the card is still shown after the answer:\n%s", text)
	}
	time.Sleep(500 * time.Millisecond)
	screenshot(t, "41-tool-call-finished")

	msgs := storedMessages(t, dataDir)
	last := msgs[len(msgs)-1]
	if last.Status != "complete" || len(last.ToolCalls) != 1 || last.ToolCalls[0].Outcome != "ok" || !strings.Contains(last.ToolCalls[0].Result, notesSentence) {
		t.Fatalf("stored reply = %+v", last)
	}
	a.quit()
	// Key leak: the key is in the app's environment twice (DASHSCOPE_API_KEY and a copy):
	// it must reach neither mcp.json nor any file of the data folder.
	assertNoKeyIn(t, dataDir, key)
}

// Deny lets the turn finish, and the model is told the user declined.
func TestToolCallDeniedLetsTheTurnFinish(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	dataDir, notes := filesystemSetup(t)
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.waitLog("tool server ready", 1, 60*time.Second)
	askToRead(a, notes)
	waitWindowText(t, 30*time.Second, "Run read_text_file from files?")
	pressButton(t, "Deny")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn ended %q, want complete", e.str("status"))
	}
	if got := toolMessage(t, fake); !strings.Contains(got, "declined") || strings.Contains(got, notesSentence) {
		t.Fatalf("tool message after Deny = %q, want a refusal and not the file", got)
	}
	waitWindowText(t, 15*time.Second, "Declined")
	a.quit()
}

// An auto-approved tool runs without a card; the Tools page shows the server ready with
// the tool marked to run without asking.
func TestAutoApprovedToolRunsWithoutACard(t *testing.T) {
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	dataDir, notes := filesystemSetup(t, "read_text_file")
	a := launch(t, dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key)
	a.waitLog("tool server ready", 1, 60*time.Second)
	askToRead(a, notes)
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn ended %q", e.str("status"))
	}
	for _, e := range a.logEntries() {
		if e.str("msg") == "tool approval asked" {
			t.Fatal("an auto-approved call asked for approval")
		}
	}
	if got := toolMessage(t, fake); !strings.Contains(got, notesSentence) {
		t.Fatalf("tool message = %q", got)
	}
	waitWindowText(t, 15*time.Second, "read_text_file", "on files", "Done")

	pressButton(t, "Settings")
	waitWindowText(t, 15*time.Second, "MCP servers give the model tools", "files", "Ready", "Add server", "Paste JSON")
	show := ""
	for _, line := range strings.Split(waitWindowText(t, 5*time.Second, "Show its "), "\n") {
		if strings.HasPrefix(line, "Show its ") {
			show = line
		}
	}
	pressButton(t, show)
	time.Sleep(700 * time.Millisecond)
	screenshot(t, "42-tools-settings")
	a.quit()
}
