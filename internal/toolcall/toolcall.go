// Package toolcall is the contract between the chat turn, which runs the tool loop, and the
// tool layer, which knows the MCP servers, asks the user for approval and runs the calls. It
// holds only types, so neither side imports the other.
package toolcall

import (
	"context"
	"encoding/json"
	"time"
)

// Definition is one tool as it is offered to the model. Name is the API name: unique across
// servers and valid for DashScope (^[a-zA-Z0-9_-]{1,64}$); the tool layer maps it back to a
// server and the server's own tool name.
type Definition struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"` // a JSON Schema object
}

// Call is one call the model asked for, with the turn it belongs to.
type Call struct {
	RequestID      string // the turn
	ConversationID string
	MessageID      string // the assistant message that asked for the call
	ID             string // the model's tool_call id
	Name           string // the API name, as the model sent it
	Arguments      string // the JSON string, as the model sent it (it may be invalid)
}

// Outcome says how a call ended; the UI and the history show it.
type Outcome string

// Outcomes of a call.
const (
	OutcomeOK          Outcome = "ok"          // the tool ran and answered
	OutcomeToolError   Outcome = "error"       // the tool ran and reported an error (isError)
	OutcomeInvalid     Outcome = "invalid"     // arguments were not valid JSON, or the tool is unknown
	OutcomeDenied      Outcome = "denied"      // the user declined
	OutcomeTimeout     Outcome = "timeout"     // the tool did not answer in time
	OutcomeFailed      Outcome = "failed"      // the server is not running, crashed or broke the protocol
	OutcomeCancelled   Outcome = "cancelled"   // the user pressed Stop
	OutcomeInterrupted Outcome = "interrupted" // the app stopped during the call (set by the store at open)
)

// Result is what a call produced. Content is always what the model is sent as the tool
// message: on failure it says what went wrong in words the model can act on.
type Result struct {
	Outcome   Outcome       `json:"outcome"`
	Content   string        `json:"content"`
	Server    string        `json:"server"` // the server's name in mcp.json ("" for an unknown tool)
	Tool      string        `json:"tool"`   // the server's own tool name
	Truncated bool          `json:"truncated"`
	Duration  time.Duration `json:"duration"`
}

// Runner is the tool layer as the chat turn sees it.
type Runner interface {
	// Definitions lists the tools offered in a conversation; empty means none.
	Definitions(ctx context.Context, conversationID string) []Definition
	// Run asks for approval when needed, runs the call and returns its result. Every failure
	// is a Result, never an error: the turn goes on and the model reads what happened. Run
	// returns promptly with OutcomeCancelled when ctx is cancelled (Stop).
	Run(ctx context.Context, call Call) Result
}
