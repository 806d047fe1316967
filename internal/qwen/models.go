package qwen

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// FallbackModels is the built-in model list, used when GET /models fails or is not offered in
// a region (it is not in the official reference). The models change often, so the UI must
// still accept any typed id. qwen-plus comes first because it is the usual default: good, cheap
// and available in every region.
func FallbackModels() []string {
	return []string{
		"qwen-plus",
		"qwen3-max",
		"qwen-max",
		"qwen-plus-latest",
		"qwen-flash",
		"qwen-turbo",
		"qwen3-coder-plus",
		"qwen3-coder-flash",
		"qwq-plus",
		"qwq-32b",
		"qwen3-vl-plus",
		"qwen3-vl-flash",
		"qwen-vl-max",
		"qwen-vl-plus",
	}
}

// ModelTakesThinking reports whether the model understands the enable_thinking switch or
// always thinks, i.e. whether the UI should offer a "thinking" toggle and expect
// reasoning_content. DashScope publishes no capability API, so this is a name heuristic:
//
//   - qwq*, qvq* and any id containing "-thinking" always think (thinking-only): true.
//   - qwen3-* (including qwen3-max and qwen3-vl-*), qwen-plus*, qwen-flash* and qwen-turbo*
//     are hybrid models that think when enable_thinking is true: true.
//   - ids containing "-instruct" or "coder" are the non-thinking variants of those families,
//     and everything else (qwen-max, qwen-vl-*, unknown ids) is assumed not to think: false.
//
// A wrong "true" only shows a toggle that has no effect; a wrong "false" hides reasoning the
// user could have had, so unknown future qwen3 ids default to true.
func ModelTakesThinking(model string) bool {
	m := strings.ToLower(strings.TrimSpace(model))
	if ModelThinkingOnly(m) {
		return true
	}
	if strings.Contains(m, "-instruct") || strings.Contains(m, "coder") {
		return false
	}
	for _, p := range []string{"qwen3-", "qwen3.", "qwen-plus", "qwen-flash", "qwen-turbo"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// ModelThinkingOnly reports whether the model always reasons (QwQ, QVQ and the "-thinking"
// open-weight variants). For these the UI should not offer to switch thinking off, and
// enable_thinking:false must not be relied on.
func ModelThinkingOnly(model string) bool {
	m := strings.ToLower(strings.TrimSpace(model))
	return strings.HasPrefix(m, "qwq") || strings.HasPrefix(m, "qvq") || strings.Contains(m, "-thinking")
}

// ModelRejectsSystemPrompt reports whether a system message must be left out: DashScope's
// guidance for QwQ is not to send one.
func ModelRejectsSystemPrompt(model string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(model)), "qwq")
}

// Models fetches the model ids the key can use (GET {base}/models, OpenAI list shape),
// sorted and without duplicates. The endpoint is not in the official reference and may be
// missing in some regions, so callers should fall back to FallbackModels on error. Failures
// are *APIError, except the caller's own cancellation (ctx.Err()).
func (c *Client) Models(ctx context.Context, apiKey string) ([]string, error) {
	data, err := c.getMeta(ctx, apiKey, "/models")
	if err != nil {
		return nil, err
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, newBadResponse(http.StatusOK, "", "the model list is not valid JSON", data, err)
	}
	ids := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		if m.ID != "" {
			ids = append(ids, m.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// CheckKey tells whether the key works against this endpoint, without spending tokens: it
// lists the models. A 401 (KindAuth) very often means the key belongs to another region.
func (c *Client) CheckKey(ctx context.Context, apiKey string) error {
	_, err := c.getMeta(ctx, apiKey, "/models")
	return err
}
