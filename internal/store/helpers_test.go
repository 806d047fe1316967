package store

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"
)

// clock is a deterministic Options.Now that moves forward a millisecond per call.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 123456789, time.FixedZone("CST", 8*3600))}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func openTest(t *testing.T, dir string) (*Store, OpenReport) {
	t.Helper()
	return openTestClock(t, dir, newClock())
}

func openTestClock(t *testing.T, dir string, c *clock) (*Store, OpenReport) {
	t.Helper()
	s, rep, err := Open(dir, Options{Now: c.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, rep
}

func newTestStore(t *testing.T) *Store {
	t.Helper()
	s, _ := openTest(t, t.TempDir())
	return s
}

var ctx = context.Background()

func ptr[T any](v T) *T { return &v }

func mustConv(t *testing.T, s *Store, c Conversation) Conversation {
	t.Helper()
	if c.ID == "" {
		c.ID = NewID()
	}
	if err := s.CreateConversation(ctx, c); err != nil {
		t.Fatalf("CreateConversation: %v", err)
	}
	got, err := s.Conversation(ctx, c.ID)
	if err != nil {
		t.Fatalf("Conversation: %v", err)
	}
	return got
}

func mustMsg(t *testing.T, s *Store, m Message) Message {
	t.Helper()
	if m.ID == "" {
		m.ID = NewID()
	}
	if m.Role == "" {
		m.Role = RoleUser
	}
	if err := s.AddMessage(ctx, m); err != nil {
		t.Fatalf("AddMessage: %v", err)
	}
	got, err := s.Message(ctx, m.ID)
	if err != nil {
		t.Fatalf("Message: %v", err)
	}
	return got
}

// rawDB opens the file without the store, for checks the API does not expose.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func queryInt(t *testing.T, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func integrityOK(t *testing.T, path string) {
	t.Helper()
	db := rawDB(t, path)
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	if _, err := db.Exec(`INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')`); err != nil {
		t.Fatalf("FTS index out of sync with messages: %v", err)
	}
	if _, err := db.Exec(`INSERT INTO messages_bigram (messages_bigram) VALUES ('integrity-check')`); err != nil {
		t.Fatalf("bigram index damaged: %v", err)
	}
}
