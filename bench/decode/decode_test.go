package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestAllDecodersAgree fails when any decoder — QwenDesk's or a peer's as this benchmark
// drives it — loses, reorders or changes a step of the benchmark stream: a text piece, the
// reasoning, a tool call's start or its assembled arguments, the finish reason or the usage.
// A benchmark that compared decoders doing different work would be measuring nothing.
func TestAllDecodersAgree(t *testing.T) {
	st := recorded()
	if len(st.Bytes) < 4<<20 || st.Chunks < 30000 {
		t.Fatalf("stream is %d bytes / %d chunks; want several MB and 30,000+ chunks", len(st.Bytes), st.Chunks)
	}
	// The stream must exercise what the comparison claims to cover.
	var calls, started int
	for _, o := range st.Want {
		calls += len(o.Calls)
		started += len(o.Started)
	}
	if calls != toolCalls || started != toolCalls || st.Want[len(st.Want)-1].Usage == nil {
		t.Fatalf("stream has %d calls, %d starts and usage %v; want %d calls, each started, and usage last",
			calls, started, st.Want[len(st.Want)-1].Usage, toolCalls)
	}
	if err := check(st); err != nil {
		t.Fatal(err)
	}
	if a, b := generate(genSeed), generate(genSeed); string(a.Bytes) != string(b.Bytes) {
		t.Fatal("generator is not deterministic")
	}
}

const (
	chunkHead = `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"qwen-plus","choices":[`
	usageLine = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4}}}`
)

// delta is one ordinary chunk's data with the given delta and finish reason (JSON).
func delta(d, finish string) string {
	return chunkHead + `{"index":0,"delta":` + d + `,"finish_reason":` + finish + `}],"usage":null}`
}

func events(lines ...string) string { return strings.Join(lines, "\n\n") + "\n\n" }

var (
	hello     = []Out{{Content: "你好"}, {Content: "！", Finish: "stop"}, {Usage: &Usage{Prompt: 12, Completion: 3, Total: 15, Cached: 4}}}
	helloBody = events(
		"data: "+delta(`{"role":"assistant","content":""}`, "null"),
		"data: "+delta(`{"content":"你好"}`, "null"),
		"data: "+delta(`{"content":"！"}`, `"stop"`),
		usageLine,
		"data: [DONE]")
)

// faults are the stream shapes a correct SSE and chunk decoder must survive. Every decoder
// must produce want from each, read whole and one byte per read (which splits every chunk,
// and every multi-byte rune, across reads) — except where a peer is known to fail a case:
// then the test checks that it still does, so the note cannot go stale.
var faults = []struct {
	name  string
	body  string
	want  []Out
	split []int // byte offsets where reads end, besides the whole and one-byte reads
	fails map[string]string
}{
	{name: "LF", body: helloBody, want: hello},
	{name: "CRLF line endings", body: strings.ReplaceAll(helloBody, "\n", "\r\n"), want: hello},
	{
		name: "comments and keep-alives",
		body: ": connected\n\n" + strings.Replace(helloBody, "data: "+delta(`{"content":"！"}`, `"stop"`),
			": keep-alive\n\n:ping\ndata: "+delta(`{"content":"！"}`, `"stop"`), 1),
		want: hello,
	},
	{
		name: "data without the space after the colon",
		body: strings.ReplaceAll(helloBody, "data: ", "data:"),
		want: hello,
	},
	{
		// SSE joins the data lines of one event with "\n", which is whitespace to JSON.
		name: "one chunk over several data lines",
		body: events(
			"data: "+chunkHead+"\ndata: "+`{"index":0,"delta":{"content":"你好"},`+"\ndata: "+`"finish_reason":"stop"}],"usage":null}`,
			"data: [DONE]"),
		want: []Out{{Content: "你好", Finish: "stop"}},
		fails: map[string]string{
			nameGoOpenAI: "go-openai reads one line per chunk, so the first line alone is not valid JSON",
		},
	},
	{
		name: "nothing after [DONE] is read",
		body: helloBody + "data: " + delta(`{"content":"after"}`, "null") + "\n\ndata: {not json\n\n",
		want: hello,
	},
	{
		name:  "a chunk split across reads",
		body:  helloBody,
		want:  hello,
		split: []int{len("data: " + delta(`{"role":"assistant","content":""}`, "null") + "\n\ndata: " + chunkHead + `{"index":0,"de`)},
	},
	{
		name:  "UTF-8 split across reads",
		body:  helloBody,
		want:  hello,
		split: []int{strings.Index(helloBody, "你好") + 1, strings.Index(helloBody, "你好") + 4},
	},
	{
		name: "null content while reasoning, then the reverse",
		body: events(
			"data: "+delta(`{"content":null,"reasoning_content":"想一想"}`, "null"),
			"data: "+delta(`{"content":"好","reasoning_content":null}`, "null"),
			"data: "+delta(`{"content":null}`, `"length"`),
			"data: [DONE]"),
		want: []Out{{Reasoning: "想一想"}, {Content: "好"}, {Finish: "length"}},
	},
	{
		name: "usage chunk with empty choices, before [DONE]",
		body: events(
			"data: "+delta(`{"content":"a"}`, `"stop"`),
			usageLine,
			"data: [DONE]"),
		want: []Out{{Content: "a", Finish: "stop"}, {Usage: &Usage{Prompt: 12, Completion: 3, Total: 15, Cached: 4}}},
	},
	{
		name: "two tool calls interleaved, pieces by index only",
		body: events(
			"data: "+delta(`{"content":"查一下。"}`, "null"),
			"data: "+delta(`{"content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}`, "null"),
			"data: "+delta(`{"content":null,"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}`, "null"),
			"data: "+delta(`{"content":null,"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]}`, "null"),
			"data: "+delta(`{"content":null,"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\":\"Asia/Shanghai\"}"}}]}`, "null"),
			"data: "+delta(`{"content":null,"tool_calls":[{"index":0,"function":{"arguments":"\"杭州\"}"}}]}`, "null"),
			"data: "+delta(`{}`, `"tool_calls"`),
			"data: [DONE]"),
		want: []Out{
			{Content: "查一下。"},
			{Started: []Started{{Index: 0, ID: "call_a", Name: "get_weather"}}},
			{Started: []Started{{Index: 1, ID: "call_b", Name: "get_time"}}},
			{Finish: "tool_calls", Calls: []Call{
				{ID: "call_a", Name: "get_weather", Arguments: `{"city":"杭州"}`},
				{ID: "call_b", Name: "get_time", Arguments: `{"tz":"Asia/Shanghai"}`},
			}},
		},
	},
}

// splitReader returns b in reads that end at the given offsets.
type splitReader struct {
	b    []byte
	at   []int
	done int
}

func (r *splitReader) Read(p []byte) (int, error) {
	if r.done == len(r.b) {
		return 0, io.EOF
	}
	end := len(r.b)
	for _, a := range r.at {
		if a > r.done {
			end = min(end, a)
			break
		}
	}
	n := copy(p, r.b[r.done:end])
	r.done += n
	return n, nil
}

// TestFaultCorpus fails when a decoder mishandles one of the shapes above (a CRLF left in
// the JSON, a comment taken for data, data lines not joined, reading past [DONE], a chunk or
// a rune broken by a read boundary, null taken for text, the usage chunk dropped or indexed
// as a choice, tool-call pieces matched by id), or when a peer's known failure goes away.
func TestFaultCorpus(t *testing.T) {
	for _, tc := range faults {
		reads := map[string]source{
			"whole":    whole([]byte(tc.body)),
			"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader([]byte(tc.body))) },
		}
		if tc.split != nil {
			reads["split"] = func() io.Reader { return &splitReader{b: []byte(tc.body), at: tc.split} }
		}
		for how, open := range reads {
			for _, p := range peers(open) {
				t.Run(tc.name+"/"+how+"/"+p.Name, func(t *testing.T) {
					var k keepSink
					err := p.decode(&k)
					if err == nil {
						err = sameSteps(k.outs, tc.want)
					}
					if why, known := tc.fails[p.Name]; known {
						if err == nil {
							t.Fatalf("known failure no longer happens (%s): update the corpus and the report", why)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
				})
			}
		}
	}
}

func benchDecoder(b *testing.B, name string) {
	st := recorded()
	var dec func(sink) error
	for _, p := range peers(whole(st.Bytes)) {
		if p.Name == name {
			dec = p.decode
		}
	}
	runBench(b, st, dec)
}

func BenchmarkDecodeQwenDesk(b *testing.B) { benchDecoder(b, nameQwenDesk) }
func BenchmarkDecodeOpenAIGo(b *testing.B) { benchDecoder(b, nameOpenAIGo) }
func BenchmarkDecodeGoOpenAI(b *testing.B) { benchDecoder(b, nameGoOpenAI) }
func BenchmarkDecodeTrimmed(b *testing.B)  { benchDecoder(b, nameTrimmed) }
