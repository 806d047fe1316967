package tools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"qwendesk/internal/tools/mcpconfig"
)

// Defaults for Options' zero values.
const (
	DefaultCallTimeout    = 60 * time.Second
	DefaultStartTimeout   = 60 * time.Second // npx may download the package on first run
	DefaultStopGrace      = 2 * time.Second
	DefaultMaxResultBytes = 100 << 10
	DefaultSecretTimeout  = 3 * time.Second
)

// State is where a server is in its life.
type State string

// Server states.
const (
	StateStarting State = "starting"
	StateReady    State = "ready"
	StateFailed   State = "failed"
	StateStopped  State = "stopped"
	StateDisabled State = "disabled"
)

// Options configures a Manager. Dir is required; the rest have working defaults.
type Options struct {
	Dir string // the data folder: mcp.json is read and written there

	Secrets  HeaderSecrets // header values kept in the keychain; nil: such headers fail
	Approver Approver      // asks the user; nil: calls that are not auto-approved are denied

	// ToolsEnabled reports whether a conversation has tools on; nil: on everywhere.
	ToolsEnabled func(conversationID string) bool
	// OnStatus is called after a server's status changed, with the status as it is at the
	// time of the call, from one goroutine. It must not call back into the Manager's
	// methods that change servers synchronously.
	OnStatus func(ServerStatus)
	// SecretValues are values that must never reach a server's environment whatever the
	// variable's name (the DashScope key as currently configured).
	SecretValues func() []string
	// HiddenEnv are more variable names never passed to servers, besides DASHSCOPE_API_KEY
	// and API_KEY.
	HiddenEnv []string

	Environ func() []string     // nil → os.Environ
	Getenv  func(string) string // nil → os.Getenv; resolves ${NAME} in header values
	Shell   string              // the login shell asked for PATH; "" → $SHELL

	CallTimeout    time.Duration // per call, unless the server sets "timeout"
	StartTimeout   time.Duration // to start, initialize and list tools
	StopGrace      time.Duration // after stdin is closed and SIGTERM sent, before SIGKILL
	SecretTimeout  time.Duration // per keychain call
	MaxResultBytes int           // of a result's content sent to the model

	ClientVersion string
	Logger        *slog.Logger
}

// Manager runs the configured MCP servers and is the toolcall.Runner the chat turn uses.
// It is safe for concurrent use.
type Manager struct {
	o       Options
	path    string
	secrets *guardedSecrets
	hidden  []string
	getenv  func(string) string
	log     *slog.Logger

	cfgMu sync.Mutex // serializes read-modify-write of mcp.json

	mu       sync.Mutex
	order    []string // server names in file order
	servers  map[string]*server
	broken   *Error              // mcp.json could not be read; writes are refused
	session  map[string][]string // server → tools approved with "Always allow" that could not be saved
	started  bool
	closed   bool
	wg       sync.WaitGroup
	notify   *notifier
	pathOnce sync.Once
	pathDirs []string
}

// server is one configured server and its current run.
type server struct {
	cfg     mcpconfig.Server
	state   State
	reason  string
	command string // the command line (resolved) or URL of the current or last run
	stderr  *tail  // of the current or last run
	noise   *tail  // stdout lines of the current or last run that were not MCP
	tools   []*mcp.Tool
	inst    *instance
}

// instance is one run of a server, from start to stop.
type instance struct {
	name    string
	cfg     mcpconfig.Server
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{} // closed when it has fully stopped
	ended   chan struct{} // closed when its end (and reason) was recorded
	endOnce sync.Once
	reason  string // why it ended, set before ended is closed

	mu      sync.Mutex
	session *mcp.ClientSession
	proc    *process
	stopAs  State // the state to show after a requested stop
}

// New reads mcp.json from o.Dir. A broken file is not an error here: it is kept, reported by
// Config and in every write's error, and no server starts until it is fixed. New starts
// nothing; call Start.
func New(o Options) (*Manager, error) {
	if o.Dir == "" {
		return nil, errors.New("tools: Options.Dir is required")
	}
	if o.Environ == nil {
		o.Environ = os.Environ
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Shell == "" {
		o.Shell = os.Getenv("SHELL")
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = DefaultStartTimeout
	}
	if o.StopGrace <= 0 {
		o.StopGrace = DefaultStopGrace
	}
	if o.SecretTimeout <= 0 {
		o.SecretTimeout = DefaultSecretTimeout
	}
	if o.MaxResultBytes <= 0 {
		o.MaxResultBytes = DefaultMaxResultBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.ClientVersion == "" {
		o.ClientVersion = "dev"
	}
	m := &Manager{
		o:       o,
		path:    filepath.Join(o.Dir, mcpconfig.FileName),
		hidden:  append(slices.Clone(hiddenEnv), o.HiddenEnv...),
		getenv:  o.Getenv,
		log:     o.Logger,
		servers: map[string]*server{},
		session: map[string][]string{},
	}
	if o.Secrets != nil {
		m.secrets = &guardedSecrets{s: o.Secrets, timeout: o.SecretTimeout}
	}
	m.notify = newNotifier(m)
	f, err := mcpconfig.Load(m.path)
	if err != nil {
		m.broken = brokenConfig(m.path, err)
		return m, nil
	}
	m.mu.Lock()
	m.applyLocked(f)
	m.mu.Unlock()
	return m, nil
}

func brokenConfig(path string, err error) *Error {
	var pe *mcpconfig.ParseError
	if errors.As(err, &pe) {
		e := parseFailure(KindConfigBroken, path+": ", err)
		e.Message += ". The file was left as it is; fix it and reload, or replace it with an empty one."
		return e
	}
	return errorf(KindConfigBroken, err, "%s could not be read: %v. The file was left as it is.", path, err)
}

// Start launches every enabled server in the background and returns at once. A slow server
// delays nobody: Definitions offers the tools of the servers that are ready.
func (m *Manager) Start() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started || m.closed {
		return
	}
	m.started = true
	// Ask the login shell for PATH once, early, while the servers' own starts wait for it.
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.searchPath()
	}()
	for _, name := range m.order {
		if s := m.servers[name]; !s.cfg.Disabled {
			m.startLocked(name, s)
		}
	}
}

// Close stops every server and waits until they are gone: stdin closed and SIGTERM to each
// process group, SIGKILL after StopGrace. Close returns after at most a few seconds.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	for _, s := range m.servers {
		if s.inst != nil {
			s.inst.stop(StateStopped)
		}
	}
	m.mu.Unlock()
	m.wg.Wait()
	m.notify.close()
	return nil
}

func (inst *instance) stop(as State) {
	inst.mu.Lock()
	inst.stopAs = as
	inst.mu.Unlock()
	inst.cancel()
}

// startLocked begins a new run of s, after the previous one (if any) has fully stopped.
func (m *Manager) startLocked(name string, s *server) {
	prev := s.inst
	if prev != nil {
		prev.stop(StateStopped)
	}
	ctx, cancel := context.WithCancel(context.Background())
	inst := &instance{name: name, cfg: s.cfg, ctx: ctx, cancel: cancel, done: make(chan struct{}), ended: make(chan struct{}), stopAs: StateStopped}
	s.inst = inst
	s.state, s.reason, s.tools = StateStarting, "", nil
	s.stderr, s.noise = newTail(StderrTail), newTail(NoiseTail)
	if s.cfg.IsHTTP() {
		s.command = s.cfg.URL
	}
	m.notify.push(name)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer close(inst.done)
		if prev != nil {
			<-prev.done
		}
		m.run(inst)
	}()
}

// current reports whether inst is still the server's run; a stale run must not overwrite
// the status of the one that replaced it.
func (m *Manager) currentLocked(inst *instance) (*server, bool) {
	s, ok := m.servers[inst.name]
	return s, ok && s.inst == inst
}

func (m *Manager) setState(inst *instance, st State, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.currentLocked(inst); ok {
		s.state, s.reason = st, reason
		m.notify.push(inst.name)
	}
}

// end records why inst ended and wakes the calls that wait to report it.
func (inst *instance) end(reason string) {
	inst.endOnce.Do(func() {
		inst.reason = reason
		close(inst.ended)
	})
}

// run is one server run: start, handshake, tools, then wait for a stop or a crash.
func (m *Manager) run(inst *instance) {
	if inst.ctx.Err() != nil {
		m.finish(inst, nil)
		return
	}
	transport, err := m.connectTransport(inst)
	if err != nil {
		// A stop can land after the process started but before the handshake: the process
		// group and its pipes go too.
		m.shutdown(inst)
		inst.end(err.Error())
		m.finish(inst, err)
		return
	}
	inst.mu.Lock()
	proc := inst.proc
	inst.mu.Unlock()

	client := mcp.NewClient(&mcp.Implementation{Name: "QwenDesk", Version: m.o.ClientVersion}, &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
			if inst.ctx.Err() != nil {
				return // stopping: Close may already be waiting on wg
			}
			m.wg.Add(1)
			go func() {
				defer m.wg.Done()
				m.refreshTools(inst)
			}()
		},
	})
	startCtx, cancelStart := context.WithTimeout(inst.ctx, m.o.StartTimeout)
	if proc != nil {
		// A server that exits during the handshake ends it now, not at the timeout.
		go func() {
			select {
			case <-proc.exited:
				cancelStart()
			case <-startCtx.Done():
			}
		}()
	}
	cs, err := client.Connect(startCtx, transport, nil)
	var tools []*mcp.Tool
	if err == nil {
		inst.mu.Lock()
		inst.session = cs
		inst.mu.Unlock()
		tools, err = listTools(startCtx, cs)
	}
	startErr := startCtx.Err()
	cancelStart()
	if err != nil {
		reason := m.startFailure(inst, proc, err, startErr)
		m.shutdown(inst)
		inst.end(reason)
		m.finish(inst, errors.New(reason))
		return
	}

	m.mu.Lock()
	if s, ok := m.currentLocked(inst); ok {
		s.state, s.reason, s.tools = StateReady, "", tools
		m.notify.push(inst.name)
	}
	m.mu.Unlock()

	sessionDone := make(chan error, 1)
	go func() { sessionDone <- cs.Wait() }()
	var exited <-chan struct{}
	if proc != nil {
		exited = proc.exited
	}
	var reason string
	select {
	case <-inst.ctx.Done():
		m.shutdown(inst)
		inst.end("the server was stopped")
		m.finish(inst, nil)
		return
	case <-exited:
		reason = proc.exitReason()
	case err := <-sessionDone:
		reason = m.sessionEnded(proc, err)
	}
	// Fail the pending calls first (they wait on ended), then clean up.
	inst.end(reason)
	m.shutdown(inst)
	m.finish(inst, errors.New(reason))
}

// finish shows how a run ended: the requested state after a stop, failed otherwise.
func (m *Manager) finish(inst *instance, failure error) {
	inst.mu.Lock()
	as := inst.stopAs
	inst.mu.Unlock()
	if inst.ctx.Err() != nil {
		// Asked to stop: a failure on the way out (or while starting) is not news.
		m.setState(inst, as, "")
		return
	}
	m.log.Info("mcp server failed", "server", inst.name, "reason", failure.Error())
	m.setState(inst, StateFailed, failure.Error())
}

func (m *Manager) sessionEnded(proc *process, err error) string {
	if proc != nil {
		// The session may end a moment before the exit is seen: prefer the exit's story.
		select {
		case <-proc.exited:
			return proc.exitReason()
		case <-time.After(300 * time.Millisecond):
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Sprintf("the server wrote something on stdout that is not MCP (stdout is reserved for the protocol; logs belong on stderr): %v", err)
		}
		return "the server closed its stdout"
	}
	if err != nil {
		return fmt.Sprintf("the connection to the server ended: %v", err)
	}
	return "the server closed the connection"
}

func (m *Manager) startFailure(inst *instance, proc *process, err, startErr error) string {
	if proc != nil {
		select {
		case <-proc.exited:
			return proc.exitReason() + " while starting"
		case <-time.After(300 * time.Millisecond):
		}
	}
	if errors.Is(startErr, context.DeadlineExceeded) {
		return fmt.Sprintf("the server did not answer within %s of starting", m.o.StartTimeout)
	}
	if inst.cfg.IsHTTP() {
		return fmt.Sprintf("could not connect to %s: %v", inst.cfg.URL, err)
	}
	if proc != nil && proc.eof.Load() {
		return "the server closed its stdout without answering (stdout carries the protocol); see its stderr"
	}
	if proc != nil && proc.dropped.Load() > 0 {
		return fmt.Sprintf("the server's stdout is not MCP (stdout is reserved for the protocol): %v", err)
	}
	return fmt.Sprintf("the server did not start: %v", err)
}

// connectTransport prepares the transport of inst: for stdio, the process is started.
func (m *Manager) connectTransport(inst *instance) (mcp.Transport, error) {
	cfg := inst.cfg
	if cfg.IsHTTP() {
		return m.httpTransport(cfg)
	}
	spec, err := m.commandFor(cfg)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if s, ok := m.currentLocked(inst); ok {
		s.command = spec.Display
		m.notify.push(inst.name)
	}
	stderr, noise := newTail(StderrTail), newTail(NoiseTail)
	if s, ok := m.currentLocked(inst); ok {
		stderr, noise = s.stderr, s.noise
	}
	m.mu.Unlock()
	proc, err := startProcess(spec.Path, spec.Args, spec.env, spec.Cwd, stderr, noise)
	if err != nil {
		return nil, fmt.Errorf("could not run %s: %v", spec.Path, err)
	}
	inst.mu.Lock()
	inst.proc = proc
	inst.mu.Unlock()
	if inst.ctx.Err() != nil {
		return nil, inst.ctx.Err()
	}
	return proc.transport(), nil
}

func (m *Manager) httpTransport(cfg mcpconfig.Server) (mcp.Transport, error) {
	url := expand(cfg.URL, m.refValue)
	headers := http.Header{}
	for _, name := range sortedKeys(cfg.Headers) {
		v, err := m.headerValue(cfg.Name, name, cfg.Headers[name])
		if err != nil {
			return nil, err
		}
		headers.Set(name, v)
	}
	client := &http.Client{Transport: &headerTransport{base: http.DefaultTransport, headers: headers}}
	if cfg.IsSSE() {
		return &mcp.SSEClientTransport{Endpoint: url, HTTPClient: client}, nil
	}
	return &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: client, MaxRetries: 2}, nil
}

// headerTransport adds the configured headers to every request to the server.
type headerTransport struct {
	base    http.RoundTripper
	headers http.Header
}

func (t *headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, vs := range t.headers {
		r.Header[k] = vs
	}
	return t.base.RoundTrip(r)
}

// shutdown ends inst's process and session. For stdio it follows the spec's order (close
// stdin, then SIGTERM, then SIGKILL) but to the whole process group, and always ends with
// SIGKILL to the group so nothing the server started survives it.
func (m *Manager) shutdown(inst *instance) {
	inst.mu.Lock()
	proc, cs := inst.proc, inst.session
	inst.mu.Unlock()
	if proc != nil {
		proc.stdin.Close()
		_ = killGroup(proc.cmd, false)
		select {
		case <-proc.exited:
		case <-time.After(m.o.StopGrace):
		}
		_ = killGroup(proc.cmd, true)
		select {
		case <-proc.exited:
		case <-time.After(2 * time.Second):
			m.log.Warn("mcp server did not exit after SIGKILL", "server", inst.name)
		}
		proc.stdout.Close()
	}
	if cs != nil {
		done := make(chan struct{})
		go func() {
			_ = cs.Close()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			m.log.Warn("mcp session did not close", "server", inst.name)
		}
	}
	if proc != nil {
		select {
		case <-proc.errDone: // the stderr tail is complete
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func listTools(ctx context.Context, cs *mcp.ClientSession) ([]*mcp.Tool, error) {
	if ir := cs.InitializeResult(); ir != nil && ir.Capabilities != nil && ir.Capabilities.Tools == nil {
		return nil, nil
	}
	var tools []*mcp.Tool
	for t, err := range cs.Tools(ctx, nil) {
		if err != nil {
			return nil, fmt.Errorf("listing tools: %w", err)
		}
		tools = append(tools, t)
	}
	return tools, nil
}

// refreshTools re-lists a ready server's tools after it said they changed.
func (m *Manager) refreshTools(inst *instance) {
	inst.mu.Lock()
	cs := inst.session
	inst.mu.Unlock()
	if cs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(inst.ctx, m.o.StartTimeout)
	defer cancel()
	tools, err := listTools(ctx, cs)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.currentLocked(inst); ok && s.state == StateReady {
		s.tools = tools
		m.notify.push(inst.name)
	}
}

// commandSpec is what a stdio server runs.
type commandSpec struct {
	Path    string // resolved
	Args    []string
	Cwd     string
	Display string // the command line as a shell would take it
	env     []string
}

func (m *Manager) commandFor(cfg mcpconfig.Server) (commandSpec, error) {
	dirs := m.searchPath()
	path, err := resolveCommand(cfg.Command, cfg.Cwd, dirs)
	if err != nil {
		return commandSpec{}, err
	}
	var secrets []string
	if m.o.SecretValues != nil {
		secrets = m.o.SecretValues()
	}
	env := childEnv(m.o.Environ(), m.hidden, secrets, strings.Join(dirs, string(os.PathListSeparator)), cfg.Env)
	spec := commandSpec{Path: path, Args: slices.Clone(cfg.Args), Cwd: cfg.Cwd, env: env}
	parts := []string{shellQuote(path)}
	for _, a := range cfg.Args {
		parts = append(parts, shellQuote(a))
	}
	spec.Display = strings.Join(parts, " ")
	return spec, nil
}

// searchPath is the login shell's PATH merged with the app's, asked for once.
func (m *Manager) searchPath() []string {
	m.pathOnce.Do(func() {
		login := loginShellPath(context.Background(), m.o.Shell)
		m.pathDirs = mergePath(login, m.getenv("PATH"))
	})
	return m.pathDirs
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`|&;<>()*?[]{}~#!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// applyLocked makes the running servers match f: new ones start (once Start was called),
// removed ones stop, a changed command or URL restarts, a toggled "disabled" stops or starts.
func (m *Manager) applyLocked(f *mcpconfig.File) {
	m.broken = nil
	var order []string
	seen := map[string]bool{}
	for _, cfg := range f.Servers() {
		order = append(order, cfg.Name)
		seen[cfg.Name] = true
		s, ok := m.servers[cfg.Name]
		if !ok {
			s = &server{cfg: cfg, state: StateStopped, stderr: newTail(StderrTail), noise: newTail(NoiseTail)}
			if cfg.Disabled {
				s.state = StateDisabled
			}
			m.servers[cfg.Name] = s
			if m.started && !m.closed && !cfg.Disabled {
				m.startLocked(cfg.Name, s)
			}
			m.notify.push(cfg.Name)
			continue
		}
		old := s.cfg
		s.cfg = cfg
		switch {
		case m.closed || !m.started:
			if cfg.Disabled {
				s.state = StateDisabled
			} else if s.state == StateDisabled {
				s.state = StateStopped
			}
		case cfg.Disabled && !old.Disabled:
			if s.inst != nil {
				s.inst.stop(StateDisabled)
			}
			s.state, s.reason = StateDisabled, ""
		case !cfg.Disabled && (old.Disabled || needsRestart(old, cfg)):
			m.startLocked(cfg.Name, s)
		}
		m.notify.push(cfg.Name)
	}
	for name, s := range m.servers {
		if !seen[name] {
			if s.inst != nil {
				s.inst.stop(StateStopped)
			}
			delete(m.servers, name)
			m.notify.pushRemoved(name)
		}
	}
	m.order = order
}

func needsRestart(a, b mcpconfig.Server) bool {
	return a.Command != b.Command || !slices.Equal(a.Args, b.Args) || !mapsEqual(a.Env, b.Env) ||
		a.Cwd != b.Cwd || a.URL != b.URL || !mapsEqual(a.Headers, b.Headers) || a.Type != b.Type
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
