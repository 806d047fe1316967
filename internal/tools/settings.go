package tools

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"qwendesk/internal/tools/mcpconfig"
)

// ServerInput is a server as the add/edit form gives it. Set Command (stdio) or URL (HTTP).
type ServerInput struct {
	Name    string            `json:"name"`
	Command string            `json:"command,omitempty"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	Cwd     string            `json:"cwd,omitempty"`
	URL     string            `json:"url,omitempty"`
	SSE     bool              `json:"sse,omitempty"` // the older HTTP+SSE transport
	Headers []HeaderInput     `json:"headers,omitempty"`
	Timeout int               `json:"timeout,omitempty"` // seconds per call; 0: the default
}

// HeaderInput is one HTTP header from the form. Its value is stored in the keychain, never
// in mcp.json, unless it is a ${NAME} reference to the environment. On edit, an empty Value
// keeps the value stored before.
type HeaderInput struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ConfigState is mcp.json as the settings page shows it.
type ConfigState struct {
	Path    string `json:"path"`
	Problem *Error `json:"problem,omitempty"` // set while the file is broken: writes are refused
}

// CommandPreview is what a new stdio server would run, for the confirm step before saving.
type CommandPreview struct {
	Name    string   `json:"name"`    // the server's name in mcp.json
	Path    string   `json:"path"`    // the resolved program
	Args    []string `json:"args"`    //
	Cwd     string   `json:"cwd"`     //
	Line    string   `json:"line"`    // the whole command line, quoted as a shell would take it
	EnvSet  []string `json:"envSet"`  // names the server's env sets (values not shown: they may be tokens)
	Removed []string `json:"removed"` // names kept from the server (the DashScope key's)
	URL     string   `json:"url,omitempty"`
}

// Config reports where mcp.json is and whether it could be read.
func (m *Manager) Config() ConfigState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return ConfigState{Path: m.path, Problem: m.broken}
}

// Reload reads mcp.json again (after the user edited it by hand) and applies it.
func (m *Manager) Reload() (ConfigState, error) {
	m.cfgMu.Lock()
	defer m.cfgMu.Unlock()
	if _, err := m.load(); err != nil {
		return m.Config(), err
	}
	return m.Config(), nil
}

// ReplaceBrokenConfig moves a broken mcp.json aside (mcp.json.broken-<time>, kept for the
// user) and starts from an empty configuration. It is what the user chooses instead of
// fixing the file; it returns the backup's path.
func (m *Manager) ReplaceBrokenConfig() (string, error) {
	m.cfgMu.Lock()
	defer m.cfgMu.Unlock()
	if _, err := mcpconfig.Load(m.path); err == nil {
		return "", errorf(KindInvalid, nil, "%s is not broken; nothing was replaced.", m.path)
	}
	backup := m.path + ".broken-" + time.Now().Format("20060102-150405")
	if err := os.Rename(m.path, backup); err != nil {
		return "", errorf(KindIO, err, "Could not move %s aside: %v", m.path, err)
	}
	if err := mcpconfig.Save(m.path, &mcpconfig.File{}); err != nil {
		return backup, errorf(KindIO, err, "Could not write a new %s: %v", m.path, err)
	}
	_, err := m.load()
	return backup, err
}

// load reads mcp.json and applies it; a broken file is remembered and returned as an
// *Error of KindConfigBroken. cfgMu must be held.
func (m *Manager) load() (*mcpconfig.File, error) {
	f, err := mcpconfig.Load(m.path)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errorf(KindClosed, nil, "The app is closing.")
	}
	if err != nil {
		m.broken = brokenConfig(m.path, err)
		return nil, m.broken
	}
	m.applyLocked(f)
	return f, nil
}

// update changes mcp.json: it reads the file again (the user may have edited it since),
// applies change, writes it atomically and makes the servers match. A broken file is never
// written over.
func (m *Manager) update(change func(f *mcpconfig.File) error) error {
	m.cfgMu.Lock()
	defer m.cfgMu.Unlock()
	f, err := m.load()
	if err != nil {
		return err
	}
	if err := change(f); err != nil {
		return err
	}
	if err := mcpconfig.Save(m.path, f); err != nil {
		return errorf(KindIO, err, "Could not save %s: %v", m.path, err)
	}
	_, err = m.load()
	return err
}

// Preview resolves a stdio server's command the way starting it would, so the user can
// confirm the exact program before saving. For an HTTP server it only checks the input.
func (m *Manager) Preview(in ServerInput) (CommandPreview, error) {
	cfg, err := in.server()
	if err != nil {
		return CommandPreview{}, err
	}
	return m.preview(cfg)
}

// PreviewPasted reads pasted JSON as AddPasted would and previews each server in it, without
// saving anything: the confirm step of a paste shows every command line it would add.
func (m *Manager) PreviewPasted(text, name string) ([]CommandPreview, error) {
	servers, err := mcpconfig.ParsePaste([]byte(text), name)
	if err != nil {
		return nil, parseFailure(KindInvalid, "The pasted text: ", err)
	}
	out := make([]CommandPreview, 0, len(servers))
	for _, s := range servers {
		p, err := m.preview(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (m *Manager) preview(cfg mcpconfig.Server) (CommandPreview, error) {
	if cfg.IsHTTP() {
		return CommandPreview{Name: cfg.Name, URL: cfg.URL, Args: []string{}, EnvSet: []string{}, Removed: []string{}}, nil
	}
	spec, err := m.commandFor(cfg)
	if err != nil {
		var nf *CommandNotFoundError
		if errors.As(err, &nf) {
			return CommandPreview{}, errorf(KindCommandNotFound, err, "%s", nf.Error())
		}
		return CommandPreview{}, errorf(KindInvalid, err, "%v", err)
	}
	p := CommandPreview{Name: cfg.Name, Path: spec.Path, Args: slices.Clone(cfg.Args), Cwd: cfg.Cwd, Line: spec.Display, EnvSet: sortedKeys(cfg.Env), Removed: []string{}}
	if p.Args == nil {
		p.Args = []string{}
	}
	for _, kv := range m.o.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if isHidden(name, m.hidden) {
			p.Removed = append(p.Removed, name)
		}
	}
	return p, nil
}

func (in ServerInput) server() (mcpconfig.Server, error) {
	s := mcpconfig.Server{
		Name:    strings.TrimSpace(in.Name),
		Command: strings.TrimSpace(in.Command),
		Args:    slices.Clone(in.Args),
		Env:     in.Env,
		Cwd:     strings.TrimSpace(in.Cwd),
		URL:     strings.TrimSpace(in.URL),
		Timeout: in.Timeout,
	}
	if in.SSE {
		s.Type = "sse"
	}
	if len(in.Headers) > 0 {
		s.Headers = map[string]string{}
		for _, h := range in.Headers {
			name := strings.TrimSpace(h.Name)
			if name == "" {
				return s, errorf(KindInvalid, nil, "A header has no name.")
			}
			s.Headers[name] = h.Value
		}
	}
	if err := s.Validate(); err != nil {
		return s, parseFailure(KindInvalid, "", err)
	}
	return s, nil
}

// AddServer adds a server from the form and starts it (unless the app has not started).
func (m *Manager) AddServer(in ServerInput) (ServerStatus, error) {
	cfg, err := in.server()
	if err != nil {
		return ServerStatus{}, err
	}
	if err := m.add([]mcpconfig.Server{cfg}, nil); err != nil {
		return ServerStatus{}, err
	}
	return m.Server(cfg.Name)
}

// AddPasted adds the servers in JSON pasted from a README or another client (see
// mcpconfig.ParsePaste for the shapes). name names a single pasted server, or renames it.
// Header values in it go to the keychain like the form's.
func (m *Manager) AddPasted(text, name string) ([]ServerStatus, error) {
	servers, err := mcpconfig.ParsePaste([]byte(text), name)
	if err != nil {
		return nil, parseFailure(KindInvalid, "The pasted text: ", err)
	}
	if err := m.add(servers, nil); err != nil {
		return nil, err
	}
	out := make([]ServerStatus, 0, len(servers))
	for _, s := range servers {
		st, err := m.Server(s.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// EditServer replaces the server called name with the form's values; fields of mcp.json the
// form does not show are kept. A changed command, URL or header restarts it.
func (m *Manager) EditServer(name string, in ServerInput) (ServerStatus, error) {
	next, err := in.server()
	if err != nil {
		return ServerStatus{}, err
	}
	m.mu.Lock()
	s, ok := m.servers[name]
	var old mcpconfig.Server
	if ok {
		old = s.cfg
	}
	m.mu.Unlock()
	if !ok {
		return ServerStatus{}, errorf(KindUnknownServer, nil, "There is no server called %q.", name)
	}
	if next.Name != name {
		return ServerStatus{}, errorf(KindInvalid, nil, "A server cannot be renamed; remove it and add it again.")
	}
	next.Disabled, next.AutoApprove, next.DisabledTools = old.Disabled, old.AutoApprove, old.DisabledTools
	if next.Type == "" && old.Type != "sse" {
		next.Type = old.Type // "stdio", "streamableHttp"… as the user wrote it
	}
	for h, v := range next.Headers {
		if v == "" {
			if prev, ok := old.Headers[h]; ok {
				next.Headers[h] = prev
			}
		}
	}
	var dropped []string
	for h, v := range old.Headers {
		if _, kept := next.Headers[h]; !kept && v == mcpconfig.KeychainValue {
			dropped = append(dropped, h)
		}
	}
	if err := m.add([]mcpconfig.Server{next}, &old); err != nil {
		return ServerStatus{}, err
	}
	for _, h := range dropped {
		_ = m.secrets.del(name, h)
	}
	return m.Server(name)
}

// add stores servers (new ones, or one replacing old), their header values in the keychain.
func (m *Manager) add(servers []mcpconfig.Server, old *mcpconfig.Server) error {
	type stored struct{ server, header string }
	var written []stored
	undo := func() {
		for _, w := range written {
			_ = m.secrets.del(w.server, w.header)
		}
	}
	for i := range servers {
		s := &servers[i]
		if old == nil {
			m.mu.Lock()
			_, exists := m.servers[s.Name]
			m.mu.Unlock()
			if exists {
				undo()
				return errorf(KindExists, nil, "A server called %q already exists.", s.Name)
			}
		}
		for h, v := range s.Headers {
			if !holdsSecret(v) {
				continue
			}
			if old != nil && old.Headers[h] == v {
				continue // unchanged: as it was in the file
			}
			if m.secrets == nil {
				undo()
				return errorf(KindKeychain, nil, "Header %q needs the system keychain to be kept out of mcp.json, and it is not available. Use a ${NAME} reference to an environment variable instead.", h)
			}
			if err := m.secrets.set(s.Name, h, v); err != nil {
				undo()
				return err
			}
			written = append(written, stored{s.Name, h})
			s.Headers[h] = mcpconfig.KeychainValue
		}
	}
	err := m.update(func(f *mcpconfig.File) error {
		for _, s := range servers {
			if _, exists := f.Server(s.Name); exists && old == nil {
				return errorf(KindExists, nil, "A server called %q already exists.", s.Name)
			}
			if err := f.Put(s); err != nil {
				return parseFailure(KindInvalid, "", err)
			}
		}
		return nil
	})
	if err != nil {
		undo()
	}
	return err
}

// holdsSecret reports whether a header value typed or pasted in the UI must go to the
// keychain: any value but one that refers to the environment ("Bearer ${GITHUB_TOKEN}":
// the secret is in the environment, and the file says where) or the keychain marker.
func holdsSecret(v string) bool {
	return v != "" && v != mcpconfig.KeychainValue && !envRefRe.MatchString(v)
}

// RemoveServer stops the server, takes it out of mcp.json and deletes its keychain entries.
func (m *Manager) RemoveServer(name string) error {
	var removed mcpconfig.Server
	err := m.update(func(f *mcpconfig.File) error {
		s, ok := f.Server(name)
		if !ok {
			return errorf(KindUnknownServer, nil, "There is no server called %q.", name)
		}
		removed = s
		f.Remove(name)
		return nil
	})
	if err != nil {
		return err
	}
	for h, v := range removed.Headers {
		if v == mcpconfig.KeychainValue {
			_ = m.secrets.del(name, h)
		}
	}
	m.mu.Lock()
	delete(m.session, name)
	m.mu.Unlock()
	return nil
}

// SetServerEnabled switches a server on (it starts) or off (it stops and stays off).
func (m *Manager) SetServerEnabled(name string, enabled bool) (ServerStatus, error) {
	if err := m.changeServer(name, func(s *mcpconfig.Server) { s.Disabled = !enabled }); err != nil {
		return ServerStatus{}, err
	}
	return m.Server(name)
}

// SetToolEnabled switches one tool of a server on or off for every conversation.
func (m *Manager) SetToolEnabled(server, tool string, enabled bool) (ServerStatus, error) {
	err := m.changeServer(server, func(s *mcpconfig.Server) {
		s.DisabledTools = toggle(s.DisabledTools, tool, !enabled)
	})
	if err != nil {
		return ServerStatus{}, err
	}
	return m.Server(server)
}

// SetToolAutoApprove adds the tool to the server's autoApprove list (it runs without
// asking) or takes it out.
func (m *Manager) SetToolAutoApprove(server, tool string, on bool) (ServerStatus, error) {
	err := m.changeServer(server, func(s *mcpconfig.Server) {
		s.AutoApprove = toggle(s.AutoApprove, tool, on)
	})
	if err != nil {
		return ServerStatus{}, err
	}
	if !on {
		m.mu.Lock()
		m.session[server] = slices.DeleteFunc(m.session[server], func(t string) bool { return t == tool })
		m.mu.Unlock()
	}
	return m.Server(server)
}

func (m *Manager) changeServer(name string, change func(*mcpconfig.Server)) error {
	return m.update(func(f *mcpconfig.File) error {
		s, ok := f.Server(name)
		if !ok {
			return errorf(KindUnknownServer, nil, "There is no server called %q.", name)
		}
		change(&s)
		if err := f.Put(s); err != nil {
			return parseFailure(KindInvalid, "", err)
		}
		return nil
	})
}

func toggle(list []string, item string, in bool) []string {
	has := slices.Contains(list, item)
	switch {
	case in && !has:
		return append(list, item)
	case !in && has:
		return slices.DeleteFunc(list, func(s string) bool { return s == item })
	}
	return list
}

// Restart stops the server and starts it again (a failed one too). A disabled server is
// not started: enable it instead.
func (m *Manager) Restart(name string) (ServerStatus, error) {
	m.mu.Lock()
	s, ok := m.servers[name]
	switch {
	case m.closed:
		m.mu.Unlock()
		return ServerStatus{}, errorf(KindClosed, nil, "The app is closing.")
	case !ok:
		m.mu.Unlock()
		return ServerStatus{}, errorf(KindUnknownServer, nil, "There is no server called %q.", name)
	case s.cfg.Disabled:
		m.mu.Unlock()
		return ServerStatus{}, errorf(KindInvalid, nil, "The server %q is switched off; switch it on to start it.", name)
	}
	m.startLocked(name, s)
	st := m.statusLocked(name, s)
	m.mu.Unlock()
	return st, nil
}

// String helps logs: never includes a header value.
func (s ServerStatus) String() string {
	return fmt.Sprintf("%s (%s): %s", s.Name, s.Transport, s.State)
}

// Input returns a server as the edit form shows it. A header kept in the keychain comes back
// with an empty value (EditServer keeps the stored value for an empty one), so a token never
// travels back to the form; a ${NAME} reference is shown as written.
func (m *Manager) Input(name string) (ServerInput, error) {
	m.mu.Lock()
	s, ok := m.servers[name]
	var cfg mcpconfig.Server
	if ok {
		cfg = s.cfg
	}
	m.mu.Unlock()
	if !ok {
		return ServerInput{}, errorf(KindUnknownServer, nil, "There is no server called %q.", name)
	}
	in := ServerInput{Name: cfg.Name, Command: cfg.Command, Args: slices.Clone(cfg.Args), Env: maps.Clone(cfg.Env),
		Cwd: cfg.Cwd, URL: cfg.URL, SSE: cfg.IsSSE(), Timeout: cfg.Timeout, Headers: []HeaderInput{}}
	if in.Args == nil {
		in.Args = []string{}
	}
	for _, h := range sortedKeys(cfg.Headers) {
		v := cfg.Headers[h]
		if holdsSecret(v) || v == mcpconfig.KeychainValue {
			v = ""
		}
		in.Headers = append(in.Headers, HeaderInput{Name: h, Value: v})
	}
	return in, nil
}
