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

func TestABrokenConfigIsKeptAndNeverOverwritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, mcpconfig.FileName)
	broken := "{\n  \"mcpServers\": {\n    \"fs\": {\"command\": \"npx\",}\n  }\n}\n"
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	m := newManager(t, Options{Dir: dir})
	c := m.Config()
	if c.Problem == nil || c.Problem.Kind != KindConfigBroken || c.Problem.Line != 3 || !strings.Contains(c.Problem.Message, path) {
		t.Fatalf("problem %+v; want config_broken at line 3 naming the file", c.Problem)
	}
	if ss, _ := m.Servers(); len(ss) != 0 {
		t.Fatalf("servers from a broken file: %v", ss)
	}
	for name, err := range map[string]error{
		"add":     func() error { _, err := m.AddServer(ServerInput{Name: "x", Command: "true"}); return err }(),
		"paste":   func() error { _, err := m.AddPasted(`{"y": {"command": "true"}}`, ""); return err }(),
		"enable":  func() error { _, err := m.SetServerEnabled("fs", false); return err }(),
		"approve": func() error { _, err := m.SetToolAutoApprove("fs", "t", true); return err }(),
	} {
		if KindOf(err) != KindConfigBroken {
			t.Errorf("%s on a broken file: %v (kind %q)", name, err, KindOf(err))
		}
	}
	if data, _ := os.ReadFile(path); string(data) != broken {
		t.Fatalf("the broken file was changed:\n%s", data)
	}

	// The user fixes it by hand and reloads.
	if err := os.WriteFile(path, []byte(`{"mcpServers": {"fs": {"command": "true", "disabled": true}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := m.Reload(); err != nil || c.Problem != nil {
		t.Fatalf("reload: %v %+v", err, c.Problem)
	}
	if st, err := m.Server("fs"); err != nil || st.State != StateDisabled {
		t.Fatalf("after reload: %+v %v", st, err)
	}

	// Broken again; this time the user chooses to replace it.
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Reload(); KindOf(err) != KindConfigBroken {
		t.Fatalf("reload of a broken file: %v", err)
	}
	backup, err := m.ReplaceBrokenConfig()
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(backup); string(data) != broken {
		t.Fatalf("the broken file was not kept at %s", backup)
	}
	if _, err := m.AddServer(ServerInput{Name: "x", Command: "true"}); err != nil {
		t.Fatalf("add after replace: %v", err)
	}
}

func TestSettingsRoundTripKeepsWhatOtherClientsWrote(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, mcpconfig.FileName)
	orig := `{
  "mcpServers": {
    "fake": {"command": "` + os.Args[0] + `", "env": {"` + fakeEnv + `": "ok"}, "transportType": "stdio", "alwaysAllow": []},
    "other": {"command": "true", "disabled": true, "x-cherry": {"id": 7}}
  },
  "globalShortcut": "Alt+Space"
}`
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []State
	m := newManager(t, Options{Dir: dir, OnStatus: func(st ServerStatus) {
		if st.Name == "fake" {
			mu.Lock()
			seen = append(seen, st.State)
			mu.Unlock()
		}
	}})
	st := waitState(t, m, "fake", StateReady)
	if _, err := m.SetToolEnabled("fake", "crash", false); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SetToolAutoApprove("fake", "echo", true); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SetToolEnabled("fake", "nope", false); err != nil {
		t.Fatal(err) // a tool the server does not list (yet) may be switched off too
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{`"transportType": "stdio"`, `"alwaysAllow": []`, `"x-cherry": {`, `"globalShortcut": "Alt+Space"`, `"disabledTools": [`, `"autoApprove": [`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("mcp.json lost or lacks %s:\n%s", want, data)
		}
	}
	if strings.Index(string(data), `"fake"`) > strings.Index(string(data), `"other"`) {
		t.Errorf("server order changed:\n%s", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}

	defs := m.Definitions(context.Background(), "c")
	for _, d := range defs {
		if d.Name == "fake__crash" {
			t.Fatal("a disabled tool is offered to the model")
		}
		if !strings.Contains(string(d.Parameters), `"type":"object"`) {
			t.Errorf("%s parameters %s", d.Name, d.Parameters)
		}
	}
	if len(defs) != len(st.Tools)-1 {
		t.Fatalf("%d definitions for %d tools, one disabled", len(defs), len(st.Tools))
	}
	if res := m.Run(context.Background(), toolcall.Call{Name: "fake__crash", Arguments: "{}"}); res.Outcome != toolcall.OutcomeInvalid || !strings.Contains(res.Content, "switched off") {
		t.Fatalf("calling a disabled tool: %s %q", res.Outcome, res.Content)
	}
	st, _ = m.Server("fake")
	for _, tl := range st.Tools {
		if tl.Name == "echo" && (!tl.AutoApproved || !tl.Enabled) || tl.Name == "crash" && tl.Enabled {
			t.Errorf("tool info %+v", tl)
		}
	}

	// Switching the server off stops it and hides its tools; on starts it again.
	if st, err := m.SetServerEnabled("fake", false); err != nil || st.State != StateDisabled {
		t.Fatalf("disable: %+v %v", st, err)
	}
	if defs := m.Definitions(context.Background(), "c"); len(defs) != 0 {
		t.Fatalf("a disabled server's tools are offered: %v", defs)
	}
	if _, err := m.SetServerEnabled("fake", true); err != nil {
		t.Fatal(err)
	}
	waitState(t, m, "fake", StateReady)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 3 || seen[len(seen)-1] != StateReady {
		t.Fatalf("status events %v; want starting/ready/disabled…, ending ready", seen)
	}
}

func TestConversationWithToolsOff(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, named("fake", approved(fakeCmd("ok"), "echo")))
	m := newManager(t, Options{Dir: dir, ToolsEnabled: func(id string) bool { return id != "quiet" }})
	waitState(t, m, "fake", StateReady)
	if d := m.Definitions(context.Background(), "quiet"); len(d) != 0 {
		t.Fatalf("tools offered in a conversation with tools off: %v", d)
	}
	if d := m.Definitions(context.Background(), "busy"); len(d) == 0 {
		t.Fatal("no tools in a conversation with tools on")
	}
	res := m.Run(context.Background(), toolcall.Call{ConversationID: "quiet", Name: "fake__echo", Arguments: `{"text":"x"}`})
	if res.Outcome != toolcall.OutcomeInvalid || !strings.Contains(res.Content, "turned off") {
		t.Fatalf("%s %q", res.Outcome, res.Content)
	}
}

func TestASlowServerBlocksNobody(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, named("slow", fakeCmd("slow")), named("quick", fakeCmd("ok")))
	start := time.Now()
	m := newManager(t, Options{Dir: dir})
	if time.Since(start) > time.Second {
		t.Fatalf("Start blocked for %s", time.Since(start))
	}
	waitState(t, m, "quick", StateReady)
	if st, _ := m.Server("slow"); st.State != StateStarting {
		t.Fatalf("slow is %s; the test needs it still starting", st.State)
	}
	for _, d := range m.Definitions(context.Background(), "c") {
		if strings.HasPrefix(d.Name, "slow__") {
			t.Fatalf("a starting server's tool is offered: %s", d.Name)
		}
	}
	if len(m.Definitions(context.Background(), "c")) == 0 {
		t.Fatal("the ready server's tools are not offered while another starts")
	}
	waitState(t, m, "slow", StateReady)
}

func TestAddingServersFromTheUI(t *testing.T) {
	dir := t.TempDir()
	m := newManager(t, Options{Dir: dir})
	pasted := `"fake": {"command": "` + os.Args[0] + `", "env": {"` + fakeEnv + `": "ok"}, "autoApprove": ["echo"]},`
	sts, err := m.AddPasted(pasted, "")
	if err != nil || len(sts) != 1 || sts[0].Name != "fake" {
		t.Fatalf("%+v %v", sts, err)
	}
	waitState(t, m, "fake", StateReady)
	if res := m.Run(context.Background(), toolcall.Call{Name: "fake__echo", Arguments: `{"text":"pasted"}`}); res.Content != "echo: pasted" {
		t.Fatalf("%s %q", res.Outcome, res.Content)
	}
	if _, err := m.AddPasted(pasted, ""); KindOf(err) != KindExists {
		t.Fatalf("adding twice: %v", err)
	}
	_, err = m.AddPasted(`{"mcpServers": {"bad": {"args": ["x"]}}}`, "")
	var e *Error
	if KindOf(err) != KindInvalid || !strings.Contains(err.Error(), "neither") {
		t.Fatalf("a server without command: %v", err)
	}
	_, err = m.AddPasted("{\n  \"a\": {\"command\": \"x\"\n}", "")
	if e, _ = err.(*Error); e == nil || e.Line == 0 {
		t.Fatalf("a syntax error without a place: %#v", err)
	}
	if _, err := m.AddServer(ServerInput{Name: "h", URL: "http://127.0.0.1:1/mcp", Headers: []HeaderInput{{Name: "Authorization", Value: "Bearer x"}}}); KindOf(err) != KindKeychain {
		t.Fatalf("a token with no keychain: %v; want it refused rather than written to the file", err)
	}
	if err := m.RemoveServer("fake"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Server("fake"); KindOf(err) != KindUnknownServer {
		t.Fatalf("after remove: %v", err)
	}
	if ss, _ := m.Servers(); len(ss) != 0 {
		t.Fatalf("servers after remove: %+v", ss)
	}
}

// The edit form gets a server back as the user set it, except a token kept in the
// keychain: it stays there (an empty value keeps it on save), and a ${NAME} reference
// comes back as written.
func TestInputForTheEditFormNeverCarriesAToken(t *testing.T) {
	dir := t.TempDir()
	m := newManager(t, Options{Dir: dir, Secrets: &memSecrets{}})
	const token = "Bearer ghp-edit-form-token"
	if _, err := m.AddServer(ServerInput{Name: "remote", URL: "http://127.0.0.1:1/mcp", Headers: []HeaderInput{
		{Name: "Authorization", Value: token}, {Name: "X-Team", Value: "${TEAM_ID}"}}}); err != nil {
		t.Fatal(err)
	}
	in, err := m.Input("remote")
	if err != nil {
		t.Fatal(err)
	}
	if in.URL != "http://127.0.0.1:1/mcp" || len(in.Headers) != 2 {
		t.Fatalf("input = %+v", in)
	}
	for _, h := range in.Headers {
		switch h.Name {
		case "Authorization":
			if h.Value != "" {
				t.Errorf("the keychain token came back to the form: %q", h.Value)
			}
		case "X-Team":
			if h.Value != "${TEAM_ID}" {
				t.Errorf("the env reference = %q, want it as written", h.Value)
			}
		}
	}
	if _, err := m.Input("nobody"); KindOf(err) != KindUnknownServer {
		t.Fatalf("unknown server: %v", err)
	}
}
