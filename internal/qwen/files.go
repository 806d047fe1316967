package qwen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// FilePurposeExtract is the purpose DashScope's file API wants for documents qwen-long reads.
const FilePurposeExtract = "file-extract"

// MaxUploadBytes is DashScope's limit for one file-extract upload.
const MaxUploadBytes = 150 << 20

// FileObject is DashScope's answer to an upload (OpenAI's file object shape).
type FileObject struct {
	ID        string `json:"id"` // "file-fe-…"
	Object    string `json:"object"`
	Bytes     int64  `json:"bytes"`
	CreatedAt int64  `json:"created_at"`
	Filename  string `json:"filename"`
	Purpose   string `json:"purpose"`
	Status    string `json:"status"`
}

// uploadTimeout bounds one upload: 150 MB over a slow line takes minutes, but not forever.
const uploadTimeout = 10 * time.Minute

// UploadFile sends data to POST {base}/files as multipart form data with purpose
// file-extract, so a qwen-long request can refer to it as fileid://<id>. No retries: a
// retried upload could leave a second billed copy. Failures are *APIError, except the
// caller's own cancellation.
func (c *Client) UploadFile(ctx context.Context, apiKey, name string, data []byte) (FileObject, error) {
	if err := checkKey(apiKey); err != nil {
		return FileObject{}, err
	}
	if len(data) > MaxUploadBytes {
		return FileObject{}, &APIError{Kind: KindBadRequest, Message: fmt.Sprintf("%s is over DashScope's 150 MB limit for files", name)}
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("purpose", FilePurposeExtract)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, quoteEscaper.Replace(name)))
	h.Set("Content-Type", "application/octet-stream")
	part, _ := w.CreatePart(h)
	_, _ = part.Write(data)
	_ = w.Close()

	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, uploadTimeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/files", &body)
	if err != nil {
		return FileObject{}, &APIError{Kind: KindBadRequest, Message: "the upload request could not be built", Err: err}
	}
	hr.Header.Set("Authorization", "Bearer "+apiKey)
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("Content-Type", w.FormDataContentType())
	start := time.Now()
	resp, err := c.http.Do(hr)
	if err != nil {
		if parent.Err() != nil {
			return FileObject{}, parent.Err()
		}
		apiErr := errorFromTransport(err)
		c.logAttempt(ctx, http.MethodPost, "/files", 1, start, 0, "", apiErr)
		return FileObject{}, apiErr
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		apiErr := errorFromResponse(resp, readBounded(resp.Body, maxErrorBody), apiKey)
		c.logAttempt(ctx, http.MethodPost, "/files", 1, start, resp.StatusCode, apiErr.RequestID, apiErr)
		return FileObject{}, apiErr
	}
	reqID := headerRequestID(resp.Header)
	var fo FileObject
	if err := json.Unmarshal(readBounded(resp.Body, maxMetaBody), &fo); err != nil || !strings.HasPrefix(fo.ID, "file-") {
		apiErr := newBadResponse(resp.StatusCode, reqID, "the file API answered without a file id", nil, err)
		c.logAttempt(ctx, http.MethodPost, "/files", 1, start, resp.StatusCode, reqID, apiErr)
		return FileObject{}, apiErr
	}
	c.logAttempt(ctx, http.MethodPost, "/files", 1, start, resp.StatusCode, reqID, nil)
	return fo, nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

// FileIDMessage is the system message content that makes qwen-long read uploaded files.
func FileIDMessage(ids []string) string {
	refs := make([]string, len(ids))
	for i, id := range ids {
		refs[i] = "fileid://" + id
	}
	return strings.Join(refs, ",")
}
