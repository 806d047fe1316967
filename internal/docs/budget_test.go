package docs

import (
	"fmt"
	"strings"
	"testing"
)

func pagedPDF(pages int, perPage string) *Document {
	d := &Document{Name: "合同.pdf", Type: TypePDF, Pages: pages}
	for i := range pages {
		d.Parts = append(d.Parts, Part{Label: fmt.Sprintf("page %d", i+1), Text: fmt.Sprintf("%s %d", perPage, i+1)})
	}
	return d
}

// The excerpt ends at a page boundary, fits the budget, and names exactly the pages left out.
func TestCutKeepsWholePagesAndSaysWhatWasLeftOut(t *testing.T) {
	d := pagedPDF(12, strings.Repeat("甲方应当按期付款。", 20)) // ≈ 180 tokens a page
	ex := Cut(d, 700)
	if ex.Tokens > 700 {
		t.Fatalf("excerpt is %d tokens, budget 700", ex.Tokens)
	}
	if ex.Parts == 0 || ex.Parts >= 12 || ex.Partial {
		t.Fatalf("kept %d parts (partial %v), want some whole pages", ex.Parts, ex.Partial)
	}
	last := fmt.Sprintf("=== 合同.pdf: page %d of 12 ===", ex.Parts)
	if !strings.Contains(ex.Text, last) || strings.Contains(ex.Text, fmt.Sprintf("page %d of 12 ===\n", ex.Parts+1)) {
		t.Fatalf("excerpt does not end after page %d:\n%s", ex.Parts, ex.Text)
	}
	want := fmt.Sprintf("page %d to page 12 of 12", ex.Parts+1)
	if ex.Omitted != want || !strings.HasSuffix(ex.Text, "=== 合同.pdf: "+want+" left out to fit the model's context window ===") {
		t.Fatalf("omitted %q, text ends %q", ex.Omitted, ex.Text[max(0, len(ex.Text)-120):])
	}
}

func TestCutOfWhatFitsIsTheWholeText(t *testing.T) {
	d := pagedPDF(3, "short")
	if ex := Cut(d, 10_000); ex.Text != Render(d) || ex.Omitted != "" || ex.Parts != 3 {
		t.Fatalf("got %+v", ex)
	}
}

// One huge page: its beginning is kept, cut inside, and the note says the rest of it is out.
func TestCutInsideAPageThatAloneIsTooLong(t *testing.T) {
	d := &Document{Name: "log.txt", Type: TypeText, Parts: []Part{{Label: "document", Text: strings.Repeat("line of text\n", 5000)}}}
	ex := Cut(d, 500)
	if !ex.Partial || ex.Tokens > 500 || ex.Tokens < 300 {
		t.Fatalf("partial %v tokens %d", ex.Partial, ex.Tokens)
	}
	if !strings.HasPrefix(ex.Text, "=== log.txt ===\nline of text") || !strings.Contains(ex.Text, "the rest of document") {
		t.Fatalf("text: %q…%q", ex.Text[:40], ex.Text[len(ex.Text)-100:])
	}
}
