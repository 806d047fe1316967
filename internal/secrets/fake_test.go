package secrets

import (
	"errors"
	"sync/atomic"
)

// memKeyring is the package's in-memory keychain under its short test name.
type memKeyring = MemoryKeyring

func newMemKeyring() *memKeyring { return NewMemoryKeyring() }

// brokenKeyring fails every call, like a Linux session without a Secret Service.
type brokenKeyring struct{ err error }

func (b brokenKeyring) Get(string, string) (string, error) { return "", b.err }
func (b brokenKeyring) Set(string, string, string) error   { return b.err }
func (b brokenKeyring) Delete(string, string) error        { return b.err }

var errNoSecretService = errors.New("The name org.freedesktop.secrets was not provided by any .service files")

// hangingKeyring blocks every call until release is closed, like a locked collection
// waiting on an unlock prompt nobody answers. Tests close release in Cleanup so goleak
// sees the goroutines finish.
type hangingKeyring struct {
	release chan struct{}
	calls   atomic.Int32
	inner   Keyring
}

func newHangingKeyring() *hangingKeyring {
	return &hangingKeyring{release: make(chan struct{}), inner: newMemKeyring()}
}

func (h *hangingKeyring) Get(s, u string) (string, error) {
	h.calls.Add(1)
	<-h.release
	return h.inner.Get(s, u)
}

func (h *hangingKeyring) Set(s, u, v string) error {
	h.calls.Add(1)
	<-h.release
	return h.inner.Set(s, u, v)
}

func (h *hangingKeyring) Delete(s, u string) error {
	h.calls.Add(1)
	<-h.release
	return h.inner.Delete(s, u)
}
