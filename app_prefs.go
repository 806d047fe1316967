package main

import (
	"errors"
	"strings"

	"qwendesk/internal/chat"
	"qwendesk/internal/pricing"
	"qwendesk/internal/settings"
)

// The settings the UI edits. internal/settings validates and stores them; these methods only
// check what they must before delegating and apply what a change affects.

// SetPreferences validates and stores p. A proxy change applies to the next request.
func (a *App) SetPreferences(p settings.Preferences) (settings.Preferences, error) {
	if err := a.opened(); err != nil {
		return settings.Preferences{}, err
	}
	p, err := a.settings.SetPreferences(a.root, p)
	if err != nil {
		return settings.Preferences{}, a.settingsError(err)
	}
	// The next request builds its client from the stored proxy; rebuilding is cheap, and
	// comparing with the old value here could miss a change made by a concurrent call.
	a.mu.Lock()
	a.client = nil
	a.mu.Unlock()
	a.log.Info("preferences saved", "proxy_mode", string(p.ProxyMode))
	return p, nil
}

// PromptPresets returns the user's system-prompt presets (a starter set until they edit it).
func (a *App) PromptPresets() ([]settings.PromptPreset, error) {
	if err := a.opened(); err != nil {
		return nil, err
	}
	return a.settings.Presets(), nil
}

// SetPromptPresets replaces the presets.
func (a *App) SetPromptPresets(presets []settings.PromptPreset) ([]settings.PromptPreset, error) {
	if err := a.opened(); err != nil {
		return nil, err
	}
	if len(presets) > settings.MaxPresets {
		return nil, &chat.UserError{Kind: chat.KindInvalidInput, Message: "Too many presets."}
	}
	p, err := a.settings.SetPresets(a.root, presets)
	if err != nil {
		return nil, a.settingsError(err)
	}
	return p, nil
}

// Prices returns the price table used for cost estimates.
func (a *App) Prices() ([]pricing.Price, error) {
	if err := a.opened(); err != nil {
		return nil, err
	}
	return a.settings.Prices(), nil
}

// SetPrices replaces the price table.
func (a *App) SetPrices(prices []pricing.Price) ([]pricing.Price, error) {
	if err := a.opened(); err != nil {
		return nil, err
	}
	p, err := a.settings.SetPrices(a.root, prices)
	if err != nil {
		return nil, a.settingsError(err)
	}
	return p, nil
}

// SetTitleOptions turns automatic titles on or off and picks their model.
func (a *App) SetTitleOptions(enabled bool, model string) (chat.TitleOptions, error) {
	if err := a.opened(); err != nil {
		return chat.TitleOptions{}, err
	}
	if len(model) > 4*settings.MaxModelID {
		return chat.TitleOptions{}, &chat.UserError{Kind: chat.KindInvalidInput, Message: "A model id is one word, like qwen-plus."}
	}
	opts, err := a.settings.SetTitles(a.root, enabled, model)
	if err != nil {
		return chat.TitleOptions{}, a.settingsError(err)
	}
	return opts, nil
}

// ViewState returns the conversation and scroll position to restore.
func (a *App) ViewState() (settings.View, error) {
	if err := a.opened(); err != nil {
		return settings.View{}, err
	}
	return a.settings.View(), nil
}

// SaveViewState remembers the open conversation and its scroll position.
func (a *App) SaveViewState(conversationID string, scrollTop float64) error {
	if err := a.opened(); err != nil {
		return err
	}
	if conversationID != "" {
		if err := checkID(conversationID); err != nil {
			return err
		}
	}
	if err := a.settings.SetView(a.root, settings.View{ConversationID: conversationID, ScrollTop: scrollTop}); err != nil {
		return a.settingsError(err)
	}
	return nil
}

// SetEndpoint chooses a region preset, or "custom" with customURL.
func (a *App) SetEndpoint(region, customURL string) (Endpoint, error) {
	if err := a.opened(); err != nil {
		return Endpoint{}, err
	}
	if len(region) > 64 || len(customURL) > 2048 {
		return Endpoint{}, &chat.UserError{Kind: chat.KindInvalidInput, Message: "Unknown region."}
	}
	if _, err := a.settings.SetEndpoint(a.root, region, customURL); err != nil {
		return Endpoint{}, a.settingsError(err)
	}
	a.mu.Lock()
	a.client = nil
	a.mu.Unlock()
	ep := a.endpoint()
	a.log.Info("endpoint changed", "region", ep.Region, "base_url", ep.BaseURL, "overridden_by_env", ep.OverriddenByEnv)
	return ep, nil
}

// SetModel chooses the model for new turns. Any id is accepted (models change often); it
// must look like an id.
func (a *App) SetModel(model string) (string, error) {
	if err := a.opened(); err != nil {
		return "", err
	}
	c, err := a.settings.SetModel(a.root, strings.TrimSpace(model))
	if err != nil {
		return "", a.settingsError(err)
	}
	a.log.Info("model changed", "model", c.Model)
	return c.Model, nil
}

// settingsError turns the settings package's errors into the kinds the UI shows.
func (a *App) settingsError(err error) error {
	var inv *settings.InvalidError
	if errors.As(err, &inv) {
		return &chat.UserError{Kind: chat.KindInvalidInput, Message: inv.Message, Err: err}
	}
	return a.storageError(err)
}
