package fakedashscope

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"qwendesk/internal/qwen"
)

var offered = []qwen.Tool{
	{Name: "mcp_fs_read_file", Description: "Read a file", Parameters: json.RawMessage(`{"type":"object","properties":{"path":{"type":"string"}}}`)},
	{Name: "mcp_clock_now"},
}

// step is what one streamed request produced, as the chat turn would see it.
type step struct {
	content, reasoning, finish string
	started                    []string
	calls                      []qwen.ToolCall
	err                        error
}

func runStep(t *testing.T, c *qwen.Client, req qwen.Request) step {
	t.Helper()
	s, err := c.Stream(context.Background(), "sk-any", req)
	if err != nil {
		return step{err: err}
	}
	defer s.Close()
	var st step
	for s.Next() {
		e := s.Current()
		st.content += e.Content
		st.reasoning += e.Reasoning
		for _, cs := range e.CallsStarted {
			st.started = append(st.started, cs.Name)
		}
		if e.FinishReason != "" {
			st.finish, st.calls = e.FinishReason, e.ToolCalls
		}
	}
	st.err = s.Err()
	return st
}

func toolAsk(text string) qwen.Request {
	r := ask(text)
	r.Tools = offered
	return r
}

func names(calls []qwen.ToolCall) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Function.Name+" "+c.Function.Arguments)
	}
	return out
}

func TestToolScenarios(t *testing.T) {
	s := New(Options{ChunkDelay: -1})
	defer s.Close()
	c := newClient(t, s)
	tests := []struct {
		text      string
		wantCalls []string
		wantText  string
		wantThink bool
		wantKind  qwen.Kind
	}{
		{text: `read it #tool:read_file {"path": "/tmp/a.txt"}`, wantCalls: []string{`mcp_fs_read_file {"path": "/tmp/a.txt"}`}},
		{text: `both #tool:read_file {"path":"/b"} #tool:now`, wantCalls: []string{`mcp_fs_read_file {"path":"/b"}`, "mcp_clock_now {}"}},
		{text: `#tool:now #toolthink`, wantCalls: []string{"mcp_clock_now {}"}, wantThink: true},
		{text: `#tool:now #toolsay`, wantCalls: []string{"mcp_clock_now {}"}, wantText: "Let me check with a tool."},
		{text: `#tool:now #toolunknown`, wantCalls: []string{"mcp_clock_now {}", "no_such_tool {}"}},
		{text: `#tool:nothing_like_it`, wantCalls: []string{"no_such_tool_nothing_like_it {}"}},
		{text: `#tool:read_file {"path":"/x"} #toolbadargs`, wantCalls: []string{`mcp_fs_read_file ` + badArguments}},
		{text: `#tool:read_file {"path":"/x"} #truncate`, wantKind: qwen.KindTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			st := runStep(t, c, toolAsk(tt.text))
			var apiErr *qwen.APIError
			if tt.wantKind != "" {
				if !errors.As(st.err, &apiErr) || apiErr.Kind != tt.wantKind {
					t.Fatalf("err %v, want %s", st.err, tt.wantKind)
				}
				return
			}
			if st.err != nil || st.finish != qwen.FinishToolCalls {
				t.Fatalf("finish %q err %v", st.finish, st.err)
			}
			if got := names(st.calls); !reflect.DeepEqual(got, tt.wantCalls) {
				t.Errorf("calls %q, want %q", got, tt.wantCalls)
			}
			if len(st.started) != len(tt.wantCalls) {
				t.Errorf("started %v", st.started)
			}
			if st.content != tt.wantText || (st.reasoning != "") != tt.wantThink {
				t.Errorf("content %q reasoning %q", st.content, st.reasoning)
			}
			for _, c := range st.calls {
				if !strings.HasPrefix(c.ID, "call_") || c.Type != "function" {
					t.Errorf("call %+v lacks DashScope's id or type", c)
				}
			}
		})
	}
}

// TestToolResultsReachTheModel runs a whole loop by hand: the fake quotes each tool message,
// in order, and records the assistant message and tool messages as sent.
func TestToolResultsReachTheModel(t *testing.T) {
	s := New(Options{ChunkDelay: -1})
	defer s.Close()
	c := newClient(t, s)
	req := toolAsk(`#tool:read_file {"path":"/a"} #tool:now`)
	st := runStep(t, c, req)
	if st.err != nil || len(st.calls) != 2 {
		t.Fatalf("%+v", st)
	}
	long := strings.Repeat("é", 400)
	req.Messages = append(req.Messages,
		qwen.Message{Role: "assistant", ToolCalls: st.calls},
		qwen.Message{Role: "tool", ToolCallID: st.calls[0].ID, Content: "file text"},
		qwen.Message{Role: "tool", ToolCallID: st.calls[1].ID, Content: long})
	st2 := runStep(t, c, req)
	want := "Tool result: file text\nTool result: " + strings.Repeat("é", 300)
	if st2.err != nil || st2.finish != qwen.FinishStop || st2.content != want {
		t.Fatalf("second step %q %q %v", st2.content, st2.finish, st2.err)
	}
	reqs := s.Requests()
	got := reqs[len(reqs)-1].Messages
	if len(got) != 5 || !reflect.DeepEqual(got[2].ToolCalls, st.calls) || got[3].ToolCallID != st.calls[0].ID || got[4].ToolCallID != st.calls[1].ID {
		t.Errorf("recorded %+v", got)
	}
	if !reflect.DeepEqual(reqs[0].Tools, []string{"mcp_fs_read_file", "mcp_clock_now"}) {
		t.Errorf("recorded tools %v", reqs[0].Tools)
	}

	// #toolloop keeps calling after results.
	loop := toolAsk("#tool:now #toolloop")
	for range 3 {
		st := runStep(t, c, loop)
		if st.err != nil || len(st.calls) != 1 {
			t.Fatalf("loop step %+v", st)
		}
		loop.Messages = append(loop.Messages, qwen.Message{Role: "assistant", ToolCalls: st.calls},
			qwen.Message{Role: "tool", ToolCallID: st.calls[0].ID, Content: "tick"})
	}
}

// TestToolWireFormat reads the raw stream: later pieces must not carry the id or the name,
// so a client that assembles by id fails against the fake as it would against DashScope.
func TestToolWireFormat(t *testing.T) {
	s := New(Options{ChunkDelay: -1})
	defer s.Close()
	body := `{"model":"qwen-plus","messages":[{"role":"user","content":"#tool:a {\"k\":\"v\"} #tool:b"}],"stream":true,` +
		`"tools":[{"type":"function","function":{"name":"x_a","parameters":{}}},{"type":"function","function":{"name":"x_b","parameters":{}}}]}`
	req, _ := http.NewRequest("POST", s.BaseURL()+"/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer any")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	defer http.DefaultClient.CloseIdleConnections()
	var firsts, laters, order []int
	for _, line := range strings.Split(string(raw), "\n") {
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var c struct {
			Choices []struct {
				Delta struct {
					Content   *string           `json:"content"`
					ToolCalls []json.RawMessage `json:"tool_calls"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(data), &c); err != nil || len(c.Choices) == 0 {
			continue
		}
		for _, p := range c.Choices[0].Delta.ToolCalls {
			var piece map[string]any
			json.Unmarshal(p, &piece)
			fn := piece["function"].(map[string]any)
			idx := int(piece["index"].(float64))
			order = append(order, idx)
			if _, hasID := piece["id"]; hasID {
				if fn["name"] == nil || fn["arguments"] != "" || piece["type"] != "function" || c.Choices[0].Delta.Content != nil {
					t.Errorf("first piece %s", p)
				}
				firsts = append(firsts, idx)
			} else {
				if _, hasName := fn["name"]; hasName {
					t.Errorf("later piece carries a name: %s", p)
				}
				laters = append(laters, idx)
			}
		}
	}
	if !reflect.DeepEqual(firsts, []int{0, 1}) || len(laters) != 6 || !strings.Contains(string(raw), `"finish_reason":"tool_calls"`) {
		t.Errorf("firsts %v laters %v\n%s", firsts, laters, raw)
	}
	if !reflect.DeepEqual(laters[:2], []int{0, 1}) {
		t.Errorf("pieces of the two calls do not interleave: %v", order)
	}
}
