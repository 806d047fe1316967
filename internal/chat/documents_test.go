package chat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/docs"
	"qwendesk/internal/fakedashscope"
	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
)

func contract(pages int) (*docs.Document, store.Document) {
	d := &docs.Document{Name: "contract.pdf", Type: docs.TypePDF, Pages: pages}
	for i := range pages {
		d.Parts = append(d.Parts, docs.Part{Label: fmt.Sprintf("page %d", i+1), Text: fmt.Sprintf("第%d页：甲方应当按期付款。Clause %d.", i+1, i+1)})
	}
	d.Text = docs.Render(d)
	d.Chars, d.Tokens = len([]rune(d.Text)), docs.EstimateTokens(d.Text)
	h := sha256.Sum256([]byte(d.Text))
	return d, ToStored(d, hex.EncodeToString(h[:]), 4096)
}

func (h *harness) sendDocs(t *testing.T, convID, text string, atts []store.Attachment, newDocs ...store.Document) Turn {
	t.Helper()
	turn, err := h.svc.Send(context.Background(), SendInput{ConversationID: convID, Text: text, Model: "qwen-plus",
		RequestID: NewID("req"), Documents: atts, NewDocuments: newDocs}, nil)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	h.rec.waitEnd(t, turn.RequestID)
	return turn
}

func lastUser(r fakedashscope.Recorded) string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == RoleUser {
			return r.Messages[i].Content
		}
	}
	return ""
}

// The file's text reaches the model inside a <document> element named after it, page
// markers included, before the question; the conversation shows a chip, not the text; and
// the next question (no attachment) still sends the document, because it belongs to the
// stored message.
func TestDocumentGoesInTheUserMessageAndStaysInContext(t *testing.T) {
	h := newHarness(t, -1)
	conv := h.conv(t)
	_, sd := contract(3)
	att := store.Attachment{Hash: sd.Hash, Name: "合同 final.pdf", Mode: store.DocModeText}
	h.sendDocs(t, conv.ID, "What does page 2 say?", []store.Attachment{att}, sd)
	h.sendDocs(t, conv.ID, "And page 3?", nil)

	reqs := h.fake.Requests()
	var chats []fakedashscope.Recorded
	for _, r := range reqs {
		if r.Stream {
			chats = append(chats, r)
		}
	}
	if len(chats) != 2 {
		t.Fatalf("%d streamed requests, want 2", len(chats))
	}
	first := chats[0].Messages[len(chats[0].Messages)-1].Content
	wantStart := "<document name=\"合同 final.pdf\">\n=== 合同 final.pdf: page 1 of 3 ===\n第1页：甲方应当按期付款。Clause 1."
	if !strings.HasPrefix(first, wantStart) || !strings.Contains(first, "=== 合同 final.pdf: page 3 of 3 ===\n第3页") ||
		!strings.HasSuffix(first, "</document>\n\nWhat does page 2 say?") {
		t.Fatalf("first request's user message:\n%s", first)
	}
	second := chats[1].Messages
	n := 0
	for _, m := range second {
		if m.Role == RoleUser {
			n += strings.Count(m.Content, "<document name=")
		}
	}
	if n != 1 || !strings.HasPrefix(second[0].Content, wantStart) {
		t.Fatalf("follow-up request carries the document %d times, want once (in the first question)", n)
	}
	if lastUser(chats[1]) != "And page 3?" {
		t.Fatalf("follow-up question sent as %q", lastUser(chats[1]))
	}

	c, _ := h.svc.Conversation(context.Background(), conv.ID)
	q := c.Messages[0]
	if q.Content != "What does page 2 say?" || len(q.Documents) != 1 || q.Documents[0].Name != "合同 final.pdf" || q.Documents[0].Pages != 3 {
		t.Fatalf("stored question %+v (documents %+v)", q.Content, q.Documents)
	}
}

// An excerpt is rebuilt identically on every turn: the stored budget decides it.
func TestExcerptIsTheSameOnEveryTurn(t *testing.T) {
	h := newHarness(t, -1)
	conv := h.conv(t)
	_, sd := contract(40)
	att := store.Attachment{Hash: sd.Hash, Name: "contract.pdf", Mode: store.DocModeExcerpt, MaxTokens: 300}
	h.sendDocs(t, conv.ID, "Summarise", []store.Attachment{att}, sd)
	h.sendDocs(t, conv.ID, "More", nil)
	var sent []string
	for _, r := range h.fake.Requests() {
		if r.Stream {
			for _, m := range r.Messages {
				if strings.HasPrefix(m.Content, "<document") {
					sent = append(sent, m.Content)
				}
			}
		}
	}
	if len(sent) != 2 || sent[0] != sent[1] {
		t.Fatalf("excerpts differ between turns or are missing: %d", len(sent))
	}
	if !strings.Contains(sent[0], "left out to fit the model's context window") || strings.Contains(sent[0], "page 40 of 40 ===\n") {
		t.Fatalf("excerpt does not say what was left out:\n%s", sent[0])
	}
	if docs.EstimateTokens(sent[0]) > 300+40 {
		t.Fatalf("excerpt is %d tokens for a budget of 300", docs.EstimateTokens(sent[0]))
	}
}

// An uploaded file is referred to by a fileid:// system message after the system prompt,
// and its text is not sent again.
func TestUploadedDocumentIsReferredToByFileID(t *testing.T) {
	h := newHarness(t, -1)
	conv := h.conv(t)
	if _, err := h.svc.UpdateSettings(context.Background(), conv.ID, ConversationSettings{Model: "qwen-long", SystemPrompt: "Be brief."}); err != nil {
		t.Fatal(err)
	}
	_, sd := contract(3)
	fo, err := newTestClient(h).UploadFile(context.Background(), testKey, "contract.pdf", []byte("%PDF-1.7 bytes"))
	if err != nil {
		t.Fatal(err)
	}
	att := store.Attachment{Hash: sd.Hash, Name: "contract.pdf", Mode: store.DocModeFile, FileID: fo.ID}
	turn := h.sendDocs(t, conv.ID, "Summarise", []store.Attachment{att}, sd)
	var chat fakedashscope.Recorded
	for _, r := range h.fake.Requests() {
		if r.Stream {
			chat = r
		}
	}
	ms := chat.Messages
	if len(ms) < 3 || ms[0].Content != "Be brief." || ms[1].Role != "system" || ms[1].Content != "fileid://"+fo.ID {
		t.Fatalf("messages %+v", ms)
	}
	if strings.Contains(ms[2].Content, "甲方") || !strings.Contains(ms[2].Content, `file="fileid://`+fo.ID+`"`) {
		t.Fatalf("user message %q", ms[2].Content)
	}
	if reply := lastMessage(t, h.svc, conv.ID); reply.ID != turn.AssistantMessageID || !strings.Contains(reply.Content, "I have read contract.pdf") {
		t.Fatalf("reply %q", reply.Content)
	}
}

// A file alone, with nothing typed, is a question; a link to a document that was never
// stored is refused before anything is sent.
func TestFileAloneIsAQuestionAndAnUnknownOneIsRefused(t *testing.T) {
	h := newHarness(t, -1)
	conv := h.conv(t)
	_, sd := contract(1)
	h.sendDocs(t, conv.ID, "", []store.Attachment{{Hash: sd.Hash, Name: "contract.pdf", Mode: store.DocModeText}}, sd)
	if c, _ := h.svc.Conversation(context.Background(), conv.ID); c.Title != "contract.pdf" {
		t.Errorf("title %q, want the file's name", c.Title)
	}
	_, other := contract(2)
	_, err := h.svc.Send(context.Background(), SendInput{ConversationID: conv.ID, Model: "qwen-plus", RequestID: NewID("req"),
		Documents: []store.Attachment{{Hash: other.Hash, Name: "x.pdf", Mode: store.DocModeText}}}, nil)
	if KindOf(err) != KindStorage && KindOf(err) != KindInvalidInput {
		t.Fatalf("unknown document: %v", err)
	}
	time.Sleep(10 * time.Millisecond)
	if n := len(h.fake.Requests()); n != 1 {
		t.Fatalf("%d requests, want only the first", n)
	}
}

func newTestClient(h *harness) *qwen.Client {
	return qwen.NewClient(qwen.Config{BaseURL: h.fake.BaseURL(), MaxRetries: -1})
}
