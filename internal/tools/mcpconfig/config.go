// Package mcpconfig owns the mcp.json file: the mcpServers format other MCP clients use,
// read with exact error positions, rewritten atomically without losing what it does not know.
package mcpconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// FileName is the configuration's name in the data folder.
const FileName = "mcp.json"

// KeychainValue is the header value that means "the real value is in the OS keychain, under
// this server and header name". QwenDesk writes it when a header is added from the UI so a
// token never lands in the file; a value written by hand is used as it is.
const KeychainValue = "${keychain}"

// Server is one entry of mcpServers. Exactly one of Command (stdio) and URL (Streamable
// HTTP, or SSE when Type is "sse") is set.
type Server struct {
	Name    string            `json:"name"`
	Type    string            `json:"type,omitempty"` // as written: "", "stdio", "http", "streamableHttp", "sse"…
	Command string            `json:"command,omitempty"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	Cwd     string            `json:"cwd,omitempty"`
	URL     string            `json:"url,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`

	Disabled      bool     `json:"disabled,omitempty"`
	AutoApprove   []string `json:"autoApprove,omitempty"`   // the server's own tool names, as Cline writes them
	DisabledTools []string `json:"disabledTools,omitempty"` // the server's own tool names
	Timeout       int      `json:"timeout,omitempty"`       // seconds per call, as Cline writes it; 0: the app's default

	members []member // the entry as read: unknown fields and the order of all of them
}

// IsHTTP reports whether the server is reached over HTTP rather than run as a process.
func (s Server) IsHTTP() bool { return s.URL != "" }

// IsSSE reports whether the server uses the older HTTP+SSE transport.
func (s Server) IsSSE() bool { return s.IsHTTP() && strings.EqualFold(s.Type, "sse") }

// Approved reports whether tool runs without asking.
func (s Server) Approved(tool string) bool { return slices.Contains(s.AutoApprove, tool) }

// ToolDisabled reports whether the user switched tool off.
func (s Server) ToolDisabled(tool string) bool { return slices.Contains(s.DisabledTools, tool) }

// File is a parsed mcp.json. Its zero value is an empty configuration.
type File struct {
	top     []member // top-level members; "mcpServers" is rebuilt from servers on Marshal
	servers []Server
}

// Parse reads an mcp.json text. Empty text is an empty configuration. The error is a
// *ParseError naming the line and column when the text is not valid JSON, a field has the
// wrong type, or a server has neither command nor url.
func Parse(data []byte) (*File, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return &File{}, nil
	}
	top, err := parseObject(data, 0, len(data), "mcp.json")
	if err != nil {
		return nil, err
	}
	f := &File{top: top}
	m, ok := get(top, "mcpServers")
	if !ok {
		return f, nil
	}
	f.servers, err = parseServers(data, m, "mcpServers")
	if err != nil {
		return nil, err
	}
	return f, nil
}

func parseServers(data []byte, m member, what string) ([]Server, error) {
	if kindOf(m.Value) == "null" {
		return nil, nil
	}
	entries, err := parseObject(data, m.Offset, m.Offset+len(m.Value), `"`+what+`"`)
	if err != nil {
		return nil, err
	}
	servers := make([]Server, 0, len(entries))
	for _, e := range entries {
		s, err := parseServer(data, e)
		if err != nil {
			return nil, err
		}
		servers = append(servers, s)
	}
	return servers, nil
}

func parseServer(data []byte, e member) (Server, error) {
	name, offset := e.Key, e.Offset
	if strings.TrimSpace(name) == "" {
		return Server{}, errorAt(data, offset, "a server has an empty name")
	}
	ms, err := parseObject(data, offset, offset+len(e.Value), fmt.Sprintf("server %q", name))
	if err != nil {
		return Server{}, err
	}
	s := Server{Name: name, members: ms}
	for _, m := range ms {
		var dst any
		want := ""
		switch m.Key {
		case "type":
			dst, want = &s.Type, "a string"
		case "command":
			dst, want = &s.Command, "a string"
		case "args":
			dst, want = &s.Args, "a list of strings"
		case "env":
			dst, want = &s.Env, `an object of strings ({"NAME": "value"})`
		case "cwd":
			dst, want = &s.Cwd, "a string"
		case "url":
			dst, want = &s.URL, "a string"
		case "headers":
			dst, want = &s.Headers, `an object of strings ({"Header": "value"})`
		case "disabled":
			dst, want = &s.Disabled, "true or false"
		case "autoApprove":
			dst, want = &s.AutoApprove, "a list of tool names"
		case "disabledTools":
			dst, want = &s.DisabledTools, "a list of tool names"
		case "timeout":
			dst, want = &s.Timeout, "a whole number of seconds"
		default:
			continue
		}
		if kindOf(m.Value) == "null" {
			continue
		}
		if err := json.Unmarshal(m.Value, dst); err != nil {
			return Server{}, errorAt(data, m.Offset, "server %q: %q must be %s, not %s", name, m.Key, want, kindOf(m.Value))
		}
	}
	if msg := s.problem(); msg != "" {
		return Server{}, errorAt(data, offset, "%s", msg)
	}
	return s, nil
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// problem says what makes s unusable, or "".
func (s Server) problem() string {
	switch {
	case strings.TrimSpace(s.Command) == "" && strings.TrimSpace(s.URL) == "":
		return fmt.Sprintf("server %q has neither \"command\" (to run a program) nor \"url\" (to reach an HTTP server)", s.Name)
	case s.Command != "" && s.URL != "":
		return fmt.Sprintf("server %q has both \"command\" and \"url\"; keep one", s.Name)
	case s.URL != "" && !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") && !envRef.MatchString(s.URL):
		return fmt.Sprintf("server %q: \"url\" must start with http:// or https://", s.Name)
	case s.Timeout < 0:
		return fmt.Sprintf("server %q: \"timeout\" must not be negative", s.Name)
	}
	return ""
}

// Validate reports a server that could not be started whatever the machine.
func (s Server) Validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return &ParseError{Msg: "the server needs a name"}
	}
	if msg := s.problem(); msg != "" {
		return &ParseError{Msg: msg}
	}
	return nil
}

// Servers returns the servers in file order.
func (f *File) Servers() []Server {
	out := make([]Server, len(f.servers))
	for i, s := range f.servers {
		out[i] = s.clone()
	}
	return out
}

// Server returns the server called name.
func (f *File) Server(name string) (Server, bool) {
	for _, s := range f.servers {
		if s.Name == name {
			return s.clone(), true
		}
	}
	return Server{}, false
}

// Put stores s, replacing the server of the same name in its place (its unknown fields are
// kept) or appending it. A field is rewritten only when its value changed, so an untouched
// field keeps the exact form the user wrote it in.
func (f *File) Put(s Server) error {
	if err := s.Validate(); err != nil {
		return err
	}
	for i := range f.servers {
		if f.servers[i].Name == s.Name {
			f.servers[i] = merge(f.servers[i], s)
			return nil
		}
	}
	f.servers = append(f.servers, merge(Server{Name: s.Name, members: s.members}, s))
	return nil
}

// Remove deletes the server called name and reports whether it was there.
func (f *File) Remove(name string) bool {
	for i := range f.servers {
		if f.servers[i].Name == name {
			f.servers = slices.Delete(f.servers, i, i+1)
			return true
		}
	}
	return false
}

// merge writes next's known fields into old's members.
func merge(old, next Server) Server {
	ms := slices.Clone(old.members)
	field := func(key string, changed, zero bool, v any) {
		_, present := get(ms, key)
		switch {
		case !changed && present:
		case zero && key != "disabled":
			ms = del(ms, key)
		case zero && !present:
		default:
			ms = set(ms, key, marshalNoEscape(v))
		}
	}
	oldDecoded := decodeKnown(old.Name, ms)
	field("type", oldDecoded.Type != next.Type, next.Type == "", next.Type)
	field("command", oldDecoded.Command != next.Command, next.Command == "", next.Command)
	field("args", !slices.Equal(oldDecoded.Args, next.Args), len(next.Args) == 0, next.Args)
	field("env", !maps.Equal(oldDecoded.Env, next.Env), len(next.Env) == 0, next.Env)
	field("cwd", oldDecoded.Cwd != next.Cwd, next.Cwd == "", next.Cwd)
	field("url", oldDecoded.URL != next.URL, next.URL == "", next.URL)
	field("headers", !maps.Equal(oldDecoded.Headers, next.Headers), len(next.Headers) == 0, next.Headers)
	field("disabled", oldDecoded.Disabled != next.Disabled, !next.Disabled, next.Disabled)
	field("autoApprove", !slices.Equal(oldDecoded.AutoApprove, next.AutoApprove), len(next.AutoApprove) == 0, next.AutoApprove)
	field("disabledTools", !slices.Equal(oldDecoded.DisabledTools, next.DisabledTools), len(next.DisabledTools) == 0, next.DisabledTools)
	field("timeout", oldDecoded.Timeout != next.Timeout, next.Timeout == 0, next.Timeout)
	out := next.clone()
	out.members = ms
	return out
}

// decodeKnown reads the known fields of ms, ignoring the ones of the wrong type (they were
// checked when the file was parsed).
func decodeKnown(name string, ms []member) Server {
	s := Server{Name: name}
	targets := map[string]any{
		"type": &s.Type, "command": &s.Command, "args": &s.Args, "env": &s.Env, "cwd": &s.Cwd,
		"url": &s.URL, "headers": &s.Headers, "disabled": &s.Disabled, "autoApprove": &s.AutoApprove,
		"disabledTools": &s.DisabledTools, "timeout": &s.Timeout,
	}
	for _, m := range ms {
		if dst, ok := targets[m.Key]; ok {
			_ = json.Unmarshal(m.Value, dst)
		}
	}
	return s
}

func (s Server) clone() Server {
	c := s
	c.Args = slices.Clone(s.Args)
	c.Env = maps.Clone(s.Env)
	c.Headers = maps.Clone(s.Headers)
	c.AutoApprove = slices.Clone(s.AutoApprove)
	c.DisabledTools = slices.Clone(s.DisabledTools)
	c.members = slices.Clone(s.members)
	return c
}

// Marshal writes the configuration as indented JSON: the top-level members in their order
// with mcpServers rebuilt (first for a new file), each server's members in their order.
func (f *File) Marshal() ([]byte, error) {
	var servers bytes.Buffer
	servers.WriteByte('{')
	for i, s := range f.servers {
		if i > 0 {
			servers.WriteByte(',')
		}
		k, _ := json.Marshal(s.Name)
		servers.Write(k)
		servers.WriteByte(':')
		if err := encodeObject(&servers, s.members); err != nil {
			return nil, fmt.Errorf("server %q: %w", s.Name, err)
		}
	}
	servers.WriteByte('}')

	top := slices.Clone(f.top)
	if _, ok := get(top, "mcpServers"); ok {
		top = set(top, "mcpServers", servers.Bytes())
	} else {
		top = append([]member{{Key: "mcpServers", Value: servers.Bytes()}}, top...)
	}
	var compact, out bytes.Buffer
	if err := encodeObject(&compact, top); err != nil {
		return nil, err
	}
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
