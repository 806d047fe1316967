package secrets

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxDotEnvSize caps how much of a .env file is read; a real one is a few hundred bytes.
const maxDotEnvSize = 1 << 20

// findDotEnvKey looks in dir/.env for each dir in order and returns the first usable key,
// preferring DASHSCOPE_API_KEY over API_KEY within a file, and the entries it passed over on
// the way. Missing or unreadable files are skipped: a .env file is optional.
func findDotEnvKey(dirs []string) (key, path string, rejected []RejectedKey, ok bool) {
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, ".env")
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		vars := parseDotEnv(io.LimitReader(f, maxDotEnvSize))
		f.Close()
		for _, name := range []string{EnvDashScope, EnvAPIKey} {
			raw := vars[name]
			if raw == "" {
				continue
			}
			k, err := sharedKey(raw)
			if err == nil {
				return k, p, rejected, true
			}
			rejected = append(rejected, RejectedKey{Source: SourceDotEnv, Name: name, Path: p, Reason: reasonOf(err)})
		}
	}
	return "", "", rejected, false
}

// parseDotEnv reads KEY=VALUE lines the way common dotenv loaders do: blank lines and
// "#" comments are skipped, an "export " prefix is allowed, values may be single- or
// double-quoted, unquoted values end at " #", CRLF and a UTF-8 BOM (Windows editors) are
// tolerated. A later line for the same name wins, as it would in a shell.
func parseDotEnv(r io.Reader) map[string]string {
	vars := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxDotEnvSize)
	first := true
	for sc.Scan() {
		line := sc.Bytes()
		if first {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
			first = false
		}
		name, value, ok := parseDotEnvLine(string(line))
		if ok {
			vars[name] = value
		}
	}
	return vars
}

func parseDotEnvLine(line string) (name, value string, ok bool) {
	line = strings.TrimSpace(line) // also drops the \r of CRLF
	if line == "" || line[0] == '#' {
		return "", "", false
	}
	if rest, found := strings.CutPrefix(line, "export"); found && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		line = strings.TrimSpace(rest)
	}
	name, value, found := strings.Cut(line, "=")
	if !found {
		return "", "", false
	}
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t") {
		return "", "", false
	}
	return name, dotEnvValue(strings.TrimSpace(value)), true
}

func dotEnvValue(v string) string {
	if v == "" {
		return ""
	}
	if q := v[0]; q == '"' || q == '\'' {
		if end := strings.IndexByte(v[1:], q); end >= 0 {
			return v[1 : 1+end]
		}
		return "" // unbalanced quote: a broken line, not a key
	}
	for i := 1; i < len(v); i++ {
		if v[i] == '#' && (v[i-1] == ' ' || v[i-1] == '\t') {
			return strings.TrimSpace(v[:i])
		}
	}
	return v
}
