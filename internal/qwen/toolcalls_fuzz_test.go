package qwen

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzCallAssembler feeds arbitrary streamed tool-call pieces (a JSON array of chunks, each
// an array of pieces) through the assembler. Nothing may panic; a step either fails as a bad
// response or hands out calls in index order, each with a name, an id and a type, and with
// exactly the argument bytes that streamed (none lost, none doubled).
func FuzzCallAssembler(f *testing.F) {
	for _, s := range []string{
		`[[{"index":0,"id":"c0","type":"function","function":{"name":"read","arguments":""}}],[{"index":0,"function":{"arguments":"{\"p\":1}"}}]]`,
		`[[{"index":1,"id":"b","function":{"name":"b","arguments":"{"}},{"index":0,"id":"a","function":{"name":"a","arguments":"{"}}],[{"index":0,"function":{"arguments":"}"}},{"index":1,"function":{"arguments":"}"}}]]`,
		`[[{"index":0,"id":"x","function":{"name":"a"}}],[{"index":0,"id":"y","function":{"name":"b","arguments":"{}"}}]]`,
		`[[{"index":0,"function":{"arguments":"{}"}}]]`,
		`[[{"index":-3,"function":{"name":"n","arguments":"你好"}}]]`,
		`[]`,
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, toolCallsFinish bool) {
		var chunks [][]chunkToolCall
		if json.Unmarshal(data, &chunks) != nil {
			return
		}
		var a callAssembler
		in := 0
		for _, pieces := range chunks {
			a.add(pieces)
			for _, p := range pieces {
				in += len(p.Function.Arguments)
			}
		}
		reason := FinishStop
		if toolCallsFinish {
			reason = FinishToolCalls
		}
		calls, err := a.finish(reason, "req")
		if a.pending() {
			t.Fatal("finish left calls pending")
		}
		if err != nil {
			if err.Kind != KindBadResponse || calls != nil {
				t.Fatalf("a failed step = %v, %+v", err.Kind, calls)
			}
			return
		}
		out := 0
		seen := map[string]bool{}
		for _, c := range calls {
			if c.Function.Name == "" || c.ID == "" || c.Type == "" {
				t.Fatalf("a call is missing its name, id or type: %+v", c)
			}
			if seen[c.ID] && strings.HasPrefix(c.ID, "call_") {
				t.Fatalf("two calls got the same made-up id %q", c.ID)
			}
			seen[c.ID] = true
			out += len(c.Function.Arguments)
		}
		if out != in {
			t.Fatalf("%d argument bytes streamed, %d handed out", in, out)
		}
	})
}
