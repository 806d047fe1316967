// Package qwen talks to DashScope's OpenAI-compatible API: regions, request bodies, SSE
// decoding, chunk types, usage and typed, classified errors. It knows nothing of Wails,
// storage or the UI.
package qwen

import "encoding/json"

import "time"

// Message is one chat message as DashScope expects it in "messages".
type Message struct {
	Role    string `json:"role"` // "system", "user" or "assistant"
	Content string `json:"content"`
	// Images are data: URLs for vision models. With any, content is sent as parts: each
	// image, then the text (the order DashScope's examples use).
	Images []string `json:"-"`
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
func (m Message) MarshalJSON() ([]byte, error) {
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
}
