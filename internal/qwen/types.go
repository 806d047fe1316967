// Package qwen talks to DashScope's OpenAI-compatible API: regions, request bodies, SSE
// decoding, chunk types, usage and typed, classified errors. It knows nothing of Wails,
// storage or the UI.
package qwen

import "encoding/json"

import "time"

// Message is one chat message as DashScope expects it in "messages".
type Message struct {
	Role    string `json:"role"` // "system", "user", "assistant" or "tool"
	Content string `json:"content"`
	// Images are data: URLs for vision models. With any, content is sent as parts: each
	// image, then the text (the order DashScope's examples use).
	Images []string `json:"-"`
	// ToolCalls are an assistant message's calls, sent back exactly as they were received
	// so the model sees its own step.
	ToolCalls []ToolCall `json:"-"`
	// ToolCallID names the call a "tool" message answers.
	ToolCallID string `json:"-"`
}

// Roles of messages the tool loop adds.
const (
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// ToolCall is one call as the model sent it: Function.Arguments is the raw JSON string,
// which may be invalid.
type ToolCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"` // always "function"
	Function FunctionCall `json:"function"`
}

// FunctionCall is the function part of a ToolCall.
type FunctionCall struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Tool is one function offered to the model. Name must match ^[a-zA-Z0-9_-]{1,64}$;
// Parameters is a JSON Schema object (nil sends an empty object schema).
type Tool struct {
	Name        string
	Description string
	Parameters  json.RawMessage
}

// MarshalJSON writes the wire shape {"type":"function","function":{…}}.
func (t Tool) MarshalJSON() ([]byte, error) {
	params := t.Parameters
	if len(params) == 0 {
		params = json.RawMessage(`{"type":"object","properties":{}}`)
	}
	type function struct {
		Name        string          `json:"name"`
		Description string          `json:"description,omitempty"`
		Parameters  json.RawMessage `json:"parameters"`
	}
	return json.Marshal(struct {
		Type     string   `json:"type"`
		Function function `json:"function"`
	}{"function", function{t.Name, t.Description, params}})
}

// Tool choices besides a function's name (see Request.ToolChoice).
const (
	ToolChoiceAuto = "auto"
	ToolChoiceNone = "none"
)

// toolChoice marshals Request.ToolChoice: the two keywords as strings, anything else as the
// object that forces one named function.
type toolChoice string

func (c toolChoice) MarshalJSON() ([]byte, error) {
	if c == ToolChoiceAuto || c == ToolChoiceNone {
		return json.Marshal(string(c))
	}
	type name struct {
		Name string `json:"name"`
	}
	return json.Marshal(struct {
		Type     string `json:"type"`
		Function name   `json:"function"`
	}{"function", name{string(c)}})
}

type contentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *imageURL `json:"image_url,omitempty"`
}

type imageURL struct {
	URL string `json:"url"`
}

// MarshalJSON sends plain text as a string and text with images as content parts.
// An assistant message with calls carries them whole; a tool message names its call.
func (m Message) MarshalJSON() ([]byte, error) {
	if len(m.ToolCalls) > 0 {
		return json.Marshal(struct {
			Role      string     `json:"role"`
			Content   string     `json:"content"`
			ToolCalls []ToolCall `json:"tool_calls"`
		}{m.Role, m.Content, m.ToolCalls})
	}
	if m.Role == RoleTool {
		return json.Marshal(struct {
			Role       string `json:"role"`
			ToolCallID string `json:"tool_call_id"`
			Content    string `json:"content"`
		}{m.Role, m.ToolCallID, m.Content})
	}
	if len(m.Images) == 0 {
		return json.Marshal(struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		}{m.Role, m.Content})
	}
	parts := make([]contentPart, 0, len(m.Images)+1)
	for _, u := range m.Images {
		parts = append(parts, contentPart{Type: "image_url", ImageURL: &imageURL{URL: u}})
	}
	if m.Content != "" {
		parts = append(parts, contentPart{Type: "text", Text: m.Content})
	}
	return json.Marshal(struct {
		Role    string        `json:"role"`
		Content []contentPart `json:"content"`
	}{m.Role, parts})
}

// Request is what the caller wants to ask. Nil pointers are left out of the body so the
// server's defaults apply.
type Request struct {
	Model          string
	Messages       []Message
	Temperature    *float64
	TopP           *float64
	MaxTokens      *int
	EnableThinking *bool // sent only when non-nil
	ThinkingBudget *int  // Qwen extension: caps reasoning tokens
	EnableSearch   *bool // Qwen extension: let the model search the web

	// Tools are the functions the model may call; none leaves "tools" out of the body.
	Tools []Tool
	// ToolChoice is "auto", "none" or the name of the one function the model must call;
	// "" leaves it to the server.
	ToolChoice        string
	ParallelToolCalls *bool // sent only when non-nil

	// OnRetry, when set, is called before each retry sleep so the caller can tell the user
	// why nothing is happening yet ("rate limited, retrying in 2s"). attempt is the attempt
	// that just failed (1-based). It runs on the goroutine that called Stream and is never
	// serialized.
	OnRetry func(attempt int, wait time.Duration, cause *APIError) `json:"-"`
}

// Usage is the token accounting of one completion.
type Usage struct {
	PromptTokens            int                      `json:"prompt_tokens"`
	CompletionTokens        int                      `json:"completion_tokens"`
	TotalTokens             int                      `json:"total_tokens"`
	PromptTokensDetails     *PromptTokensDetails     `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails *CompletionTokensDetails `json:"completion_tokens_details,omitempty"`
}

// PromptTokensDetails carries the cached part of the prompt.
type PromptTokensDetails struct {
	CachedTokens int `json:"cached_tokens"`
}

// CompletionTokensDetails carries the reasoning part of the completion.
type CompletionTokensDetails struct {
	ReasoningTokens int `json:"reasoning_tokens"`
}

// Finish reasons as DashScope sends them.
const (
	FinishStop      = "stop"
	FinishLength    = "length"
	FinishToolCalls = "tool_calls"
)

// Event is one decoded step of a stream, already flattened from the chunk: the text that
// arrived (either may be empty), and, on the chunk that carries them, the finish reason and
// usage.
type Event struct {
	Content      string
	Reasoning    string
	FinishReason string // "" until the server says why it stopped
	Usage        *Usage // non-nil only on the usage chunk
	ServerID     string // the chunk's "id" (chatcmpl-…)

	// CallsStarted names the tool calls whose first chunk arrived in this event, so the UI
	// can say "calling X…" while the arguments are still streaming.
	CallsStarted []CallStart
	// ToolCalls are the whole calls of the step, in index order, on the event that carries
	// the finish reason. Each has an id and a name (the stream fails otherwise).
	ToolCalls []ToolCall
}

// CallStart is the first sight of a tool call in a stream.
type CallStart struct {
	Index int
	ID    string
	Name  string
}
