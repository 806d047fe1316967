package qwen

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// tc builds one streamed chunk with tool call pieces; content is raw JSON (null, "" or a
// string) so the test can say exactly what DashScope sent.
func tc(content, pieces, finish string) string {
	f := "null"
	if finish != "" {
		f = `"` + finish + `"`
	}
	return `{"id":"chatcmpl-t","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":` + content +
		`,"tool_calls":[` + pieces + `]},"finish_reason":` + f + `}],"usage":null}`
}

func first(index int, id, name string) string {
	return `{"index":` + itoa(index) + `,"id":"` + id + `","type":"function","function":{"name":"` + name + `","arguments":""}}`
}

func args(index int, piece string) string {
	b, _ := json.Marshal(piece)
	return `{"index":` + itoa(index) + `,"function":{"arguments":` + string(b) + `}}`
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

const finishTools = `{"id":"chatcmpl-t","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null}`

func call(id, name, arguments string) ToolCall {
	return ToolCall{ID: id, Type: "function", Function: FunctionCall{Name: name, Arguments: arguments}}
}

func TestStreamAssemblesToolCalls(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantCalls   []ToolCall
		wantStarted []string // names, in the order the UI would learn them
		wantContent string
		wantReason  string
		wantKind    Kind // "" for a clean end
	}{
		{
			name: "one call: id and name first, arguments in pieces without id",
			body: sse(roleChunk,
				tc("null", first(0, "call_a", "fs_read"), ""),
				tc("null", args(0, `{"path":`), ""),
				tc("null", args(0, ` "/tmp/a.txt"}`), ""),
				finishTools, usageChunk, "[DONE]"),
			wantCalls:   []ToolCall{call("call_a", "fs_read", `{"path": "/tmp/a.txt"}`)},
			wantStarted: []string{"fs_read"},
		},
		{
			name: "two calls interleaved by index, handed out in index order",
			body: sse(roleChunk,
				tc(`""`, first(1, "call_b", "weather"), ""),
				tc(`""`, first(0, "call_a", "time"), ""),
				tc(`""`, args(1, `{"city":"Par`), ""),
				tc(`""`, args(0, `{"tz":"UTC"}`), ""),
				tc(`""`, args(1, `is"}`), ""),
				finishTools, "[DONE]"),
			wantCalls:   []ToolCall{call("call_a", "time", `{"tz":"UTC"}`), call("call_b", "weather", `{"city":"Paris"}`)},
			wantStarted: []string{"weather", "time"},
		},
		{
			name: "several calls in one chunk",
			body: sse(
				tc("null", first(0, "c0", "a")+","+first(1, "c1", "b"), ""),
				tc("null", args(0, "{}")+","+args(1, `{"x":1}`), "tool_calls"),
				"[DONE]"),
			wantCalls:   []ToolCall{call("c0", "a", "{}"), call("c1", "b", `{"x":1}`)},
			wantStarted: []string{"a", "b"},
		},
		{
			name: "a sentence before the calls is kept as content",
			body: sse(contentChunk("Let me look that up.", ""),
				tc("null", first(0, "c0", "search"), ""),
				tc("null", args(0, `{"q":"go"}`), ""),
				finishTools, "[DONE]"),
			wantCalls:   []ToolCall{call("c0", "search", `{"q":"go"}`)},
			wantStarted: []string{"search"},
			wantContent: "Let me look that up.",
		},
		{
			name: "a thinking model reasons first, then calls",
			body: sse(`{"id":"c","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"I need the file."}}]}`,
				tc("null", first(0, "c0", "fs_read"), ""),
				tc("null", args(0, `{}`), ""),
				finishTools, "[DONE]"),
			wantCalls:   []ToolCall{call("c0", "fs_read", "{}")},
			wantStarted: []string{"fs_read"},
			wantReason:  "I need the file.",
		},
		{
			name: "servers that number every call 0 still get two calls, told apart by id",
			body: sse(
				tc("null", first(0, "c0", "a"), ""),
				tc("null", args(0, `{"n":1}`), ""),
				tc("null", first(0, "c1", "b"), ""),
				tc("null", args(0, `{"n":2}`), ""),
				finishTools, "[DONE]"),
			wantCalls:   []ToolCall{call("c0", "a", `{"n":1}`), call("c1", "b", `{"n":2}`)},
			wantStarted: []string{"a", "b"},
		},
		{
			name: "a repeated name on a later piece is not doubled; arguments with CJK survive",
			body: sse(
				tc("null", first(0, "c0", "note"), ""),
				tc("null", `{"index":0,"function":{"name":"note","arguments":"{\"t\":\"你好\"}"}}`, ""),
				finishTools, "[DONE]"),
			wantCalls:   []ToolCall{call("c0", "note", `{"t":"你好"}`)},
			wantStarted: []string{"note"},
		},
		{
			name: "a call without an id gets one, since the tool message must name it",
			body: sse(
				tc("null", `{"index":0,"type":"function","function":{"name":"a","arguments":"{}"}}`, "tool_calls"),
				"[DONE]"),
			wantCalls:   []ToolCall{call("call_0_0", "a", "{}")},
			wantStarted: []string{"a"},
		},
		{
			name: "a call without a name fails the stream",
			body: sse(
				tc("null", `{"index":0,"id":"c0","type":"function","function":{"arguments":"{}"}}`, ""),
				finishTools, "[DONE]"),
			wantKind: KindBadResponse,
		},
		{
			name:        "finish_reason tool_calls without any call fails the stream",
			body:        sse(contentChunk("hm", ""), finishTools, "[DONE]"),
			wantContent: "hm",
			wantKind:    KindBadResponse,
		},
		{
			name: "the stream ending mid-call is truncated and the call is not handed out",
			body: sse(
				tc("null", first(0, "c0", "fs_write"), ""),
				tc("null", args(0, `{"path":"/tmp/x","text":"hal`), "")),
			wantStarted: []string{"fs_write"},
			wantKind:    KindTruncated,
		},
		{
			name: "tool_calls null and [] on text chunks change nothing",
			body: sse(`{"id":"c","choices":[{"delta":{"content":"Hi","tool_calls":null}}]}`,
				`{"id":"c","choices":[{"delta":{"content":"!","tool_calls":[]},"finish_reason":"stop"}]}`, "[DONE]"),
			wantContent: "Hi!",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := streamFrom(t, context.Background(), strings.NewReader(tt.body))
			var calls []ToolCall
			var started []string
			var finishes int
			evs := drain(s)
			for _, e := range evs {
				for _, st := range e.CallsStarted {
					started = append(started, st.Name)
				}
				if e.FinishReason != "" {
					finishes++
					calls = e.ToolCalls
				}
			}
			content, reasoning, _, _ := textOf(evs)
			var apiErr *APIError
			switch {
			case tt.wantKind == "" && s.Err() != nil:
				t.Fatalf("stream failed: %v", s.Err())
			case tt.wantKind != "" && (!errors.As(s.Err(), &apiErr) || apiErr.Kind != tt.wantKind):
				t.Fatalf("err = %v, want kind %s", s.Err(), tt.wantKind)
			}
			if tt.wantKind != "" && len(calls) > 0 {
				t.Fatalf("a failed stream handed out calls %+v", calls)
			}
			if tt.wantKind == "" && finishes != 1 {
				t.Fatalf("%d finish events, want 1", finishes)
			}
			if !reflect.DeepEqual(calls, tt.wantCalls) {
				t.Errorf("calls\n got %+v\nwant %+v", calls, tt.wantCalls)
			}
			if !reflect.DeepEqual(started, tt.wantStarted) {
				t.Errorf("started %v, want %v", started, tt.wantStarted)
			}
			if content != tt.wantContent || reasoning != tt.wantReason {
				t.Errorf("content %q reasoning %q", content, reasoning)
			}
		})
	}
}

func TestTruncatedMidCallSaysSo(t *testing.T) {
	s := streamFrom(t, context.Background(), strings.NewReader(sse(tc("null", first(0, "c0", "a"), ""))))
	drain(s)
	var apiErr *APIError
	if !errors.As(s.Err(), &apiErr) || !strings.Contains(apiErr.Message, "tool call") {
		t.Fatalf("err = %v, want a truncation that mentions the tool call", s.Err())
	}
}

func TestToolMessagesMarshal(t *testing.T) {
	tests := []struct {
		name string
		msg  Message
		want string
	}{
		{"assistant with calls, no text", Message{Role: "assistant", ToolCalls: []ToolCall{call("c0", "a", `{"x":"y"}`)}},
			`{"role":"assistant","content":"","tool_calls":[{"id":"c0","type":"function","function":{"name":"a","arguments":"{\"x\":\"y\"}"}}]}`},
		{"assistant with text and two calls", Message{Role: "assistant", Content: "Checking.", ToolCalls: []ToolCall{call("c0", "a", "{}"), call("c1", "b", "not json")}},
			`{"role":"assistant","content":"Checking.","tool_calls":[{"id":"c0","type":"function","function":{"name":"a","arguments":"{}"}},{"id":"c1","type":"function","function":{"name":"b","arguments":"not json"}}]}`},
		{"tool result", Message{Role: "tool", ToolCallID: "c0", Content: "42"},
			`{"role":"tool","tool_call_id":"c0","content":"42"}`},
		{"plain text is unchanged", Message{Role: "user", Content: "hi"}, `{"role":"user","content":"hi"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.msg)
			if err != nil || string(b) != tt.want {
				t.Errorf("got %s (%v)\nwant %s", b, err, tt.want)
			}
		})
	}
}
