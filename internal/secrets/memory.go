package secrets

import (
	"sync"
	"sync/atomic"
)

// MemoryKeyring is a Keyring that keeps secrets in memory. Tests of packages that use a
// Store pass it instead of the system keychain, so they never import go-keyring or touch a
// real keychain.
type MemoryKeyring struct {
	mu    sync.Mutex
	items map[string]string
	calls atomic.Int32
}

// NewMemoryKeyring returns an empty MemoryKeyring.
func NewMemoryKeyring() *MemoryKeyring { return &MemoryKeyring{items: map[string]string{}} }

// Get returns the secret, or ErrNotFound.
func (m *MemoryKeyring) Get(service, user string) (string, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.items[service+"/"+user]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set stores the secret.
func (m *MemoryKeyring) Set(service, user, secret string) error {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[service+"/"+user] = secret
	return nil
}

// Delete removes the secret, or returns ErrNotFound.
func (m *MemoryKeyring) Delete(service, user string) error {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.items[service+"/"+user]; !ok {
		return ErrNotFound
	}
	delete(m.items, service+"/"+user)
	return nil
}

// Calls is how many keychain calls were made.
func (m *MemoryKeyring) Calls() int { return int(m.calls.Load()) }
