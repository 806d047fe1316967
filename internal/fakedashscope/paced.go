package fakedashscope

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Paced replies for measuring latency end to end (cmd/benchwindow). A message with
//
//	#pace        (or #pace:N for N tokens, at most 5,000; the default is 300)
//
// gets a reply whose first token comes after PaceThink and later ones every PaceInterval
// (50 tokens/s), each token a content chunk of its own carrying a unique marker word,
// PaceMarker(turn, i): "qdp<turn>x<i>", where turn counts the #pace replies this server
// has streamed (from 1) and i the tokens of the reply (from 0). The words sit in ordinary
// Markdown (paragraphs, bold, list items, some Chinese) that never splits a marker, so a
// probe in the window can find each one in the page's text. Options.OnWrite tells when
// each chunk was written.
const (
	PaceThink    = 300 * time.Millisecond
	PaceInterval = 20 * time.Millisecond
	paceDefault  = 300
	paceMax      = 5000
)

// PaceMarker is the marker word of token i of the turn-th paced reply.
func PaceMarker(turn uint64, i int) string { return fmt.Sprintf("qdp%dx%d", turn, i) }

// PaceMarkerPattern matches every marker word (for a probe's regular expression).
const PaceMarkerPattern = `qdp[0-9]+x[0-9]+`

var paceArg = regexp.MustCompile(`#pace(?::([0-9]+))?`)

// paceTokens returns how many tokens a #pace marker in text asks for (0: none).
func paceTokens(text string) int {
	m := paceArg.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	n := paceDefault
	if m[1] != "" {
		n, _ = strconv.Atoi(m[1])
	}
	return max(1, min(n, paceMax))
}

var paceWords = []string{"streams", "中文", "token", "回答", "window", "渲染", "latency", "测试"}

// pacedPieces is the reply of the turn-th paced request: n chunks, each holding one marker.
func pacedPieces(turn uint64, n int) []piece {
	out := make([]piece, 0, n)
	for i := range n {
		var b strings.Builder
		switch {
		case i > 0 && i%60 == 0:
			b.WriteString("\n\n## Part " + strconv.Itoa(i/60) + "\n\n")
		case i > 0 && i%40 >= 30 && i%40 < 34: // a short list now and then
			if i%40 == 30 {
				b.WriteString("\n\n")
			}
			b.WriteString("- ")
		}
		m := PaceMarker(turn, i)
		if i%7 == 3 {
			m = "**" + m + "**"
		}
		b.WriteString(m + " " + paceWords[i%len(paceWords)])
		switch {
		case i%40 >= 30 && i%40 < 34:
			b.WriteString("\n")
			if i%40 == 33 {
				b.WriteString("\n")
			}
		case i%12 == 11:
			b.WriteString(". ")
		case i%20 == 19:
			b.WriteString(".\n\n")
		default:
			b.WriteString(" ")
		}
		out = append(out, piece{text: b.String()})
	}
	return out
}

// ChunkWrite is one content or reasoning chunk as the server wrote it, for Options.OnWrite.
type ChunkWrite struct {
	RequestID string
	Index     int    // the chunk's place among the reply's text chunks, from 0
	Text      string // its content (or reasoning) text
	Reasoning bool
	// At is when the chunk was written and flushed to the connection (after the write
	// returned), by the server's wall clock.
	At time.Time
}
