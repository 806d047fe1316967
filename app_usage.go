package main

import (
	"time"

	"qwendesk/internal/chat"
	"qwendesk/internal/pricing"
)

// UsageRow is one model's use on one day, with its estimated cost (nil: no price for it).
type UsageRow struct {
	Day              string   `json:"day"`
	Model            string   `json:"model"`
	Replies          int      `json:"replies"`
	PromptTokens     int      `json:"promptTokens"`
	CompletionTokens int      `json:"completionTokens"`
	CachedTokens     int      `json:"cachedTokens"`
	ReasoningTokens  int      `json:"reasoningTokens"`
	Cost             *float64 `json:"cost"`
}

// UsageReport covers the last few days.
type UsageReport struct {
	From     string     `json:"from"`
	To       string     `json:"to"`
	Currency string     `json:"currency"`
	Rows     []UsageRow `json:"rows"`
}

// Usage reports tokens and estimated cost per day and model over the last days (1–366),
// today included, in local time.
func (a *App) Usage(days int) (UsageReport, error) {
	if err := a.opened(); err != nil {
		return UsageReport{}, err
	}
	if days < 1 || days > 366 {
		return UsageReport{}, &chat.UserError{Kind: chat.KindInvalidInput, Message: "Show between 1 and 366 days."}
	}
	now := time.Now()
	end := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, now.Location())
	start := end.AddDate(0, 0, -days)
	usage, err := a.history.UsageByDay(a.root, start, end, now.Location())
	if err != nil {
		return UsageReport{}, a.storageError(err)
	}
	prices := a.settings.Prices()
	rep := UsageReport{From: start.Format(time.DateOnly), To: end.AddDate(0, 0, -1).Format(time.DateOnly),
		Currency: pricing.Currency, Rows: make([]UsageRow, 0, len(usage))}
	for _, u := range usage {
		row := UsageRow{Day: u.Day, Model: u.Model, Replies: u.Replies, PromptTokens: u.PromptTokens,
			CompletionTokens: u.CompletionTokens, CachedTokens: u.CachedTokens, ReasoningTokens: u.ReasoningTokens}
		if cost, ok := pricing.Cost(prices, u.Model, u.PromptTokens, u.CompletionTokens, u.CachedTokens); ok {
			row.Cost = &cost
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}
