package chat

import (
	"time"

	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
)

// Status is where a message stands.
type Status string

// Message statuses. A reply that was streaming when the app died is "incomplete" at the next
// start.
// The values are the store's: chat only gives them a type.
const (
	StatusStreaming  Status = store.StatusStreaming
	StatusComplete   Status = store.StatusComplete
	StatusStopped    Status = store.StatusStopped
	StatusError      Status = store.StatusError
	StatusTruncated  Status = store.StatusTruncated
	StatusIncomplete Status = store.StatusIncomplete
)

// Roles, as the store names them.
const (
	RoleUser      = store.RoleUser
	RoleAssistant = store.RoleAssistant
)

// TurnError is what the user is told when a turn fails: a stable kind the UI translates and
// picks an action for, the human message, and the server's request id for support.
type TurnError struct {
	Kind                string `json:"kind"`
	Message             string `json:"message"`
	RequestIDFromServer string `json:"requestIdFromServer"`
}

// Message is one message of a conversation as the frontend sees it.
type Message struct {
	ID           string      `json:"id"`
	Role         string      `json:"role"`
	Content      string      `json:"content"`
	Reasoning    string      `json:"reasoning"`
	Status       Status      `json:"status"`
	FinishReason string      `json:"finishReason"`
	Usage        *qwen.Usage `json:"usage,omitempty"`
	Error        *TurnError  `json:"error,omitempty"`
	Versions     *Versions   `json:"versions,omitempty"`
	Images       []string    `json:"images,omitempty"`
	// ToolCalls are an assistant message's calls, each placed in Content at TextOffset.
	ToolCalls []store.ToolCall `json:"toolCalls,omitempty"`
	// Documents are the files attached to a user message: the bubble shows them as chips;
	// their text is in the history file and goes to the model, not to the webview.
	Documents []store.Attachment `json:"documents,omitempty"`
	Model     string             `json:"model"`
	CreatedAt time.Time          `json:"createdAt" ts_type:"string"`
}

// Conversation is a titled list of messages.
type Conversation struct {
	ID       string               `json:"id"`
	Title    string               `json:"title"`
	Model    string               `json:"model"`
	Pinned   bool                 `json:"pinned"`
	Settings ConversationSettings `json:"settings"`
	Messages []Message            `json:"messages"`
	// Earlier counts the branch's messages before the first one in Messages: 0 unless only
	// the latest were asked for (ConversationLatest).
	Earlier int `json:"earlier,omitempty"`
}

// ConversationSummary is one row of the sidebar.
type ConversationSummary struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Model        string    `json:"model"`
	Pinned       bool      `json:"pinned"`
	TitleAuto    bool      `json:"titleAuto"`
	CreatedAt    time.Time `json:"createdAt" ts_type:"string"`
	UpdatedAt    time.Time `json:"updatedAt" ts_type:"string"`
	MessageCount int       `json:"messageCount"`
}

// ConversationPage is one page of the sidebar and the cursor of the next ("" at the end).
type ConversationPage struct {
	Conversations []ConversationSummary `json:"conversations"`
	Next          string                `json:"next"`
}

// Turn names what Send registered: the frontend matches events to it by RequestID.
type Turn struct {
	RequestID          string `json:"requestId"`
	ConversationID     string `json:"conversationId"`
	UserMessageID      string `json:"userMessageId"`
	AssistantMessageID string `json:"assistantMessageId"`
}
