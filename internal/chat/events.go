package chat

import "qwendesk/internal/qwen"

// Event names. The frontend mirrors them in frontend/src/lib/events.ts; change both together.
const (
	EventDelta = "chat:delta"
	EventDone  = "chat:done"
	EventError = "chat:error"
	EventRetry = "chat:retry"
	EventTool  = "chat:tool"
)

// Emitter delivers an event to the frontend. The app passes one that calls Wails; tests pass a
// recorder. It must not block for long: it is called from the turn's goroutine.
type Emitter interface {
	Emit(name string, payload any)
}

// EmitterFunc adapts a function to Emitter.
type EmitterFunc func(name string, payload any)

// Emit calls f.
func (f EmitterFunc) Emit(name string, payload any) { f(name, payload) }

// Header starts every payload: it names the turn (requestId) and carries seq, which grows by
// one per event of that turn, so the frontend can drop duplicates and notice gaps.
type Header struct {
	RequestID      string `json:"requestId"`
	ConversationID string `json:"conversationId"`
	MessageID      string `json:"messageId"`
	Seq            int    `json:"seq"`
}

// DeltaEvent is a coalesced batch of streamed text.
type DeltaEvent struct {
	Header
	Content   string `json:"content"`
	Reasoning string `json:"reasoning"`
}

// DoneEvent ends a turn that finished or was stopped by the user.
type DoneEvent struct {
	Header
	Status       Status      `json:"status"`
	FinishReason string      `json:"finishReason"`
	Usage        *qwen.Usage `json:"usage,omitempty"`
}

// ErrorEvent ends a turn that failed. The text received before the failure stays in the
// message.
type ErrorEvent struct {
	Header
	Status              Status `json:"status"`
	Kind                string `json:"kind"`
	Message             string `json:"message"`
	RequestIDFromServer string `json:"requestIdFromServer"`
}

// RetryEvent says the request is being retried before any token arrived.
type RetryEvent struct {
	Header
	Attempt int    `json:"attempt"`
	DelayMs int64  `json:"delayMs"`
	Kind    string `json:"kind"`
}

// Tool call states in ToolEvent: requested as soon as the model names the call (the
// arguments may still be streaming, so they can be empty), running once the tool layer has
// it (with the whole arguments), done with its outcome and result.
const (
	ToolRequested = "requested"
	ToolRunning   = "running"
	ToolDone      = "done"
)

// Caps of a ToolEvent's text, so the payload stays under the event contract's ~8 KB; the
// whole arguments and result are in the history (Conversation).
const (
	MaxToolEventArgs   = 2 * 1024
	MaxToolEventResult = 5 * 1024
)

// ToolEvent is one step of one tool call. A turn's tool events come in order with its deltas:
// all text the model wrote before the call has been sent first, and TextOffset (UTF-8 bytes
// into the reply's content) is where the call goes in the text.
type ToolEvent struct {
	Header
	CallID     string `json:"callId"`
	Name       string `json:"name"`   // the API name the model called
	Server     string `json:"server"` // "" until the tool layer has resolved it, and for an unknown tool
	Tool       string `json:"tool"`
	Arguments  string `json:"arguments"`
	State      string `json:"state"`             // requested | running | done
	Outcome    string `json:"outcome,omitempty"` // toolcall.Outcome, when done
	Result     string `json:"result,omitempty"`  // the result, cut to MaxToolEventResult
	ResultCut  bool   `json:"resultCut"`         // Result (or Arguments) was cut for this event
	Truncated  bool   `json:"truncated"`         // the tool layer cut the tool's output
	DurationMs int64  `json:"durationMs"`
	Step       int    `json:"step"`
	Index      int    `json:"index"`
	TextOffset int    `json:"textOffset"`
}

// EventConversationsChanged tells the sidebar to refresh: a conversation was created,
// renamed, titled, pinned, deleted, restored or imported.
const EventConversationsChanged = "conversations:changed"

// ConversationsChangedEvent names what changed and why.
type ConversationsChangedEvent struct {
	ConversationID string `json:"conversationId"`
	Reason         string `json:"reason"` // created, updated, title, deleted, restored, imported
}
