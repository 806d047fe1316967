package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"qwendesk/internal/toolcall"
	"qwendesk/internal/tools/toolname"
)

var _ toolcall.Runner = (*Manager)(nil)

// Decision is the user's answer to an approval request.
type Decision string

// Decisions.
const (
	AllowOnce   Decision = "allow_once"
	AlwaysAllow Decision = "always_allow" // also written to the server's autoApprove in mcp.json
	Deny        Decision = "deny"
)

// ApprovalRequest is what the user is asked about: the exact call, arguments included.
type ApprovalRequest struct {
	RequestID      string `json:"requestId"` // the turn
	ConversationID string `json:"conversationId"`
	MessageID      string `json:"messageId"`
	CallID         string `json:"callId"`  // the model's tool_call id
	APIName        string `json:"apiName"` // as the model called it
	Server         string `json:"server"`
	Tool           string `json:"tool"` // the server's own tool name
	Title          string `json:"title,omitempty"`
	Description    string `json:"description"`
	Arguments      string `json:"arguments"` // indented JSON; untrusted text, show it as text
	ReadOnly       bool   `json:"readOnly"`  // the server's hint, not a guarantee
}

// Approver asks the user whether a call may run. The app implements it by emitting an event
// and blocking until the user answers or ctx ends (then it returns ctx.Err()). An error
// other than ctx's counts as Deny.
type Approver interface {
	Approve(ctx context.Context, req ApprovalRequest) (Decision, error)
}

// ApproverFunc adapts a function to Approver.
type ApproverFunc func(ctx context.Context, req ApprovalRequest) (Decision, error)

// Approve calls f.
func (f ApproverFunc) Approve(ctx context.Context, req ApprovalRequest) (Decision, error) {
	return f(ctx, req)
}

// Definitions lists the tools of the ready, enabled servers minus the tools the user
// switched off; none when the conversation has tools off.
func (m *Manager) Definitions(ctx context.Context, conversationID string) []toolcall.Definition {
	if m.o.ToolsEnabled != nil && !m.o.ToolsEnabled(conversationID) {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var defs []toolcall.Definition
	seen := map[string]bool{}
	for _, name := range m.order {
		s := m.servers[name]
		if s.state != StateReady || s.cfg.Disabled {
			continue
		}
		for _, t := range s.tools {
			if s.cfg.ToolDisabled(t.Name) {
				continue
			}
			api := toolname.For(name, t.Name)
			if seen[api] {
				continue // only a 40-bit hash clash gets here; the first keeps the name
			}
			seen[api] = true
			defs = append(defs, toolcall.Definition{Name: api, Description: t.Description, Parameters: schemaOf(t)})
		}
	}
	return defs
}

// Run runs one call of the model: checks, approval, the call itself with a timeout, and
// the result made into text for the model. Every failure is a Result.
func (m *Manager) Run(ctx context.Context, call toolcall.Call) toolcall.Result {
	if err := ctx.Err(); err != nil {
		return toolcall.Result{Outcome: toolcall.OutcomeCancelled, Content: "The user stopped the call before it ran."}
	}
	if m.o.ToolsEnabled != nil && !m.o.ToolsEnabled(call.ConversationID) {
		return toolcall.Result{Outcome: toolcall.OutcomeInvalid, Content: "Tools are turned off in this conversation; answer without them."}
	}
	m.mu.Lock()
	ref, ok := m.lookupLocked(call.Name)
	var (
		inst     *instance
		disabled bool
		approved bool
		timeout  = m.o.CallTimeout
	)
	if ok {
		inst = ref.srv.inst
		disabled = ref.srv.cfg.Disabled || ref.srv.cfg.ToolDisabled(ref.tool.Name)
		approved = m.approvedLocked(ref.server, ref.srv, ref.tool.Name)
		if ref.srv.cfg.Timeout > 0 {
			timeout = time.Duration(ref.srv.cfg.Timeout) * time.Second
		}
	}
	m.mu.Unlock()
	if !ok {
		return toolcall.Result{Outcome: toolcall.OutcomeInvalid, Content: m.unknownTool(call.Name)}
	}
	res := toolcall.Result{Server: ref.server, Tool: ref.tool.Name}
	if disabled {
		res.Outcome, res.Content = toolcall.OutcomeInvalid, fmt.Sprintf("The tool %s is switched off by the user. %s", call.Name, m.available())
		return res
	}
	args, err := parseArguments(call.Arguments)
	if err != nil {
		res.Outcome, res.Content = toolcall.OutcomeInvalid, err.Error()
		return res
	}

	if !approved {
		dec, err := m.ask(ctx, call, ref, args)
		switch {
		case ctx.Err() != nil:
			res.Outcome, res.Content = toolcall.OutcomeCancelled, "The user stopped the conversation before answering whether the tool may run."
			return res
		case err != nil || dec == Deny || (dec != AllowOnce && dec != AlwaysAllow):
			res.Outcome, res.Content = toolcall.OutcomeDenied, fmt.Sprintf("The user declined to run %s. Do not try it again unless the user asks; continue without it.", call.Name)
			return res
		case dec == AlwaysAllow:
			m.alwaysAllow(ref.server, ref.tool.Name)
		}
	}

	inst.mu.Lock()
	cs := inst.session
	inst.mu.Unlock()
	if cs == nil {
		res.Outcome, res.Content = toolcall.OutcomeFailed, fmt.Sprintf("The server %q is not running.", ref.server)
		return res
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	out, err := cs.CallTool(callCtx, &mcp.CallToolParams{Name: ref.tool.Name, Arguments: args})
	res.Duration = time.Since(start)
	switch {
	case ctx.Err() != nil:
		res.Outcome, res.Content = toolcall.OutcomeCancelled, "The user stopped the tool call."
		return res
	case errors.Is(callCtx.Err(), context.DeadlineExceeded):
		res.Outcome, res.Content = toolcall.OutcomeTimeout, fmt.Sprintf("The tool %s did not answer within %s and was cancelled.", call.Name, timeout)
		return res
	case err != nil:
		m.callFailed(&res, inst, err)
		return res
	}
	res.Content, res.Truncated = truncate(render(out), m.o.MaxResultBytes)
	res.Outcome = toolcall.OutcomeOK
	if out.IsError {
		res.Outcome = toolcall.OutcomeToolError
	}
	return res
}

// callFailed explains an error from the call: the server refused it (a protocol error the
// model may fix by changing the arguments) or the server is gone (its reason, at once).
func (m *Manager) callFailed(res *toolcall.Result, inst *instance, err error) {
	var werr *jsonrpc.Error
	if errors.As(err, &werr) {
		res.Outcome = toolcall.OutcomeToolError
		res.Content, res.Truncated = truncate(fmt.Sprintf("The server rejected the call: %s (code %d).", werr.Message, werr.Code), m.o.MaxResultBytes)
		return
	}
	reason := ""
	if errors.Is(err, mcp.ErrConnectionClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) {
		// The run records how the server ended a moment after the connection broke.
		select {
		case <-inst.ended:
			reason = inst.reason
		case <-time.After(time.Second):
		}
	}
	if reason == "" {
		select {
		case <-inst.ended:
			reason = inst.reason
		default:
			reason = err.Error()
		}
	}
	res.Outcome = toolcall.OutcomeFailed
	res.Content = fmt.Sprintf("The tool could not run: the server %q failed (%s).", res.Server, reason)
}

func (m *Manager) ask(ctx context.Context, call toolcall.Call, ref toolRef, args json.RawMessage) (Decision, error) {
	if m.o.Approver == nil {
		return Deny, errors.New("no approver")
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, args, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(args)
	}
	req := ApprovalRequest{
		RequestID: call.RequestID, ConversationID: call.ConversationID, MessageID: call.MessageID, CallID: call.ID,
		APIName: call.Name, Server: ref.server, Tool: ref.tool.Name, Title: ref.tool.Title,
		Description: ref.tool.Description, Arguments: pretty.String(),
	}
	if ref.tool.Annotations != nil {
		req.ReadOnly = ref.tool.Annotations.ReadOnlyHint
	}
	// The approver may not watch ctx; Stop must still end the wait at once.
	type answer struct {
		d   Decision
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		d, err := m.o.Approver.Approve(ctx, req)
		ch <- answer{d, err}
	}()
	select {
	case a := <-ch:
		return a.d, a.err
	case <-ctx.Done():
		return Deny, ctx.Err()
	}
}

// alwaysAllow remembers the tool for this session and writes it into autoApprove. When
// mcp.json cannot be written (broken), the session keeps it and Config reports why.
func (m *Manager) alwaysAllow(server, tool string) {
	m.mu.Lock()
	if !slices.Contains(m.session[server], tool) {
		m.session[server] = append(m.session[server], tool)
	}
	m.mu.Unlock()
	_, err := m.SetToolAutoApprove(server, tool, true)
	if err != nil {
		m.log.Warn("could not save Always allow", "server", server, "tool", tool, "kind", string(KindOf(err)))
	}
}

func (m *Manager) unknownTool(name string) string {
	return fmt.Sprintf("There is no tool called %q. %s", name, m.available())
}

// available names the callable tools briefly, so the model can correct a wrong name.
func (m *Manager) available() string {
	defs := m.Definitions(context.Background(), "")
	if len(defs) == 0 {
		return "No tools are available now."
	}
	names := make([]string, 0, len(defs))
	for _, d := range defs {
		names = append(names, d.Name)
	}
	const most = 30
	more := ""
	if len(names) > most {
		more = fmt.Sprintf(" and %d more", len(names)-most)
		names = names[:most]
	}
	return "Available tools: " + strings.Join(names, ", ") + more + "."
}

// parseArguments accepts a JSON object; an empty string (some models send it for tools
// without parameters) is {}.
func parseArguments(s string) (json.RawMessage, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return json.RawMessage(`{}`), nil
	}
	var v any
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return nil, fmt.Errorf("The arguments are not valid JSON (%v). Send the arguments as one JSON object, e.g. {\"path\": \"/tmp/a.txt\"}.", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("The arguments must be a JSON object ({...}), not %s. Send them as one JSON object with the tool's parameters as keys.", jsonKind(v))
	}
	return json.RawMessage(t), nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "true/false"
	case nil:
		return "null"
	}
	return "something else"
}
