package qwen

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// sseTestEvent is an sseEvent copied out of the decoder's buffers, for comparisons.
type sseTestEvent struct {
	Type, Data, ID string
	Retry          int
}

func (e sseTestEvent) String() string {
	return fmt.Sprintf("{type=%q data=%q id=%q retry=%d}", e.Type, e.Data, e.ID, e.Retry)
}

func decodeAll(r io.Reader) ([]sseTestEvent, error) {
	d := newSSEDecoder(r)
	var out []sseTestEvent
	for d.Next() {
		ev := d.Event()
		out = append(out, sseTestEvent{string(ev.Type), string(ev.Data), string(ev.ID), ev.Retry})
	}
	return out, d.Err()
}

func ev(data string) sseTestEvent { return sseTestEvent{Data: data} }

func TestSSEDecoderRules(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []sseTestEvent
	}{
		{"LF", "data: a\n\ndata: b\n\n", []sseTestEvent{ev("a"), ev("b")}},
		{"CRLF", "data: a\r\n\r\ndata: b\r\n\r\n", []sseTestEvent{ev("a"), ev("b")}},
		{"lone CR", "data: a\r\rdata: b\r\r", []sseTestEvent{ev("a"), ev("b")}},
		{"mixed endings", "data: a\r\n\rdata: b\n\r\n", []sseTestEvent{ev("a"), ev("b")}},
		{"no space after colon", "data:a\n\n", []sseTestEvent{ev("a")}},
		{"only one space removed", "data:  a \n\n", []sseTestEvent{ev(" a ")}},
		{"several data lines join with LF", "data: a\ndata: b\ndata:\ndata: c\n\n", []sseTestEvent{ev("a\nb\n\nc")}},
		{"comments ignored", ": keep-alive\ndata: a\n: another\n\n:\n\n", []sseTestEvent{ev("a")}},
		{"event id retry parsed", "event: error\nid: 7\nretry: 3000\ndata: x\n\n",
			[]sseTestEvent{{Type: "error", Data: "x", ID: "7", Retry: 3000}}},
		{"id persists, type does not", "event: e\nid: 1\ndata: x\n\ndata: y\n\n",
			[]sseTestEvent{{Type: "e", Data: "x", ID: "1"}, {Data: "y", ID: "1"}}},
		{"invalid retry ignored", "retry: soon\ndata: x\n\n", []sseTestEvent{ev("x")}},
		{"event without data is not dispatched", "event: ping\n\ndata: x\n\n", []sseTestEvent{ev("x")}},
		{"field without colon", "data\n\n", []sseTestEvent{ev("")}},
		{"unknown fields ignored", "foo: bar\ndata: x\n\n", []sseTestEvent{ev("x")}},
		{"final event without blank line", "data: a\n\ndata: b", []sseTestEvent{ev("a"), ev("b")}},
		{"final event with one newline", "data: a\n", []sseTestEvent{ev("a")}},
		{"final lone CR", "data: a\r", []sseTestEvent{ev("a")}},
		{"many blank lines", "\n\n\r\n\rdata: a\n\n\n\n", []sseTestEvent{ev("a")}},
		{"empty input", "", nil},
		{"colon inside value", "data: {\"a\":\"b:c\"}\n\n", []sseTestEvent{ev(`{"a":"b:c"}`)}},
		{"DONE is just data here", "data: [DONE]\n\n", []sseTestEvent{ev("[DONE]")}},
		{"UTF-8", "data: 你好，世界 🌏\n\n", []sseTestEvent{ev("你好，世界 🌏")}},
	}
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"half":     func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	}
	for _, tt := range tests {
		for rname, mk := range readers {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				got, err := decodeAll(mk(tt.input))
				if err != nil {
					t.Fatalf("Err() = %v", err)
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("events\n got %v\nwant %v", got, tt.want)
				}
			})
		}
	}
}

// chunkReader returns its parts one Read at a time, to place read boundaries exactly.
type chunkReader struct{ parts []string }

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.parts[0])
	r.parts[0] = r.parts[0][n:]
	if r.parts[0] == "" {
		r.parts = r.parts[1:]
	}
	return n, nil
}

func TestSSEDecoderCRLFSplitAcrossReads(t *testing.T) {
	// "a\r" then "\n…": one line ending, so both data lines belong to one event. Counted as
	// two endings, the LF would be a blank line and split them.
	got, err := decodeAll(&chunkReader{parts: []string{"data: a\r", "\ndata: b\r", "\n\r", "\n"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []sseTestEvent{ev("a\nb")}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSSEDecoderUTF8SplitAcrossReads(t *testing.T) {
	text := "模型：通义千问 Qwen — ünïcödé ✓ 🚀"
	raw := "data: " + text + "\n\n"
	for cut := 1; cut < len(raw); cut++ {
		got, err := decodeAll(&chunkReader{parts: []string{raw[:cut], raw[cut:]}})
		if err != nil || len(got) != 1 || got[0].Data != text {
			t.Fatalf("cut at %d: got %v, %v", cut, got, err)
		}
	}
}

func TestSSEDecoderLongLine(t *testing.T) {
	big := strings.Repeat("长x", 2<<20/4) // 2 MiB of mixed-width text
	input := "data: " + big + "\n\ndata: after\n\n"
	got, err := decodeAll(iotest.HalfReader(strings.NewReader(input)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Data != big || got[1].Data != "after" {
		t.Fatalf("got %d events, first %d bytes", len(got), len(got[0].Data))
	}
}

func TestSSEDecoderLineTooLong(t *testing.T) {
	r := io.MultiReader(strings.NewReader("data: "), neverEnding('x'))
	_, err := decodeAll(io.LimitReader(r, sseMaxLine+1<<20))
	if !errors.Is(err, errLineTooLong) {
		t.Fatalf("err = %v, want errLineTooLong", err)
	}
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestSSEDecoderReadError(t *testing.T) {
	boom := errors.New("connection reset")
	// Complete events before the failure are delivered; the cut-off line is not.
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: {\"cho"), iotest.ErrReader(boom))
	got, err := decodeAll(r)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if want := []sseTestEvent{ev("a")}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSSEDecoderReusesBuffers(t *testing.T) {
	var b strings.Builder
	for range 200 {
		b.WriteString(`data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"你好"},"finish_reason":null}]}` + "\n\n")
	}
	input := []byte(b.String())
	br := bytes.NewReader(input)
	d := newSSEDecoder(br)
	n := 0
	allocs := testing.AllocsPerRun(5, func() {
		br.Reset(input)
		// A fresh decoder state over the same buffers, as after warming up on a stream.
		*d = sseDecoder{r: br, buf: d.buf, data: d.data[:0], typ: d.typ[:0], id: d.id[:0]}
		n = 0
		for d.Next() {
			n++
		}
	})
	if n != 200 {
		t.Fatalf("decoded %d events, want 200", n)
	}
	if allocs > 0 {
		t.Errorf("%.0f allocations while decoding 200 events, want 0", allocs)
	}
}

// splitReader cuts the input at pseudo-random points derived from seed.
type splitReader struct {
	data []byte
	rnd  *rand.Rand
}

func (r *splitReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := 1 + r.rnd.IntN(min(len(r.data), len(p), 17))
	n = copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

func FuzzSSEDecoder(f *testing.F) {
	for _, s := range []string{
		"data: a\n\n",
		"data: a\r\n\r\ndata: b\r\rdata: c\n\n",
		": ping\nevent: error\nid: 3\nretry: 10\ndata: {\"error\":{}}\n\n",
		"data: 你好\ndata:世界\r\n\r\ndata: [DONE]\n\n",
		"data\n\ndata: x",
		"data: a\r",
		"\r\n\r\n\n\r",
	} {
		f.Add([]byte(s), uint64(1))
	}
	f.Fuzz(func(t *testing.T, input []byte, seed uint64) {
		whole, err := decodeAll(bytes.NewReader(input))
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		split, err := decodeAll(&splitReader{data: input, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))})
		if err != nil {
			t.Fatalf("unexpected error (split): %v", err)
		}
		if fmt.Sprint(whole) != fmt.Sprint(split) {
			t.Fatalf("split reads changed the events\nwhole %v\nsplit %v", whole, split)
		}
		for _, e := range whole {
			if strings.ContainsAny(e.Type, "\r\n") || strings.ContainsAny(e.ID, "\r\n") || strings.Contains(e.Data, "\r") {
				t.Fatalf("line ending leaked into a field: %v", e)
			}
		}
	})
}
