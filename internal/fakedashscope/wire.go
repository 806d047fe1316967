package fakedashscope

import (
	"encoding/json"
	"net/http"
	"strings"

	"qwendesk/internal/qwen"
)

// chatRequest is the part of a chat completion request the fake looks at.
type chatRequest struct {
	Model         string        `json:"model"`
	Messages      []wireMessage `json:"messages"`
	Stream        bool          `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	EnableThinking    *bool           `json:"enable_thinking"`
	Tools             []toolJSON      `json:"tools"`
	ToolChoice        json.RawMessage `json:"tool_choice"`
	ParallelToolCalls *bool           `json:"parallel_tool_calls"`
}

// toolJSON is one offered tool as the request carries it.
type toolJSON struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"function"`
}

// wireMessage accepts content as a string or as a list of parts (vision requests).
type wireMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	ToolCalls  []qwen.ToolCall `json:"tool_calls"`
	ToolCallID string          `json:"tool_call_id"`
}

// text joins a message's text parts (or returns its plain string content).
func (m wireMessage) text() string {
	text, _ := m.split()
	return text
}

// split returns a message's text and the URLs of its image parts.
func (m wireMessage) split() (string, []string) {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s, nil
	}
	var parts []struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		ImageURL struct {
			URL string `json:"url"`
		} `json:"image_url"`
	}
	if json.Unmarshal(m.Content, &parts) != nil {
		return "", nil
	}
	var texts, images []string
	for _, p := range parts {
		switch p.Type {
		case "text":
			texts = append(texts, p.Text)
		case "image_url":
			images = append(images, p.ImageURL.URL)
		}
	}
	return strings.Join(texts, "\n"), images
}

func (c chatRequest) messages() []qwen.Message {
	out := make([]qwen.Message, 0, len(c.Messages))
	for _, m := range c.Messages {
		text, images := m.split()
		out = append(out, qwen.Message{Role: m.Role, Content: text, Images: images, ToolCalls: m.ToolCalls, ToolCallID: m.ToolCallID})
	}
	return out
}

// lastUserText is where the scenario markers are looked for.
func (c chatRequest) lastUserText() string {
	for i := len(c.Messages) - 1; i >= 0; i-- {
		if c.Messages[i].Role == "user" {
			return c.Messages[i].text()
		}
	}
	return ""
}

// errorSpec is one of DashScope's documented failures, in both of its body shapes.
type errorSpec struct {
	status     int
	code       string // compatible-mode code
	nativeCode string // native-mode code
	typ        string
	message    string
	retryAfter string
}

var (
	errUnauthorized     = errorSpec{http.StatusUnauthorized, "invalid_api_key", "InvalidApiKey", "invalid_request_error", "Incorrect API key provided. ", ""}
	errAccessDenied     = errorSpec{http.StatusForbidden, "AccessDenied", "AccessDenied", "invalid_request_error", "Access denied.", ""}
	errArrearage        = errorSpec{http.StatusBadRequest, "Arrearage", "Arrearage", "Arrearage", "Access denied, please make sure your account is in good standing.", ""}
	errModelNotFound    = errorSpec{http.StatusNotFound, "model_not_found", "ModelNotFound", "invalid_request_error", "The model does not exist or you do not have access to it.", ""}
	errRateLimit        = errorSpec{http.StatusTooManyRequests, "limit_requests", "Throttling.RateQuota", "limit_requests", "Requests rate limit exceeded, please try again later.", "1"}
	errQuota            = errorSpec{http.StatusTooManyRequests, "insufficient_quota", "Throttling.AllocationQuota", "insufficient_quota", "You exceeded your current quota, please check your plan and billing details.", ""}
	errInternal         = errorSpec{http.StatusInternalServerError, "InternalError", "InternalError", "internal_error", "An internal error has occured, please try again later or contact service support.", ""}
	errModeration       = errorSpec{http.StatusBadRequest, "data_inspection_failed", "DataInspectionFailed", "data_inspection_failed", "Input data may contain inappropriate content.", ""}
	errInvalidParameter = errorSpec{http.StatusBadRequest, "invalid_parameter_error", "InvalidParameter", "invalid_request_error", "<400> InternalError.Algo.InvalidParameter: The parameter is invalid.", ""}
)

// errorMarkers maps a marker to its failure, in the order they are checked.
var errorMarkers = []struct {
	marker string
	spec   errorSpec
}{
	{"#err401", errUnauthorized},
	{"#err403", errAccessDenied},
	{"#arrearage", errArrearage},
	{"#err404", errModelNotFound},
	{"#err429", errRateLimit},
	{"#quota", errQuota},
	{"#err500", errInternal},
	{"#moderation", errModeration},
	{"#err400", errInvalidParameter},
}

type openAIErrorBody struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    string  `json:"code"`
	} `json:"error"`
	RequestID string `json:"request_id"`
}

type nativeErrorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

func openAIError(reqID, code, typ, msg string) openAIErrorBody {
	var b openAIErrorBody
	b.Error.Code, b.Error.Type, b.Error.Message = code, typ, msg
	b.RequestID = reqID
	return b
}

// errorBody renders spec in the compatible shape or, for #native, the native one. msg, when
// set, replaces the spec's message.
func errorBody(spec errorSpec, reqID string, native bool, msg string) any {
	if msg == "" {
		msg = spec.message
	}
	if native {
		return nativeErrorBody{Code: spec.nativeCode, Message: msg, RequestID: reqID}
	}
	return openAIError(reqID, spec.code, spec.typ, msg)
}

func writeError(w http.ResponseWriter, reqID string, native bool, spec errorSpec, msg string) {
	if spec.retryAfter != "" {
		w.Header().Set("Retry-After", spec.retryAfter)
	}
	writeJSON(w, spec.status, errorBody(spec, reqID, native, msg))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// chunkJSON is a "chat.completion.chunk" with exactly DashScope's fields. Raw fields let a
// delta carry an explicit null (content while reasoning) or leave a field out entirely.
type chunkJSON struct {
	ID      string          `json:"id"`
	Object  string          `json:"object"`
	Created int64           `json:"created"`
	Model   string          `json:"model"`
	Choices []choiceJSON    `json:"choices"`
	Usage   json.RawMessage `json:"usage"`
}

type choiceJSON struct {
	Index        int             `json:"index"`
	Delta        deltaJSON       `json:"delta"`
	FinishReason json.RawMessage `json:"finish_reason"`
}

type deltaJSON struct {
	Role             string          `json:"role,omitempty"`
	Content          json.RawMessage `json:"content,omitempty"`
	ReasoningContent json.RawMessage `json:"reasoning_content,omitempty"`
	ToolCalls        []toolCallJSON  `json:"tool_calls,omitempty"`
}

var jsonNull = json.RawMessage("null")

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}
