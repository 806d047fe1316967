// Package pricing turns token counts into an estimated cost from a price table the user can
// edit. DashScope's prices change and differ by region and tier, so the built-in table is a
// starting point, not a bill.
package pricing

import (
	"fmt"
	"strings"
)

// Currency of every price here.
const Currency = "CNY"

// Price is what one model costs, in CNY per million tokens. Model is an exact id, or a
// prefix ending in "*" ("qwen-plus*" covers qwen-plus-latest and dated snapshots).
type Price struct {
	Model       string  `json:"model"`
	Input       float64 `json:"input"`
	Output      float64 `json:"output"`
	CachedInput float64 `json:"cachedInput"` // for prompt tokens served from the cache
}

// Defaults are list prices of DashScope's Beijing region for the cheapest input tier, as
// published in 2025. They are estimates: the user edits them to match their bill.
func Defaults() []Price {
	return []Price{
		{Model: "qwen3-max*", Input: 6, Output: 24, CachedInput: 2.4},
		{Model: "qwen-max*", Input: 2.4, Output: 9.6, CachedInput: 0.96},
		{Model: "qwen-plus*", Input: 0.8, Output: 2, CachedInput: 0.32},
		{Model: "qwen-flash*", Input: 0.15, Output: 1.5, CachedInput: 0.06},
		{Model: "qwen-turbo*", Input: 0.3, Output: 0.6, CachedInput: 0.12},
		{Model: "qwq-plus*", Input: 1.6, Output: 4, CachedInput: 0.64},
		{Model: "qwen3-coder-plus*", Input: 4, Output: 16, CachedInput: 1.6},
		{Model: "qwen3-coder-flash*", Input: 1, Output: 4, CachedInput: 0.4},
		{Model: "qwen3-vl-plus*", Input: 1, Output: 10, CachedInput: 0.4},
		{Model: "qwen-vl-max*", Input: 1.6, Output: 4, CachedInput: 0.64},
		{Model: "qwen-vl-plus*", Input: 0.8, Output: 2, CachedInput: 0.32},
	}
}

// MaxRows bounds the table.
const MaxRows = 200

// Validate checks a table the user edited.
func Validate(prices []Price) error {
	if len(prices) > MaxRows {
		return fmt.Errorf("the price table can have at most %d rows", MaxRows)
	}
	seen := map[string]bool{}
	for i, p := range prices {
		m := strings.TrimSpace(p.Model)
		switch {
		case m == "" || len(m) > 128 || strings.ContainsFunc(m, func(r rune) bool { return r <= ' ' || r > '~' }):
			return fmt.Errorf("row %d: a model id is one word, like qwen-plus or qwen-plus*", i+1)
		case strings.Contains(strings.TrimSuffix(m, "*"), "*"):
			return fmt.Errorf("row %d: * may only end a model id", i+1)
		case seen[m]:
			return fmt.Errorf("row %d: %s is listed twice", i+1, m)
		case !(p.Input >= 0 && p.Output >= 0 && p.CachedInput >= 0) || p.Input > 1e6 || p.Output > 1e6 || p.CachedInput > 1e6:
			return fmt.Errorf("row %d: prices must be numbers from 0 to 1,000,000", i+1)
		}
		seen[m] = true
	}
	return nil
}

// Match finds the price for model: an exact row first, then the longest matching prefix.
func Match(prices []Price, model string) (Price, bool) {
	best, bestLen := Price{}, -1
	for _, p := range prices {
		switch {
		case p.Model == model:
			return p, true
		case strings.HasSuffix(p.Model, "*"):
			prefix := strings.TrimSuffix(p.Model, "*")
			if strings.HasPrefix(model, prefix) && len(prefix) > bestLen {
				best, bestLen = p, len(prefix)
			}
		}
	}
	return best, bestLen >= 0
}

// Cost estimates the cost of one model's usage; ok is false when no price matches. Cached
// prompt tokens are charged at CachedInput instead of Input; reasoning tokens are part of the
// completion and charged as output.
func Cost(prices []Price, model string, prompt, completion, cached int) (cost float64, ok bool) {
	p, ok := Match(prices, model)
	if !ok {
		return 0, false
	}
	if cached > prompt {
		cached = prompt
	}
	return (float64(prompt-cached)*p.Input + float64(cached)*p.CachedInput + float64(completion)*p.Output) / 1e6, true
}
