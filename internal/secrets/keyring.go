package secrets

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zalando/go-keyring"
)

// ErrNotFound is returned by a Keyring when it holds no entry. SystemKeyring maps
// go-keyring's own value to it so callers and fakes never import go-keyring.
var ErrNotFound = errors.New("secret not found in keychain")

// Keyring is the OS keychain as the Store sees it; tests substitute an in-memory fake.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// SystemKeyring returns the real OS keychain (Keychain on macOS, Credential Manager on
// Windows, Secret Service on Linux). Its calls can block forever; Store adds the timeout.
func SystemKeyring() Keyring { return systemKeyring{} }

type systemKeyring struct{}

func (systemKeyring) Get(service, user string) (string, error) {
	v, err := keyring.Get(service, user)
	return v, mapNotFound(err)
}

func (systemKeyring) Set(service, user, secret string) error {
	return mapNotFound(keyring.Set(service, user, secret))
}

func (systemKeyring) Delete(service, user string) error {
	return mapNotFound(keyring.Delete(service, user))
}

func mapNotFound(err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

var osGetenv = os.Getenv

// KeychainError is a keychain failure other than "not found". It unwraps to
// ErrKeychainUnavailable and, for a timeout, also to ErrKeychainTimeout. It deliberately
// does not keep the library's error value: its text is copied into Reason with the key
// scrubbed, so nothing reachable from the error can carry the secret.
type KeychainError struct {
	Op      string // "get", "set" or "delete"
	Reason  string // human sentence, also shown as Status.KeychainProblem
	Timeout bool
}

func (e *KeychainError) Error() string { return e.Reason }

// Unwrap lets errors.Is match ErrKeychainUnavailable and, on timeout, ErrKeychainTimeout.
func (e *KeychainError) Unwrap() []error {
	if e.Timeout {
		return []error{ErrKeychainUnavailable, ErrKeychainTimeout}
	}
	return []error{ErrKeychainUnavailable}
}

func problemText(err error) string {
	var ke *KeychainError
	if errors.As(err, &ke) {
		return ke.Reason
	}
	return "The system keychain is not available."
}

// guardedKeyring runs every call on its own goroutine with a timeout, because go-keyring
// can hang forever on a locked collection or an unanswered unlock prompt.
type guardedKeyring struct {
	kr      Keyring
	timeout time.Duration

	// service and account are ServiceName and AccountName except in the real-keychain
	// tests, which use their own entry so a developer's stored key is never touched.
	service, account string

	// stuck counts calls that timed out and have not returned yet. While one is stuck,
	// new calls fail at once: this stops a UI that polls Status from piling up blocked
	// goroutines and stacking unlock prompts. It clears itself when the call returns.
	stuck atomic.Int32
}

func (g *guardedKeyring) get(ctx context.Context) (string, error) {
	return g.call(ctx, "get", "", func() (string, error) { return g.kr.Get(g.service, g.account) })
}

func (g *guardedKeyring) set(ctx context.Context, key string) error {
	_, err := g.call(ctx, "set", key, func() (string, error) { return "", g.kr.Set(g.service, g.account, key) })
	return err
}

func (g *guardedKeyring) del(ctx context.Context) error {
	_, err := g.call(ctx, "delete", "", func() (string, error) { return "", g.kr.Delete(g.service, g.account) })
	return err
}

type result struct {
	val string
	err error
}

// call returns ErrNotFound, a *KeychainError, ctx.Err(), or the value. scrub is the key
// being written, removed from any error text before it is kept.
func (g *guardedKeyring) call(ctx context.Context, op, scrub string, fn func() (string, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if g.stuck.Load() > 0 {
		return "", g.timeoutError(op)
	}

	var (
		mu        sync.Mutex
		abandoned bool // nobody waits for the answer any more
		timedOut  bool // abandoned because the keychain was too slow: counted in stuck
		done      = make(chan result, 1)
	)
	go func() {
		v, err := fn()
		mu.Lock()
		defer mu.Unlock()
		if timedOut {
			g.stuck.Add(-1)
		}
		if !abandoned {
			done <- result{v, err}
		}
	}()

	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	var r result
	answered := true
	select {
	case r = <-done:
	case <-timer.C:
		answered = false
	case <-ctx.Done():
		answered = false
	}

	if !answered {
		mu.Lock()
		select {
		case r = <-done: // answered just as we gave up: use it
		default:
			abandoned = true
			// A caller that gave up says nothing about the keychain; only a timeout does.
			if ctx.Err() == nil {
				timedOut = true
				g.stuck.Add(1)
			}
		}
		mu.Unlock()
		if abandoned {
			if err := ctx.Err(); err != nil {
				return "", err
			}
			return "", g.timeoutError(op)
		}
	}

	switch {
	case r.err == nil:
		return r.val, nil
	case errors.Is(r.err, ErrNotFound), errors.Is(r.err, keyring.ErrNotFound):
		return "", ErrNotFound
	default:
		return "", &KeychainError{Op: op, Reason: "The system keychain is not available: " + scrubbed(r.err.Error(), scrub)}
	}
}

func (g *guardedKeyring) timeoutError(op string) error {
	secs := strconv.FormatFloat(g.timeout.Seconds(), 'f', -1, 64)
	return &KeychainError{
		Op:      op,
		Reason:  "The system keychain did not answer within " + secs + " s (it may be locked).",
		Timeout: true,
	}
}

// scrubbed is belt and braces: keychain libraries do not echo the secret, but a D-Bus
// error body comes from another process we do not control.
func scrubbed(text, key string) string {
	if key == "" {
		return text
	}
	return strings.ReplaceAll(text, key, "[redacted]")
}
