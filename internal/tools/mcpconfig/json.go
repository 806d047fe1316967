package mcpconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// member is one key of a JSON object as it was written: kept raw so fields this package does
// not know (and their order) survive a rewrite.
type member struct {
	Key    string
	Value  json.RawMessage
	Offset int // byte offset of Value in the parsed text, for error positions
}

// ParseError is a problem in a JSON text, with the place it was found (1-based; 0 when the
// place is not known).
type ParseError struct {
	Line, Column int
	Msg          string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return e.Msg
}

// position turns a byte offset into a 1-based line and column (columns count characters).
func position(data []byte, offset int) (line, col int) {
	if offset > len(data) {
		offset = len(data)
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}

func errorAt(data []byte, offset int, format string, args ...any) *ParseError {
	l, c := position(data, offset)
	return &ParseError{Line: l, Column: c, Msg: fmt.Sprintf(format, args...)}
}

// syntaxError converts encoding/json's errors, which carry byte offsets, into a ParseError.
func syntaxError(data []byte, base int, err error) *ParseError {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, the offending one included: point at that one.
		return errorAt(data, base+int(se.Offset)-1, "invalid JSON: %s", se.Error())
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errorAt(data, len(data), "invalid JSON: the text ends too early (a missing } or ]?)")
	}
	return errorAt(data, base, "invalid JSON: %v", err)
}

// parseObject reads data[base:end] as one JSON object and returns its members in order. A key
// written twice keeps its first place and its last value, as encoding/json would read it.
func parseObject(data []byte, base, end int, what string) ([]member, error) {
	src := data[base:end]
	if base == 0 {
		// The decoder's offsets restart at each value; a whole-text check gives the
		// absolute place of a syntax error.
		var v any
		if err := json.NewDecoder(bytes.NewReader(src)).Decode(&v); err != nil {
			return nil, syntaxError(data, 0, err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	start := skipSpace(src)
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(data, base, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errorAt(data, base+start, "%s must be a JSON object ({...}), not %s", what, describeToken(tok))
	}
	var out []member
	index := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(data, base, err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errorAt(data, base+int(dec.InputOffset()), "expected a quoted key in %s", what)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(data, base, err)
		}
		// InputOffset is just past the value; its start is where the raw text begins.
		off := base + int(dec.InputOffset()) - len(raw)
		if i, dup := index[key]; dup {
			out[i].Value, out[i].Offset = raw, off
			continue
		}
		index[key] = len(out)
		out = append(out, member{Key: key, Value: raw, Offset: off})
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(data, base, err)
	}
	rest := src[dec.InputOffset():]
	if i := skipSpace(rest); i < len(rest) {
		return nil, errorAt(data, base+int(dec.InputOffset())+i, "unexpected text after the end of %s", what)
	}
	return out, nil
}

func skipSpace(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "a list"
		}
		return string(v)
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "true/false"
	case nil:
		return "null"
	}
	return "something else"
}

// kindOf names the JSON type of a raw value for error messages.
func kindOf(raw json.RawMessage) string {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "true/false"
	case 'n':
		return "null"
	}
	return "a number"
}

func get(ms []member, key string) (member, bool) {
	for _, m := range ms {
		if m.Key == key {
			return m, true
		}
	}
	return member{}, false
}

// set replaces key's value in place, or appends it when absent.
func set(ms []member, key string, v json.RawMessage) []member {
	for i := range ms {
		if ms[i].Key == key {
			ms[i].Value = v
			return ms
		}
	}
	return append(ms, member{Key: key, Value: v})
}

func del(ms []member, key string) []member {
	for i := range ms {
		if ms[i].Key == key {
			return append(ms[:i:i], ms[i+1:]...)
		}
	}
	return ms
}

// encodeObject writes members compactly, in order.
func encodeObject(buf *bytes.Buffer, ms []member) error {
	buf.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(m.Key)
		buf.Write(k)
		buf.WriteByte(':')
		if err := json.Compact(buf, m.Value); err != nil {
			return fmt.Errorf("field %q: %w", m.Key, err)
		}
	}
	buf.WriteByte('}')
	return nil
}

func marshalNoEscape(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// A URL with & or a command with < stays readable in a file people edit by hand.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only called with strings, slices and maps of strings
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}
