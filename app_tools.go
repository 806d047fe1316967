package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"qwendesk/internal/chat"
	"qwendesk/internal/secrets"
	"qwendesk/internal/tools"
)

// Events of the tool layer that are not part of a turn's ordered stream.
const (
	// EventToolApproval asks the window to show (Pending) or drop (answered, or the turn
	// ended) the approval card of one call.
	EventToolApproval = "tool:approval"
	// EventToolsStatus carries one MCP server's status after it changed.
	EventToolsStatus = "tools:status"
)

// ToolApprovalEvent is one approval card's life: shown while Pending, gone when not.
type ToolApprovalEvent struct {
	tools.ApprovalRequest
	Pending bool `json:"pending"`
	// Decision is what the user chose, once answered; empty when the turn ended first.
	Decision tools.Decision `json:"decision,omitempty"`
}

// ToolsOverview is the Settings → Tools page: mcp.json's state and every server in it.
type ToolsOverview struct {
	Config  tools.ConfigState    `json:"config"`
	Servers []tools.ServerStatus `json:"servers"`
}

// approvals is the Approver the tools layer asks: it shows a card by event and blocks the
// call until AnswerToolApproval or the end of the turn (Stop, quit), the way Stop travels
// the other way. Cards are keyed by turn and call, since model call ids are only unique
// within a reply.
type approvals struct {
	emit chat.Emitter
	log  *slog.Logger

	mu      sync.Mutex
	waiting map[string]*pendingApproval
}

type pendingApproval struct {
	req    tools.ApprovalRequest
	answer chan tools.Decision // buffered: the answer never blocks the bound call
}

func newApprovals(emit chat.Emitter, log *slog.Logger) *approvals {
	return &approvals{emit: emit, log: log, waiting: map[string]*pendingApproval{}}
}

func approvalKey(requestID, callID string) string { return requestID + "\x00" + callID }

// Approve implements tools.Approver.
func (b *approvals) Approve(ctx context.Context, req tools.ApprovalRequest) (tools.Decision, error) {
	p := &pendingApproval{req: req, answer: make(chan tools.Decision, 1)}
	key := approvalKey(req.RequestID, req.CallID)
	b.mu.Lock()
	if _, dup := b.waiting[key]; dup {
		b.mu.Unlock()
		// A second call with the same id in one turn cannot be told apart by the user's
		// click: refuse it rather than let one answer run both.
		return tools.Deny, fmt.Errorf("call id %q is already waiting for approval", req.CallID)
	}
	b.waiting[key] = p
	b.mu.Unlock()
	b.log.Info("tool approval asked", "request", req.RequestID, "call", req.CallID, "server", req.Server, "tool", req.Tool)
	b.emit.Emit(EventToolApproval, ToolApprovalEvent{ApprovalRequest: req, Pending: true})

	var dec tools.Decision
	var err error
	select {
	case dec = <-p.answer:
	case <-ctx.Done():
		err = ctx.Err()
	}
	b.mu.Lock()
	delete(b.waiting, key)
	b.mu.Unlock()
	b.emit.Emit(EventToolApproval, ToolApprovalEvent{ApprovalRequest: req, Pending: false, Decision: dec})
	b.log.Info("tool approval ended", "request", req.RequestID, "call", req.CallID, "decision", string(dec), "turn_ended", err != nil)
	return dec, err
}

// answer delivers the user's decision to the waiting call.
func (b *approvals) answer(requestID, callID string, dec tools.Decision) error {
	b.mu.Lock()
	p, ok := b.waiting[approvalKey(requestID, callID)]
	if ok {
		delete(b.waiting, approvalKey(requestID, callID)) // a double click answers once
	}
	b.mu.Unlock()
	if !ok {
		return &chat.UserError{Kind: chat.KindNotFound, Message: "That tool call is no longer waiting for an answer."}
	}
	p.answer <- dec
	return nil
}

// pending lists the cards still waiting, oldest turn first, for a window that (re)loads.
func (b *approvals) pending() []tools.ApprovalRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]tools.ApprovalRequest, 0, len(b.waiting))
	for _, p := range b.waiting {
		out = append(out, p.req)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].RequestID != out[j].RequestID {
			return out[i].RequestID < out[j].RequestID
		}
		return out[i].CallID < out[j].CallID
	})
	return out
}

// keychainHeaders backs the tools layer's HeaderSecrets with the OS keychain. The tools
// layer bounds each call too; the context here is the keychain guard's own timeout.
type keychainHeaders struct{ h *secrets.HeaderStore }

func (k keychainHeaders) call(fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := fn(ctx)
	if errors.Is(err, secrets.ErrNotFound) {
		return tools.ErrSecretNotFound
	}
	return err
}

func (k keychainHeaders) Get(server, header string) (v string, err error) {
	err = k.call(func(ctx context.Context) error { v, err = k.h.Get(ctx, server, header); return err })
	return v, err
}

func (k keychainHeaders) Set(server, header, value string) error {
	return k.call(func(ctx context.Context) error { return k.h.Set(ctx, server, header, value) })
}

func (k keychainHeaders) Delete(server, header string) error {
	return k.call(func(ctx context.Context) error { return k.h.Delete(ctx, server, header) })
}

// newToolsManager builds the tool layer over the data folder's mcp.json. The DashScope key,
// as configured now, is kept from every server's environment whatever the variable is
// called; header tokens live in the keychain.
func newToolsManager(dataDir string, keys *secrets.Store, enabled func(conversationID string) bool, ask tools.Approver, emit chat.Emitter, log *slog.Logger, version string) (*tools.Manager, error) {
	return tools.New(tools.Options{
		Dir:          dataDir,
		Secrets:      keychainHeaders{keys.Headers()},
		Approver:     ask,
		ToolsEnabled: enabled,
		OnStatus: func(st tools.ServerStatus) {
			// One line per change ("tool server ready", "… failed"): what support asks first.
			log.Info("tool server "+string(st.State), "server", st.Name, "reason", st.Reason)
			emit.Emit(EventToolsStatus, st)
		},
		SecretValues: secretsForServers(keys),
		Logger:       log,
		// So a server's own logs say which client called it.
		ClientVersion: version,
	})
}

// secretsForServers returns every value a server's environment must not hold. Servers start
// before any turn has read the DashScope key, and MCP header tokens are known secrets too, so
// "some secret is known" does not mean the key is: it is looked up once, before the first
// server's environment is built; otherwise a copy of it under another variable name would
// slip through.
func secretsForServers(keys *secrets.Store) func() []string {
	var once sync.Once
	return func() []string {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, _, _ = keys.Key(ctx) // remembers what it finds
		})
		return keys.KnownSecrets()
	}
}

// toolsEnabled reports whether a conversation offers tools: not when its settings turn them
// off, and not before the history is open or when the settings cannot be read (no tool runs
// on a guess).
func (a *App) toolsEnabled(conversationID string) bool {
	if a == nil || a.opened() != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(a.root, 5*time.Second)
	defer cancel()
	c, err := a.history.Conversation(ctx, conversationID)
	if err != nil {
		return false
	}
	return c.Params.ToolsOff == nil || !*c.Params.ToolsOff
}

// Limits on what the Tools page may send; mcp.json entries are small.
const (
	maxToolName     = 128
	maxToolField    = 4096
	maxToolList     = 100
	maxPastedConfig = 256 << 10
)

func toolsInputError(format string, args ...any) error {
	return &tools.Error{Kind: tools.KindInvalid, Message: fmt.Sprintf(format, args...)}
}

// checkToolText rejects what no mcp.json field can be: too long, not UTF-8, or holding
// control characters (which would hide parts of a command line in the confirm step).
func checkToolText(what, s string, limit int) error {
	switch {
	case len(s) > limit:
		return toolsInputError("The %s is too long (at most %d bytes).", what, limit)
	case !utf8.ValidString(s):
		return toolsInputError("The %s is not valid text.", what)
	case strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }):
		return toolsInputError("The %s contains control characters.", what)
	}
	return nil
}

func checkToolName(what, name string) error {
	if strings.TrimSpace(name) == "" {
		return toolsInputError("The %s is empty.", what)
	}
	return checkToolText(what, name, maxToolName)
}

func checkServerInput(in tools.ServerInput) error {
	if err := checkToolName("server name", in.Name); err != nil {
		return err
	}
	for what, s := range map[string]string{"command": in.Command, "working folder": in.Cwd, "URL": in.URL} {
		if err := checkToolText(what, s, maxToolField); err != nil {
			return err
		}
	}
	if len(in.Args) > maxToolList || len(in.Env) > maxToolList || len(in.Headers) > maxToolList {
		return toolsInputError("A server has at most %d arguments, variables and headers each.", maxToolList)
	}
	for _, a := range in.Args {
		if err := checkToolText("argument", a, maxToolField); err != nil {
			return err
		}
	}
	for k, v := range in.Env {
		if err := checkToolName("variable name", k); err != nil {
			return err
		}
		if err := checkToolText("value of "+k, v, maxToolField); err != nil {
			return err
		}
	}
	for _, h := range in.Headers {
		if err := checkToolName("header name", h.Name); err != nil {
			return err
		}
		if err := checkToolText("value of header "+h.Name, h.Value, maxToolField); err != nil {
			return err
		}
	}
	if in.Timeout < 0 || in.Timeout > 3600 {
		return toolsInputError("The timeout is between 0 (the default) and 3600 seconds.")
	}
	return nil
}

// toolsManager returns the tool layer, or the error saying it is not available (it could
// not be set up at start).
func (a *App) toolsManager() (*tools.Manager, error) {
	if a.tools == nil {
		return nil, &tools.Error{Kind: tools.KindClosed, Message: "The tool servers are not available in this session; see the log."}
	}
	return a.tools, nil
}

// ToolsOverview reports mcp.json's state and every configured server with its status.
func (a *App) ToolsOverview() (ToolsOverview, error) {
	m, err := a.toolsManager()
	if err != nil {
		return ToolsOverview{}, err
	}
	servers, err := m.Servers()
	if err != nil {
		return ToolsOverview{}, err
	}
	return ToolsOverview{Config: m.Config(), Servers: servers}, nil
}

// PreviewToolServer shows the exact command a new or edited server would run, for the
// confirmation step before saving.
func (a *App) PreviewToolServer(server tools.ServerInput) (tools.CommandPreview, error) {
	m, err := a.toolsManager()
	if err != nil {
		return tools.CommandPreview{}, err
	}
	if err := checkServerInput(server); err != nil {
		return tools.CommandPreview{}, err
	}
	return m.Preview(server)
}

// AddToolServer saves a server from the form to mcp.json and starts it.
func (a *App) AddToolServer(server tools.ServerInput) (tools.ServerStatus, error) {
	m, err := a.toolsManager()
	if err != nil {
		return tools.ServerStatus{}, err
	}
	if err := checkServerInput(server); err != nil {
		return tools.ServerStatus{}, err
	}
	st, err := m.AddServer(server)
	a.logToolChange("tool server added", server.Name, err)
	return st, err
}

// PreviewPastedToolServers reads JSON pasted from a server's README without saving it, so
// the confirmation step can show each command line. name names (or renames) a single
// pasted server.
func (a *App) PreviewPastedToolServers(text, name string) ([]tools.CommandPreview, error) {
	m, err := a.toolsManager()
	if err != nil {
		return nil, err
	}
	if err := checkPasted(text, name); err != nil {
		return nil, err
	}
	return m.PreviewPasted(text, name)
}

// AddPastedToolServers saves the servers of pasted JSON and starts them.
func (a *App) AddPastedToolServers(text, name string) ([]tools.ServerStatus, error) {
	m, err := a.toolsManager()
	if err != nil {
		return nil, err
	}
	if err := checkPasted(text, name); err != nil {
		return nil, err
	}
	st, err := m.AddPasted(text, name)
	a.logToolChange("tool servers pasted", name, err)
	return st, err
}

// EditToolServer replaces the server called name with the form's values.
func (a *App) EditToolServer(name string, server tools.ServerInput) (tools.ServerStatus, error) {
	m, err := a.toolsManager()
	if err != nil {
		return tools.ServerStatus{}, err
	}
	if err := checkToolName("server name", name); err != nil {
		return tools.ServerStatus{}, err
	}
	if err := checkServerInput(server); err != nil {
		return tools.ServerStatus{}, err
	}
	st, err := m.EditServer(name, server)
	a.logToolChange("tool server edited", name, err)
	return st, err
}

// RemoveToolServer stops the server, takes it out of mcp.json and forgets its header tokens.
func (a *App) RemoveToolServer(name string) error {
	m, err := a.toolsManager()
	if err != nil {
		return err
	}
	if err := checkToolName("server name", name); err != nil {
		return err
	}
	err = m.RemoveServer(name)
	a.logToolChange("tool server removed", name, err)
	return err
}

// SetToolServerEnabled switches a server on (it starts) or off (it stops).
func (a *App) SetToolServerEnabled(name string, enabled bool) (tools.ServerStatus, error) {
	m, err := a.toolsManager()
	if err != nil {
		return tools.ServerStatus{}, err
	}
	if err := checkToolName("server name", name); err != nil {
		return tools.ServerStatus{}, err
	}
	return m.SetServerEnabled(name, enabled)
}

// SetToolEnabled switches one tool of a server on or off in every conversation.
func (a *App) SetToolEnabled(server, tool string, enabled bool) (tools.ServerStatus, error) {
	m, err := a.toolsManager()
	if err != nil {
		return tools.ServerStatus{}, err
	}
	if err := errors.Join(checkToolName("server name", server), checkToolName("tool name", tool)); err != nil {
		return tools.ServerStatus{}, firstError(err)
	}
	return m.SetToolEnabled(server, tool, enabled)
}

// SetToolAutoApprove lets one tool run without asking (written to autoApprove), or not.
func (a *App) SetToolAutoApprove(server, tool string, on bool) (tools.ServerStatus, error) {
	m, err := a.toolsManager()
	if err != nil {
		return tools.ServerStatus{}, err
	}
	if err := errors.Join(checkToolName("server name", server), checkToolName("tool name", tool)); err != nil {
		return tools.ServerStatus{}, firstError(err)
	}
	st, err := m.SetToolAutoApprove(server, tool, on)
	if err == nil {
		a.log.Info("tool auto-approve changed", "server", server, "tool", tool, "on", on)
	}
	return st, err
}

// RestartToolServer stops a server and starts it again (a failed one too).
func (a *App) RestartToolServer(name string) (tools.ServerStatus, error) {
	m, err := a.toolsManager()
	if err != nil {
		return tools.ServerStatus{}, err
	}
	if err := checkToolName("server name", name); err != nil {
		return tools.ServerStatus{}, err
	}
	return m.Restart(name)
}

// ReloadToolsConfig reads mcp.json again after the user edited it by hand.
func (a *App) ReloadToolsConfig() (tools.ConfigState, error) {
	m, err := a.toolsManager()
	if err != nil {
		return tools.ConfigState{}, err
	}
	return m.Reload()
}

// ReplaceBrokenToolsConfig moves a broken mcp.json aside (kept) and starts from an empty
// one; it returns where the old file went.
func (a *App) ReplaceBrokenToolsConfig() (string, error) {
	m, err := a.toolsManager()
	if err != nil {
		return "", err
	}
	path, err := m.ReplaceBrokenConfig()
	a.logToolChange("broken mcp.json moved aside", path, err)
	return path, err
}

// AnswerToolApproval answers an approval card: "allow_once", "always_allow" (also written
// to the server's autoApprove) or "deny".
func (a *App) AnswerToolApproval(requestID, callID, decision string) error {
	if err := checkID(requestID); err != nil {
		return err
	}
	if err := checkToolName("call id", callID); err != nil {
		return &chat.UserError{Kind: chat.KindNotFound, Message: "Unknown id."}
	}
	dec := tools.Decision(decision)
	switch dec {
	case tools.AllowOnce, tools.AlwaysAllow, tools.Deny:
	default:
		return &chat.UserError{Kind: chat.KindInvalidInput, Message: "The answer is allow_once, always_allow or deny."}
	}
	if a.approvals == nil {
		return &chat.UserError{Kind: chat.KindNotFound, Message: "That tool call is no longer waiting for an answer."}
	}
	return a.approvals.answer(requestID, callID, dec)
}

// PendingToolApprovals lists the calls waiting for the user, for a window that opens a
// conversation after its card was announced.
func (a *App) PendingToolApprovals() ([]tools.ApprovalRequest, error) {
	if a.approvals == nil {
		return []tools.ApprovalRequest{}, nil
	}
	return a.approvals.pending(), nil
}

// checkPasted checks pasted JSON's size and text; the tools layer reads its meaning.
func checkPasted(text, name string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return toolsInputError("Paste the JSON block from the server's README.")
	case len(text) > maxPastedConfig:
		return toolsInputError("The pasted text is too long (at most %d KB).", maxPastedConfig>>10)
	case !utf8.ValidString(text):
		return toolsInputError("The pasted text is not valid text.")
	case name != "":
		return checkToolName("server name", name)
	}
	return nil
}

func (a *App) logToolChange(msg, name string, err error) {
	if err != nil {
		a.log.Warn(msg+" failed", "name", name, "kind", errorKind(err))
		return
	}
	a.log.Info(msg, "name", name)
}

// firstError unwraps errors.Join's result to its first error, keeping its kind.
func firstError(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		if errs := j.Unwrap(); len(errs) > 0 {
			return errs[0]
		}
	}
	return err
}

// ToolServerInput returns a server as the edit form shows it; header tokens kept in the
// keychain come back empty (saving an empty value keeps them).
func (a *App) ToolServerInput(name string) (tools.ServerInput, error) {
	m, err := a.toolsManager()
	if err != nil {
		return tools.ServerInput{}, err
	}
	if err := checkToolName("server name", name); err != nil {
		return tools.ServerInput{}, err
	}
	return m.Input(name)
}
