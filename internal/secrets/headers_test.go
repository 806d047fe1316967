package secrets

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// Header tokens live in their own entries: saving one never replaces the DashScope key, two
// servers' headers of the same name stay apart, and a removed one is gone.
func TestHeaderValuesAreKeptPerServerAndHeader(t *testing.T) {
	kr := newMemKeyring()
	s := New(Options{Keyring: kr, Getenv: envOf(nil)})
	ctx := context.Background()
	if _, err := s.Save(ctx, kcKey); err != nil {
		t.Fatal(err)
	}
	h := s.Headers()
	token := "Bearer header-token-0001"
	if err := h.Set(ctx, "github", "Authorization", token); err != nil {
		t.Fatal(err)
	}
	if err := h.Set(ctx, "linear", "Authorization", "Bearer other-token-0002"); err != nil {
		t.Fatal(err)
	}
	if v, err := h.Get(ctx, "github", "authorization"); err != nil || v != token {
		t.Fatalf("github header = %q, %v; want the value set (header names are case-insensitive)", v, err)
	}
	if key, _, err := s.Key(ctx); err != nil || key != kcKey {
		t.Fatalf("the DashScope key became %q, %v after storing a header", key, err)
	}
	if !slices.Contains(s.KnownSecrets(), token) {
		t.Error("a header token is not handed to the log redactor")
	}
	if err := h.Delete(ctx, "github", "Authorization"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Get(ctx, "github", "Authorization"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v, want ErrNotFound", err)
	}
	if v, _ := h.Get(ctx, "linear", "Authorization"); v != "Bearer other-token-0002" {
		t.Fatalf("deleting github's header touched linear's: %q", v)
	}
}

// A locked keychain makes a header read fail in time, with the typed timeout, instead of
// holding up a server's start.
func TestHeaderReadTimesOutOnAHungKeychain(t *testing.T) {
	h := newHangingKeyring()
	t.Cleanup(func() { close(h.release) })
	s := New(Options{Keyring: h, Getenv: envOf(nil), Timeout: 50 * time.Millisecond})
	start := time.Now()
	_, err := s.Headers().Get(context.Background(), "github", "Authorization")
	if !errors.Is(err, ErrKeychainTimeout) {
		t.Fatalf("err = %v, want ErrKeychainTimeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %s", d)
	}
}
