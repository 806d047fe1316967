package qwen

import (
	"bytes"
	"errors"
	"io"
)

// sseEvent is one dispatched server-sent event. Its slices point into the decoder's reused
// buffers and are valid only until the next call to Next: the stream decodes each event
// before asking for the next, so nothing needs to be copied per event.
type sseEvent struct {
	Type  []byte // the "event:" field; empty means the default "message"
	Data  []byte // all "data:" lines of the event joined with "\n"
	ID    []byte // the last "id:" seen (it persists across events, as the spec says)
	Retry int    // the last valid "retry:" in milliseconds; 0 when none was sent
}

// errLineTooLong stops a server (or a proxy gone wrong) that never ends a line from filling
// memory. It is far above any real chunk: a 1 MiB content delta encodes to a little more.
var errLineTooLong = errors.New("server-sent event line longer than 64 MiB")

const (
	sseInitialBuffer = 32 << 10
	sseMaxLine       = 64 << 20
)

// sseDecoder reads the text/event-stream format (WHATWG HTML, "server-sent events") from a
// reader. It exists instead of a bufio.Scanner because DashScope's lines can be far longer
// than a Scanner's default 64 KiB token, and because the format allows lone CR line endings,
// which Scanner's line splitting does not handle.
//
// The rules it implements:
//   - lines end in LF, CRLF or a lone CR; a CR at the end of one read followed by an LF at the
//     start of the next is one line ending;
//   - a line starting with ':' is a comment (keep-alive) and is ignored;
//   - "field:value" with at most one space after the colon removed; a line without a colon is
//     a field with an empty value;
//   - several "data:" lines are joined with "\n";
//   - a blank line dispatches the event if it has any data line; events with no data are
//     dropped (the spec's rule), but their "id:" and "retry:" are kept;
//   - at a clean EOF a final line without its ending, and an event still lacking its blank
//     line, are dispatched anyway: servers that close right after the last "data:" line should
//     not lose it; after a read error (a reset connection) they are dropped instead, since the
//     line may be a fragment;
//   - bytes are never decoded as text, so UTF-8 split across reads stays intact.
//
// Use it like bufio.Scanner: for d.Next() { ev := d.Event() }; then d.Err(). Err is nil at a
// clean EOF. It allocates only while its buffers grow to the largest line and event seen.
type sseDecoder struct {
	r io.Reader

	buf        []byte // read buffer; buf[pos:end] is not yet consumed
	pos, end   int
	scanned    int  // bytes after pos already known to hold no line ending
	skipLF     bool // the last line ended in CR: an LF that follows belongs to it
	eof        bool // r returned io.EOF; buf[pos:end] is all that is left
	readErr    error
	dispatched bool // Next returned true before; its event's fields are cleared lazily

	data    []byte
	hasData bool
	typ     []byte
	id      []byte
	retry   int

	ev  sseEvent
	err error
}

func newSSEDecoder(r io.Reader) *sseDecoder {
	return &sseDecoder{r: r}
}

// Next advances to the next event. It returns false at the end of the input or on a read
// error; Err tells which.
func (d *sseDecoder) Next() bool {
	if d.err != nil {
		return false
	}
	if d.dispatched {
		d.data, d.typ, d.hasData, d.dispatched = d.data[:0], d.typ[:0], false, false
	}
	for {
		line, err := d.readLine()
		if err != nil {
			if err == io.EOF {
				if d.hasData {
					return d.dispatch()
				}
				return false
			}
			d.err = err
			return false
		}
		if len(line) == 0 {
			if d.hasData {
				return d.dispatch()
			}
			d.typ = d.typ[:0]
			continue
		}
		d.field(line)
	}
}

// Event returns the event Next just advanced to.
func (d *sseDecoder) Event() sseEvent { return d.ev }

// Err returns the read error that stopped the decoder; nil after a clean EOF.
func (d *sseDecoder) Err() error { return d.err }

func (d *sseDecoder) dispatch() bool {
	d.ev = sseEvent{Type: d.typ, Data: d.data, ID: d.id, Retry: d.retry}
	d.dispatched = true
	return true
}

// field applies one non-blank line to the event being built.
func (d *sseDecoder) field(line []byte) {
	if line[0] == ':' {
		return
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) { // no allocation: the compiler special-cases this conversion
	case "data":
		if d.hasData {
			d.data = append(d.data, '\n')
		}
		d.data = append(d.data, value...)
		d.hasData = true
	case "event":
		d.typ = append(d.typ[:0], value...)
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			d.id = append(d.id[:0], value...)
		}
	case "retry":
		if n, ok := parseDigits(value); ok {
			d.retry = n
		}
	}
}

func parseDigits(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// readLine returns the next line without its ending. The slice points into buf and is valid
// until the next call. At the end of input a final unterminated line is returned before
// io.EOF.
func (d *sseDecoder) readLine() ([]byte, error) {
	for {
		if d.skipLF && d.pos < d.end {
			if d.buf[d.pos] == '\n' {
				d.pos++
			}
			d.skipLF = false
		}
		if d.pos < d.end && !d.skipLF {
			seg := d.buf[d.pos+d.scanned : d.end]
			// Search for LF first (the common ending) with the fast IndexByte, then for a CR
			// only in front of it.
			i := bytes.IndexByte(seg, '\n')
			head := seg
			if i >= 0 {
				head = seg[:i]
			}
			if j := bytes.IndexByte(head, '\r'); j >= 0 {
				line := d.buf[d.pos : d.pos+d.scanned+j]
				d.pos += d.scanned + j + 1
				d.scanned = 0
				d.skipLF = true
				return line, nil
			}
			if i >= 0 {
				line := d.buf[d.pos : d.pos+d.scanned+i]
				d.pos += d.scanned + i + 1
				d.scanned = 0
				return line, nil
			}
			d.scanned = d.end - d.pos
		}
		if d.eof {
			if d.readErr != nil {
				// A line cut by a broken connection is not a line: report the failure
				// instead of handing a fragment of JSON to the caller.
				return nil, d.readErr
			}
			if d.pos < d.end {
				line := d.buf[d.pos:d.end]
				d.pos, d.scanned = d.end, 0
				return line, nil
			}
			return nil, io.EOF
		}
		if err := d.fill(); err != nil {
			return nil, err
		}
	}
}

// fill reads more input, first moving unconsumed bytes to the front of buf and growing it
// when a line does not fit.
func (d *sseDecoder) fill() error {
	if d.buf == nil {
		d.buf = make([]byte, sseInitialBuffer)
	}
	if d.pos > 0 {
		d.end = copy(d.buf, d.buf[d.pos:d.end])
		d.pos = 0
	}
	if d.end == len(d.buf) {
		if len(d.buf) >= sseMaxLine {
			return errLineTooLong
		}
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	for range 100 {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.eof = true
			if err != io.EOF {
				// Complete lines already received are still delivered; the error follows.
				d.readErr = err
			}
			return nil
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}
