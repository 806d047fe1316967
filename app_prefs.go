package main

import (
	"context"
	"encoding/json"
	"time"

	"qwendesk/internal/chat"
	"qwendesk/internal/qwen"
)

// Preferences are how the app looks and behaves; they live in the history file's settings.
type Preferences struct {
	Theme     string `json:"theme"`     // system, light, dark
	Language  string `json:"language"`  // system, en, zh
	FontSize  int    `json:"fontSize"`  // px of message text
	SendKey   string `json:"sendKey"`   // enter (Shift+Enter for a new line), mod-enter (Ctrl/Cmd+Enter)
	ProxyMode string `json:"proxyMode"` // system, none, custom: for requests to DashScope
	ProxyURL  string `json:"proxyURL"`  // with custom
}

const settingPreferences = "preferences"

func defaultPreferences() Preferences {
	return Preferences{Theme: "system", Language: "system", FontSize: 15, SendKey: "enter", ProxyMode: qwen.ProxySystem}
}

// Preferences returns the current preferences.
func (a *App) Preferences() (Preferences, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.prefsLocked(), nil
}

// SetPreferences validates and stores p. A proxy change applies to the next request.
func (a *App) SetPreferences(p Preferences) (Preferences, error) {
	if err := checkPreferences(p); err != nil {
		return Preferences{}, err
	}
	data, _ := json.Marshal(p)
	if err := a.history.SetSetting(a.root, settingPreferences, string(data)); err != nil {
		return Preferences{}, a.storageError(err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.prefsLocked()
	a.preferences = &p
	if old.ProxyMode != p.ProxyMode || old.ProxyURL != p.ProxyURL {
		a.client = nil
		a.log.Info("proxy changed", "mode", p.ProxyMode)
	}
	return p, nil
}

func checkPreferences(p Preferences) error {
	bad := func(msg string) error { return &chat.UserError{Kind: chat.KindInvalidInput, Message: msg} }
	switch {
	case p.Theme != "system" && p.Theme != "light" && p.Theme != "dark":
		return bad("Theme must be system, light or dark.")
	case p.Language != "system" && p.Language != "en" && p.Language != "zh":
		return bad("Language must be system, en or zh.")
	case p.FontSize < 12 || p.FontSize > 22:
		return bad("Font size must be between 12 and 22.")
	case p.SendKey != "enter" && p.SendKey != "mod-enter":
		return bad("Send with Enter or with Ctrl/Cmd+Enter.")
	}
	if _, err := qwen.ProxyFunc(p.ProxyMode, p.ProxyURL); err != nil {
		return bad("Proxy: " + err.Error())
	}
	return nil
}

// prefsLocked reads the stored preferences once, then serves the cached copy. a.mu held.
func (a *App) prefsLocked() Preferences {
	if a.preferences != nil {
		return *a.preferences
	}
	p := defaultPreferences()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if raw, ok, err := a.history.Setting(ctx, settingPreferences); err == nil && ok {
		var stored Preferences
		if json.Unmarshal([]byte(raw), &stored) == nil && checkPreferences(stored) == nil {
			p = stored
		}
	}
	a.preferences = &p
	return p
}
