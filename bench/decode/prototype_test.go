package main

// A throwaway estimate, not one of the figures: what QwenDesk's stream decoding would cost
// if decodeChunk used a hand-written single-pass scanner for the chunk shape instead of
// encoding/json (see the report). SSE framing here is a plain LF split, which is what
// qwen's sseDecoder costs today (~5% of the total); the JSON part is the point.

import (
	"bytes"
	"strconv"
	"testing"
)

type fastChunk struct {
	content, reasoning, finish string
	scratch                    []byte
}

// skipValue returns the index just past the JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	default:
		for ; i < len(b); i++ {
			switch b[i] {
			case ',', '}', ']', ' ':
				return i
			}
		}
		return i
	}
}

func skipString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		k := i - 1
		for k >= 0 && b[k] == '\\' {
			k--
		}
		if (i-1-k)%2 == 0 {
			return i + 1
		}
		i++
	}
}

// str decodes the string at b[i:end] (quotes included), allocating once.
func (c *fastChunk) str(raw []byte) string {
	if raw[0] != '"' {
		return "" // null
	}
	in := raw[1 : len(raw)-1]
	if bytes.IndexByte(in, '\\') < 0 {
		return string(in)
	}
	s, _ := strconv.Unquote(string(raw)) // prototype only; a real one unescapes into scratch
	return s
}

// object calls f for each key of the object at b[i], with the value's span.
func object(b []byte, i int, f func(key []byte, v []byte)) int {
	i++ // '{'
	for i < len(b) {
		switch b[i] {
		case '}':
			return i + 1
		case ',', ' ':
			i++
			continue
		}
		ke := skipString(b, i)
		key := b[i+1 : ke-1]
		i = ke + 1 // ':'
		ve := skipValue(b, i)
		f(key, b[i:ve])
		i = ve
	}
	return -1
}

func (c *fastChunk) parse(b []byte) {
	c.content, c.reasoning, c.finish = "", "", ""
	object(b, 0, func(k, v []byte) {
		if string(k) != "choices" || len(v) < 3 {
			return
		}
		object(v, 1, func(k, v []byte) {
			switch string(k) {
			case "delta":
				object(v, 0, func(k, v []byte) {
					switch string(k) {
					case "content":
						c.content = c.str(v)
					case "reasoning_content":
						c.reasoning = c.str(v)
					}
				})
			case "finish_reason":
				c.finish = c.str(v)
			}
		})
	})
}

func BenchmarkPrototypeFastChunk(b *testing.B) {
	st := recorded()
	runBench(b, st, func() (int, error) {
		var c fastChunk
		n := 0
		data := st.Bytes
		for len(data) > 0 {
			i := bytes.IndexByte(data, '\n')
			line := data[:i]
			data = data[i+1:]
			if len(line) < 6 || string(line[:6]) != "data: " || string(line[6:]) == "[DONE]" {
				continue
			}
			c.parse(line[6:])
			n += len(c.content) + len(c.reasoning)
		}
		return n, nil
	})
}
