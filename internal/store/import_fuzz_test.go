package store

import (
	"bytes"
	"testing"
)

// FuzzImportJSON: any file either imports completely or changes nothing, and never panics.
func FuzzImportJSON(f *testing.F) {
	f.Add([]byte(`{"format":"qwendesk-export","version":1,"conversations":[]}`))
	f.Add([]byte(`{"format":"qwendesk-export","version":1,"conversations":[{"id":"c","messages":[{"id":"m","role":"user","status":"complete"}]}]}`))
	f.Add([]byte(`{"format":"qwendesk-export","version":1,"conversations":[{"id":"c","activeLeaf":"x","messages":[]}]}`))
	f.Add([]byte(`{"format":"qwendesk-export","version":1,"conversations":[{"id":"c","messages":[{"id":"m","parentId":"m","role":"user","status":"complete"}]}]}`))
	f.Add([]byte(`{"format":"qwendesk-export","version":1,"conversations":[{"id":"c","messages":[{"id":"m","role":"assistant","status":"complete","content":"ab","toolCalls":[{"callId":"x","apiName":"a","state":"done","outcome":"ok","textOffset":1,"result":"r"},{"callId":"y","apiName":"b","state":"running"}]}]}]}`))
	f.Add([]byte(`not json`))
	dst, _, err := Open(f.TempDir(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { dst.Close() })
	f.Fuzz(func(t *testing.T, data []byte) {
		before, err := dst.ListConversations(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := dst.ImportJSON(ctx, bytes.NewReader(data))
		after, lerr := dst.ListConversations(ctx, 0, 0)
		if lerr != nil {
			t.Fatal(lerr)
		}
		if err != nil && len(after) != len(before) {
			t.Fatalf("a refused import changed the store: %d → %d conversations (%v)", len(before), len(after), err)
		}
		if err == nil && len(after) != len(before)+rep.Conversations {
			t.Fatalf("import reported %d conversations but the store grew by %d", rep.Conversations, len(after)-len(before))
		}
	})
}
