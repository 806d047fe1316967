package fakedashscope

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"qwendesk/internal/qwen"
)

// Tool call markers, read from the last user message (see the package doc):
//
//	#tool:<suffix> {json}  call the offered tool whose name ends with <suffix>, with these
//	                       arguments ({} when none follow); several markers make parallel
//	                       calls, streamed interleaved by index
//	#toolthink             reason first, then call
//	#toolsay               say a sentence before the calls
//	#toolunknown           also call a tool that was not offered
//	#toolbadargs           send arguments that are not valid JSON
//	#toolloop              call again after every tool result, forever (a step cap's test)
//
// When the last message is a tool message (and #toolloop is absent), the fake answers with
// text quoting each result: "Tool result: <first 300 characters>", one line per result.
const (
	toolMarker       = "#tool:"
	unknownToolName  = "no_such_tool"
	badArguments     = `{"path": "/tmp/x", `
	toolResultPrefix = "Tool result: "
	resultQuoteRunes = 300
)

// plannedCall is one call the fake will stream.
type plannedCall struct {
	name string
	args string
}

// toolPlan reads the tool markers of text against the tools the request offers; ok is
// false when the request should be answered with text instead.
func toolPlan(req chatRequest, text string) (calls []plannedCall, ok bool) {
	lastIsTool := len(req.Messages) > 0 && req.Messages[len(req.Messages)-1].Role == qwen.RoleTool
	if lastIsTool && !strings.Contains(text, "#toolloop") {
		return nil, false
	}
	rest := text
	for {
		i := strings.Index(rest, toolMarker)
		if i < 0 {
			break
		}
		rest = rest[i+len(toolMarker):]
		end := strings.IndexFunc(rest, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '{' })
		if end < 0 {
			end = len(rest)
		}
		suffix := rest[:end]
		rest = rest[end:]
		args := "{}"
		if trimmed := strings.TrimLeft(rest, " \t"); strings.HasPrefix(trimmed, "{") {
			dec := json.NewDecoder(strings.NewReader(trimmed))
			var raw json.RawMessage
			if dec.Decode(&raw) == nil {
				args = string(raw)
				rest = trimmed[dec.InputOffset():]
			}
		}
		calls = append(calls, plannedCall{name: offeredName(req, suffix), args: args})
	}
	if len(calls) == 0 {
		return nil, false
	}
	if strings.Contains(text, "#toolbadargs") {
		calls[0].args = badArguments
	}
	if strings.Contains(text, "#toolunknown") {
		calls = append(calls, plannedCall{name: unknownToolName, args: "{}"})
	}
	return calls, true
}

// offeredName picks the offered tool whose name ends with suffix; none offered means the
// model made a name up, which is what #toolunknown tests too.
func offeredName(req chatRequest, suffix string) string {
	for _, t := range req.Tools {
		if suffix != "" && strings.HasSuffix(t.Function.Name, suffix) {
			return t.Function.Name
		}
	}
	return unknownToolName + "_" + suffix
}

// toolResultReply quotes the tool messages that end the request, in order.
func toolResultReply(req chatRequest) string {
	var lines []string
	for i := len(req.Messages) - 1; i >= 0 && req.Messages[i].Role == qwen.RoleTool; i-- {
		t := req.Messages[i].text()
		if utf8.RuneCountInString(t) > resultQuoteRunes {
			t = string([]rune(t)[:resultQuoteRunes])
		}
		lines = append([]string{toolResultPrefix + t}, lines...)
	}
	return strings.Join(lines, "\n")
}

// streamTools streams a step that ends in tool calls, in DashScope's shapes: the role chunk,
// reasoning or a sentence if asked for, then each call's first chunk (id, type, name, empty
// arguments, content null), then the arguments in pieces that carry only the index,
// interleaved across calls, then finish_reason "tool_calls", usage and [DONE].
func (s *Server) streamTools(w http.ResponseWriter, ctx context.Context, reqID string, req chatRequest, calls []plannedCall, text string, sc script) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream;charset=UTF-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	out := &sseWriter{w: w, rc: http.NewResponseController(w), crlf: sc.crlf}
	base := chunkJSON{ID: "chatcmpl-" + reqID, Object: "chat.completion.chunk", Created: time.Now().Unix(), Model: req.Model, Usage: jsonNull}
	send := func(d deltaJSON, finish json.RawMessage) bool {
		if !s.pause(ctx, sc.delay) {
			return false
		}
		c := base
		c.Choices = []choiceJSON{{Delta: d, FinishReason: finish}}
		return out.event(c)
	}
	if !send(deltaJSON{Role: "assistant", Content: jsonString("")}, jsonNull) {
		return
	}
	var completion int
	if strings.Contains(text, "#toolthink") {
		for _, p := range reasoningPieces() {
			completion += utf8.RuneCountInString(p.text)
			if !send(deltaJSON{Content: jsonNull, ReasoningContent: jsonString(p.text)}, jsonNull) {
				return
			}
		}
	}
	if strings.Contains(text, "#toolsay") {
		if !send(deltaJSON{Content: jsonString("Let me check with a tool.")}, jsonNull) {
			return
		}
	}
	ids := make([]string, len(calls))
	for i, c := range calls {
		ids[i] = "call_" + randomHex(12)
		first := []toolCallJSON{{Index: i, ID: ids[i], Type: "function", Function: functionJSON{Name: c.name, Arguments: ""}}}
		if !send(deltaJSON{Content: jsonNull, ToolCalls: first}, jsonNull) {
			return
		}
	}
	// Three pieces per call, round-robin across calls, so parallel calls interleave.
	const pieces = 3
	for p := range pieces {
		for i, c := range calls {
			a, b := p*len(c.args)/pieces, (p+1)*len(c.args)/pieces
			completion += b - a
			later := []toolCallJSON{{Index: i, Function: functionJSON{Arguments: c.args[a:b]}}}
			if !send(deltaJSON{Content: jsonNull, ToolCalls: later}, jsonNull) {
				return
			}
			if sc.end == endTruncate && p == 0 {
				panic(http.ErrAbortHandler) // the connection drops in the middle of a call
			}
		}
	}
	if !send(deltaJSON{Content: jsonString("")}, jsonString(qwen.FinishToolCalls)) {
		return
	}
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		c := base
		c.Choices = []choiceJSON{}
		c.Usage, _ = json.Marshal(usageFor(req, completion, 0))
		if !out.event(c) {
			return
		}
	}
	out.raw("[DONE]")
}

// toolCallJSON is one piece of delta.tool_calls. Later pieces leave id, type and name out
// entirely, as DashScope does, so a client matching by id breaks here as it would there.
type toolCallJSON struct {
	Index    int          `json:"index"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function functionJSON `json:"function"`
}

type functionJSON struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}
