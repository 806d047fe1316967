// Package settings owns everything the user sets: the connection (region, endpoint, model),
// preferences, system-prompt presets, prices, automatic-title options and the view to
// restore. All of it lives in one storage, the history file's settings table, behind one
// validation path; a settings.json written by earlier versions is moved in at first start.
// The API key is never a setting (internal/secrets keeps it).
package settings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"qwendesk/internal/chat"
	"qwendesk/internal/pricing"
	"qwendesk/internal/qwen"
)

// KV is the storage: the history file's settings table (*store.Store).
type KV interface {
	Setting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
}

// Keys in the settings table. The ones below "connection" predate this package and keep their
// names, so an existing history file is read as it is.
const (
	keyConnection    = "connection"
	keyPreferences   = "preferences"
	keyPresets       = "prompt_presets"
	keyPrices        = "prices"
	keyTitlesEnabled = "titles.enabled"
	keyTitlesModel   = "titles.model"
	keyViewConv      = "view.conversation"
	keyViewScroll    = "view.scrollTop"
)

// Connection says where requests go and with which model.
type Connection struct {
	Region        string `json:"region"`        // a qwen region id, or "custom"
	CustomBaseURL string `json:"customBaseURL"` // used when Region is "custom"
	Model         string `json:"model"`
}

// Theme is the colour scheme; ThemeSystem follows the OS.
type Theme string

// Themes.
const (
	ThemeSystem Theme = "system"
	ThemeLight  Theme = "light"
	ThemeDark   Theme = "dark"
)

// Language is the UI language; LanguageSystem follows the OS.
type Language string

// Languages.
const (
	LanguageSystem  Language = "system"
	LanguageEnglish Language = "en"
	LanguageChinese Language = "zh"
)

// SendKey is the key that sends a message.
type SendKey string

// Send keys: Enter (Shift+Enter for a new line) or Ctrl/Cmd+Enter.
const (
	SendEnter    SendKey = "enter"
	SendModEnter SendKey = "mod-enter"
)

// ProxyMode says how requests to DashScope reach the network.
type ProxyMode string

// Proxy modes: the values qwen.ProxyFunc takes (its tests and checkPreferences hold them to it).
const (
	ProxySystem ProxyMode = "system"
	ProxyNone   ProxyMode = "none"
	ProxyCustom ProxyMode = "custom"
)

// Preferences are how the app looks and behaves.
type Preferences struct {
	Theme     Theme     `json:"theme"`
	Language  Language  `json:"language"`
	FontSize  int       `json:"fontSize"` // px of message text
	SendKey   SendKey   `json:"sendKey"`
	ProxyMode ProxyMode `json:"proxyMode"`
	ProxyURL  string    `json:"proxyURL"` // with ProxyCustom
}

// PromptPreset is a named system prompt the user can apply to a conversation.
type PromptPreset struct {
	Name   string `json:"name"`
	Prompt string `json:"prompt"`
}

// View is what was open when the app last ran.
type View struct {
	ConversationID string  `json:"conversationId"`
	ScrollTop      float64 `json:"scrollTop"`
}

// Limits.
const (
	MaxPresets    = 100
	MaxPresetName = 60
	MaxModelID    = 128
)

// DefaultTitleModel names conversations unless the user picks another model.
const DefaultTitleModel = "qwen-flash"

// InvalidError says why a value was refused, in a sentence for the user.
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

func invalid(format string, args ...any) error {
	return &InvalidError{Message: fmt.Sprintf(format, args...)}
}

// StorageError means the history file could not be read or written.
type StorageError struct{ Err error }

func (e *StorageError) Error() string { return "settings: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *StorageError) Unwrap() error { return e.Err }

// Store serves the settings from memory and writes every change through to the KV. Reads
// never touch the file, so no caller waits on SQLite to learn the theme. Safe for concurrent
// use; mu also serialises each read-modify-write.
type Store struct {
	kv KV

	mu          sync.Mutex
	connection  Connection
	preferences Preferences
	presets     []PromptPreset
	prices      []pricing.Price
	titles      chat.TitleOptions
	view        View
}

// DefaultConnection is where a first start sends requests, and with which model.
func DefaultConnection() Connection {
	return Connection{Region: qwen.DefaultRegion, Model: "qwen-plus"}
}

// DefaultPreferences are a first start's preferences.
func DefaultPreferences() Preferences {
	return Preferences{Theme: ThemeSystem, Language: LanguageSystem, FontSize: 15, SendKey: SendEnter, ProxyMode: ProxySystem}
}

// DefaultPresets is the starter set of system prompts.
func DefaultPresets() []PromptPreset {
	return []PromptPreset{
		{Name: "Concise assistant · 简洁助手", Prompt: "Answer briefly and directly. Use lists only when they help. Reply in the language of the question."},
		{Name: "Translator · 翻译", Prompt: "Translate the user's text between Chinese and English (into the other language). Keep meaning, tone and formatting; output only the translation."},
		{Name: "Code reviewer · 代码审查", Prompt: "You are a senior engineer reviewing code. Point out bugs, risks and unclear parts first, then suggest concrete improvements with short code examples."},
		{Name: "Writing editor · 润色", Prompt: "Improve the clarity, grammar and flow of the user's text without changing its meaning. Show the edited text, then a short list of the main changes."},
	}
}

// Open reads every setting once. A stored value that no longer validates falls back to its
// default. Problems the user should hear about (a damaged legacy file) are returned as
// sentences; err is a *StorageError when the KV cannot be read, or written while moving
// legacy settings in.
func Open(ctx context.Context, kv KV, dataDir string) (*Store, []string, error) {
	s := &Store{
		kv:          kv,
		connection:  DefaultConnection(),
		preferences: DefaultPreferences(),
		presets:     DefaultPresets(),
		prices:      pricing.Defaults(),
		titles:      chat.TitleOptions{Enabled: true, Model: DefaultTitleModel},
	}
	// A setting that cannot be read is an error, not "never set": serving its default would let
	// the next change write the default over what the user chose.
	var readErr error
	read := func(key string) (string, bool) {
		v, ok, err := kv.Setting(ctx, key)
		if err != nil && readErr == nil {
			readErr = &StorageError{Err: err}
		}
		return v, ok && err == nil
	}
	var problems []string
	raw, ok := read(keyConnection)
	if readErr != nil {
		return nil, nil, readErr
	}
	if ok {
		var c Connection
		if json.Unmarshal([]byte(raw), &c) == nil && checkConnection(c) == nil {
			s.connection = c
		}
	} else {
		c, problem, err := moveLegacyFile(ctx, kv, dataDir)
		if err != nil {
			return nil, nil, err
		}
		if problem != "" {
			problems = append(problems, problem)
		}
		s.connection = c
	}
	if raw, ok := read(keyPreferences); ok {
		var p Preferences
		if json.Unmarshal([]byte(raw), &p) == nil && checkPreferences(p) == nil {
			s.preferences = p
		}
	}
	if raw, ok := read(keyPresets); ok {
		var p []PromptPreset
		if json.Unmarshal([]byte(raw), &p) == nil && p != nil && checkPresets(p) == nil {
			s.presets = p
		}
	}
	if raw, ok := read(keyPrices); ok {
		var p []pricing.Price
		if json.Unmarshal([]byte(raw), &p) == nil && p != nil && pricing.Validate(p) == nil {
			s.prices = p
		}
	}
	if v, ok := read(keyTitlesEnabled); ok {
		s.titles.Enabled = v == "true"
	}
	if v, ok := read(keyTitlesModel); ok && checkModelID(v) == nil {
		s.titles.Model = v
	}
	if v, ok := read(keyViewConv); ok {
		s.view.ConversationID = v
	}
	if v, ok := read(keyViewScroll); ok {
		s.view.ScrollTop, _ = strconv.ParseFloat(v, 64)
	}
	if readErr != nil {
		return nil, nil, readErr
	}
	return s, problems, nil
}

// Connection returns the region, endpoint and model.
func (s *Store) Connection() Connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connection
}

// Preferences returns the preferences.
func (s *Store) Preferences() Preferences {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.preferences
}

// Presets returns a copy of the system-prompt presets.
func (s *Store) Presets() []PromptPreset {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]PromptPreset{}, s.presets...)
}

// Prices returns a copy of the price table.
func (s *Store) Prices() []pricing.Price {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]pricing.Price{}, s.prices...)
}

// Titles returns the automatic-title options.
func (s *Store) Titles() chat.TitleOptions {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.titles
}

// View returns the conversation and scroll position to restore.
func (s *Store) View() View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view
}

// SetEndpoint chooses a region preset, or "custom" with customURL.
func (s *Store) SetEndpoint(ctx context.Context, region, customURL string) (Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.connection
	if region == "custom" {
		u, err := qwen.ValidateBaseURL(customURL)
		if err != nil {
			return c, &InvalidError{Message: err.Error()}
		}
		c.Region, c.CustomBaseURL = "custom", u
	} else {
		if _, ok := qwen.RegionBaseURL(region); !ok {
			return c, invalid("Unknown region.")
		}
		c.Region = region
	}
	return c, s.writeConnection(ctx, c)
}

// SetModel chooses the model for new turns. Any id is accepted (models change too often for
// a list); it must look like one.
func (s *Store) SetModel(ctx context.Context, model string) (Connection, error) {
	model = strings.TrimSpace(model)
	if err := checkModelID(model); err != nil {
		return Connection{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.connection
	c.Model = model
	return c, s.writeConnection(ctx, c)
}

// writeConnection stores c and, once stored, serves it. s.mu held.
func (s *Store) writeConnection(ctx context.Context, c Connection) error {
	if err := s.put(ctx, keyConnection, c); err != nil {
		return err
	}
	s.connection = c
	return nil
}

// SetPreferences validates and stores p.
func (s *Store) SetPreferences(ctx context.Context, p Preferences) (Preferences, error) {
	if err := checkPreferences(p); err != nil {
		return Preferences{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.put(ctx, keyPreferences, p); err != nil {
		return Preferences{}, err
	}
	s.preferences = p
	return p, nil
}

// SetPresets replaces the presets; names and prompts are trimmed.
func (s *Store) SetPresets(ctx context.Context, presets []PromptPreset) ([]PromptPreset, error) {
	clean := make([]PromptPreset, len(presets))
	for i, p := range presets {
		clean[i] = PromptPreset{Name: strings.TrimSpace(p.Name), Prompt: strings.TrimSpace(p.Prompt)}
	}
	if err := checkPresets(clean); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.put(ctx, keyPresets, clean); err != nil {
		return nil, err
	}
	s.presets = clean
	return append([]PromptPreset{}, clean...), nil
}

// SetPrices replaces the price table.
func (s *Store) SetPrices(ctx context.Context, prices []pricing.Price) ([]pricing.Price, error) {
	if err := pricing.Validate(prices); err != nil {
		return nil, invalid("Prices: %v", err)
	}
	if prices == nil {
		prices = []pricing.Price{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.put(ctx, keyPrices, prices); err != nil {
		return nil, err
	}
	s.prices = append([]pricing.Price{}, prices...)
	return prices, nil
}

// SetTitles turns automatic titles on or off and picks their model ("" for the default).
func (s *Store) SetTitles(ctx context.Context, enabled bool, model string) (chat.TitleOptions, error) {
	model = strings.TrimSpace(model)
	if model == "" {
		model = DefaultTitleModel
	}
	if err := checkModelID(model); err != nil {
		return chat.TitleOptions{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.putRaw(ctx, keyTitlesEnabled, strconv.FormatBool(enabled)); err != nil {
		return chat.TitleOptions{}, err
	}
	if err := s.putRaw(ctx, keyTitlesModel, model); err != nil {
		return chat.TitleOptions{}, err
	}
	s.titles = chat.TitleOptions{Enabled: enabled, Model: model}
	return s.titles, nil
}

// SetView remembers the open conversation and its scroll position. The caller checks the id.
func (s *Store) SetView(ctx context.Context, v View) error {
	if v.ScrollTop < 0 || v.ScrollTop > 1e9 || v.ScrollTop != v.ScrollTop {
		v.ScrollTop = 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.putRaw(ctx, keyViewConv, v.ConversationID); err != nil {
		return err
	}
	if err := s.putRaw(ctx, keyViewScroll, strconv.FormatFloat(v.ScrollTop, 'f', 0, 64)); err != nil {
		return err
	}
	s.view = v
	return nil
}

func (s *Store) put(ctx context.Context, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.putRaw(ctx, key, string(data))
}

func (s *Store) putRaw(ctx context.Context, key, value string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.kv.SetSetting(ctx, key, value); err != nil {
		return &StorageError{Err: err}
	}
	return nil
}

func checkConnection(c Connection) error {
	if c.Region == "custom" {
		if _, err := qwen.ValidateBaseURL(c.CustomBaseURL); err != nil {
			return err
		}
	} else if _, ok := qwen.RegionBaseURL(c.Region); !ok {
		return errors.New("unknown region")
	}
	return checkModelID(c.Model)
}

func checkPreferences(p Preferences) error {
	switch {
	case p.Theme != ThemeSystem && p.Theme != ThemeLight && p.Theme != ThemeDark:
		return invalid("Theme must be system, light or dark.")
	case p.Language != LanguageSystem && p.Language != LanguageEnglish && p.Language != LanguageChinese:
		return invalid("Language must be system, en or zh.")
	case p.FontSize < 12 || p.FontSize > 22:
		return invalid("Font size must be between 12 and 22.")
	case p.SendKey != SendEnter && p.SendKey != SendModEnter:
		return invalid("Send with Enter or with Ctrl/Cmd+Enter.")
	}
	if _, err := qwen.ProxyFunc(string(p.ProxyMode), p.ProxyURL); err != nil {
		return invalid("Proxy: %v", err)
	}
	return nil
}

func checkPresets(presets []PromptPreset) error {
	if len(presets) > MaxPresets {
		return invalid("Keep at most %d presets.", MaxPresets)
	}
	names := map[string]bool{}
	for i, p := range presets {
		switch {
		case p.Name == "" || utf8.RuneCountInString(p.Name) > MaxPresetName:
			return invalid("Preset %d needs a name of 1 to %d characters.", i+1, MaxPresetName)
		case names[p.Name]:
			return invalid("Two presets are called %q.", p.Name)
		case p.Prompt == "" || utf8.RuneCountInString(p.Prompt) > chat.MaxSystemPromptRunes:
			return invalid("Preset %q needs a prompt of 1 to %d characters.", p.Name, chat.MaxSystemPromptRunes)
		}
		names[p.Name] = true
	}
	return nil
}

// checkModelID accepts any id that looks like one: a short word of printable ASCII.
func checkModelID(model string) error {
	if model == "" || len(model) > MaxModelID || strings.ContainsFunc(model, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return invalid("A model id is one word, like qwen-plus.")
	}
	return nil
}

// CheckModelID is the rule for a model id wherever one is typed.
func CheckModelID(model string) error { return checkModelID(model) }
