package qwen

import (
	"reflect"
	"strings"
	"testing"
)

// fastChunkBodies seeds the differential test and FuzzFastChunk. fast says whether the fast
// path must take the body (so a parser that always declines cannot pass); bodies without an
// expectation may go either way, as long as the result matches encoding/json.
var fastChunkBodies = []struct {
	body string
	fast bool
}{
	{`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1717000000,"model":"qwen-plus","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}],"usage":null}`, true},
	{`{"id":"c","choices":[{"index":0,"delta":{"content":"你好，世界"},"finish_reason":null}]}`, true},
	{`{"id":"c","choices":[{"index":0,"delta":{"content":"😀 emoji"},"finish_reason":null}]}`, true},
	{`{"id":"c","choices":[{"delta":{"content":"a\nb\tc\"d\\e\/f\bg\fh\ri"}}]}`, true},
	{`{"id":"c","choices":[{"delta":{"content":"\u4f60\u597D \u00e9 \u0000 \u001f"}}]}`, true},
	{`{"id":"c","choices":[{"delta":{"content":"\ud83d\ude00 pair"}}]}`, true},
	{`{"id":"c","choices":[{"delta":{"content":"lone \ud83d end"}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"lone \ude00 end"}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"\ud83d\u0041"}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"bad \x escape"}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"bad \u12g4"}}]}`, false},
	{"{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"\xff\xfe\"}}]}", false},
	{"{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"ctl\x01\"}}]}", false},
	{"{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"x\\n\xe4\xbd\"}}]}", false},
	{`{"id":"c","choices":[{"delta":{"content":null,"reasoning_content":"想一想"}}]}`, true},
	{`{"id":"c","choices":[{"delta":{"reasoning_content":"step\n1"}}]}`, true},
	{`{"id":"c","choices":[{"delta":{"content":"","reasoning_content":""}}]}`, true},
	{`{"id":"c","choices":[{"delta":{}}]}`, true},
	{`{"id":"c","choices":[{"delta":null}]}`, true},
	{`{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}`, true},
	{`{"id":"c","choices":[{"delta":{},"finish_reason":"length"}]}`, true},
	{`{"id":"c","choices":[{"delta":{},"finish_reason":"tool_calls"}]}`, true},
	{`{"id":"c","choices":[{"delta":{},"finish_reason":"something_new"}]}`, true},
	{`{"id":"c","choices":[{"delta":{},"finish_reason":"st\u006fp"}]}`, true},
	{`{"id":"c","choices":[{"delta":{},"finish_reason":1}]}`, false},
	{" { \"id\" : \"c\" ,\n\t\"choices\" : [ { \"delta\" : { \"content\" : \"ws\" } , \"index\" : 0 } ] , \"usage\" : null } ", true},
	{`{"usage":null,"choices":[{"finish_reason":null,"delta":{"reasoning_content":null,"content":"x","role":"assistant"},"index":0}],"model":"m","id":"c"}`, true},
	{`{"id":"c","extra":{"a":[1,2.5e-3,-0,true,false,null,"s\u0041"],"b":{}},"choices":[{"logprobs":null,"delta":{"tool_calls_x":[{"id":"t"}],"content":"u"}}]}`, true},
	// Tool call pieces, as DashScope streams them: the general path decodes them.
	{`{"id":"c","choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"mcp_fs_read","arguments":""}}]},"finish_reason":null}]}`, false},
	{`{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\": \"/tmp"}}]},"finish_reason":null}]}`, false},
	{`{"id":"c","choices":[{"index":0,"delta":{"content":"","tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"b","arguments":""}},{"index":0,"function":{"arguments":"}"}}]}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"let me check","tool_calls":[]}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\u4f60"}}]},"finish_reason":"tool_calls"}]}`, false},
	{`{"id":"c","choices":[{"delta":{"tool_calls":[{"index":"0"}]}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"tool_calls":{"index":0}}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"x","tool_calls":null}}]}`, true},
	{`{"id":"c","choices":[{"delta":{"reasoning_content":"think","tool_calls":null},"finish_reason":null}]}`, true},
	{`{"id":null,"choices":[{"delta":{"content":"no id"}}]}`, true},
	{`{"id":123,"choices":[{"delta":{"content":"numeric id"}}]}`, true},
	{`{"id":"c\u002d1","choices":[{"delta":{"content":"escaped id"}}]}`, true},
	{`{"choices":[]}`, true},
	{`{"choices":null}`, true},
	{`{}`, true},
	{`{"id":"c","choices":[{"index":3,"delta":{"content":"i3"}}]}`, true},
	{`{"id":"c","choices":[{"index":-1,"delta":{"content":"neg"}}]}`, false},
	{`{"id":"c","choices":[{"index":1.0,"delta":{"content":"float"}}]}`, false},
	{`{"id":"c","choices":[{"index":"0","delta":{"content":"str"}}]}`, false},
	{`{"id":"c","choices":[{"index":01}]}`, false},
	// Unusual shapes the fast path must leave to encoding/json.
	{`{"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`, false},
	{`{"error":{"code":"InternalError","message":"boom"}}`, false},
	{`{"code":"Throttling","message":"slow down","request_id":"r"}`, false},
	{`{"id":"c","error":null,"choices":[{"delta":{"content":"x"}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":1}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}`, false},
	{`{"id":"c","choices":[null]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"a"}}]} trailing`, false},
	{`{"id":"c","choices":[{"delta":{"content":"a"}}]}{}`, false},
	{`{"id":"c","choices":[{"delta":{"Content":"case"}}]}`, false},
	{`{"ID":"c","choices":[{"delta":{"content":"case"}}]}`, false},
	{`{"id":"c","CHOICES":[{"delta":{"content":"case"}}]}`, false},
	{"{\"id\":\"c\",\"choices\":[{\"delta\":{\"\u212aey\":\"kelvin\"}}]}", false},
	{`{"id":"c","choices":[{"delta":{"cont\u0065nt":"escaped key"}}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"a","content":"b"}}]}`, false},
	{`{"id":"a","id":"b"}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"a"}}],"choices":[{"index":0}]}`, false},
	{`{"id":"c","choices":[{"delta":{"content":"a"}}`, false},
	{`{"id":"c",}`, false},
	{`{"id" "c"}`, false},
	{`{"id":"c","x":tru}`, false},
	{`{"id":"c","x":1.}`, false},
	{`{"id":"c","x":[1,]}`, false},
	{`{"id":"c","x":"\q"}`, false},
	{`["not","an","object"]`, false},
	{`"string"`, false},
	{``, false},
	{`{"id":"c","x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, false},
}

// decodeWithJSON decodes data the way decodeChunk did before the fast path existed.
func decodeWithJSON(data []byte) (*chunk, error) {
	s := &Stream{}
	err := s.decodeJSON(data)
	return &s.chunk, err
}

// checkFastChunk decodes data with the fast path into c (which may hold an earlier chunk)
// and fails unless it declined or matched encoding/json exactly. It reports whether the fast
// path took the body.
func checkFastChunk(t *testing.T, p *chunkParser, c *chunk, data []byte) bool {
	t.Helper()
	if !p.parse(c, data) {
		return false
	}
	want, err := decodeWithJSON(data)
	if err != nil {
		t.Fatalf("fast path accepted %q, which encoding/json rejects: %v", data, err)
	}
	if string(c.ID) != string(want.ID) || len(c.Error) != 0 || len(c.Code) != 0 ||
		c.Usage != nil || want.Usage != nil || len(want.Error) != 0 || len(want.Code) != 0 ||
		!choicesEqual(c.Choices, want.Choices) || c.isError() != want.isError() {
		t.Fatalf("fast path and encoding/json differ on %q:\nfast %+v\njson %+v", data, *c, *want)
	}
	var fastIDs, jsonIDs idCache
	if fastIDs.get(c.ID) != jsonIDs.get(want.ID) {
		t.Fatalf("server ids differ on %q", data)
	}
	return true
}

// choicesEqual is slices.Equal for choices, which stopped being comparable when deltas
// gained tool call pieces: nil and empty slices are equal, as they are to the stream.
func choicesEqual(a, b []chunkChoice) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestFastChunkMatchesJSON(t *testing.T) {
	var p chunkParser
	var c chunk
	for _, tc := range fastChunkBodies {
		// Decode into a chunk still holding the previous body's results, as a stream does.
		if got := checkFastChunk(t, &p, &c, []byte(tc.body)); got != tc.fast {
			t.Errorf("fast path took=%v, want %v for %s", got, tc.fast, tc.body)
		}
	}
}

func TestFastChunkAllocs(t *testing.T) {
	var p chunkParser
	var c chunk
	for body, want := range map[string]float64{
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"qwen-plus","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}],"usage":null}`: 1,
		`{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"a\n\u4f60\"b"},"finish_reason":null}],"usage":null}`:                                                           1,
		`{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":null}`:                                                                     0,
	} {
		data := []byte(body)
		p.parse(&c, data) // warm the reused buffers
		if n := testing.AllocsPerRun(100, func() {
			if !p.parse(&c, data) {
				t.Fatalf("fast path declined %s", body)
			}
		}); n > want {
			t.Errorf("%v allocations for %s, want at most %v", n, body, want)
		}
	}
}

// FuzzFastChunk checks that the fast path either declines a body or decodes it exactly as
// encoding/json does, including when the chunk still holds the previous body's results.
func FuzzFastChunk(f *testing.F) {
	for _, tc := range fastChunkBodies {
		f.Add([]byte(tc.body), []byte(fastChunkBodies[0].body))
	}
	f.Fuzz(func(t *testing.T, first, second []byte) {
		var p chunkParser
		var c chunk
		checkFastChunk(t, &p, &c, second)
		checkFastChunk(t, &p, &c, first)
		checkFastChunk(t, &p, &c, second)
	})
}
