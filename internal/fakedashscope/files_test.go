package fakedashscope

import (
	"context"
	"errors"
	"strings"
	"testing"

	"qwendesk/internal/qwen"
)

// The client's upload reaches the fake in DashScope's shape (multipart, purpose
// file-extract), is recorded with its bytes and name, and a qwen-long request referring to
// it by fileid:// is answered; an unknown id is the 400 DashScope gives.
func TestUploadAndReferToAFile(t *testing.T) {
	s := New(Options{ChunkDelay: -1})
	defer s.Close()
	c := newClient(t, s)
	data := []byte("%PDF-1.7 合同 bytes")
	fo, err := c.UploadFile(context.Background(), "sk-test", `合同 "final".pdf`, data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fo.ID, "file-fe-") || fo.Purpose != qwen.FilePurposeExtract || fo.Bytes != int64(len(data)) || fo.Status != "processed" {
		t.Fatalf("file object %+v", fo)
	}
	ups := s.Uploads()
	if len(ups) != 1 || string(ups[0].Data) != string(data) || ups[0].Filename != `合同 "final".pdf` || ups[0].ID != fo.ID {
		t.Fatalf("recorded %+v", ups)
	}
	if reqs := s.Requests(); reqs[0].Authorization != "Bearer sk-test" || reqs[0].Path != basePath+"/files" {
		t.Fatalf("request %+v", reqs[0])
	}

	req := qwen.Request{Model: qwen.LongContextModel, Messages: []qwen.Message{
		{Role: "system", Content: "You are helpful."},
		{Role: "system", Content: qwen.FileIDMessage([]string{fo.ID})},
		{Role: "user", Content: "summarise"},
	}}
	r := run(t, c, "sk-test", req)
	if r.err != nil || !strings.Contains(r.content, `I have read 合同 "final".pdf`) {
		t.Fatalf("reply %q, %v", r.content, r.err)
	}

	req.Messages[1].Content = qwen.FileIDMessage([]string{"file-fe-nope"})
	r = run(t, c, "sk-test", req)
	var apiErr *qwen.APIError
	if !errors.As(r.err, &apiErr) || apiErr.Kind != qwen.KindBadRequest || !strings.Contains(apiErr.Message, "file-fe-nope") {
		t.Fatalf("unknown file id: %v", r.err)
	}
}

func TestUploadRefusesAWrongPurposeAndNoKey(t *testing.T) {
	s := New(Options{APIKey: "sk-right", ChunkDelay: -1})
	defer s.Close()
	c := newClient(t, s)
	_, err := c.UploadFile(context.Background(), "sk-wrong", "a.txt", []byte("x"))
	var apiErr *qwen.APIError
	if !errors.As(err, &apiErr) || apiErr.Kind != qwen.KindAuth {
		t.Fatalf("wrong key: %v", err)
	}
	if len(s.Uploads()) != 0 {
		t.Fatal("an unauthorised upload was kept")
	}
}
