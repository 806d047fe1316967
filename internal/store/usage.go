package store

import (
	"context"
	"fmt"
	"time"
)

// UsageDay is the token use of one model on one local calendar day.
type UsageDay struct {
	Day              string `json:"day"` // YYYY-MM-DD in the caller's location
	Model            string `json:"model"`
	Replies          int    `json:"replies"`
	PromptTokens     int    `json:"promptTokens"`
	CompletionTokens int    `json:"completionTokens"`
	CachedTokens     int    `json:"cachedTokens"`
	ReasoningTokens  int    `json:"reasoningTokens"`
}

// UsageByDay sums the usage DashScope reported for replies created in [from, to), per local
// day (in loc) and model, oldest day first. Replies without reported usage are left out.
// Conversations in the bin count until they are purged.
func (s *Store) UsageByDay(ctx context.Context, from, to time.Time, loc *time.Location) ([]UsageDay, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT created_at, model, prompt_tokens, completion_tokens, coalesce(cached_tokens, 0), coalesce(reasoning_tokens, 0)
		FROM messages
		WHERE role = 'assistant' AND prompt_tokens IS NOT NULL AND created_at >= ? AND created_at < ?
		ORDER BY created_at`, toNanos(from), toNanos(to))
	if err != nil {
		return nil, fmt.Errorf("store: usage: %w", err)
	}
	defer rows.Close()
	type key struct{ day, model string }
	index := map[key]int{}
	out := []UsageDay{}
	for rows.Next() {
		var at int64
		var model string
		var prompt, completion, cached, reasoning int
		if err := rows.Scan(&at, &model, &prompt, &completion, &cached, &reasoning); err != nil {
			return nil, fmt.Errorf("store: usage: %w", err)
		}
		k := key{fromNanos(at).In(loc).Format(time.DateOnly), model}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, UsageDay{Day: k.day, Model: model})
		}
		d := &out[i]
		d.Replies++
		d.PromptTokens += prompt
		d.CompletionTokens += completion
		d.CachedTokens += cached
		d.ReasoningTokens += reasoning
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: usage: %w", err)
	}
	return out, nil
}
