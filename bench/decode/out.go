package main

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Out is one step of a stream as a chat client uses it, in one shape for every decoder, so
// that their outputs can be compared equal chunk by chunk: the chunk's text and reasoning,
// its finish reason and usage, the tool calls whose first piece (with the name) arrived in it,
// and, on the chunk with the finish reason, the step's whole tool calls in index order.
//
// QwenDesk's Stream produces exactly this (it assembles tool calls itself and skips chunks
// that carry nothing a user sees). The peers hand over raw per-chunk deltas, so their side
// does the same work a client built on them must do — assembling calls by index, skipping
// empty chunks — with the assembler below, inside the timed loop.
type Out struct {
	Content   string
	Reasoning string
	Finish    string
	Usage     *Usage
	Started   []Started
	Calls     []Call
}

// Usage is the usage block, with the two details DashScope sends.
type Usage struct {
	Prompt, Completion, Total int64
	Cached, Reasoning         int64
}

// Started is the first sight of a tool call.
type Started struct {
	Index    int
	ID, Name string
}

// Call is one whole tool call.
type Call struct {
	ID, Name, Arguments string
}

// empty is true for a chunk that carries nothing a client shows: the leading role-only
// chunk, or a chunk with only a piece of a call's arguments.
func (o *Out) empty() bool {
	return o.Content == "" && o.Reasoning == "" && o.Finish == "" && o.Usage == nil && len(o.Started) == 0
}

// sink receives every decoder's steps. The benchmark counts text (cheap, the same for all);
// the tests keep every step to compare.
type sink interface{ add(Out) }

type countSink struct{ text int }

func (c *countSink) add(o Out) { c.text += len(o.Content) + len(o.Reasoning) }

type keepSink struct{ outs []Out }

func (k *keepSink) add(o Out) { k.outs = append(k.outs, o) }

// assembler puts the peers' streamed tool calls back together by the rules QwenDesk's
// client follows (internal/qwen/toolcalls.go): match pieces by index, never by id; a new id
// at an index in use starts a new call; the name comes whole on one piece.
type assembler struct {
	calls   []*pendingCall
	byIndex map[int]*pendingCall
}

type pendingCall struct {
	index    int
	id, name string
	args     []byte
}

// piece takes one piece of a call and returns whether it made the call known (gave it a name).
func (a *assembler) piece(index int, id, name, args string) (Started, bool) {
	if a.byIndex == nil {
		a.byIndex = map[int]*pendingCall{}
	}
	c := a.byIndex[index]
	if c == nil || id != "" && c.id != "" && id != c.id {
		c = &pendingCall{index: index}
		a.calls = append(a.calls, c)
		a.byIndex[index] = c
	}
	if c.id == "" {
		c.id = id
	}
	c.args = append(c.args, args...)
	if c.name == "" && name != "" {
		c.name = name
		return Started{Index: index, ID: c.id, Name: name}, true
	}
	return Started{}, false
}

// finish hands out the step's calls in index order and resets.
func (a *assembler) finish() ([]Call, error) {
	calls := a.calls
	a.calls, a.byIndex = nil, nil
	if len(calls) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(calls, func(x, y *pendingCall) int { return cmp.Compare(x.index, y.index) })
	out := make([]Call, len(calls))
	for i, c := range calls {
		if c.name == "" {
			return nil, fmt.Errorf("tool call at index %d has no name", c.index)
		}
		id := c.id
		if id == "" {
			id = "call_" + strconv.Itoa(i) + "_" + strconv.Itoa(c.index)
		}
		out[i] = Call{ID: id, Name: c.name, Arguments: string(c.args)}
	}
	return out, nil
}
