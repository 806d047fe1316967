package docs

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Render writes every part of d under its marker line, as Document.Text holds it. A stored
// document is kept as its parts, so the text sent to the model is rebuilt from them, under
// the name the user attached it with.
func Render(d *Document) string {
	var b strings.Builder
	for i := range d.Parts {
		if i > 0 {
			b.WriteString("\n\n")
		}
		writePart(&b, d, i)
	}
	return b.String()
}

func writePart(b *strings.Builder, d *Document, i int) {
	b.WriteString(marker(d.Name, d, i))
	b.WriteString("\n")
	if d.Parts[i].NoText || strings.TrimSpace(d.Parts[i].Text) == "" {
		b.WriteString("(no text)")
		return
	}
	b.WriteString(d.Parts[i].Text)
}

// Excerpt is the beginning of a document that fits a token budget.
type Excerpt struct {
	Text   string // the kept parts with their markers, then a line saying what was left out
	Tokens int    // EstimateTokens(Text)
	Parts  int    // parts kept whole
	// Partial is true when not even the first part fitted and it was cut inside (at a
	// line break where one is near).
	Partial bool
	Omitted string // "page 4 to page 12 of 12", "" when nothing was left out
}

// cutNoteTokens is kept free for the note that says what was left out.
const cutNoteTokens = 60

// Cut keeps the first parts of d that fit in maxTokens, cutting at a page, sheet or slide
// boundary so that what the model reads ends where a page ends, and says what was left out,
// so neither the model nor the user mistakes the excerpt for the whole file. When nothing
// is left out, Text is Render(d).
func Cut(d *Document, maxTokens int) Excerpt {
	whole := Render(d)
	if t := EstimateTokens(whole); t <= maxTokens {
		return Excerpt{Text: whole, Tokens: t, Parts: len(d.Parts)}
	}
	budget := max(maxTokens-cutNoteTokens, 0)
	var b strings.Builder
	used, kept := 0, 0
	for i := range d.Parts {
		var pb strings.Builder
		if i > 0 {
			pb.WriteString("\n\n")
		}
		writePart(&pb, d, i)
		t := EstimateTokens(pb.String())
		if used+t > budget {
			break
		}
		b.WriteString(pb.String())
		used += t
		kept++
	}
	ex := Excerpt{Parts: kept}
	if kept == 0 && len(d.Parts) > 0 {
		// Not even the first page fits: keep as much of it as does.
		var pb strings.Builder
		writePart(&pb, d, 0)
		b.WriteString(prefixWithin(pb.String(), budget))
		ex.Partial = true
	}
	first := kept
	if ex.Partial {
		first = 0
	}
	ex.Omitted = omitted(d, first, ex.Partial)
	fmt.Fprintf(&b, "\n\n=== %s: %s left out to fit the model's context window ===", d.Name, ex.Omitted)
	ex.Text = b.String()
	ex.Tokens = EstimateTokens(ex.Text)
	return ex
}

// omitted names the parts from index first on.
func omitted(d *Document, first int, partial bool) string {
	n := len(d.Parts)
	last := d.Parts[n-1].Label
	from := d.Parts[first].Label
	if partial {
		from = "the rest of " + from
	}
	of := ""
	if d.Type == TypePDF && d.Pages > 0 {
		of = fmt.Sprintf(" of %d", d.Pages)
	}
	if first == n-1 && !partial {
		return from + of
	}
	return fmt.Sprintf("%s to %s%s", from, last, of)
}

// prefixWithin returns the longest prefix of s whose estimate fits maxTokens (counted as
// EstimateTokens counts), ending at a line break when one is in its last fifth.
func prefixWithin(s string, maxTokens int) string {
	cjk, other, end := 0, 0, 0
	for i, r := range s {
		if isCJK(r) {
			cjk++
		} else {
			other++
		}
		if cjk+(other+3)/4 > maxTokens {
			break
		}
		end = i + utf8.RuneLen(r)
	}
	p := s[:end]
	if i := strings.LastIndexByte(p, '\n'); i > len(p)*4/5 {
		p = p[:i]
	}
	return p
}
