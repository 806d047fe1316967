package qwen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Stream is one streamed completion. Use it like bufio.Scanner:
//
//	defer s.Close()
//	for s.Next() {
//		ev := s.Current()
//	}
//	if err := s.Err(); err != nil { … }
//
// Next and Current belong to one goroutine; Close may be called from any goroutine.
type Stream struct {
	ctx       context.Context
	body      io.ReadCloser
	idle      *idleReader
	dec       *sseDecoder
	stopWatch func() bool

	closeOnce sync.Once
	userClose atomic.Bool

	apiKey    string
	requestID string
	attempts  int
	log       *slog.Logger
	start     time.Time
	events    int

	chunk     chunk
	fast      chunkParser
	jsonSrc   bytes.Reader
	jsonDec   *json.Decoder
	jsonFed   int64 // bytes given to jsonDec so far
	ids       idCache
	calls     callAssembler
	cur       Event
	err       error
	ended     bool
	sawFinish bool
}

var (
	doneData   = []byte("[DONE]")
	errorEvent = []byte("error")
)

func newStream(ctx context.Context, c *Client, resp *http.Response, apiKey string, attempts int) *Stream {
	s := &Stream{
		ctx:       ctx,
		body:      resp.Body,
		apiKey:    apiKey,
		requestID: headerRequestID(resp.Header),
		attempts:  attempts,
		log:       c.log,
		start:     time.Now(),
	}
	s.idle = newIdleReader(resp.Body, c.idle, s.closeBody)
	s.dec = newSSEDecoder(s.idle)
	// The transport would abort a read on cancel too, but only once something reads; closing
	// here makes Stop take effect even while the caller is busy elsewhere.
	s.stopWatch = context.AfterFunc(ctx, s.closeBody)
	return s
}

// Next advances to the next event that carries something: text, reasoning, a finish reason or
// usage. Chunks with nothing in them (the leading role-only chunk, empty deltas) are skipped.
// It returns false at the end of the stream or on failure; then the body is already closed
// and Err says which.
func (s *Stream) Next() bool {
	if s.ended {
		return false
	}
	for s.dec.Next() {
		ev := s.dec.Event()
		data := bytes.TrimSpace(ev.Data)
		if bytes.Equal(ev.Type, errorEvent) {
			s.end(errorFromStreamData(data, s.requestID, s.apiKey))
			return false
		}
		if len(data) == 0 {
			continue
		}
		if bytes.Equal(data, doneData) {
			s.end(nil)
			return false
		}
		if err := s.decodeChunk(data); err != nil {
			s.end(newBadResponse(http.StatusOK, s.requestID, "a stream chunk is not valid JSON", data, err))
			return false
		}
		if s.chunk.isError() {
			apiErr := errorFromStreamData(data, s.requestID, s.apiKey)
			if s.requestID == "" {
				s.requestID = apiErr.RequestID
			}
			s.end(apiErr)
			return false
		}
		e := Event{ServerID: s.ids.get(s.chunk.ID), Usage: s.chunk.Usage}
		if ch := s.chunk.choice(); ch != nil {
			e.Content = ch.Delta.Content
			e.Reasoning = ch.Delta.ReasoningContent
			e.FinishReason = ch.FinishReason
			if len(ch.Delta.ToolCalls) > 0 {
				e.CallsStarted = s.calls.add(ch.Delta.ToolCalls)
			}
		}
		if e.FinishReason != "" {
			s.sawFinish = true
			calls, apiErr := s.calls.finish(e.FinishReason, s.requestID)
			if apiErr != nil {
				s.end(apiErr)
				return false
			}
			e.ToolCalls = calls
		}
		if e.Content == "" && e.Reasoning == "" && e.FinishReason == "" && e.Usage == nil && len(e.CallsStarted) == 0 {
			continue
		}
		s.cur = e
		s.events++
		return true
	}
	s.end(s.endError(s.dec.Err()))
	return false
}

// decodeChunk decodes one event's data into the reused chunk: by the hand-written parser
// when the chunk has the ordinary shape, otherwise by encoding/json (see chunkParser).
func (s *Stream) decodeChunk(data []byte) error {
	if s.fast.parse(&s.chunk, data) {
		return nil
	}
	return s.decodeJSON(data)
}

// decodeJSON is the general path of decodeChunk. It goes through one json.Decoder kept for
// the whole stream rather than json.Unmarshal, because the Decoder keeps its scanner and
// decode state between values: per chunk that leaves only the allocation of the text itself.
func (s *Stream) decodeJSON(data []byte) error {
	if s.jsonDec == nil {
		s.jsonDec = json.NewDecoder(&s.jsonSrc)
	}
	start := s.jsonFed
	s.jsonFed += int64(len(data))
	s.jsonSrc.Reset(data)
	s.chunk.reset()
	if err := s.jsonDec.Decode(&s.chunk); err != nil {
		return err
	}
	// One event must hold exactly one JSON value; anything after it is garbage, and left in
	// the decoder it would be taken for the start of the next chunk. InputOffset counts from
	// the first chunk, so the value ended at data[end-start].
	if used := s.jsonDec.InputOffset() - start; used < 0 || used > int64(len(data)) ||
		len(bytes.TrimSpace(data[used:])) > 0 {
		return errTrailingData
	}
	return nil
}

var errTrailingData = errors.New("unexpected data after the JSON value")

// Current returns the event Next advanced to.
func (s *Stream) Current() Event { return s.cur }

// Err returns why the stream ended: nil after [DONE] or after EOF once a finish_reason was
// seen; the context's error if ctx ended; otherwise an *APIError — KindTruncated (ended
// early, also in the middle of a tool call, whose pieces are then dropped), KindBadResponse
// for a tool call without a name, KindTimeout (silent for IdleTimeout), KindNetwork (connection broken),
// KindBadResponse (unparseable chunk) or the classified error sent inside the stream.
// A stream ended by the caller's own Close reports nil.
func (s *Stream) Err() error { return s.err }

// Close releases the stream; it is idempotent and safe from any goroutine. Closing the body
// before the end drops the connection, which tells DashScope to stop generating.
func (s *Stream) Close() error {
	s.userClose.Store(true)
	s.closeBody()
	s.stopWatch()
	return nil
}

// RequestID returns the server's request id (from the response headers, or from an error
// inside the stream when the headers had none); "" when the server sent none.
func (s *Stream) RequestID() string { return s.requestID }

// Attempts returns how many HTTP requests it took to open the stream (1 without retries).
func (s *Stream) Attempts() int { return s.attempts }

// closeBody is the single place the body is closed, from Next's end, Close, the idle timer or
// ctx cancellation, whichever comes first. It must not touch stopWatch: when ctx is already
// cancelled, AfterFunc runs it before newStream has stored stopWatch.
func (s *Stream) closeBody() {
	s.closeOnce.Do(func() {
		s.idle.stop()
		s.body.Close()
	})
}

// end is the one terminal path: record the outcome, close the body, log.
func (s *Stream) end(err error) {
	s.ended = true
	s.err = err
	s.cur = Event{}
	s.closeBody()
	s.stopWatch()
	attrs := []slog.Attr{
		slog.String("request_id", s.requestID),
		slog.Duration("duration", time.Since(s.start)),
		slog.Int("events", s.events),
	}
	level := slog.LevelInfo
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("kind", string(apiErr.Kind)), slog.String("code", apiErr.Code))
	case err != nil:
		attrs = append(attrs, slog.String("outcome", "canceled"))
	}
	s.log.LogAttrs(context.WithoutCancel(s.ctx), level, "qwen stream end", attrs...)
}

// endError decides what the end of the byte stream means. The order matters: once the body
// has been closed on purpose (cancel, idle timer, Close) every read fails, and the reason we
// closed it is the real story.
func (s *Stream) endError(readErr error) error {
	cleanEOF := readErr == nil || errors.Is(readErr, io.ErrUnexpectedEOF)
	switch {
	case s.sawFinish && cleanEOF:
		return nil
	case s.ctx.Err() != nil:
		return s.ctx.Err()
	case s.idle.fired.Load():
		return &APIError{Kind: KindTimeout, HTTPStatus: http.StatusOK, RequestID: s.requestID,
			Message: "no data for " + s.idle.d.String() + " in the middle of the reply"}
	case s.userClose.Load():
		return nil
	case readErr == nil:
		return &APIError{Kind: KindTruncated, HTTPStatus: http.StatusOK, RequestID: s.requestID, Message: s.truncatedWhat()}
	case errors.Is(readErr, io.ErrUnexpectedEOF):
		// The chunked body ended mid-way: the server or a proxy dropped the connection.
		return &APIError{Kind: KindTruncated, HTTPStatus: http.StatusOK, RequestID: s.requestID, Message: s.truncatedWhat(), Err: readErr}
	case errors.Is(readErr, errLineTooLong):
		return &APIError{Kind: KindBadResponse, HTTPStatus: http.StatusOK, RequestID: s.requestID, Err: readErr}
	}
	return &APIError{Kind: KindNetwork, HTTPStatus: http.StatusOK, RequestID: s.requestID, Err: readErr}
}

// truncatedWhat says what was cut off when it matters: a half-streamed tool call is dropped,
// not run.
func (s *Stream) truncatedWhat() string {
	if s.calls.pending() {
		return "the reply ended in the middle of a tool call; the call was not run"
	}
	return ""
}

// idleReader closes the stream when nothing arrives for d. Every read that returns bytes
// re-arms the timer, so a slow but live stream (or a proxy's keep-alive comments) is never
// cut, while a half-open connection is.
type idleReader struct {
	r       io.Reader
	d       time.Duration
	timer   *time.Timer
	fired   atomic.Bool
	stopped atomic.Bool
}

func newIdleReader(r io.Reader, d time.Duration, onIdle func()) *idleReader {
	ir := &idleReader{r: r, d: d}
	ir.timer = time.AfterFunc(d, func() {
		if ir.stopped.Load() {
			return
		}
		ir.fired.Store(true)
		onIdle()
	})
	return ir
}

func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 && !ir.stopped.Load() {
		ir.timer.Reset(ir.d)
	}
	return n, err
}

func (ir *idleReader) stop() {
	ir.stopped.Store(true)
	ir.timer.Stop()
}
