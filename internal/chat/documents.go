package chat

import (
	"context"
	"fmt"
	"strings"

	"qwendesk/internal/docs"
	"qwendesk/internal/store"
)

// MaxDocumentsPerMessage bounds the files attached to one message.
const MaxDocumentsPerMessage = 20

// documentTexts loads the stored documents that the path's user messages send as text, once
// per hash.
func (s *Service) documentTexts(ctx context.Context, path []store.Message) (map[string]*docs.Document, error) {
	out := map[string]*docs.Document{}
	for _, m := range path {
		for _, a := range m.Documents {
			if a.Mode == store.DocModeFile || out[a.Hash] != nil {
				continue
			}
			d, err := s.store.Document(ctx, a.Hash)
			if err != nil {
				return nil, s.storeError(err)
			}
			out[a.Hash] = FromStored(d, "")
		}
	}
	return out, nil
}

// FromStored turns a stored document back into the extractor's form, named name.
func FromStored(d store.Document, name string) *docs.Document {
	out := &docs.Document{Name: name, Type: docs.Type(d.Type), Language: d.Language, Encoding: d.Encoding,
		Pages: d.Pages, Sheets: d.Sheets, Chars: d.Chars, Tokens: d.Tokens, NoTextLayer: d.NoTextLayer, Truncated: d.Truncated}
	for _, p := range d.Parts {
		out.Parts = append(out.Parts, docs.Part{Label: p.Label, Text: p.Text, NoText: p.NoText})
	}
	return out
}

// ToStored is the stored form of an extracted document whose file hashed to hash.
func ToStored(d *docs.Document, hash string, size int64) store.Document {
	out := store.Document{Hash: hash, Type: string(d.Type), Language: d.Language, Encoding: d.Encoding, Pages: d.Pages,
		Sheets: d.Sheets, Chars: d.Chars, Tokens: d.Tokens, NoTextLayer: d.NoTextLayer, Truncated: d.Truncated, Bytes: size}
	for _, p := range d.Parts {
		out.Parts = append(out.Parts, store.DocumentPart{Label: p.Label, Text: p.Text, NoText: p.NoText})
	}
	return out
}

// DocumentText is the text a document sends in mode: the whole of it, or the excerpt cut to
// maxTokens. The same inputs give the same text on every turn.
func DocumentText(d *docs.Document, name, mode string, maxTokens int) string {
	named := *d
	named.Name = name
	if mode == store.DocModeExcerpt && maxTokens > 0 {
		return docs.Cut(&named, maxTokens).Text
	}
	return docs.Render(&named)
}

// withDocuments is a user message's content as the model reads it: each attached file in a
// <document> element named after it (its page markers inside, so the model can cite "page 3
// of contract.pdf"), then what the user typed.
func withDocuments(m store.Message, texts map[string]*docs.Document) string {
	var b strings.Builder
	for _, a := range m.Documents {
		name := attrEscaper.Replace(a.Name)
		if a.Mode == store.DocModeFile {
			fmt.Fprintf(&b, "<document name=\"%s\" file=\"fileid://%s\"></document>\n\n", name, a.FileID)
			continue
		}
		d := texts[a.Hash]
		if d == nil {
			continue
		}
		text := DocumentText(d, a.Name, a.Mode, a.MaxTokens)
		// A file that itself contains the closing tag must not end its own element early.
		text = strings.ReplaceAll(text, "</document>", "<\\/document>")
		fmt.Fprintf(&b, "<document name=\"%s\">\n%s\n</document>\n\n", name, text)
	}
	b.WriteString(m.Content)
	return strings.TrimRight(b.String(), "\n")
}

var attrEscaper = strings.NewReplacer(`"`, "'", "<", "‹", ">", "›", "\n", " ", "\r", " ")

// fileIDs are the DashScope file ids of the uploaded documents in the path, in order, once.
func fileIDs(path []store.Message) []string {
	var ids []string
	seen := map[string]bool{}
	for _, m := range path {
		for _, a := range m.Documents {
			if a.Mode == store.DocModeFile && !seen[a.FileID] {
				seen[a.FileID] = true
				ids = append(ids, a.FileID)
			}
		}
	}
	return ids
}

// ContextTokens estimates what the conversation sends with every turn — system prompt,
// the branch on screen and its documents — and returns its model. Uploaded files are not
// counted: DashScope reads them, and the estimate of their text is not what it bills.
func (s *Service) ContextTokens(ctx context.Context, convID string) (int, string, error) {
	c, t, err := s.load(ctx, convID)
	if err != nil {
		return 0, "", err
	}
	path := t.active(c.ActiveLeaf)
	texts, err := s.documentTexts(ctx, path)
	if err != nil {
		return 0, "", err
	}
	n := 0
	for _, m := range requestMessages(c.SystemPrompt, c.Model, path, texts) {
		n += docs.EstimateTokens(m.Content) + 4 // a few tokens of role and framing per message
	}
	return n, c.Model, nil
}
