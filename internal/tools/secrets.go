package tools

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// HeaderSecrets holds HTTP header values (tokens) outside mcp.json; the app backs it with
// the OS keychain. server and header name the entry. Get returns ErrSecretNotFound when
// there is none. Calls may block (a locked keychain): the Manager bounds each one.
type HeaderSecrets interface {
	Get(server, header string) (string, error)
	Set(server, header, value string) error
	Delete(server, header string) error
}

// ErrSecretNotFound is what HeaderSecrets.Get returns for a missing entry.
var ErrSecretNotFound = errors.New("no such secret")

// guardedSecrets bounds every HeaderSecrets call, as internal/secrets does for the key: a
// keychain that never answers must not hang a server's start or a settings click, and while
// one call is stuck new ones fail at once instead of piling up behind it.
type guardedSecrets struct {
	s       HeaderSecrets
	timeout time.Duration
	stuck   atomic.Int32
}

func (g *guardedSecrets) get(server, header string) (string, error) {
	return g.call("read", server, header, "", func() (string, error) { return g.s.Get(server, header) })
}

func (g *guardedSecrets) set(server, header, value string) error {
	_, err := g.call("store", server, header, value, func() (string, error) { return "", g.s.Set(server, header, value) })
	return err
}

func (g *guardedSecrets) del(server, header string) error {
	_, err := g.call("delete", server, header, "", func() (string, error) { return "", g.s.Delete(server, header) })
	if errors.Is(err, ErrSecretNotFound) {
		return nil
	}
	return err
}

func (g *guardedSecrets) call(op, server, header, scrub string, fn func() (string, error)) (string, error) {
	if g == nil || g.s == nil {
		return "", errorf(KindKeychain, nil, "The value of header %q of server %q is kept in the system keychain, which is not available to QwenDesk.", header, server)
	}
	if g.stuck.Load() > 0 {
		return "", g.timeoutError(op, server, header)
	}
	type result struct {
		v   string
		err error
	}
	var (
		mu     sync.Mutex
		gaveUp bool
		done   = make(chan result, 1)
	)
	go func() {
		v, err := fn()
		mu.Lock()
		defer mu.Unlock()
		if gaveUp {
			g.stuck.Add(-1)
		}
		done <- result{v, err}
	}()
	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	var r result
	select {
	case r = <-done:
	case <-timer.C:
		mu.Lock()
		select {
		case r = <-done:
		default:
			gaveUp = true
			g.stuck.Add(1)
		}
		mu.Unlock()
		if gaveUp {
			return "", g.timeoutError(op, server, header)
		}
	}
	switch {
	case r.err == nil:
		return r.v, nil
	case errors.Is(r.err, ErrSecretNotFound):
		return "", errorf(KindKeychain, ErrSecretNotFound, "The value of header %q of server %q is not in the system keychain any more: enter it again in Settings → Tools.", header, server)
	default:
		msg := r.err.Error()
		if scrub != "" {
			msg = strings.ReplaceAll(msg, scrub, "[redacted]")
		}
		// The cause is not kept: its text came from the keychain and might echo the value.
		return "", errorf(KindKeychain, nil, "Could not %s header %q of server %q in the system keychain: %s", op, header, server, msg)
	}
}

func (g *guardedSecrets) timeoutError(op, server, header string) error {
	return errorf(KindKeychain, nil, "The system keychain did not answer in time (it may be locked), so header %q of server %q could not be %s.", header, server, pastTense(op))
}

func pastTense(op string) string {
	switch op {
	case "read":
		return "read"
	case "store":
		return "stored"
	}
	return "deleted"
}
