package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"qwendesk/internal/chat"
)

// PromptPreset is a named system prompt the user can apply to a conversation.
type PromptPreset struct {
	Name   string `json:"name"`
	Prompt string `json:"prompt"`
}

const (
	settingPresets = "prompt_presets"
	maxPresets     = 100
	maxPresetName  = 60
)

func defaultPresets() []PromptPreset {
	return []PromptPreset{
		{Name: "Concise assistant · 简洁助手", Prompt: "Answer briefly and directly. Use lists only when they help. Reply in the language of the question."},
		{Name: "Translator · 翻译", Prompt: "Translate the user's text between Chinese and English (into the other language). Keep meaning, tone and formatting; output only the translation."},
		{Name: "Code reviewer · 代码审查", Prompt: "You are a senior engineer reviewing code. Point out bugs, risks and unclear parts first, then suggest concrete improvements with short code examples."},
		{Name: "Writing editor · 润色", Prompt: "Improve the clarity, grammar and flow of the user's text without changing its meaning. Show the edited text, then a short list of the main changes."},
	}
}

// PromptPresets returns the user's system-prompt presets (a starter set until they edit it).
func (a *App) PromptPresets() ([]PromptPreset, error) {
	ctx, cancel := context.WithTimeout(a.root, 5*time.Second)
	defer cancel()
	raw, ok, err := a.history.Setting(ctx, settingPresets)
	if err != nil {
		return nil, a.storageError(err)
	}
	var presets []PromptPreset
	if !ok || json.Unmarshal([]byte(raw), &presets) != nil || checkPresets(presets) != nil {
		return defaultPresets(), nil
	}
	return presets, nil
}

// SetPromptPresets replaces the presets.
func (a *App) SetPromptPresets(presets []PromptPreset) ([]PromptPreset, error) {
	if presets == nil {
		presets = []PromptPreset{}
	}
	for i := range presets {
		presets[i].Name, presets[i].Prompt = strings.TrimSpace(presets[i].Name), strings.TrimSpace(presets[i].Prompt)
	}
	if err := checkPresets(presets); err != nil {
		return nil, &chat.UserError{Kind: chat.KindInvalidInput, Message: err.Error()}
	}
	data, _ := json.Marshal(presets)
	if err := a.history.SetSetting(a.root, settingPresets, string(data)); err != nil {
		return nil, a.storageError(err)
	}
	return presets, nil
}

func checkPresets(presets []PromptPreset) error {
	if len(presets) > maxPresets {
		return fmt.Errorf("keep at most %d presets", maxPresets)
	}
	names := map[string]bool{}
	for i, p := range presets {
		switch {
		case p.Name == "" || utf8.RuneCountInString(p.Name) > maxPresetName:
			return fmt.Errorf("preset %d needs a name of 1 to %d characters", i+1, maxPresetName)
		case names[p.Name]:
			return fmt.Errorf("two presets are called %q", p.Name)
		case p.Prompt == "" || utf8.RuneCountInString(p.Prompt) > chat.MaxSystemPromptRunes:
			return fmt.Errorf("preset %q needs a prompt of 1 to %d characters", p.Name, chat.MaxSystemPromptRunes)
		}
		names[p.Name] = true
	}
	return nil
}
