package qwen

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

func TestMessagesWithImagesAreContentParts(t *testing.T) {
	plain, _ := json.Marshal(Message{Role: "user", Content: "hi"})
	if string(plain) != `{"role":"user","content":"hi"}` {
		t.Fatalf("plain message = %s", plain)
	}
	img := "data:image/png;base64,iVBORw0KGgo="
	withImage, _ := json.Marshal(Message{Role: "user", Content: "what is this?", Images: []string{img}})
	want := `{"role":"user","content":[{"type":"image_url","image_url":{"url":"` + img + `"}},{"type":"text","text":"what is this?"}]}`
	if string(withImage) != want {
		t.Fatalf("image message =\n%s\nwant\n%s", withImage, want)
	}
}

func TestCheckImage(t *testing.T) {
	small := "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("\x89PNG fake"))
	huge := "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(make([]byte, MaxImageBytes+1))
	cases := []struct {
		url, wantErr string
	}{
		{small, ""},
		{"data:image/svg+xml;base64,PHN2Zz4=", "not supported"},
		{"https://example.com/cat.png", "not a base64 data URL"},
		{"data:image/png,rawdata", "not a base64 data URL"},
		{"data:image/png;base64,@@@", "damaged"},
		{huge, "larger than 10 MB"},
	}
	for _, c := range cases {
		err := CheckImage(c.url)
		if (c.wantErr == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("CheckImage(%.40q) = %v, want %q", c.url, err, c.wantErr)
		}
	}
}
