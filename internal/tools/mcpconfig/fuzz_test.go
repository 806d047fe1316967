package mcpconfig

import (
	"errors"
	"testing"
)

// FuzzParse: whatever the text, Parse and ParsePaste return servers or a *ParseError (never
// panic), and a file that parses survives Marshal → Parse with the same servers.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"mcpServers": {"fs": {"command": "npx", "args": ["-y"], "env": {"A": "b"}}}}`,
		`{"mcpServers": {"r": {"url": "https://x", "headers": {"H": "${keychain}"}, "autoApprove": ["t"]}}, "x": [1]}`,
		`{"servers": {"a": {"command": "b"}}}`,
		`"fs": {"command": "npx"},`,
		`{"command": "uvx"}`,
		`{"mcpServers": {"a": {"command": "x", "command": "y"}}}`,
		"{\"mcpServers\": {\n\"a\": {\"args\": 1}}}",
		``, `[`, `{"mcpServers": null}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var pe *ParseError
		if _, err := ParsePaste([]byte(text), "n"); err != nil && !errors.As(err, &pe) {
			t.Fatalf("ParsePaste: not a *ParseError: %T %v", err, err)
		}
		file, err := Parse([]byte(text))
		if err != nil {
			if !errors.As(err, &pe) {
				t.Fatalf("Parse: not a *ParseError: %T %v", err, err)
			}
			if pe.Line < 0 || pe.Column < 0 {
				t.Fatalf("negative position %+v", pe)
			}
			return
		}
		out, err := file.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed file: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("the rewrite does not parse: %v\n%s", err, out)
		}
		a, b := file.Servers(), again.Servers()
		if len(a) != len(b) {
			t.Fatalf("%d servers became %d", len(a), len(b))
		}
		for i := range a {
			if a[i].Name != b[i].Name || a[i].Command != b[i].Command || a[i].URL != b[i].URL || len(a[i].Args) != len(b[i].Args) || a[i].Disabled != b[i].Disabled {
				t.Fatalf("server %d changed: %+v → %+v", i, a[i], b[i])
			}
		}
	})
}
