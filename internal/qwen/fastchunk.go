package qwen

import "unicode/utf8"

// chunkParser is a fast path for decoding a stream chunk. Profiles showed encoding/json's
// reflection-driven decoder taking ~90% of the time spent on a stream, while nearly every
// chunk has the same small shape:
//
//	{"id":"…","object":"…","created":1,"model":"…","choices":[{"index":0,
//	 "delta":{"role":"assistant","content":"…","reasoning_content":null},
//	 "finish_reason":null}],"usage":null}
//
// chunkParser handles exactly that shape (keys in any order, unknown keys skipped) in one
// pass, filling the chunk just as encoding/json would. It is deliberately not a JSON decoder:
// on anything unusual — usage or error fields, tool call pieces, a type it does not expect,
// several choices, duplicate or case-folded keys, escaped keys, invalid UTF-8 or lone
// surrogates in text, malformed JSON, trailing data — it declines, and the caller decodes the
// chunk with encoding/json as before, so every unusual input behaves exactly as it always did.
// FuzzFastChunk checks that whatever it accepts decodes identically.
type chunkParser struct {
	b       []byte
	i       int
	scratch []byte // unescaped text, reused across chunks
}

// maxSkipDepth bounds the nesting of unknown values the parser walks over; deeper input goes
// to encoding/json, which has its own limit.
const maxSkipDepth = 32

var (
	chunkKeys  = []string{"id", "choices", "usage", "error", "code"}
	choiceKeys = []string{"index", "delta", "finish_reason"}
	deltaKeys  = []string{"content", "reasoning_content", "tool_calls"}
)

// parse decodes data into c and reports whether it could. When it returns false c holds
// partial results and must be decoded again by the general path.
func (p *chunkParser) parse(c *chunk, data []byte) bool {
	c.reset()
	p.b, p.i = data, 0
	ok := p.chunk(c)
	p.ws()
	ok = ok && p.i == len(p.b)
	p.b = nil // do not keep the event buffer alive
	return ok
}

func (p *chunkParser) chunk(c *chunk) bool {
	var seen uint32
	return p.object(func(key []byte) bool {
		switch matchKey(key, chunkKeys, &seen) {
		case 0: // id: kept raw, whatever it is, as json.RawMessage would keep it
			start := p.i
			if !p.skip(0) {
				return false
			}
			c.ID = append(c.ID[:0], p.b[start:p.i]...)
			return true
		case 1:
			return p.choices(c)
		case 2: // usage: only null here; a usage object is the general path's job
			return p.null()
		case -1:
			return p.skip(0)
		}
		return false // error, code, a duplicate or a case-folded key
	})
}

// choices accepts null, [] or a single choice object.
func (p *chunkParser) choices(c *chunk) bool {
	if p.null() {
		return true
	}
	if !p.consume('[') {
		return false
	}
	if p.consume(']') {
		return true
	}
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		return false // a null choice is legal but odd; leave it to encoding/json
	}
	c.Choices = append(c.Choices[:0], chunkChoice{})
	return p.choice(&c.Choices[0]) && p.consume(']')
}

func (p *chunkParser) choice(ch *chunkChoice) bool {
	var seen uint32
	return p.object(func(key []byte) bool {
		switch matchKey(key, choiceKeys, &seen) {
		case 0:
			return p.null() || p.index(&ch.Index)
		case 1:
			if p.null() {
				return true
			}
			return p.delta(&ch.Delta)
		case 2:
			if p.null() {
				return true
			}
			s, ok := p.str()
			ch.FinishReason = internFinish(s)
			return ok
		case -1:
			return p.skip(0)
		}
		return false
	})
}

func (p *chunkParser) delta(d *chunkDelta) bool {
	var seen uint32
	return p.object(func(key []byte) bool {
		switch matchKey(key, deltaKeys, &seen) {
		case 0:
			return p.text(&d.Content)
		case 1:
			return p.text(&d.ReasoningContent)
		case 2: // tool call pieces are rare (a few per step): encoding/json decodes them
			return p.null()
		case -1:
			return p.skip(0)
		}
		return false
	})
}

// text reads a string or null into dst; null leaves dst alone, as encoding/json does.
func (p *chunkParser) text(dst *string) bool {
	if p.null() {
		return true
	}
	s, ok := p.str()
	if ok {
		*dst = string(s) // the one allocation per text
	}
	return ok
}

// internFinish avoids allocating for the finish reasons DashScope actually sends.
func internFinish(s []byte) string {
	switch string(s) {
	case "stop":
		return "stop"
	case "length":
		return "length"
	case "tool_calls":
		return "tool_calls"
	case "content_filter":
		return "content_filter"
	}
	return string(s)
}

// index reads a small non-negative integer; anything else (negative, fractional, exponent,
// huge) is left to encoding/json, whose handling of those we do not want to re-create.
func (p *chunkParser) index(dst *int) bool {
	start := p.i
	if !p.number() {
		return false
	}
	digits := p.b[start:p.i]
	if len(digits) > 9 {
		return false
	}
	n := 0
	for _, d := range digits {
		if d < '0' || d > '9' {
			return false
		}
		n = n*10 + int(d-'0')
	}
	*dst = n
	return true
}

// matchKey returns the index of key in names, or -1 for a key encoding/json would ignore too.
// It declines (-2) on a repeated key, because encoding/json merges repeats into the same
// value, and on a key that differs from a known one only by case, because encoding/json
// matches names case-insensitively (with Unicode folding, so non-ASCII keys also decline).
func matchKey(key []byte, names []string, seen *uint32) int {
	for i, n := range names {
		if string(key) == n {
			if *seen&(1<<i) != 0 {
				return -2
			}
			*seen |= 1 << i
			return i
		}
	}
	for _, n := range names {
		if asciiEqualFold(key, n) {
			return -2
		}
	}
	for _, b := range key {
		if b >= utf8.RuneSelf {
			return -2
		}
	}
	return -1
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// object walks an object, calling member for each key with the parser at the start of its
// value; member must consume the value.
func (p *chunkParser) object(member func(key []byte) bool) bool {
	if !p.consume('{') {
		return false
	}
	if p.consume('}') {
		return true
	}
	for {
		p.ws()
		key, ok := p.key()
		if !ok || !p.consume(':') {
			return false
		}
		p.ws()
		if !member(key) {
			return false
		}
		if !p.consume(',') {
			return p.consume('}')
		}
	}
}

// key reads an object key, declining on escapes: encoding/json unescapes keys before
// matching them, and escaped keys never occur in practice.
func (p *chunkParser) key() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i + 1
	for i := start; i < len(p.b); i++ {
		switch c := p.b[i]; {
		case c == '"':
			p.i = i + 1
			return p.b[start:i], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// str reads a string value and returns its unescaped bytes, which alias the input or the
// scratch buffer and are valid only until the next call. It declines on invalid UTF-8 and
// lone surrogates, which encoding/json would replace with U+FFFD.
func (p *chunkParser) str() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i + 1
	for i := start; i < len(p.b); i++ {
		switch c := p.b[i]; {
		case c == '"':
			p.i = i + 1
			s := p.b[start:i]
			return s, utf8.Valid(s)
		case c == '\\':
			p.i = i
			return p.unescape(p.b[start:i])
		case c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// unescape continues str from the first backslash, with the plain text before it in prefix.
func (p *chunkParser) unescape(prefix []byte) ([]byte, bool) {
	out := append(p.scratch[:0], prefix...)
	defer func() { p.scratch = out[:0] }()
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			// Escapes only add ASCII or whole UTF-8 sequences, so out is valid exactly when
			// the raw text between them was.
			return out, utf8.Valid(out)
		case c < 0x20:
			return nil, false
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			return nil, false
		}
		e := p.b[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return nil, false
			}
			if utf16IsSurrogate(r) {
				// Only a high surrogate followed by an escaped low one makes a character.
				if r >= 0xDC00 || p.i+1 >= len(p.b) || p.b[p.i] != '\\' || p.b[p.i+1] != 'u' {
					return nil, false
				}
				p.i += 2
				lo, ok := p.hex4()
				if !ok || lo < 0xDC00 || lo > 0xDFFF {
					return nil, false
				}
				r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, false
		}
	}
	return nil, false
}

func utf16IsSurrogate(r rune) bool { return 0xD800 <= r && r <= 0xDFFF }

// hex4 reads the four hex digits of a \u escape.
func (p *chunkParser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

// skip walks over any JSON value, checking that it is well formed (encoding/json rejects a
// chunk with a malformed value anywhere, even in a field it ignores).
func (p *chunkParser) skip(depth int) bool {
	if p.i >= len(p.b) || depth > maxSkipDepth {
		return false
	}
	switch p.b[p.i] {
	case '"':
		return p.skipString()
	case '{':
		return p.object(func([]byte) bool { return p.skip(depth + 1) })
	case '[':
		p.i++
		if p.consume(']') {
			return true
		}
		for {
			p.ws()
			if !p.skip(depth + 1) {
				return false
			}
			if !p.consume(',') {
				return p.consume(']')
			}
		}
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	case 'n':
		return p.literal("null")
	}
	return p.number()
}

// skipString walks over a string, checking its escapes. Invalid UTF-8 is fine here: the JSON
// scanner accepts it, and the text is not kept.
func (p *chunkParser) skipString() bool {
	p.i++
	for p.i < len(p.b) {
		c := p.b[p.i]
		p.i++
		switch {
		case c == '"':
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if p.i >= len(p.b) {
				return false
			}
			e := p.b[p.i]
			p.i++
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := p.hex4(); !ok {
					return false
				}
			default:
				return false
			}
		}
	}
	return false
}

// number walks over a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *chunkParser) number() bool {
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case !p.digits():
		return false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if !p.digits() {
			return false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return false
		}
	}
	return true
}

// digits reads one or more decimal digits.
func (p *chunkParser) digits() bool {
	start := p.i
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

func (p *chunkParser) literal(lit string) bool {
	if len(p.b)-p.i < len(lit) || string(p.b[p.i:p.i+len(lit)]) != lit {
		return false
	}
	p.i += len(lit)
	return true
}

// null consumes a null if one is next.
func (p *chunkParser) null() bool {
	return p.i < len(p.b) && p.b[p.i] == 'n' && p.literal("null")
}

func (p *chunkParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// consume skips whitespace and then ch if it is next.
func (p *chunkParser) consume(ch byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ch {
		p.i++
		return true
	}
	return false
}
