package qwen

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// Complete asks for a whole reply in one response (stream:false), for small helper calls such
// as conversation titles. Thinking is always switched off: DashScope rejects
// enable_thinking:true on non-streaming calls, and a title needs no reasoning. No retries.
func (c *Client) Complete(ctx context.Context, apiKey string, req Request) (string, error) {
	if strings.TrimSpace(req.Model) == "" || len(req.Messages) == 0 {
		return "", &APIError{Kind: KindBadRequest, Message: "a completion needs a model and messages"}
	}
	off := false
	body, err := json.Marshal(wireRequest{
		Model:          req.Model,
		Messages:       req.Messages,
		Temperature:    req.Temperature,
		TopP:           req.TopP,
		MaxTokens:      req.MaxTokens,
		EnableThinking: &off,
	})
	if err != nil {
		return "", &APIError{Kind: KindBadRequest, Message: "the request cannot be encoded", Err: err}
	}
	data, err := c.roundTrip(ctx, http.MethodPost, "/chat/completions", apiKey, body)
	if err != nil {
		return "", err
	}
	var out struct {
		Choices []struct {
			Message struct {
				Content *string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return "", newBadResponse(http.StatusOK, "", "the completion is not valid JSON", data, err)
	}
	if len(out.Choices) == 0 || out.Choices[0].Message.Content == nil {
		return "", newBadResponse(http.StatusOK, "", "the completion has no message", data, nil)
	}
	return *out.Choices[0].Message.Content, nil
}
