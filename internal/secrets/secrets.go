// Package secrets owns where the DashScope API key lives: the OS keychain first, then the
// environment, then a .env file; it reports which source is in use without ever exposing the key.
package secrets

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

// ServiceName and AccountName identify the key's entry in the OS keychain.
const (
	ServiceName = "QwenDesk"
	AccountName = "dashscope-api-key"
)

// Environment variables read for the key, in order of preference. API_KEY is the older name.
const (
	EnvDashScope = "DASHSCOPE_API_KEY"
	EnvAPIKey    = "API_KEY"
)

// DefaultTimeout bounds every keychain call when Options.Timeout is zero.
const DefaultTimeout = 3 * time.Second

// Source says where the key in use came from; the UI shows it.
type Source string

// The sources, in the order Key consults them.
const (
	SourceNone         Source = ""
	SourceKeychain     Source = "keychain"
	SourceEnvDashScope Source = "env:" + EnvDashScope
	SourceEnvAPIKey    Source = "env:" + EnvAPIKey
	SourceDotEnv       Source = "dotenv"
)

// Status is everything the frontend may learn about the key. It never holds the key itself.
type Status struct {
	HasKey            bool   `json:"hasKey"`
	Source            Source `json:"source"`
	Last4             string `json:"last4"`             // "" when there is no key
	KeychainAvailable bool   `json:"keychainAvailable"` // false: the keychain failed or timed out
	KeychainProblem   string `json:"keychainProblem"`   // human text when unavailable; never contains the key
	DotEnvPath        string `json:"dotEnvPath"`        // the .env file used, when Source is SourceDotEnv
	EnvKeyPresent     bool   `json:"envKeyPresent"`     // DASHSCOPE_API_KEY or API_KEY is set
	// Rejected lists, in the order they were consulted, the keys set in the environment or a
	// .env file that were passed over because they cannot be DashScope keys. Never nil from Key.
	Rejected []RejectedKey `json:"rejected"`
}

// RejectedKey says which environment variable or .env entry holds something that is not a
// usable key, and why, so the UI can say so instead of asking the user to set it. It never
// holds the value, nor any part of it.
type RejectedKey struct {
	Source Source `json:"source"` // SourceEnvDashScope, SourceEnvAPIKey or SourceDotEnv
	Name   string `json:"name"`   // the variable: DASHSCOPE_API_KEY or API_KEY
	Path   string `json:"path"`   // the .env file, when Source is SourceDotEnv
	Reason string `json:"reason"` // an InputError reason code: "too_short", "wrong_prefix", …
}

var (
	// ErrNoKey means no source holds a usable key.
	ErrNoKey = errors.New("no DashScope API key is configured")
	// ErrKeychainUnavailable is wrapped by every keychain failure other than "not found".
	ErrKeychainUnavailable = errors.New("the system keychain is not available")
	// ErrKeychainTimeout is wrapped (together with ErrKeychainUnavailable) when a keychain
	// call did not answer in time, typically because the collection is locked.
	ErrKeychainTimeout = errors.New("the system keychain did not answer in time")
)

// Options configures a Store. The zero value uses the real keychain and environment.
type Options struct {
	Keyring    Keyring             // nil → SystemKeyring()
	Getenv     func(string) string // nil → os.Getenv
	DotEnvDirs []string            // folders searched for ".env", in order
	Timeout    time.Duration       // per keychain call; 0 → DefaultTimeout
}

// Store finds, saves and deletes the API key. It is safe for concurrent use.
type Store struct {
	kc         *guardedKeyring
	getenv     func(string) string
	dotEnvDirs []string

	mu   sync.Mutex
	seen []string // keys handed out or saved in this process, for the log redactor
}

// New builds a Store from o, filling defaults.
func New(o Options) *Store {
	if o.Keyring == nil {
		o.Keyring = SystemKeyring()
	}
	if o.Getenv == nil {
		o.Getenv = osGetenv
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return &Store{
		kc:         &guardedKeyring{kr: o.Keyring, timeout: o.Timeout, service: ServiceName, account: AccountName},
		getenv:     o.Getenv,
		dotEnvDirs: append([]string(nil), o.DotEnvDirs...),
	}
}

// Key returns the key from the first source that holds a valid one: keychain →
// DASHSCOPE_API_KEY → API_KEY → .env. A failing keychain is skipped and reported in the
// Status. With no key anywhere the error is ErrNoKey; a cancelled ctx returns ctx.Err().
func (s *Store) Key(ctx context.Context) (string, Status, error) {
	st := Status{Rejected: []RejectedKey{}}
	st.EnvKeyPresent = s.getenv(EnvDashScope) != "" || s.getenv(EnvAPIKey) != ""

	secret, err := s.kc.get(ctx)
	switch {
	case err == nil:
		st.KeychainAvailable = true
	case errors.Is(err, ErrNotFound):
		st.KeychainAvailable = true
	case ctx.Err() != nil:
		return "", Status{}, ctx.Err()
	default:
		st.KeychainProblem = problemText(err)
	}
	if key, ok := usable(secret); ok {
		return s.found(key, SourceKeychain, "", st)
	}

	for _, v := range []struct {
		name string
		src  Source
	}{{EnvDashScope, SourceEnvDashScope}, {EnvAPIKey, SourceEnvAPIKey}} {
		raw := s.getenv(v.name)
		if raw == "" {
			continue
		}
		key, err := sharedKey(raw)
		if err == nil {
			return s.found(key, v.src, "", st)
		}
		st.Rejected = append(st.Rejected, RejectedKey{Source: v.src, Name: v.name, Reason: reasonOf(err)})
	}
	key, path, rejected, ok := findDotEnvKey(s.dotEnvDirs)
	st.Rejected = append(st.Rejected, rejected...)
	if ok {
		return s.found(key, SourceDotEnv, path, st)
	}
	return "", st, ErrNoKey
}

// Status reports where the key is without revealing it.
func (s *Store) Status(ctx context.Context) Status {
	_, st, _ := s.Key(ctx)
	return st
}

// Save normalizes raw and stores it in the keychain, the only place Save writes (never a
// .env file). Invalid input returns an *InputError; a keychain failure returns a
// *KeychainError wrapping ErrKeychainUnavailable so the UI can suggest DASHSCOPE_API_KEY
// instead. On error the returned Status is the zero value.
func (s *Store) Save(ctx context.Context, raw string) (Status, error) {
	key, err := Normalize(raw)
	if err != nil {
		return Status{}, err
	}
	if err := s.kc.set(ctx, key); err != nil {
		if ctx.Err() != nil {
			return Status{}, ctx.Err()
		}
		return Status{}, err
	}
	s.remember(key)
	return s.Status(ctx), nil
}

// Delete removes the key from the keychain ("not found" is not an error) and returns the
// new status, which may now show an environment or .env source.
func (s *Store) Delete(ctx context.Context) (Status, error) {
	if err := s.kc.del(ctx); err != nil && !errors.Is(err, ErrNotFound) {
		if ctx.Err() != nil {
			return Status{}, ctx.Err()
		}
		return Status{}, err
	}
	return s.Status(ctx), nil
}

// KnownSecrets returns every key this Store has read or saved during the process, so the
// log redactor can scrub them without a keychain call per log record. Never bind or log it.
func (s *Store) KnownSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

func (s *Store) found(key string, src Source, dotEnvPath string, st Status) (string, Status, error) {
	st.HasKey = true
	st.Source = src
	st.Last4 = last4(key)
	st.DotEnvPath = dotEnvPath
	s.remember(key)
	return key, st, nil
}

func (s *Store) remember(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.seen {
		if k == key {
			return
		}
	}
	s.seen = append(s.seen, key)
}

// usable normalizes the keychain's entry, which only Save writes.
func usable(candidate string) (string, bool) {
	if candidate == "" {
		return "", false
	}
	key, err := Normalize(candidate)
	return key, err == nil
}

// dashScopePrefix starts every DashScope API key.
const dashScopePrefix = "sk-"

// sharedKey checks a key from the environment or a .env file: Normalize, and the "sk-" that
// every DashScope key starts with. A value there may have been set for another program (API_KEY
// especially), so it must look like a DashScope key; a key the user pastes into QwenDesk is
// meant for it, and may be for a custom gateway's own format, so Save does not ask for the
// prefix. Invalid values are skipped rather than used, so a stray API_KEY cannot shadow a valid
// .env entry.
func sharedKey(raw string) (string, error) {
	key, err := Normalize(raw)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(key, dashScopePrefix) {
		return "", &InputError{Reason: "wrong_prefix"}
	}
	return key, nil
}

// reasonOf is the InputError reason of err, which sharedKey always returns.
func reasonOf(err error) string {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie.Reason
	}
	return "invalid"
}

func last4(key string) string {
	r := []rune(key)
	if len(r) <= 4 {
		return ""
	}
	return string(r[len(r)-4:])
}
