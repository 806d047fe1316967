package store

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCheckpoint measures the streaming checkpoint: one UpdateMessage of a reply whose
// text changed, which also re-indexes it for search.
func BenchmarkCheckpoint(b *testing.B) {
	for _, size := range []int{1 << 10, 16 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			s, _, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if err := s.CreateConversation(ctx, Conversation{ID: "c"}); err != nil {
				b.Fatal(err)
			}
			m := Message{ID: "m", ConversationID: "c", Role: RoleAssistant, Status: StatusStreaming}
			if err := s.AddMessage(ctx, m); err != nil {
				b.Fatal(err)
			}
			base := strings.Repeat("今天天气很好 the quick brown fox. ", size/40+1)[:size]
			b.SetBytes(int64(size))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.Content = base + fmt.Sprint(i)
				if err := s.UpdateMessage(ctx, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearch runs both search paths over 10,000 messages: the trigram index (3+
// characters) and the instr() scan used for 1–2 character terms.
func BenchmarkSearch(b *testing.B) {
	s, _, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for c := range 100 {
		conv := Conversation{ID: fmt.Sprint("c", c), Title: fmt.Sprint("conversation ", c)}
		conv.CreatedAt, conv.UpdatedAt = s.now(), s.now()
		if err := insertConversation(ctx, tx, conv); err != nil {
			b.Fatal(err)
		}
		for m := range 100 {
			text := strings.Repeat(fmt.Sprintf("第%d段 some english words %d and more filler text. ", m, c), 10)
			if m == 50 {
				text += "今天天气很好"
			}
			msg := Message{ID: fmt.Sprint(c, "-", m), ConversationID: conv.ID, Role: RoleUser, Status: StatusComplete,
				Content: text, CreatedAt: s.now(), UpdatedAt: s.now()}
			if err := insertMessage(ctx, tx, msg); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"天气很好", "天气", "english filler", "Go"} {
		b.Run(q, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := s.Search(ctx, q, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
