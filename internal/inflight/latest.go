package inflight

import (
	"context"
	"sync"
)

// Latest keeps only the newest of a kind of call running: Begin cancels the context of the
// call before it. The search palette searches as the user types, and a query the user has
// typed past must not hold up the one after it (SQLite stops a cancelled query at its next
// step). The zero value is ready to use; safe for concurrent use.
type Latest struct {
	mu     sync.Mutex
	gen    uint64
	cancel context.CancelFunc
}

// Begin cancels the previous call's context and returns this call's, derived from parent,
// with the func that ends it (call it when the call returns).
func (l *Latest) Begin(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	l.mu.Lock()
	if l.cancel != nil {
		l.cancel()
	}
	l.gen++
	gen := l.gen
	l.cancel = cancel
	l.mu.Unlock()
	return ctx, func() {
		l.mu.Lock()
		if l.gen == gen { // a newer call owns l.cancel otherwise
			l.cancel = nil
		}
		l.mu.Unlock()
		cancel()
	}
}
