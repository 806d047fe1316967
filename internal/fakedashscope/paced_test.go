package fakedashscope

import (
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPacedReplyCarriesOneMarkerPerChunk: #pace:N streams N chunks, the first after the
// think time and the rest about PaceInterval apart, each with its own marker word that
// survives in the decoded text, and OnWrite stamps every one of them; a second paced reply
// has the next turn's markers.
func TestPacedReplyCarriesOneMarkerPerChunk(t *testing.T) {
	var mu sync.Mutex
	var writes []ChunkWrite
	s := New(Options{OnWrite: func(w ChunkWrite) { mu.Lock(); writes = append(writes, w); mu.Unlock() }})
	defer s.Close()
	c := newClient(t, s)
	start := time.Now()
	const n = 45
	r := run(t, c, "k", ask("tell me #pace:45"))
	if r.err != nil || r.finish != "stop" {
		t.Fatalf("paced reply: %v, finish %q", r.err, r.finish)
	}
	mu.Lock()
	got := append([]ChunkWrite(nil), writes...)
	mu.Unlock()
	if len(got) != n {
		t.Fatalf("%d writes recorded, want %d", len(got), n)
	}
	if d := got[0].At.Sub(start); d < PaceThink {
		t.Errorf("first token after %v, want at least the think time %v", d, PaceThink)
	}
	if d := got[n-1].At.Sub(got[0].At); d < time.Duration(n-1)*PaceInterval {
		t.Errorf("%d tokens in %v, faster than one every %v", n, d, PaceInterval)
	}
	words := regexp.MustCompile(PaceMarkerPattern).FindAllString(r.content, -1)
	if len(words) != n {
		t.Fatalf("%d marker words in the reply, want %d:\n%s", len(words), n, r.content)
	}
	for i, w := range got {
		if w.Index != i || !strings.Contains(w.Text, PaceMarker(1, i)) || words[i] != PaceMarker(1, i) {
			t.Errorf("chunk %d: index %d, text %q, decoded marker %q", i, w.Index, w.Text, words[i])
		}
	}
	if !strings.Contains(r.content, "**") || !strings.Contains(r.content, "\n- ") {
		t.Errorf("the reply has no Markdown: %q", r.content)
	}
	r = run(t, c, "k", ask("again #pace:2"))
	if !strings.Contains(r.content, PaceMarker(2, 1)) || paceTokens("#pace") != paceDefault || paceTokens("no marker") != 0 {
		t.Errorf("second paced reply %q; default %d", r.content, paceTokens("#pace"))
	}
}
