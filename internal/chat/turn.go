package chat

import (
	"context"
	"errors"
	"strings"
	"time"

	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
)

// turn is one running reply. Its run goroutine is the only one that emits its events, so
// they leave in order with increasing seq.
type turn struct {
	svc     *Service
	key     string
	onEnd   func()
	started time.Time
	ids     Turn
	req     qwen.Request

	// reply is the assistant message as stored; only this turn's goroutine touches it. It
	// is written at the first token, then at most CheckpointEvery behind the stream, then
	// once more with how the turn ended.
	reply      store.Message
	content    strings.Builder // the reply's text so far; appended per flush, not copied
	reasoning  strings.Builder
	saved      bool
	savedAt    time.Time
	firstReply bool   // the conversation's first exchange: name it afterwards
	question   string // for the title

	// step numbers this turn's model requests (a continued reply goes on from its stored
	// calls); stepStart is where in content the current step's text began.
	step      int
	stepStart int

	released     bool
	seq          int
	events       int
	firstTokenAt time.Time
	co           coalescer
}

// outcome is how a turn ended.
type outcome struct {
	finishReason string
	usage        *qwen.Usage
	serverID     string
	err          error
	stopped      bool
	calls        []qwen.ToolCall // the step asked for these
}

func (t *turn) run(ctx context.Context) {
	defer t.svc.running.Done()
	defer t.release() // normally done already, just before the last event

	t.req.OnRetry = func(attempt int, wait time.Duration, cause *qwen.APIError) {
		kind := ""
		if cause != nil {
			kind = string(cause.Kind)
		}
		t.svc.log.Warn("turn retrying", "request", t.ids.RequestID, "attempt", attempt, "wait_ms", wait.Milliseconds(), "kind", kind)
		t.emit(EventRetry, RetryEvent{Header: t.next(), Attempt: attempt, DelayMs: wait.Milliseconds(), Kind: kind})
	}
	if r := t.svc.cfg.Tools; r != nil {
		t.req.Tools = definitionsToTools(r.Definitions(ctx, t.ids.ConversationID))
	}

	// Each step is one request; a step that ends in tool calls runs them and asks again.
	var usage *qwen.Usage
	var out outcome
	for rounds := 0; ; rounds++ {
		out = t.runStep(ctx)
		usage = addUsage(usage, out.usage)
		if out.err != nil || out.stopped || len(out.calls) == 0 {
			break
		}
		limit := t.svc.cfg.MaxToolSteps
		recs := t.runTools(ctx, out.calls, rounds < limit)
		if ctx.Err() != nil {
			out.stopped = true
			break
		}
		if rounds >= limit {
			out.err = userErrorf(KindToolLimit, "The model kept calling tools: the reply stopped after %d tool steps. What it wrote so far is kept.", limit)
			break
		}
		t.req.Messages = append(t.req.Messages, t.stepMessages(out.calls, recs)...)
		t.step++
		t.stepStart = t.content.Len()
	}
	out.usage = usage
	t.finish(out)
}

// runStep streams one request of the turn.
func (t *turn) runStep(ctx context.Context) outcome {
	stream, err := t.svc.cfg.Streamer.Stream(ctx, t.key, t.req)
	if err != nil {
		return outcome{err: err, stopped: ctx.Err() != nil}
	}
	defer stream.Close()
	return t.pump(ctx, stream)
}

// stepMessages is what goes back to the model after a step: the assistant message as
// received (this step's text and all its calls), then one tool message per call, in order.
func (t *turn) stepMessages(calls []qwen.ToolCall, recs []callRecord) []qwen.Message {
	out := make([]qwen.Message, 0, len(calls)+1)
	out = append(out, qwen.Message{Role: RoleAssistant, Content: t.content.String()[t.stepStart:], ToolCalls: calls})
	for _, r := range recs {
		out = append(out, qwen.Message{Role: qwen.RoleTool, ToolCallID: r.call.ID, Content: r.result.Content})
	}
	return out
}

// pump reads the stream on a helper goroutine and emits coalesced deltas from this one: the
// flush timer must fire while Next is blocked waiting for the network.
func (t *turn) pump(ctx context.Context, stream Stream) outcome {
	received := make(chan qwen.Event, 64)
	go func() {
		defer close(received)
		for stream.Next() {
			received <- stream.Current()
		}
	}()

	var out outcome
	var timer *time.Timer
	var tick <-chan time.Time
	arm := func() {
		if tick != nil || !t.co.pending() {
			return
		}
		d := t.co.due(time.Now())
		if d <= 0 {
			t.flush()
			if !t.co.pending() {
				return
			}
			d = t.co.due(time.Now())
		}
		timer = time.NewTimer(d)
		tick = timer.C
	}

	open := true
	for open || t.co.pending() {
		select {
		case ev, ok := <-received:
			if !ok {
				open, received = false, nil
				arm()
				continue
			}
			if ev.FinishReason != "" {
				out.finishReason = ev.FinishReason
				out.calls = ev.ToolCalls
			}
			if len(ev.CallsStarted) > 0 {
				t.announceCalls(ev.CallsStarted)
			}
			if ev.Usage != nil {
				out.usage = ev.Usage
			}
			if ev.Content == "" && ev.Reasoning == "" {
				continue
			}
			if t.firstTokenAt.IsZero() {
				t.firstTokenAt = time.Now()
			}
			t.co.add(ev.Content, ev.Reasoning)
			arm()
		case <-tick:
			tick = nil
			t.flush()
			arm()
		}
	}
	if timer != nil {
		timer.Stop()
	}
	// The reader goroutine has closed the channel, so Err is safe to read.
	out.err = stream.Err()
	out.serverID = stream.RequestID()
	out.stopped = ctx.Err() != nil
	return out
}

// flush emits what is buffered (at most one payload), appends it to the reply and
// checkpoints the reply when the last save is old enough.
func (t *turn) flush() {
	content, reasoning := t.co.take(time.Now())
	if content == "" && reasoning == "" {
		return
	}
	t.content.WriteString(content)
	t.reasoning.WriteString(reasoning)
	// The window first, the disk second: the save must not delay the text on screen, and a
	// crash between the two loses no more than the checkpoint interval allows anyway.
	t.emit(EventDelta, DeltaEvent{Header: t.next(), Content: content, Reasoning: reasoning})
	if !t.saved || time.Since(t.savedAt) >= t.svc.cfg.CheckpointEvery {
		t.save()
	}
}

// save writes the reply. It uses its own context: a stopped turn's context is already
// cancelled, and what arrived must still be kept.
func (t *turn) save() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Builder.String does not copy, so a checkpoint costs the write, not a copy of the reply.
	t.reply.Content, t.reply.Reasoning = t.content.String(), t.reasoning.String()
	t.reply.UpdatedAt = time.Now()
	var err error
	if t.saved {
		err = t.svc.store.UpdateMessage(ctx, t.reply)
	} else {
		err = t.svc.store.AddMessage(ctx, t.reply)
	}
	if err != nil {
		// The stream goes on and the next checkpoint tries again; the text is still in memory.
		t.svc.log.Warn("reply not saved", "request", t.ids.RequestID, "error", err.Error())
		return
	}
	t.saved, t.savedAt = true, time.Now()
}

func (t *turn) finish(out outcome) {
	var apiErr *qwen.APIError
	errors.As(out.err, &apiErr)
	if out.serverID == "" && apiErr != nil {
		out.serverID = apiErr.RequestID
	}

	status := StatusComplete
	var te *TurnError
	switch {
	case out.stopped:
		status = StatusStopped
	case out.err != nil:
		status = StatusError
		te = describe(out.err)
		te.RequestIDFromServer = out.serverID
		if apiErr != nil && apiErr.Kind == qwen.KindTruncated {
			status = StatusTruncated
		}
	}

	t.reply.Status = string(status)
	t.reply.FinishReason = out.finishReason
	t.reply.Usage = storeUsage(out.usage)
	t.reply.ServerRequestID = out.serverID
	t.reply.DurationMs = time.Since(t.started).Milliseconds()
	if !t.firstTokenAt.IsZero() {
		t.reply.FirstTokenMs = t.firstTokenAt.Sub(t.started).Milliseconds()
	}
	if te != nil {
		t.reply.ErrorKind, t.reply.ErrorMessage = te.Kind, te.Message
	}
	t.save()

	attrs := []any{"request", t.ids.RequestID, "status", string(status),
		"duration_ms", time.Since(t.started).Milliseconds(), "events", t.events,
		"finish", out.finishReason, "server_request", out.serverID}
	if !t.firstTokenAt.IsZero() {
		attrs = append(attrs, "first_token_ms", t.firstTokenAt.Sub(t.started).Milliseconds())
	}
	if out.usage != nil {
		attrs = append(attrs, "prompt_tokens", out.usage.PromptTokens, "completion_tokens", out.usage.CompletionTokens)
	}
	if te != nil {
		attrs = append(attrs, "error_kind", te.Kind)
		t.svc.log.Warn("turn finished", attrs...)
		t.release()
		t.emit(EventError, ErrorEvent{Header: t.next(), Status: status, Kind: te.Kind, Message: te.Message, RequestIDFromServer: te.RequestIDFromServer})
		return
	}
	t.svc.log.Info("turn finished", attrs...)
	t.release()
	t.emit(EventDone, DoneEvent{Header: t.next(), Status: status, FinishReason: out.finishReason, Usage: out.usage})
	if status == StatusComplete && t.firstReply {
		t.svc.nameLater(t.ids.ConversationID, t.key, t.question, t.reply.Content)
	}
}

// describe turns a failure into what the user is told.
func describe(err error) *TurnError {
	var apiErr *qwen.APIError
	if errors.As(err, &apiErr) {
		return &TurnError{Kind: string(apiErr.Kind), Message: apiErr.Detail()}
	}
	var ue *UserError
	if errors.As(err, &ue) {
		return &TurnError{Kind: ue.Kind, Message: ue.Message}
	}
	return &TurnError{Kind: KindInternal, Message: err.Error()}
}

// release frees the conversation and the request's slot. It runs before the last event, so
// whatever the window does on receiving it (regenerate, edit, send) finds the conversation
// free.
func (t *turn) release() {
	if t.released {
		return
	}
	t.released = true
	t.svc.release(t.ids.ConversationID)
	if t.onEnd != nil {
		t.onEnd()
	}
}

// emit sends one event of this turn.
func (t *turn) emit(name string, payload any) {
	t.events++
	t.svc.cfg.Emitter.Emit(name, payload)
}

// next returns the header for the turn's next event.
func (t *turn) next() Header {
	t.seq++
	return Header{RequestID: t.ids.RequestID, ConversationID: t.ids.ConversationID, MessageID: t.ids.AssistantMessageID, Seq: t.seq}
}
