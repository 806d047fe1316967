package qwen

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// callAssembler puts streamed tool calls back together. Pieces are matched by index, never
// by id: DashScope sends the id, type and name only on a call's first piece, and later
// pieces carry just the index and a piece of the arguments. Several calls may stream
// interleaved, each with its own index.
type callAssembler struct {
	calls   []*pendingCall
	byIndex map[int]*pendingCall // the call currently growing at each index
}

type pendingCall struct {
	index int
	id    string
	typ   string
	name  string
	args  strings.Builder
}

// add takes one chunk's pieces and returns the calls that became known (got a name) in it.
func (a *callAssembler) add(pieces []chunkToolCall) []CallStart {
	if a.byIndex == nil {
		a.byIndex = map[int]*pendingCall{}
	}
	var started []CallStart
	for _, p := range pieces {
		c := a.byIndex[p.Index]
		// A different id at an index already in use is a new call: some servers number
		// every call 0. An absent id never starts one (later pieces omit it).
		if c == nil || p.ID != "" && c.id != "" && p.ID != c.id {
			c = &pendingCall{index: p.Index}
			a.calls = append(a.calls, c)
			a.byIndex[p.Index] = c
		}
		if c.id == "" {
			c.id = p.ID
		}
		if c.typ == "" {
			c.typ = p.Type
		}
		// The name comes whole on one piece; a server that repeats it must not double it.
		if c.name == "" && p.Function.Name != "" {
			c.name = p.Function.Name
			started = append(started, CallStart{Index: c.index, ID: c.id, Name: c.name})
		}
		c.args.WriteString(p.Function.Arguments)
	}
	return started
}

// pending reports whether a call has started and not been handed out yet.
func (a *callAssembler) pending() bool { return len(a.calls) > 0 }

// finish hands out the step's calls in index order (ties in order of arrival) and resets.
// A call without a name cannot be run or answered, so it fails the stream; a call without
// an id gets one, because the tool message must name the call it answers.
func (a *callAssembler) finish(reason, requestID string) ([]ToolCall, *APIError) {
	calls := a.calls
	a.calls, a.byIndex = nil, nil
	if len(calls) == 0 {
		if reason == FinishToolCalls {
			return nil, &APIError{Kind: KindBadResponse, HTTPStatus: http.StatusOK, RequestID: requestID,
				Message: "the model ended its step to call tools but sent no tool call"}
		}
		return nil, nil
	}
	slices.SortStableFunc(calls, func(x, y *pendingCall) int { return cmp.Compare(x.index, y.index) })
	out := make([]ToolCall, len(calls))
	for i, c := range calls {
		if c.name == "" {
			return nil, &APIError{Kind: KindBadResponse, HTTPStatus: http.StatusOK, RequestID: requestID,
				Message: "the model sent a tool call without a function name (index " + strconv.Itoa(c.index) + ")"}
		}
		id, typ := c.id, c.typ
		if id == "" {
			id = "call_" + strconv.Itoa(i) + "_" + strconv.Itoa(c.index)
		}
		if typ == "" {
			typ = "function"
		}
		out[i] = ToolCall{ID: id, Type: typ, Function: FunctionCall{Name: c.name, Arguments: c.args.String()}}
	}
	return out, nil
}
