// Package inflight is the registry of running requests, keyed by request id, that Stop uses to
// cancel them.
package inflight

import (
	"context"
	"sync"
)

// maxEarly bounds how many cancels for not-yet-registered ids are remembered, so a caller
// cannot grow the registry without limit by stopping ids that never start.
const maxEarly = 64

// Registry maps request ids to their cancel functions. A cancel that arrives before its
// request registers is remembered and honoured at registration; a finished request removes
// only its own entry. Safe for concurrent use.
type Registry struct {
	mu      sync.Mutex
	running map[string]context.CancelFunc
	early   map[string]struct{}
	order   []string // early ids, oldest first, for eviction
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{running: map[string]context.CancelFunc{}, early: map[string]struct{}{}}
}

// Add registers cancel under id. If a cancel for id already arrived, cancel is called at once
// and Add reports false.
func (r *Registry) Add(id string, cancel context.CancelFunc) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.early[id]; ok {
		delete(r.early, id)
		cancel()
		return false
	}
	r.running[id] = cancel
	return true
}

// Cancel stops the request with id. It reports whether the request was running; an unknown
// id is remembered in case its request registers later.
func (r *Registry) Cancel(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cancel, ok := r.running[id]; ok {
		cancel()
		return true
	}
	if _, ok := r.early[id]; !ok {
		if len(r.order) >= maxEarly {
			delete(r.early, r.order[0])
			r.order = r.order[1:]
		}
		r.early[id] = struct{}{}
		r.order = append(r.order, id)
	}
	return false
}

// Done removes id once its request has ended. It touches only that id.
func (r *Registry) Done(id string) {
	r.mu.Lock()
	delete(r.running, id)
	r.mu.Unlock()
}

// CancelAll stops every running request (at shutdown).
func (r *Registry) CancelAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, cancel := range r.running {
		cancel()
	}
}

// Len is the number of running requests.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.running)
}
