package mcpconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// ParsePaste reads servers from JSON pasted from an MCP server's README or another client's
// settings. It accepts a whole {"mcpServers": {...}} block, VS Code's {"servers": {...}}, a
// {"name": {...}} map, a bare `"name": {...}` member without the outer braces, or, when name
// is given, a bare server object {"command": ...}. name, when given, renames a single pasted
// server. Every server is validated; the error is a *ParseError.
func ParsePaste(text []byte, name string) ([]Server, error) {
	data := bytes.TrimSpace(text)
	if len(data) == 0 {
		return nil, &ParseError{Msg: "nothing was pasted"}
	}
	// READMEs often show `"name": {...}` as it sits inside mcpServers, sometimes with the
	// trailing comma of the next entry.
	if data[0] == '"' {
		data = append(append([]byte("{"), bytes.TrimRight(data, ", \t\r\n")...), '}')
	}
	top, err := parseObject(data, 0, len(data), "the pasted text")
	if err != nil {
		return nil, err
	}
	var servers []Server
	switch {
	case has(top, "mcpServers"):
		m, _ := get(top, "mcpServers")
		servers, err = parseServers(data, m, "mcpServers")
	case has(top, "servers") && kindOf(mustGet(top, "servers").Value) == "an object":
		servers, err = parseServers(data, mustGet(top, "servers"), "servers")
	case has(top, "command") || has(top, "url"):
		if strings.TrimSpace(name) == "" {
			return nil, &ParseError{Msg: "this is a single server without a name: give it a name"}
		}
		s, err := parseServer(data, member{Key: name, Value: data})
		if err != nil {
			return nil, err
		}
		return []Server{s}, nil
	default:
		for _, m := range top {
			if kindOf(m.Value) != "an object" {
				return nil, errorAt(data, m.Offset, "%q should be a server ({\"command\": ...} or {\"url\": ...}), not %s", m.Key, kindOf(m.Value))
			}
		}
		servers, err = parseServers(data, member{Value: data}, "the pasted text")
	}
	if err != nil {
		return nil, err
	}
	if len(servers) == 0 {
		return nil, &ParseError{Msg: "the pasted text holds no server"}
	}
	if name = strings.TrimSpace(name); name != "" {
		if len(servers) > 1 {
			return nil, &ParseError{Msg: "the pasted text holds several servers; leave the name empty to add them all"}
		}
		servers[0].Name = name
	}
	return servers, nil
}

func has(ms []member, key string) bool { _, ok := get(ms, key); return ok }

func mustGet(ms []member, key string) member { m, _ := get(ms, key); return m }

// Load reads the file at path. A missing file is an empty configuration; a broken one is a
// *ParseError and the caller must not write over it.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return &File{}, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Save writes f to path atomically: a temporary file in the same folder, synced, renamed
// over the old one, so a crash leaves either the old file or the new one. Mode 0600: the
// file may hold tokens the user wrote by hand.
func Save(path string, f *File) error {
	data, err := f.Marshal()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // the rename is durable once the folder is synced; best effort on Windows
		d.Close()
	}
	return nil
}
