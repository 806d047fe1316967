package tools

import (
	"encoding/json"
	"slices"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"qwendesk/internal/tools/toolname"
)

// StateRemoved is only ever sent to OnStatus: the server was taken out of mcp.json.
const StateRemoved State = "removed"

// ServerStatus is one server as the Settings → Tools page shows it.
type ServerStatus struct {
	Name      string     `json:"name"`
	Transport string     `json:"transport"` // "stdio", "http" or "sse"
	State     State      `json:"state"`
	Reason    string     `json:"reason,omitempty"`  // why it failed, in words
	Stderr    string     `json:"stderr,omitempty"`  // the last StderrTail bytes of its stderr (stdio)
	Stdout    string     `json:"stdout,omitempty"`  // the last lines it printed on stdout that were not MCP (dropped)
	Command   string     `json:"command,omitempty"` // the command line run (resolved path), or the URL
	Tools     []ToolInfo `json:"tools"`             // while ready
	Timeout   int        `json:"timeout,omitempty"` // seconds per call from mcp.json; 0: the default
}

// ToolInfo is one tool of a server.
type ToolInfo struct {
	APIName      string `json:"apiName"` // the name the model sees
	Name         string `json:"name"`    // the server's own name, as in autoApprove
	Title        string `json:"title,omitempty"`
	Description  string `json:"description"`
	Enabled      bool   `json:"enabled"`
	AutoApproved bool   `json:"autoApproved"`
	ReadOnly     bool   `json:"readOnly"` // the server says so (a hint, not a guarantee)
}

// Servers lists every configured server in mcp.json's order.
func (m *Manager) Servers() ([]ServerStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]ServerStatus, 0, len(m.order))
	for _, name := range m.order {
		out = append(out, m.statusLocked(name, m.servers[name]))
	}
	return out, nil
}

// Server returns one server's status.
func (m *Manager) Server(name string) (ServerStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.servers[name]
	if !ok {
		return ServerStatus{}, errorf(KindUnknownServer, nil, "There is no server called %q.", name)
	}
	return m.statusLocked(name, s), nil
}

func (m *Manager) statusLocked(name string, s *server) ServerStatus {
	st := ServerStatus{Name: name, Transport: "stdio", State: s.state, Reason: s.reason, Command: s.command, Timeout: s.cfg.Timeout, Tools: []ToolInfo{}}
	if s.cfg.IsHTTP() {
		st.Transport = "http"
		if s.cfg.IsSSE() {
			st.Transport = "sse"
		}
		st.Command = s.cfg.URL
	}
	if s.stderr != nil {
		st.Stderr = s.stderr.String()
	}
	if s.noise != nil {
		st.Stdout = s.noise.String()
	}
	if s.state == StateReady {
		for _, t := range s.tools {
			info := ToolInfo{
				APIName:      toolname.For(name, t.Name),
				Name:         t.Name,
				Title:        t.Title,
				Description:  t.Description,
				Enabled:      !s.cfg.ToolDisabled(t.Name),
				AutoApproved: m.approvedLocked(name, s, t.Name),
			}
			if t.Annotations != nil {
				info.ReadOnly = t.Annotations.ReadOnlyHint
			}
			st.Tools = append(st.Tools, info)
		}
	}
	return st
}

func (m *Manager) approvedLocked(name string, s *server, tool string) bool {
	return s.cfg.Approved(tool) || slices.Contains(m.session[name], tool)
}

// toolRef is where an API name leads.
type toolRef struct {
	server string
	srv    *server
	tool   *mcp.Tool
}

// lookupLocked maps an API name back to its server and tool among the ready servers.
func (m *Manager) lookupLocked(apiName string) (toolRef, bool) {
	for _, name := range m.order {
		s := m.servers[name]
		if s.state != StateReady {
			continue
		}
		for _, t := range s.tools {
			if toolname.For(name, t.Name) == apiName {
				return toolRef{server: name, srv: s, tool: t}, true
			}
		}
	}
	return toolRef{}, false
}

// schemaOf is a tool's input schema as the API wants it: a JSON Schema object of type
// "object", even when the server sent none.
func schemaOf(t *mcp.Tool) json.RawMessage {
	empty := json.RawMessage(`{"type":"object","properties":{}}`)
	if t.InputSchema == nil {
		return empty
	}
	b, err := json.Marshal(t.InputSchema)
	if err != nil {
		return empty
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil || obj == nil {
		return empty
	}
	if _, ok := obj["type"]; !ok {
		obj["type"] = json.RawMessage(`"object"`)
		b, _ = json.Marshal(obj)
	}
	return b
}

// notifier delivers status changes to Options.OnStatus from one goroutine. A change only
// marks the server; the status is read when it is delivered, so the last delivery of a
// burst always carries the latest state, and a slow OnStatus never blocks the Manager.
type notifier struct {
	m       *Manager
	mu      sync.Mutex
	pending []string
	removed map[string]bool
	wake    chan struct{}
	quit    chan struct{}
	done    chan struct{}
}

func newNotifier(m *Manager) *notifier {
	n := &notifier{m: m, removed: map[string]bool{}, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go n.loop()
	return n
}

func (n *notifier) push(name string) { n.enqueue(name, false) }

// pushRemoved reports a server that no longer exists. The mark and the name go in under one
// lock: a flush in between would find no server and no mark, and the UI would never hear.
func (n *notifier) pushRemoved(name string) { n.enqueue(name, true) }

func (n *notifier) enqueue(name string, removed bool) {
	n.mu.Lock()
	if !slices.Contains(n.pending, name) {
		n.pending = append(n.pending, name)
	}
	if removed {
		n.removed[name] = true
	} else {
		delete(n.removed, name)
	}
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

func (n *notifier) loop() {
	defer close(n.done)
	for {
		select {
		case <-n.wake:
			n.flush()
		case <-n.quit:
			n.flush()
			return
		}
	}
}

func (n *notifier) flush() {
	n.mu.Lock()
	names, removed := n.pending, n.removed
	n.pending, n.removed = nil, map[string]bool{}
	n.mu.Unlock()
	if n.m.o.OnStatus == nil {
		return
	}
	for _, name := range names {
		if removed[name] {
			n.m.o.OnStatus(ServerStatus{Name: name, State: StateRemoved, Tools: []ToolInfo{}})
			continue
		}
		if st, err := n.m.Server(name); err == nil {
			n.m.o.OnStatus(st)
		}
	}
}

func (n *notifier) close() {
	close(n.quit)
	<-n.done
}
