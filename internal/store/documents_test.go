package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// contractDoc is a three-page PDF's text, Chinese on page 3.
func contractDoc(content string) Document {
	return Document{Hash: hashOf(content), Type: "pdf", Pages: 3, Chars: 60, Tokens: 30, Bytes: 1234, Parts: []DocumentPart{
		{Label: "page 1", Text: "Service agreement between the parties"},
		{Label: "page 2", Text: "", NoText: true},
		{Label: "page 3", Text: "甲方应当在三十日内付款 penalty clause"},
	}}
}

func attach(d Document, name string) Attachment {
	return Attachment{Hash: d.Hash, Name: name, Mode: DocModeText}
}

func addWithDocs(t *testing.T, s *Store, m Message, docs ...Document) Message {
	t.Helper()
	if m.ID == "" {
		m.ID = NewID()
	}
	m.Role = RoleUser
	if err := s.AddMessageWithDocuments(ctx, m, docs); err != nil {
		t.Fatalf("AddMessageWithDocuments: %v", err)
	}
	got, err := s.Message(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func docIndexOK(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.db.Exec(`INSERT INTO document_parts_fts (document_parts_fts) VALUES ('integrity-check')`); err != nil {
		t.Fatalf("document index out of sync: %v", err)
	}
}

// The same file attached twice, in two conversations under two names, is stored once; each
// message shows it under its own name with the document's counts.
func TestDocumentsAreStoredOncePerContent(t *testing.T) {
	s := newTestStore(t)
	d := contractDoc("contract bytes")
	c1, c2 := mustConv(t, s, Conversation{}), mustConv(t, s, Conversation{})
	m1 := addWithDocs(t, s, Message{ConversationID: c1.ID, Content: "summarise"}, d)
	m2 := addWithDocs(t, s, Message{ConversationID: c2.ID, Content: "again"}, d)
	m2b := Message{ID: NewID(), ConversationID: c2.ID, Role: RoleUser, Documents: []Attachment{attach(d, "copy.pdf")}}
	if err := s.AddMessage(ctx, m2b); err != nil {
		t.Fatalf("a stored document can be linked without passing it again: %v", err)
	}
	_ = m1
	if n := queryInt(t, s.db, `SELECT count(*) FROM documents`); n != 1 {
		t.Fatalf("%d documents stored, want 1", n)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM document_parts`); n != 3 {
		t.Fatalf("%d parts stored, want 3", n)
	}
	if len(m2.Documents) != 0 {
		t.Fatalf("a message without links shows %+v", m2.Documents)
	}
	got, _ := s.Message(ctx, m2b.ID)
	if len(got.Documents) != 1 || got.Documents[0].Name != "copy.pdf" || got.Documents[0].Pages != 3 || got.Documents[0].Type != "pdf" {
		t.Fatalf("attachment read back as %+v", got.Documents)
	}
	full, err := s.Document(ctx, d.Hash)
	if err != nil || len(full.Parts) != 3 || full.Parts[2].Text != d.Parts[2].Text || !full.Parts[1].NoText {
		t.Fatalf("document read back as %+v %v", full, err)
	}
	docIndexOK(t, s)
}

// A link to a document that is not stored is refused, and the message is not half-written.
func TestMessageWithUnknownDocumentIsNotStored(t *testing.T) {
	s := newTestStore(t)
	c := mustConv(t, s, Conversation{})
	m := Message{ID: NewID(), ConversationID: c.ID, Role: RoleUser, Documents: []Attachment{attach(contractDoc("x"), "x.pdf")}}
	if err := s.AddMessage(ctx, m); err == nil {
		t.Fatal("a link to a missing document was accepted")
	}
	if msgs, _ := s.Messages(ctx, c.ID); len(msgs) != 0 {
		t.Fatalf("the message was stored without its document: %+v", msgs)
	}
}

// Deleting the last message that carries a document removes the document and its text.
func TestDocumentGoesWithItsLastMessage(t *testing.T) {
	s := newTestStore(t)
	d := contractDoc("bytes")
	c := mustConv(t, s, Conversation{})
	a := addWithDocs(t, s, Message{ConversationID: c.ID, Content: "a", Documents: []Attachment{attach(d, "a.pdf")}}, d)
	b := addWithDocs(t, s, Message{ConversationID: c.ID, Content: "b", Documents: []Attachment{attach(d, "b.pdf")}})
	if err := s.DeleteMessage(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM documents`); n != 1 {
		t.Fatalf("document removed while message b still carries it")
	}
	if err := s.DeleteMessage(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM document_parts`); n != 0 {
		t.Fatalf("%d parts left after the last message went", n)
	}
	if g, _ := s.Search(ctx, "penalty", 10); len(g) != 0 {
		t.Fatalf("a deleted document is still found: %+v", g)
	}
	docIndexOK(t, s)
}

// A search term inside a document finds the message, names the file and the page; Chinese
// of one, two and several characters alike.
func TestSearchFindsTextInsideDocuments(t *testing.T) {
	s := newTestStore(t)
	d := contractDoc("bytes")
	c := mustConv(t, s, Conversation{Title: "Contract"})
	m := addWithDocs(t, s, Message{ConversationID: c.ID, Content: "what are the terms?", Documents: []Attachment{attach(d, "合同.pdf")}}, d)
	for _, q := range []string{"penalty", "三十日内", "付款", "甲", "PENALTY clause"} {
		groups, err := s.Search(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 1 || len(groups[0].Hits) != 1 {
			t.Fatalf("%q: %+v", q, groups)
		}
		h := groups[0].Hits[0]
		if !h.InDocument || h.MessageID != m.ID || h.DocumentName != "合同.pdf" || h.DocumentPart != "page 3" {
			t.Errorf("%q: hit %+v, want 合同.pdf page 3 of message %s", q, h, m.ID)
		}
	}
	if g, _ := s.Search(ctx, "Service agreement", 10); len(g) != 1 || g[0].Hits[0].DocumentPart != "page 1" {
		t.Errorf("page 1 hit: %+v", g)
	}
}

// Export then import into a fresh store brings the documents back exactly, still linked,
// still searchable; importing a copy next to the original shares the stored document.
func TestExportImportDocuments(t *testing.T) {
	s := newTestStore(t)
	d := contractDoc("bytes")
	c := mustConv(t, s, Conversation{Title: "Contract"})
	ex := Attachment{Hash: d.Hash, Name: "合同.pdf", Mode: DocModeExcerpt, MaxTokens: 9000}
	up := Attachment{Hash: d.Hash, Name: "again.pdf", Mode: DocModeFile, FileID: "file-fe-123"}
	m := addWithDocs(t, s, Message{ConversationID: c.ID, Content: "terms?", Documents: []Attachment{ex, up}}, d)

	var buf bytes.Buffer
	if err := s.ExportJSON(ctx, &buf, nil); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "甲方应当在三十日内付款"); n != 1 {
		t.Fatalf("the document's text is in the export %d times, want once", n)
	}
	fresh := newTestStore(t)
	if _, err := fresh.ImportJSON(ctx, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	got, err := fresh.Message(ctx, m.ID)
	if err != nil || len(got.Documents) != 2 {
		t.Fatalf("imported %+v %v", got, err)
	}
	for i, a := range got.Documents {
		if a != m.Documents[i] {
			t.Errorf("attachment %d differs:\n got %+v\nwant %+v", i, a, m.Documents[i])
		}
	}
	want, _ := s.Document(ctx, d.Hash)
	back, _ := fresh.Document(ctx, d.Hash)
	if len(back.Parts) != len(want.Parts) || back.Parts[2] != want.Parts[2] || back.Bytes != want.Bytes || !back.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("document differs after round trip:\n got %+v\nwant %+v", back, want)
	}
	if g, _ := fresh.Search(ctx, "三十日内", 10); len(g) != 1 || g[0].Hits[0].DocumentName != "合同.pdf" {
		t.Fatalf("imported document not searchable: %+v", g)
	}
	if _, err := s.ImportJSON(ctx, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM documents`); n != 1 {
		t.Fatalf("%d documents after importing a copy, want 1", n)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM message_documents`); n != 4 {
		t.Fatalf("%d links after importing a copy, want 4", n)
	}
	docIndexOK(t, fresh)
	docIndexOK(t, s)

	var md bytes.Buffer
	if err := s.ExportMarkdown(ctx, &md, []string{c.ID}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "📎 `合同.pdf` · 3 pages") {
		t.Errorf("Markdown export does not list the attachment:\n%s", md.String())
	}
}

func TestImportRefusesDanglingAttachment(t *testing.T) {
	s := newTestStore(t)
	file := `{"format":"qwendesk-export","version":1,"conversations":[{"id":"c1","messages":[
		{"id":"m1","role":"user","status":"complete","documents":[{"hash":"` + hashOf("x") + `","name":"x.pdf","mode":"text"}]}]}]}`
	_, err := s.ImportJSON(ctx, strings.NewReader(file))
	var ie *ImportError
	if err == nil || !asImportError(err, &ie) || !strings.Contains(ie.Reason, "not in the file") {
		t.Fatalf("got %v", err)
	}
}

func asImportError(err error, target **ImportError) bool {
	e, ok := err.(*ImportError)
	if ok {
		*target = e
	}
	return ok
}

// A v5 file (tool calls, no documents) upgrades to v6 with its messages, a backup first,
// and documents usable at once.
func TestMigrateV5ToV6KeepsData(t *testing.T) {
	dir := t.TempDir()
	old, _, err := open(dir, Options{Now: newClock().Now}, migrations[:5])
	if err != nil {
		t.Fatal(err)
	}
	c := Conversation{ID: NewID(), Title: "old"}
	if err := old.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	m := Message{ID: NewID(), ConversationID: c.ID, Role: RoleUser, Content: "kept across the upgrade 天气"}
	if err := old.AddMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	old.Close()

	s, rep := openTest(t, dir)
	if rep.FromVersion != 5 || rep.ToVersion != documentsVersion || rep.Backup == "" {
		t.Fatalf("report %+v", rep)
	}
	got, err := s.Message(ctx, m.ID)
	if err != nil || got.Content != m.Content || len(got.Documents) != 0 {
		t.Fatalf("message after migration: %+v %v", got, err)
	}
	if g, _ := s.Search(ctx, "天气", 10); len(g) != 1 {
		t.Fatalf("old message not searchable after migration: %+v", g)
	}
	d := contractDoc("new")
	addWithDocs(t, s, Message{ConversationID: c.ID, Documents: []Attachment{attach(d, "n.pdf")}}, d)
	if n := queryInt(t, rawDB(t, rep.Backup), `PRAGMA user_version`); n != 5 {
		t.Fatalf("backup is v%d", n)
	}
	integrityOK(t, rep.Path)
}
