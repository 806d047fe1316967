package chat

import (
	"time"
	"unicode/utf8"
)

// Coalescing limits from the event contract: every event is a script evaluated in the
// webview, so a stream must not send one per token.
const (
	// FlushInterval is the normal gap between two delta events of one stream. With the
	// window's frame wait (≤ 16.7 ms) it bounds how late later tokens reach the screen: 30 ms
	// leaves room for delivery and rendering under 50 ms (33 ms left ~0), at ~33 events/s.
	FlushInterval = 30 * time.Millisecond
	// BacklogInterval is used while text is still waiting after a full-size event, so a burst
	// drains quickly without going over ~60 events per second.
	BacklogInterval = 16 * time.Millisecond
	// MaxPayloadBytes caps the text of one delta event (content + reasoning).
	MaxPayloadBytes = 6 * 1024
)

// coalescer buffers streamed text between flushes. It is used by one goroutine only.
type coalescer struct {
	content   []byte
	reasoning []byte
	flushedAt time.Time // zero until the first flush: the first token goes out at once
}

func (c *coalescer) add(content, reasoning string) {
	c.content = append(c.content, content...)
	c.reasoning = append(c.reasoning, reasoning...)
}

func (c *coalescer) pending() bool { return len(c.content)+len(c.reasoning) > 0 }

// due reports how long to wait before the next flush; zero or less means flush now.
func (c *coalescer) due(now time.Time) time.Duration {
	if c.flushedAt.IsZero() {
		return 0
	}
	interval := FlushInterval
	if len(c.content)+len(c.reasoning) >= MaxPayloadBytes {
		interval = BacklogInterval
	}
	return c.flushedAt.Add(interval).Sub(now)
}

// take removes up to MaxPayloadBytes of buffered text, reasoning first (it is shown above the
// answer), never splitting a UTF-8 sequence.
func (c *coalescer) take(now time.Time) (content, reasoning string) {
	budget := MaxPayloadBytes
	reasoning, c.reasoning = cut(c.reasoning, budget)
	budget -= len(reasoning)
	content, c.content = cut(c.content, budget)
	c.flushedAt = now
	return content, reasoning
}

// cut splits b after at most n bytes, backing off to a rune boundary.
func cut(b []byte, n int) (string, []byte) {
	if len(b) <= n {
		return string(b), b[:0]
	}
	i := n
	for i > 0 && !utf8.RuneStart(b[i]) {
		i--
	}
	head := string(b[:i])
	rest := append(b[:0], b[i:]...)
	return head, rest
}
