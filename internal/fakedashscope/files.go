package fakedashscope

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"
)

// Upload is one file received on POST /files, for assertions.
type Upload struct {
	ID       string
	Filename string
	Purpose  string
	Data     []byte
	At       time.Time
}

// fileObject is DashScope's answer to an upload in compatible mode (OpenAI's file object).
type fileObject struct {
	ID        string `json:"id"`
	Object    string `json:"object"`
	Bytes     int    `json:"bytes"`
	CreatedAt int64  `json:"created_at"`
	Filename  string `json:"filename"`
	Purpose   string `json:"purpose"`
	Status    string `json:"status"`
}

func (u Upload) object() fileObject {
	return fileObject{ID: u.ID, Object: "file", Bytes: len(u.Data), CreatedAt: u.At.Unix(), Filename: u.Filename,
		Purpose: u.Purpose, Status: "processed"}
}

// Uploads returns every file uploaded so far (and not deleted), in order.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// files serves POST /files (multipart: purpose, file), GET /files/{id} and DELETE
// /files/{id}, answering as DashScope does: the file object, or an error body.
func (s *Server) files(w http.ResponseWriter, r *http.Request, reqID string, body []byte) {
	id := strings.Trim(strings.TrimPrefix(r.URL.Path, basePath+"/files"), "/")
	switch {
	case id == "" && r.Method == http.MethodPost:
		s.upload(w, r, reqID, body)
	case id != "" && (r.Method == http.MethodGet || r.Method == http.MethodDelete):
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, u := range s.uploads {
			if u.ID != id {
				continue
			}
			if r.Method == http.MethodDelete {
				s.uploads = append(s.uploads[:i], s.uploads[i+1:]...)
				writeJSON(w, http.StatusOK, map[string]any{"id": id, "object": "file", "deleted": true})
				return
			}
			writeJSON(w, http.StatusOK, u.object())
			return
		}
		writeJSON(w, http.StatusNotFound, openAIError(reqID, "invalid_parameter_error", "invalid_request_error", "File not found: "+id))
	default:
		writeJSON(w, http.StatusMethodNotAllowed, openAIError(reqID, "method_not_allowed", "invalid_request_error", "Use POST /files, or GET or DELETE /files/{id}."))
	}
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, reqID string, body []byte) {
	bad := func(msg string) {
		writeJSON(w, http.StatusBadRequest, openAIError(reqID, "invalid_parameter_error", "invalid_request_error", msg))
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		bad("The request must be multipart/form-data.")
		return
	}
	form, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(maxBody)
	if err != nil {
		bad("The multipart body could not be read.")
		return
	}
	defer form.RemoveAll()
	purpose := strings.Join(form.Value["purpose"], "")
	if purpose != "file-extract" {
		bad(fmt.Sprintf("purpose must be file-extract, not %q.", purpose))
		return
	}
	fhs := form.File["file"]
	if len(fhs) != 1 {
		bad("Send exactly one file in the field \"file\".")
		return
	}
	f, err := fhs[0].Open()
	if err != nil {
		bad("The file could not be read.")
		return
	}
	defer f.Close()
	var data bytes.Buffer
	data.ReadFrom(f)
	if data.Len() == 0 {
		bad("The file is empty.")
		return
	}
	u := Upload{ID: "file-fe-" + randomHex(12), Filename: fhs[0].Filename, Purpose: purpose, Data: data.Bytes(), At: time.Now()}
	s.mu.Lock()
	s.uploads = append(s.uploads, u)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, u.object())
}

// fileIDs are the ids a request refers to through fileid:// system messages.
func (c chatRequest) fileIDs() []string {
	var ids []string
	for _, m := range c.Messages {
		if m.Role != "system" {
			continue
		}
		for _, ref := range strings.Split(m.text(), ",") {
			if id, ok := strings.CutPrefix(strings.TrimSpace(ref), "fileid://"); ok {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// uploadedNames returns the file names of ids, or the first id never uploaded.
func (s *Server) uploadedNames(ids []string) (names []string, missing string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		found := false
		for _, u := range s.uploads {
			if u.ID == id {
				names, found = append(names, u.Filename), true
				break
			}
		}
		if !found {
			return nil, id
		}
	}
	return names, ""
}
