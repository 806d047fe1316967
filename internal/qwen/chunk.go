package qwen

import (
	"bytes"
	"encoding/json"
)

// chunk is the part of a "chat.completion.chunk" the client uses. Fields it does not need
// (object, created, model, role, logprobs) are left out so the JSON decoder skips them
// without allocating. One chunk value is reused for the whole stream.
//
// Content and reasoning arrive as a string, "", null or not at all; all four mean the same to
// a reader of the text (nothing new unless non-empty), so plain strings are enough and no
// pointer has to be allocated per chunk.
type chunk struct {
	// ID is kept raw so the decoder reuses its buffer: the id is the same on every chunk of
	// a stream, and converting it to a string once saves an allocation per chunk.
	ID      json.RawMessage `json:"id"`
	Choices []chunkChoice   `json:"choices"`
	Usage   *Usage          `json:"usage"`

	// An error can arrive inside a 200 stream, in either of DashScope's two shapes.
	Error json.RawMessage `json:"error"`
	Code  json.RawMessage `json:"code"`
}

type chunkChoice struct {
	Index        int        `json:"index"`
	Delta        chunkDelta `json:"delta"`
	FinishReason string     `json:"finish_reason"`
}

type chunkDelta struct {
	Content          string          `json:"content"`
	ReasoningContent string          `json:"reasoning_content"`
	ToolCalls        []chunkToolCall `json:"tool_calls"`
}

// chunkToolCall is one piece of a streamed tool call. Only the first piece of a call has
// the id, type and name; later ones have the index and a piece of the arguments.
type chunkToolCall struct {
	Index    int    `json:"index"`
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// reset clears the chunk for the next decode while keeping its buffers. encoding/json leaves
// fields that are absent from the input untouched, and reuses slice elements without zeroing
// them, so without this a previous chunk's text would leak into the next.
func (c *chunk) reset() {
	choices := c.Choices[:cap(c.Choices)]
	clear(choices)
	*c = chunk{
		ID:      c.ID[:0],
		Choices: choices[:0],
		Error:   c.Error[:0],
		Code:    c.Code[:0],
	}
}

// isError reports whether the chunk is an error object rather than a completion chunk.
func (c *chunk) isError() bool {
	if isJSONValue(c.Error) {
		return true
	}
	// The native shape has a top-level "code"; a real chunk never has one.
	return isJSONValue(c.Code) && len(c.Choices) == 0 && c.Usage == nil
}

// choice returns the first choice, which is the only one since the client never asks for
// n > 1. The usage chunk has "choices": [] so this must not index blindly.
func (c *chunk) choice() *chunkChoice {
	for i := range c.Choices {
		if c.Choices[i].Index == 0 {
			return &c.Choices[i]
		}
	}
	if len(c.Choices) > 0 {
		return &c.Choices[0]
	}
	return nil
}

// idCache turns the raw chunk id into a string, allocating only when it changes.
type idCache struct {
	raw []byte
	s   string
}

func (ic *idCache) get(raw json.RawMessage) string {
	if !isJSONValue(raw) {
		return ic.s
	}
	if bytes.Equal(raw, ic.raw) {
		return ic.s
	}
	ic.raw = append(ic.raw[:0], raw...)
	ic.s = jsonText(raw)
	return ic.s
}
