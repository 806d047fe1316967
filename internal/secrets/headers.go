package secrets

import (
	"context"
	"strings"
)

// HeaderAccountPrefix starts the keychain account of every MCP header value, so the entries
// sit beside the DashScope key under the same service and cannot be taken for it.
const HeaderAccountPrefix = "mcp-header:"

// HeaderStore keeps the values of MCP servers' HTTP headers (tokens) in the OS keychain, one
// entry per server and header, under ServiceName. Every call goes through the same guard as
// the DashScope key's: a timeout, no pile-up behind a stuck call, the value scrubbed from
// errors. Values read or written are remembered with the Store's, so the log redactor
// scrubs them too.
type HeaderStore struct{ s *Store }

// Headers returns the Store's keychain for MCP header values.
func (s *Store) Headers() *HeaderStore { return &HeaderStore{s: s} }

// headerAccount names one entry. The server and header names come from mcp.json (validated
// by the tools layer); the separator is a character neither may contain.
func headerAccount(server, header string) string {
	return HeaderAccountPrefix + server + "\x1f" + strings.ToLower(header)
}

// Get returns the value, ErrNotFound, a *KeychainError or ctx.Err().
func (h *HeaderStore) Get(ctx context.Context, server, header string) (string, error) {
	g := h.s.kc
	v, err := g.call(ctx, "get", "", func() (string, error) { return g.kr.Get(g.service, headerAccount(server, header)) })
	if err == nil {
		h.rememberValue(v)
	}
	return v, err
}

// Set stores the value.
func (h *HeaderStore) Set(ctx context.Context, server, header, value string) error {
	g := h.s.kc
	h.rememberValue(value)
	_, err := g.call(ctx, "set", value, func() (string, error) { return "", g.kr.Set(g.service, headerAccount(server, header), value) })
	return err
}

// Delete removes the value; a missing entry is ErrNotFound.
func (h *HeaderStore) Delete(ctx context.Context, server, header string) error {
	g := h.s.kc
	_, err := g.call(ctx, "delete", "", func() (string, error) { return "", g.kr.Delete(g.service, headerAccount(server, header)) })
	return err
}

// rememberValue hands a token to the log redactor. Very short values are left out: scrubbing
// "on" from every log line would hide more than it protects.
func (h *HeaderStore) rememberValue(v string) {
	if len(v) >= 8 {
		h.s.remember(v)
	}
}
