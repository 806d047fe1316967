package chat

import (
	"context"
	"strconv"
	"time"

	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
	"qwendesk/internal/toolcall"
)

// toolSteps rebuilds what the model saw while writing a reply that called tools: per step,
// the assistant message with the text written in that step and its whole calls, then one
// tool message per call in order; then the text after the last step. A call the app did
// not live to finish is sent with the store's note saying so, so the model never takes it
// for an empty result.
func toolSteps(m store.Message) []qwen.Message {
	var out []qwen.Message
	at := 0
	calls := m.ToolCalls
	for i := 0; i < len(calls); {
		j := i
		for j < len(calls) && calls[j].Step == calls[i].Step {
			j++
		}
		off := min(max(calls[i].TextOffset, at), len(m.Content))
		step := qwen.Message{Role: RoleAssistant, Content: m.Content[at:off]}
		for _, c := range calls[i:j] {
			step.ToolCalls = append(step.ToolCalls, qwen.ToolCall{ID: c.CallID, Type: "function",
				Function: qwen.FunctionCall{Name: c.APIName, Arguments: c.Arguments}})
		}
		out = append(out, step)
		for _, c := range calls[i:j] {
			out = append(out, qwen.Message{Role: qwen.RoleTool, ToolCallID: c.CallID, Content: toolMessageText(c)})
		}
		at, i = off, j
	}
	if rest := m.Content[at:]; rest != "" {
		out = append(out, qwen.Message{Role: RoleAssistant, Content: rest})
	}
	return out
}

func toolMessageText(c store.ToolCall) string {
	switch {
	case c.Outcome == store.ToolOutcomeInterrupted || c.State != store.ToolStateDone:
		return store.InterruptedResult
	case c.Result == "":
		return "(the tool returned nothing)"
	}
	return c.Result
}

// notRunResult is the result of calls asked for after the step cap: they are recorded, so
// the UI and a later continue see them, but never run.
func notRunResult(limit int) toolcall.Result {
	return toolcall.Result{Outcome: toolcall.OutcomeCancelled,
		Content: "Not run: this reply reached its limit of " + strconv.Itoa(limit) + " tool steps."}
}

// callRecord is one call of the current step as the turn tracks it.
type callRecord struct {
	call   qwen.ToolCall
	stored store.ToolCall
	result toolcall.Result
}

// runTools stores the step's calls, runs them (at the same time when there are several),
// records and announces each result as it arrives, and returns them in the model's order.
// It is called on the turn's goroutine, which alone emits; the runner's goroutines only
// send results back.
func (t *turn) runTools(ctx context.Context, calls []qwen.ToolCall, runnable bool) []callRecord {
	offset := t.content.Len()
	// The reply row must exist before its calls (they reference it), even when the step
	// wrote no text.
	t.save()
	recs := make([]callRecord, len(calls))
	now := time.Now()
	for i, c := range calls {
		recs[i] = callRecord{call: c, stored: store.ToolCall{MessageID: t.reply.ID, CallID: c.ID, Step: t.step, Index: i,
			TextOffset: offset, APIName: c.Function.Name, Arguments: c.Function.Arguments, State: store.ToolStateRequested,
			CreatedAt: now, UpdatedAt: now}}
		t.storeCall(recs[i].stored, true)
	}
	if !runnable {
		for i := range recs {
			t.callDone(&recs[i], notRunResult(t.svc.cfg.MaxToolSteps))
		}
		return recs
	}

	type done struct {
		i   int
		res toolcall.Result
	}
	results := make(chan done, len(recs))
	for i := range recs {
		recs[i].stored.State = store.ToolStateRunning
		t.storeCall(recs[i].stored, false)
		t.emitCall(recs[i], ToolRunning)
		call := toolcall.Call{RequestID: t.ids.RequestID, ConversationID: t.ids.ConversationID, MessageID: t.reply.ID,
			ID: calls[i].ID, Name: calls[i].Function.Name, Arguments: calls[i].Function.Arguments}
		go func(i int) {
			start := time.Now()
			res := t.svc.cfg.Tools.Run(ctx, call)
			if res.Duration == 0 {
				res.Duration = time.Since(start)
			}
			results <- done{i, res}
		}(i)
	}
	pending := len(recs)
	var grace <-chan time.Time
	stop := ctx.Done()
	for pending > 0 {
		select {
		case d := <-results:
			t.callDone(&recs[d.i], d.res)
			pending--
		case <-stop:
			// Stop: the runner has been told through ctx; give it a moment to say so, then
			// record what is left as cancelled rather than hold the conversation hostage.
			stop, grace = nil, time.After(t.svc.cfg.ToolGrace)
		case <-grace:
			for i := range recs {
				if recs[i].stored.State != store.ToolStateDone {
					t.callDone(&recs[i], toolcall.Result{Outcome: toolcall.OutcomeCancelled, Content: "Stopped by the user."})
				}
			}
			pending = 0
		}
	}
	return recs
}

// callDone records and announces one call's result.
func (t *turn) callDone(r *callRecord, res toolcall.Result) {
	if res.Outcome == "" {
		res.Outcome = toolcall.OutcomeOK
	}
	r.result = res
	r.stored.State, r.stored.Outcome, r.stored.Result = store.ToolStateDone, string(res.Outcome), res.Content
	r.stored.Server, r.stored.Tool, r.stored.Truncated = res.Server, res.Tool, res.Truncated
	r.stored.DurationMs, r.stored.UpdatedAt = res.Duration.Milliseconds(), time.Now()
	t.storeCall(r.stored, false)
	t.emitCall(*r, ToolDone)
}

// storeCall writes a call with its own context, like save: Stop must not lose it.
func (t *turn) storeCall(c store.ToolCall, add bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	if add {
		err = t.svc.store.AddToolCall(ctx, c)
	} else {
		err = t.svc.store.UpdateToolCall(ctx, c)
	}
	if err != nil {
		t.svc.log.Warn("tool call not saved", "request", t.ids.RequestID, "call", c.CallID, "error", err.Error())
	}
}

// announceCalls tells the window which calls the model has started to write, before their
// arguments are complete. Pending text goes first: the call must appear after it.
func (t *turn) announceCalls(started []qwen.CallStart) {
	t.flushAll()
	for _, c := range started {
		t.emit(EventTool, ToolEvent{Header: t.next(), CallID: c.ID, Name: c.Name, State: ToolRequested,
			Step: t.step, Index: c.Index, TextOffset: t.content.Len()})
	}
}

func (t *turn) emitCall(r callRecord, state string) {
	args, argsCut := capText(r.stored.Arguments, MaxToolEventArgs)
	ev := ToolEvent{Header: t.next(), CallID: r.stored.CallID, Name: r.stored.APIName, Server: r.stored.Server,
		Tool: r.stored.Tool, Arguments: args, State: state, Step: r.stored.Step, Index: r.stored.Index,
		TextOffset: r.stored.TextOffset, ResultCut: argsCut}
	if state == ToolDone {
		res, resCut := capText(r.stored.Result, MaxToolEventResult)
		ev.Outcome, ev.Result, ev.Truncated, ev.DurationMs = r.stored.Outcome, res, r.stored.Truncated, r.stored.DurationMs
		ev.ResultCut = ev.ResultCut || resCut
	}
	t.emit(EventTool, ev)
}

// capText cuts s to at most n bytes on a rune boundary.
func capText(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	head, _ := cut([]byte(s), n)
	return head, true
}

// flushAll sends every buffered character now, in as many payloads as needed.
func (t *turn) flushAll() {
	for t.co.pending() {
		t.flush()
	}
}

// addUsage sums the usage of a turn's steps: each request is billed on its own.
func addUsage(total, u *qwen.Usage) *qwen.Usage {
	if u == nil {
		return total
	}
	if total == nil {
		c := *u
		c.PromptTokensDetails, c.CompletionTokensDetails = nil, nil
		total = &c
		total.PromptTokens, total.CompletionTokens, total.TotalTokens = 0, 0, 0
	}
	total.PromptTokens += u.PromptTokens
	total.CompletionTokens += u.CompletionTokens
	total.TotalTokens += u.TotalTokens
	if u.PromptTokensDetails != nil {
		if total.PromptTokensDetails == nil {
			total.PromptTokensDetails = &qwen.PromptTokensDetails{}
		}
		total.PromptTokensDetails.CachedTokens += u.PromptTokensDetails.CachedTokens
	}
	if u.CompletionTokensDetails != nil {
		if total.CompletionTokensDetails == nil {
			total.CompletionTokensDetails = &qwen.CompletionTokensDetails{}
		}
		total.CompletionTokensDetails.ReasoningTokens += u.CompletionTokensDetails.ReasoningTokens
	}
	return total
}

func definitionsToTools(defs []toolcall.Definition) []qwen.Tool {
	out := make([]qwen.Tool, len(defs))
	for i, d := range defs {
		out[i] = qwen.Tool{Name: d.Name, Description: d.Description, Parameters: d.Parameters}
	}
	return out
}
