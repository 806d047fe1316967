package tools

import (
	"regexp"
	"runtime"
	"slices"
	"strings"

	"qwendesk/internal/tools/mcpconfig"
)

// hiddenEnv are the names the DashScope key is read from. They are never passed to a server:
// a server is someone else's program and has no business with the user's model account.
var hiddenEnv = []string{"DASHSCOPE_API_KEY", "API_KEY"}

// childEnv builds a stdio server's environment: the app's environment without the names in
// hidden and without any variable whose value is one of secrets (the key under another
// name), then PATH (the search path the command was found on, so `#!/usr/bin/env node`
// works from a GUI launch), then the server's own env with ${NAME} references expanded.
func childEnv(base []string, hidden, secrets []string, path string, own map[string]string) []string {
	secrets = slices.DeleteFunc(slices.Clone(secrets), func(s string) bool { return s == "" })
	out := make([]string, 0, len(base)+len(own)+1)
	lookup := map[string]string{}
	for _, kv := range base {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || isHidden(name, hidden) || slices.Contains(secrets, value) {
			continue
		}
		lookup[envKey(name)] = value
		if envKey(name) == "PATH" && path != "" {
			continue
		}
		out = append(out, kv)
	}
	if path != "" {
		out = append(out, "PATH="+path)
	}
	for _, name := range sortedKeys(own) {
		out = setEnv(out, name, expand(own[name], func(n string) string {
			if isHidden(n, hidden) {
				return ""
			}
			return lookup[envKey(n)]
		}))
	}
	return out
}

func isHidden(name string, hidden []string) bool {
	for _, h := range hidden {
		if envKey(name) == envKey(h) {
			return true
		}
	}
	return false
}

// envKey folds case where the OS does: Windows environment names are case-insensitive.
func envKey(name string) string {
	if runtime.GOOS == "windows" {
		return strings.ToUpper(name)
	}
	return name
}

func setEnv(env []string, name, value string) []string {
	for i, kv := range env {
		if n, _, _ := strings.Cut(kv, "="); envKey(n) == envKey(name) {
			env[i] = name + "=" + value
			return env
		}
	}
	return append(env, name+"="+value)
}

// expand replaces ${NAME} references (the form Claude Desktop and Cursor users write) using
// get; everything else, including a lone $, is kept as written.
func expand(s string, get func(string) string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	return envRefRe.ReplaceAllStringFunc(s, func(ref string) string {
		return get(ref[2 : len(ref)-1])
	})
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// headerValue resolves one configured header value: KeychainValue reads the keychain,
// ${NAME} reads the app's environment (never the key's names), anything else is as written.
func (m *Manager) headerValue(server, header, value string) (string, error) {
	if value == mcpconfig.KeychainValue {
		return m.secrets.get(server, header)
	}
	return expand(value, m.refValue), nil
}

// refValue is what ${NAME} in a header or URL stands for: the app's environment, but never the
// key's names nor any variable holding a secret's value, since these go to a remote server.
func (m *Manager) refValue(name string) string {
	if isHidden(name, m.hidden) {
		return ""
	}
	v := m.getenv(name)
	if v != "" && m.o.SecretValues != nil && slices.Contains(m.o.SecretValues(), v) {
		return ""
	}
	return v
}

var envRefRe = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`)
