package tools

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qwendesk/internal/toolcall"
	"qwendesk/internal/tools/mcpconfig"
)

// serversEnv names the folder scripts/mcp-servers.sh installed the reference servers into.
const serversEnv = "QWENDESK_MCP_SERVERS"

// npmServer returns the path of an installed reference server's program, or skips the test
// (fails it under CI, where a skipped integration test would hide a broken setup).
func npmServer(t *testing.T, bin string) string {
	t.Helper()
	dir := os.Getenv(serversEnv)
	if dir == "" {
		msg := "SKIPPING the integration tests against the real npm MCP servers: set " + serversEnv +
			"=DIR after running scripts/mcp-servers.sh DIR (make test does both)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	p := filepath.Join(dir, "node_modules", ".bin", bin)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is set but %s is missing: run scripts/mcp-servers.sh %s", serversEnv, p, dir)
	}
	return p
}

// fsServer configures the filesystem server on a folder holding notes.txt.
func fsServer(t *testing.T) (mcpconfig.Server, string) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "notes.txt"), []byte("buy milk\n买牛奶\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The server resolves symlinks in its roots; so do we, for the paths we send.
	root, _ = filepath.EvalSymlinks(root)
	return mcpconfig.Server{Name: "files", Command: npmServer(t, "mcp-server-filesystem"), Args: []string{root}}, root
}

func TestFilesystemServer(t *testing.T) {
	srv, root := fsServer(t)
	dir := t.TempDir()
	writeConfig(t, dir, srv)

	asked := make(chan ApprovalRequest, 10)
	var (
		mu     sync.Mutex
		answer Decision = AllowOnce
		never  bool
	)
	decide := func(d Decision, wait bool) {
		mu.Lock()
		answer, never = d, wait
		mu.Unlock()
	}
	approver := ApproverFunc(func(ctx context.Context, req ApprovalRequest) (Decision, error) {
		asked <- req
		mu.Lock()
		d, wait := answer, never
		mu.Unlock()
		if wait {
			<-ctx.Done()
			return "", ctx.Err()
		}
		return d, nil
	})
	m := newManager(t, Options{Dir: dir, Approver: approver})
	st := waitState(t, m, "files", StateReady)
	var names []string
	for _, tl := range st.Tools {
		names = append(names, tl.APIName)
	}
	if !strings.Contains(strings.Join(names, ","), "files__read_text_file") || !strings.Contains(strings.Join(names, ","), "files__list_directory") {
		t.Fatalf("tools %v", names)
	}
	read := toolcall.Call{ID: "call_1", ConversationID: "c1", Name: "files__read_text_file", Arguments: args(map[string]string{"path": filepath.Join(root, "notes.txt")})}

	// Allow once: the user sees the exact arguments; nothing is written to mcp.json.
	res := m.Run(context.Background(), read)
	if res.Outcome != toolcall.OutcomeOK || !strings.Contains(res.Content, "买牛奶") {
		t.Fatalf("allow once: %s %q", res.Outcome, res.Content)
	}
	req := <-asked
	if req.Server != "files" || req.Tool != "read_text_file" || !strings.Contains(req.Arguments, "notes.txt") || req.CallID != "call_1" {
		t.Fatalf("approval request %+v", req)
	}
	if res.Duration <= 0 {
		t.Fatal("duration not measured")
	}

	// Deny.
	decide(Deny, false)
	res = m.Run(context.Background(), read)
	if res.Outcome != toolcall.OutcomeDenied || !strings.Contains(res.Content, "declined") {
		t.Fatalf("deny: %s %q", res.Outcome, res.Content)
	}
	<-asked

	// No answer until Stop.
	decide(Deny, true)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	res = m.Run(ctx, read)
	if res.Outcome != toolcall.OutcomeCancelled || time.Since(start) > 2*time.Second {
		t.Fatalf("stop while asking: %s after %s", res.Outcome, time.Since(start))
	}
	<-asked

	// Always allow: saved in mcp.json, and not asked again.
	decide(AlwaysAllow, false)
	if res = m.Run(context.Background(), read); res.Outcome != toolcall.OutcomeOK {
		t.Fatalf("always allow: %s %q", res.Outcome, res.Content)
	}
	<-asked
	f, err := mcpconfig.Load(filepath.Join(dir, mcpconfig.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Server("files"); !s.Approved("read_text_file") {
		t.Fatalf("Always allow was not written to autoApprove: %+v", s)
	}
	if res = m.Run(context.Background(), read); res.Outcome != toolcall.OutcomeOK {
		t.Fatalf("after always allow: %s", res.Outcome)
	}
	select {
	case r := <-asked:
		t.Fatalf("asked again after Always allow: %+v", r)
	default:
	}

	// A path outside the server's roots is the tool's error, told to the model.
	outside := read
	outside.Arguments = args(map[string]string{"path": "/etc/passwd"})
	if res = m.Run(context.Background(), outside); res.Outcome != toolcall.OutcomeToolError || !strings.Contains(strings.ToLower(res.Content), "denied") {
		t.Fatalf("outside the roots: %s %q", res.Outcome, res.Content)
	}
}

func TestEverythingServer(t *testing.T) {
	bin := npmServer(t, "mcp-server-everything")
	const key = "sk-everything-secret-123"
	t.Setenv("DASHSCOPE_API_KEY", key)
	t.Setenv("API_KEY", key)
	dir := t.TempDir()
	writeConfig(t, dir, mcpconfig.Server{Name: "everything", Command: bin, AutoApprove: []string{"echo", "trigger-long-running-operation", "get-env", "get-tiny-image"}})
	m := newManager(t, Options{Dir: dir})
	waitState(t, m, "everything", StateReady)

	res := m.Run(context.Background(), toolcall.Call{Name: "everything__echo", Arguments: `{"message": "你好 <b>"}`})
	if res.Outcome != toolcall.OutcomeOK || res.Content != "Echo: 你好 <b>" {
		t.Fatalf("echo: %s %q", res.Outcome, res.Content)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	res = m.Run(ctx, toolcall.Call{Name: "everything__trigger-long-running-operation", Arguments: `{"duration": 30, "steps": 30}`})
	if res.Outcome != toolcall.OutcomeCancelled || time.Since(start) > 2*time.Second {
		t.Fatalf("long operation stopped: %s after %s", res.Outcome, time.Since(start))
	}

	res = m.Run(context.Background(), toolcall.Call{Name: "everything__get-env", Arguments: `{}`})
	if res.Outcome != toolcall.OutcomeOK || !strings.Contains(res.Content, "PATH") {
		t.Fatalf("get-env: %s %q", res.Outcome, res.Content)
	}
	if strings.Contains(res.Content, key) || strings.Contains(res.Content, `"DASHSCOPE_API_KEY"`) || strings.Contains(res.Content, `"API_KEY"`) {
		t.Fatal("the DashScope key reached a real server's environment")
	}

	res = m.Run(context.Background(), toolcall.Call{Name: "everything__get-tiny-image", Arguments: `{}`})
	if res.Outcome != toolcall.OutcomeOK || !strings.Contains(res.Content, "[image: image/png") {
		t.Fatalf("image: %s %q", res.Outcome, res.Content)
	}
}
