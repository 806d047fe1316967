package mcpconfig

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseBrokenFilesNameThePlace(t *testing.T) {
	cases := []struct {
		name, text string
		line, col  int
		says       string
	}{
		{"trailing comma", "{\n  \"mcpServers\": {\n    \"fs\": {\"command\": \"npx\"},\n  }\n}", 4, 3, "invalid JSON"},
		{"args not a list", "{\"mcpServers\": {\n\"fs\": {\"command\": \"npx\",\n \"args\": \"-y\"}}}", 3, 10, `"args" must be a list of strings, not a string`},
		{"neither command nor url", "{\"mcpServers\": {\n  \"x\": {\"env\": {}}}}", 2, 8, `neither "command"`},
		{"both", `{"mcpServers": {"x": {"command": "a", "url": "http://h"}}}`, 1, 22, "both"},
		{"mcpServers a list", `{"mcpServers": []}`, 1, 16, "must be a JSON object"},
		{"top a list", `[1]`, 1, 1, "must be a JSON object"},
		{"env values not strings", "{\"mcpServers\": {\"x\": {\"command\": \"a\", \"env\": {\"N\": 1}}}}", 1, 46, `"env" must be an object of strings`},
		{"cut short", `{"mcpServers": {"x": {"command": "a"`, 1, 37, "ends too early"},
		{"bad url", `{"mcpServers": {"x": {"url": "ftp://h"}}}`, 1, 22, "http://"},
		{"text after", `{"mcpServers": {}} x`, 1, 20, "unexpected text after the end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.text))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("want a *ParseError, got %v", err)
			}
			if pe.Line != c.line || pe.Column != c.col || !strings.Contains(pe.Msg, c.says) {
				t.Fatalf("got line %d col %d %q; want line %d col %d containing %q", pe.Line, pe.Column, pe.Msg, c.line, c.col, c.says)
			}
		})
	}
}

func TestParseReadsWhatOtherClientsWrite(t *testing.T) {
	text := `{
  "mcpServers": {
    "filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "env": {"A": "b"}, "cwd": "/tmp"},
    "remote": {"type": "streamableHttp", "url": "https://example.com/mcp", "headers": {"Authorization": "${keychain}"}, "disabled": true, "autoApprove": ["search"], "timeout": 30}
  }
}`
	f, err := Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	ss := f.Servers()
	if len(ss) != 2 || ss[0].Name != "filesystem" || ss[1].Name != "remote" {
		t.Fatalf("servers %+v", ss)
	}
	fs, remote := ss[0], ss[1]
	if fs.IsHTTP() || fs.Command != "npx" || len(fs.Args) != 3 || fs.Env["A"] != "b" || fs.Cwd != "/tmp" {
		t.Fatalf("filesystem %+v", fs)
	}
	if !remote.IsHTTP() || !remote.Disabled || !remote.Approved("search") || remote.Approved("other") || remote.Timeout != 30 || remote.Headers["Authorization"] != KeychainValue {
		t.Fatalf("remote %+v", remote)
	}
}

func TestRewriteKeepsUnknownFieldsAndOrder(t *testing.T) {
	text := `{
  "globalShortcut": "Ctrl+Space",
  "mcpServers": {
    "zeta": {"command": "z", "transportType": "stdio", "args": ["--flag"], "x-note": {"keep": [1, 2.50, "3"]}},
    "alpha": {"url": "http://127.0.0.1:1/mcp", "alwaysAllow": ["a"]},
    "mid": {"command": "m"}
  },
  "theme": {"dark": true}
}`
	f, err := Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	z, _ := f.Server("zeta")
	z.AutoApprove = append(z.AutoApprove, "read_file")
	z.Disabled = true
	if err := f.Put(z); err != nil {
		t.Fatal(err)
	}
	if err := f.Put(Server{Name: "new", Command: "n"}); err != nil {
		t.Fatal(err)
	}
	f.Remove("mid")
	out, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{`"globalShortcut": "Ctrl+Space"`, `"transportType": "stdio"`, `"x-note": {`, `2.50`, `"alwaysAllow": [`, `"theme": {`, `"autoApprove": [`, `"read_file"`, `"disabled": true`} {
		if !strings.Contains(got, want) {
			t.Errorf("rewrite lost %s:\n%s", want, got)
		}
	}
	order := []string{`"globalShortcut"`, `"mcpServers"`, `"zeta"`, `"transportType"`, `"args"`, `"x-note"`, `"disabled"`, `"alpha"`, `"new"`, `"theme"`}
	last := -1
	for _, k := range order {
		i := strings.Index(got, k)
		if i < last {
			t.Fatalf("%s moved out of order:\n%s", k, got)
		}
		last = i
	}
	if strings.Contains(got, `"mid"`) {
		t.Fatalf("removed server still written:\n%s", got)
	}
	again, err := Parse(out)
	if err != nil {
		t.Fatalf("the rewrite does not parse: %v", err)
	}
	z2, _ := again.Server("zeta")
	if !z2.Disabled || !slices.Equal(z2.AutoApprove, []string{"read_file"}) || !slices.Equal(z2.Args, []string{"--flag"}) {
		t.Fatalf("zeta after round trip %+v", z2)
	}
}

func TestPutClearsAFieldTheUserEmptied(t *testing.T) {
	f, _ := Parse([]byte(`{"mcpServers": {"a": {"command": "x", "args": ["1"], "disabled": true}}}`))
	s, _ := f.Server("a")
	s.Args, s.Disabled = nil, false
	_ = f.Put(s)
	out, _ := f.Marshal()
	if strings.Contains(string(out), `"args"`) || !strings.Contains(string(out), `"disabled": false`) {
		t.Fatalf("got %s", out)
	}
}

func TestParsePasteShapes(t *testing.T) {
	cases := []struct {
		name, text, given string
		want              []string
		says              string
	}{
		{"claude desktop block", `{"mcpServers": {"fs": {"command": "npx"}, "gh": {"url": "https://x"}}}`, "", []string{"fs", "gh"}, ""},
		{"vs code", `{"inputs": [], "servers": {"fs": {"type": "stdio", "command": "npx"}}}`, "", []string{"fs"}, ""},
		{"name map", `{"fs": {"command": "npx", "args": ["-y", "x"]}}`, "", []string{"fs"}, ""},
		{"bare member with comma", "\"fs\": {\"command\": \"npx\"},\n", "", []string{"fs"}, ""},
		{"bare server with name", `{"command": "uvx", "args": ["mcp-server-git"]}`, "git", []string{"git"}, ""},
		{"bare server without name", `{"command": "uvx"}`, "", nil, "give it a name"},
		{"rename single", `{"mcpServers": {"fs": {"command": "npx"}}}`, "files", []string{"files"}, ""},
		{"rename several", `{"a": {"command": "x"}, "b": {"command": "y"}}`, "one", nil, "several servers"},
		{"map value not a server", `{"fs": "npx"}`, "", nil, `"fs" should be a server`},
		{"empty", "  ", "", nil, "nothing was pasted"},
		{"no servers", `{"mcpServers": {}}`, "", nil, "no server"},
		{"server without command", `{"fs": {"args": []}}`, "", nil, "neither"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ss, err := ParsePaste([]byte(c.text), c.given)
			if c.says != "" {
				if err == nil || !strings.Contains(err.Error(), c.says) {
					t.Fatalf("want an error saying %q, got %v", c.says, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range ss {
				names = append(names, s.Name)
			}
			if !slices.Equal(names, c.want) {
				t.Fatalf("names %v, want %v", names, c.want)
			}
		})
	}
}

func TestPastedUnknownFieldsReachTheFile(t *testing.T) {
	ss, err := ParsePaste([]byte(`{"fs": {"command": "npx", "alwaysAllow": ["x"]}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	var f File
	if err := f.Put(ss[0]); err != nil {
		t.Fatal(err)
	}
	out, _ := f.Marshal()
	if !strings.Contains(string(out), `"alwaysAllow"`) {
		t.Fatalf("got %s", out)
	}
}

func TestSaveIsPrivateAndAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	var f File
	_ = f.Put(Server{Name: "a", Command: "x"})
	if err := Save(path, &f); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Server("a"); !ok {
		t.Fatal("saved server not read back")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err != nil {
		t.Fatalf("a missing file is an empty configuration, got %v", err)
	}
}
