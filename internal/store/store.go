// Package store owns history.db, the SQLite file in the data folder that holds every
// conversation, message and setting: its schema migrations, CRUD, search, export and import,
// and recovery from a corrupt file. It knows nothing of HTTP or Wails.
package store

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is returned when a conversation, message or setting does not exist. A
// soft-deleted conversation counts as not found.
var ErrNotFound = errors.New("not found")

// ErrInvalid is wrapped by errors for values the store refuses to write (an empty id, an
// unknown role or status).
var ErrInvalid = errors.New("invalid value")

// Message roles.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleSystem    = "system"
)

// Message statuses. A reply is created "streaming" and ends in one of the others; Open turns
// any "streaming" left by a crash into "incomplete".
const (
	StatusComplete   = "complete"
	StatusStreaming  = "streaming"
	StatusStopped    = "stopped"
	StatusError      = "error"
	StatusTruncated  = "truncated"
	StatusIncomplete = "incomplete"
)

var knownRoles = map[string]bool{RoleUser: true, RoleAssistant: true, RoleSystem: true}

var knownStatuses = map[string]bool{
	StatusComplete: true, StatusStreaming: true, StatusStopped: true,
	StatusError: true, StatusTruncated: true, StatusIncomplete: true,
}

// Params are per-conversation generation parameters; a nil field means the server default.
type Params struct {
	Temperature    *float64 `json:"temperature,omitempty"`
	TopP           *float64 `json:"top_p,omitempty"`
	MaxTokens      *int     `json:"max_tokens,omitempty"`
	EnableThinking *bool    `json:"enable_thinking,omitempty"`
	ThinkingBudget *int     `json:"thinking_budget,omitempty"`
	EnableSearch   *bool    `json:"enable_search,omitempty"`
	// ToolsOff keeps the MCP servers' tools out of this conversation (nil: offered).
	ToolsOff *bool `json:"tools_off,omitempty"`
}

// Conversation is one chat thread. Times come back from the store in UTC.
type Conversation struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Model        string `json:"model"`
	SystemPrompt string `json:"systemPrompt"`
	Params       Params `json:"params"`
	Pinned       bool   `json:"pinned"`
	TitleAuto    bool   `json:"titleAuto"` // title was generated (or provisional) rather than typed by the user
	// ActiveLeaf is the last message of the branch on screen: regenerated replies and edited
	// questions are siblings (same ParentID), and the path from the root to this message is
	// the conversation as shown and as sent. "" means the newest message.
	ActiveLeaf string    `json:"activeLeaf,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// ConversationSummary is a sidebar row.
type ConversationSummary struct {
	Conversation
	MessageCount  int       `json:"messageCount"`
	LastMessageAt time.Time `json:"lastMessageAt"` // zero when the conversation has no messages
}

// Usage is the token accounting the server reported for one reply.
type Usage struct {
	PromptTokens     int `json:"promptTokens"`
	CompletionTokens int `json:"completionTokens"`
	TotalTokens      int `json:"totalTokens"`
	CachedTokens     int `json:"cachedTokens"`
	ReasoningTokens  int `json:"reasoningTokens"`
}

// Message is one turn of a conversation. Times come back from the store in UTC.
type Message struct {
	ID              string `json:"id"`
	ConversationID  string `json:"conversationId"`
	ParentID        string `json:"parentId"` // previous message in the branch, "" for the first
	Role            string `json:"role"`     // user | assistant | system
	Content         string `json:"content"`
	Reasoning       string `json:"reasoning"`
	Status          string `json:"status"` // complete | streaming | stopped | error | truncated | incomplete
	Model           string `json:"model"`
	FinishReason    string `json:"finishReason"`
	Usage           *Usage `json:"usage"` // nil = none reported
	ErrorKind       string `json:"errorKind"`
	ErrorMessage    string `json:"errorMessage"`
	ServerRequestID string `json:"serverRequestId"`
	FirstTokenMs    int64  `json:"firstTokenMs"`
	DurationMs      int64  `json:"durationMs"`
	// Images are data: URLs attached to a user message for vision models.
	Images []string `json:"images,omitempty"`
	// ToolCalls are the calls an assistant message made, in step and index order. Read
	// with the message; written by AddToolCall/UpdateToolCall (AddMessage ignores them,
	// ImportJSON inserts them).
	ToolCalls []ToolCall `json:"toolCalls,omitempty"`
	// Documents are the files attached to a user message, in order. AddMessage writes the
	// links (their documents must be stored already or passed to AddMessageWithDocuments).
	Documents []Attachment `json:"documents,omitempty"`
	CreatedAt time.Time    `json:"createdAt"`
	UpdatedAt time.Time    `json:"updatedAt"`
}

// NewID returns a fresh random id (32 hex characters) for a conversation or message.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Times are stored as int64 unix nanoseconds so that export→import is exact to the
// nanosecond and ordering in SQL is plain integer ordering. The zero time is stored as 0.
func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// minTime and maxTime bound the times UnixNano can represent (years 1678 to 2262).
var (
	minTime = time.Unix(0, -1<<63+1)
	maxTime = time.Unix(0, 1<<63-1)
)

func timeInRange(t time.Time) bool {
	return t.IsZero() || (t.After(minTime) && t.Before(maxTime))
}

func nullNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromNanos(n.Int64)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func invalidf(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...)
}
