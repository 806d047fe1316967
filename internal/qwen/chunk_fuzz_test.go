package qwen

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"unicode/utf8"
)

// FuzzStreamChunks feeds arbitrary event data through the whole stream: chunk decoding with
// its nullable fields, in-stream errors, usage and the end-of-stream rules. Nothing may
// panic, the stream must end, and text only comes out as it went in.
func FuzzStreamChunks(f *testing.F) {
	seeds := []string{
		`{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}`,
		`{"choices":[{"delta":{"content":"你好"},"finish_reason":null}]}`,
		`{"choices":[{"delta":{"content":null,"reasoning_content":"想"}}]}`,
		`{"choices":[{"delta":{},"finish_reason":"stop"}]}`,
		`{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0}}}`,
		`{"error":{"code":"InternalError","message":"boom"}}`,
		`{"choices":[{"delta":{"content":1}}]}`,
		`[DONE]`,
		`{"choices":[{"delta":{"content":"a"}}]} trailing`,
		"{\"choices\":[{\"delta\":{\"content\":\"\xff\xfe\"}}]}",
		`{"choices":[{"delta":{"content":null,"tool_calls":[{"index":0,"id":"c0","type":"function","function":{"name":"a","arguments":""}}]}}]}`,
		`{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":1}"}}]},"finish_reason":"tool_calls"}]}`,
		`{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c0","function":{"arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), []byte(`{"choices":[{"delta":{"content":"x"},"finish_reason":"length"}]}`))
	}
	f.Fuzz(func(t *testing.T, first, second []byte) {
		var body bytes.Buffer
		for _, ev := range [][]byte{first, second} {
			for _, line := range bytes.Split(ev, []byte("\n")) {
				body.WriteString("data: ")
				body.Write(bytes.Trim(line, "\r"))
				body.WriteString("\n")
			}
			body.WriteString("\n")
		}
		resp := &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body.Bytes()))}
		s := newStream(context.Background(), NewClient(Config{}), resp, "sk-fuzz-key-0000", 1)
		defer s.Close()
		var text bytes.Buffer
		for i := 0; s.Next(); i++ {
			if i > 4 {
				t.Fatal("two events produced more than a few steps")
			}
			ev := s.Current()
			text.WriteString(ev.Content)
			text.WriteString(ev.Reasoning)
		}
		if text.Len() > len(first)+len(second) {
			t.Fatalf("%d bytes of text out of %d bytes in", text.Len(), len(first)+len(second))
		}
		if utf8.Valid(first) && utf8.Valid(second) && !utf8.Valid(text.Bytes()) {
			t.Fatalf("valid input produced invalid UTF-8 %q", text.Bytes())
		}
	})
}
