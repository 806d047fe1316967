package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode/utf8"
)

// The recorded stream: one DashScope (OpenAI-compatible mode) reply of a thinking model that
// reasons, writes a long answer and then calls three tools, in the exact chunk shapes of
// /work/shared/design/DASHSCOPE.md ("The stream", "Tools"): each call's first chunk has its
// id, type and name with "arguments": "", later chunks only the index and a piece of the
// arguments, the calls interleaved, and the step ends with finish_reason "tool_calls". It is generated, not captured,
// so that it is the same bytes on every machine: the generator is seeded and uses nothing but
// its own PRNG.
const (
	genSeed         = 20250601
	reasoningChunks = 4000  // the thinking phase comes first
	contentChunks   = 28000 // then the answer's sentence before its tool calls
	toolCalls       = 3     // then the calls, streamed interleaved
	argPieces       = 300   // argument pieces per call (each 1–12 runes)
	minText         = 20    // bytes of text per chunk, before JSON escaping
	maxText         = 40
	streamID        = "chatcmpl-7f3c2a91-5b1e-9d44-8c0a-2e6f1b7d3a58"
	streamCreated   = 1741185359
)

// Stream is the generated stream and what a correct decoder must find in it.
type Stream struct {
	Bytes  []byte
	Chunks int   // data events that are chunks (everything but [DONE]): the divisor for per-chunk figures
	Text   int   // total bytes of content + reasoning text, decoded
	Want   []Out // the steps a correct decoder produces, in order
}

var recorded = sync.OnceValue(func() Stream { return generate(genSeed) })

// Words to draw text from: Chinese prose, English prose, markdown and a little code, so that
// the JSON strings hold multi-byte UTF-8 as well as escapes (\n, \", \\, \t).
var (
	zhWords = strings.Fields(`我们 可以 通过 以下 步骤 来 解决 这个 问题 首先 需要 理解 模型 的 输入 和 输出 然后
		分析 数据 结构 并且 考虑 边界 情况 因此 答案 是 如下 所示 需要 注意 的 是 性能 内存 并发 安全
		用户 请求 响应 流式 传输 思考 过程 推理 结论 总之 例如 另外 同时 但是 如果 那么 所以 。 ， ： ；`)
	enWords = strings.Fields(`the model streams tokens as server sent events and the client decodes each chunk
		into text while keeping memory flat we can check the edge cases first then write the code
		because a long answer should never block the interface latency matters more than throughput here
		Go json decoder buffer allocation benchmark reasoning content usage finish reason`)
	extras = []string{"\n", "\n\n", "**", "`", "- ", "## ", "\"quoted\"", `C:\path`, "\t", "1. ", "| a | b |\n"}
)

func generate(seed uint64) Stream {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var out bytes.Buffer
	out.Grow(8 << 20)
	s := Stream{}

	// str writes v as a JSON string the way DashScope does: UTF-8 as is, no HTML escaping.
	str := func(v string) {
		// Encoder.Encode appends a newline; write to a side buffer and trim it.
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		if err := e.Encode(v); err != nil {
			panic(err)
		}
		out.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	}
	head := func() {
		fmt.Fprintf(&out, `data: {"id":%q,"object":"chat.completion.chunk","created":%d,"model":"qwen-plus","choices":[`, streamID, streamCreated)
	}
	text := func() string {
		target := minText + r.IntN(maxText-minText+1)
		var b strings.Builder
		for b.Len() < target {
			switch n := r.IntN(20); {
			case n < 9:
				b.WriteString(zhWords[r.IntN(len(zhWords))])
			case n < 18:
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(enWords[r.IntN(len(enWords))])
			default:
				b.WriteString(extras[r.IntN(len(extras))])
			}
		}
		t := b.String()
		for len(t) > maxText { // cut back to at most maxText bytes, on a rune boundary
			_, size := utf8.DecodeLastRuneInString(t)
			t = t[:len(t)-size]
		}
		return t
	}

	// The leading role-only chunk DashScope sends before any text.
	head()
	out.WriteString(`{"index":0,"delta":{"content":null,"role":"assistant","reasoning_content":""},"finish_reason":null}],"usage":null}` + "\n\n")
	s.Chunks++

	for range reasoningChunks {
		t := text()
		head()
		out.WriteString(`{"index":0,"delta":{"content":null,"reasoning_content":`)
		str(t)
		out.WriteString(`},"finish_reason":null}],"usage":null}` + "\n\n")
		s.Chunks++
		s.Text += len(t)
		s.Want = append(s.Want, Out{Reasoning: t})
	}
	for range contentChunks {
		t := text()
		head()
		out.WriteString(`{"index":0,"delta":{"content":`)
		str(t)
		out.WriteString(`},"finish_reason":null}],"usage":null}` + "\n\n")
		s.Chunks++
		s.Text += len(t)
		s.Want = append(s.Want, Out{Content: t})
	}

	// The tool calls: every call's arguments are a JSON object cut into pieces on rune
	// boundaries (a piece is a JSON string, so it holds whole runes), and the pieces of the
	// calls are interleaved in random order, each call's own pieces in order.
	names := []string{"get_weather", "search_web", "read_file"}
	type call struct {
		id     string
		pieces []string
		next   int
	}
	calls := make([]*call, toolCalls)
	var whole []Call
	for i := range calls {
		c := &call{id: fmt.Sprintf("call_%016x", r.Uint64())}
		var note strings.Builder
		for utf8.RuneCountInString(note.String()) < argPieces*6 {
			note.WriteString(text())
		}
		args, err := json.Marshal(map[string]string{"city": "杭州", "path": `C:\docs\"报告".md`, "note": note.String()})
		if err != nil {
			panic(err)
		}
		rs := []rune(string(args))
		for len(rs) > 0 {
			n := min(1+r.IntN(12), len(rs))
			c.pieces = append(c.pieces, string(rs[:n]))
			rs = rs[n:]
		}
		calls[i] = c
		whole = append(whole, Call{ID: c.id, Name: names[i%len(names)], Arguments: string(args)})
	}
	started := make([]bool, toolCalls)
	for {
		var open []int
		for i, c := range calls {
			if c.next < len(c.pieces) {
				open = append(open, i)
			}
		}
		if len(open) == 0 {
			break
		}
		i := open[r.IntN(len(open))]
		c := calls[i]
		head()
		if !started[i] {
			started[i] = true
			fmt.Fprintf(&out, `{"index":0,"delta":{"content":null,"tool_calls":[{"index":%d,"id":%q,"type":"function","function":{"name":%q,"arguments":""}}]},"finish_reason":null}],"usage":null}`+"\n\n",
				i, c.id, whole[i].Name)
			s.Want = append(s.Want, Out{Started: []Started{{Index: i, ID: c.id, Name: whole[i].Name}}})
		} else {
			fmt.Fprintf(&out, `{"index":0,"delta":{"content":null,"tool_calls":[{"index":%d,"function":{"arguments":`, i)
			str(c.pieces[c.next])
			out.WriteString(`}}]},"finish_reason":null}],"usage":null}` + "\n\n")
			c.next++
		}
		s.Chunks++
	}
	head()
	out.WriteString(`{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null}` + "\n\n")
	s.Chunks++
	s.Want = append(s.Want, Out{Finish: "tool_calls", Calls: whole})

	// The usage chunk (stream_options.include_usage): no choices at all.
	fmt.Fprintf(&out, `data: {"id":%q,"object":"chat.completion.chunk","created":%d,"model":"qwen-plus","choices":[],"usage":{"prompt_tokens":1234,"completion_tokens":%d,"total_tokens":%d,"completion_tokens_details":{"reasoning_tokens":%d},"prompt_tokens_details":{"cached_tokens":0}}}`+"\n\n",
		streamID, streamCreated, 3*(reasoningChunks+contentChunks), 1234+3*(reasoningChunks+contentChunks), 3*reasoningChunks)
	s.Chunks++
	s.Want = append(s.Want, Out{Usage: &Usage{Prompt: 1234, Completion: 3 * (reasoningChunks + contentChunks),
		Total: 1234 + 3*(reasoningChunks+contentChunks), Reasoning: 3 * reasoningChunks}})
	out.WriteString("data: [DONE]\n\n")
	s.Bytes = out.Bytes()
	return s
}
