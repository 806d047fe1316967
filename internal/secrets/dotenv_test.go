package secrets

import (
	"strings"
	"testing"
)

func TestParseDotEnv(t *testing.T) {
	tests := []struct {
		name, content string
		want          map[string]string
	}{
		{"plain", "DASHSCOPE_API_KEY=sk-abc", map[string]string{"DASHSCOPE_API_KEY": "sk-abc"}},
		{"spaces around =", "API_KEY = sk-abc  ", map[string]string{"API_KEY": "sk-abc"}},
		{"export prefix", "export DASHSCOPE_API_KEY=sk-abc", map[string]string{"DASHSCOPE_API_KEY": "sk-abc"}},
		{"export with tab", "export\tAPI_KEY=sk-abc", map[string]string{"API_KEY": "sk-abc"}},
		{"variable named export…", "exporter=1", map[string]string{"exporter": "1"}},
		{"double quotes", `API_KEY="sk-abc"`, map[string]string{"API_KEY": "sk-abc"}},
		{"single quotes", `API_KEY='sk-abc'`, map[string]string{"API_KEY": "sk-abc"}},
		{"quoted with trailing comment", `API_KEY="sk-abc" # prod`, map[string]string{"API_KEY": "sk-abc"}},
		{"unquoted with trailing comment", "API_KEY=sk-abc # prod", map[string]string{"API_KEY": "sk-abc"}},
		{"hash without space is part of value", "API_KEY=sk-a#bc", map[string]string{"API_KEY": "sk-a#bc"}},
		{"unbalanced quote is dropped", `API_KEY="sk-abc`, map[string]string{"API_KEY": ""}},
		{"comments and blank lines", "# comment\n\n  # indented\nAPI_KEY=sk-abc\n", map[string]string{"API_KEY": "sk-abc"}},
		{"CRLF", "A=1\r\nAPI_KEY=sk-abc\r\n", map[string]string{"A": "1", "API_KEY": "sk-abc"}},
		{"UTF-8 BOM", "\ufeffAPI_KEY=sk-abc", map[string]string{"API_KEY": "sk-abc"}},
		{"last assignment wins", "API_KEY=old\nAPI_KEY=new", map[string]string{"API_KEY": "new"}},
		{"empty value", "API_KEY=", map[string]string{"API_KEY": ""}},
		{"no equals sign", "API_KEY sk-abc", map[string]string{}},
		{"space in name", "MY KEY=1", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseDotEnv(strings.NewReader(tt.content))
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Fatalf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
