// Package fakedashscope is a local HTTP server that speaks DashScope's OpenAI-compatible wire
// format (chunk shapes, error bodies, headers) closely enough to test a client end to end
// without a key, a network or a bill. A marker typed in the last user message (#slow, #err429,
// #truncate…) picks the scenario, so people and GUI tests can trigger each one by typing.
//
// Tool calls (function calling) are markers too, matched against the request's "tools":
//
//	#tool:<suffix> {json}  call the offered tool whose name ends with <suffix> with these
//	                       arguments ({} when none follow; a tool that was not offered is
//	                       called as no_such_tool_<suffix>). Several markers: parallel calls,
//	                       their pieces interleaved by index.
//	#toolthink             reasoning_content first, then the calls
//	#toolsay               a sentence of content before the calls
//	#toolunknown           one more call, to no_such_tool, which was not offered
//	#toolbadargs           the first call's arguments are not valid JSON
//	#toolloop              call again after every tool result, forever (for step caps)
//	#truncate              (with #tool:) the connection drops in the middle of the arguments
//
// Calls stream as DashScope's do: the first piece has id, type, name and arguments "", later
// pieces only index and arguments, then finish_reason "tool_calls". When the request ends
// with tool messages the fake answers "Tool result: <first 300 characters>", one line per
// result in order, so a test can see which results reached the model; Requests returns the
// whole bodies for checking the assistant message and tool messages sent back.
package fakedashscope

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"qwendesk/internal/qwen"
)

// Options configures a Server.
type Options struct {
	// APIKey is the only bearer token accepted; "" accepts any non-empty one.
	APIKey string
	// ChunkDelay is the pause between chunks of a normal reply; 0 means 15ms, negative none.
	ChunkDelay time.Duration
	// Models is what GET /models lists; nil means qwen.FallbackModels().
	Models []string
	// OnWrite, when set, is called after each text chunk of a streamed reply is written and
	// flushed (see #pace), on the handler's goroutine: it must be quick.
	OnWrite func(ChunkWrite)
}

// Recorded is one request as the server received it, for assertions.
type Recorded struct {
	Method        string
	Path          string
	Authorization string
	Body          []byte
	Model         string
	Messages      []qwen.Message // content parts (vision) are flattened to their text
	// Tools are the names of the offered tools; ToolChoice is tool_choice as sent (nil when
	// absent); ParallelToolCalls is nil when absent.
	Tools             []string
	ToolChoice        json.RawMessage
	ParallelToolCalls *bool
	Stream            bool
	IncludeUsage      bool
	At                time.Time
}

// Server is a running fake. It is safe for concurrent use.
type Server struct {
	opts      Options
	delay     time.Duration
	ln        net.Listener
	http      *http.Server
	baseURL   string
	quit      chan struct{}
	serveDone chan struct{}
	closeOnce sync.Once
	idPrefix  string
	seq       atomic.Uint64
	paceTurns atomic.Uint64 // #pace replies streamed so far

	mu       sync.Mutex
	closed   bool
	active   sync.WaitGroup // handlers in flight; Add only while !closed, under mu
	reqs     []Recorded
	changed  chan struct{} // closed and replaced whenever reqs grows
	failures map[string]int
	uploads  []Upload
}

// basePath is where DashScope mounts the compatible API; keeping it makes a base URL copied
// from the fake look like a real one and catches clients that drop the path.
const basePath = "/compatible-mode/v1"

// New starts a server on a random port of 127.0.0.1, like httptest.NewServer, and panics if
// it cannot listen: it is meant for tests.
func New(o Options) *Server {
	s, err := Listen("127.0.0.1:0", o)
	if err != nil {
		panic("fakedashscope: " + err.Error())
	}
	return s
}

// Listen starts a server on a fixed address, for the command and manual runs.
func Listen(addr string, o Options) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:      o,
		delay:     o.ChunkDelay,
		ln:        ln,
		baseURL:   "http://" + ln.Addr().String() + basePath,
		quit:      make(chan struct{}),
		serveDone: make(chan struct{}),
		idPrefix:  randomHex(4),
		changed:   make(chan struct{}),
		failures:  map[string]int{},
	}
	switch {
	case s.delay == 0:
		s.delay = 15 * time.Millisecond
	case s.delay < 0:
		s.delay = 0
	}
	if s.opts.Models == nil {
		s.opts.Models = qwen.FallbackModels()
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.serveDone)
		s.http.Serve(ln)
	}()
	return s, nil
}

// BaseURL returns the compatible-mode base, e.g. http://127.0.0.1:PORT/compatible-mode/v1.
func (s *Server) BaseURL() string { return s.baseURL }

// Close stops the server: streams in progress end at once (a stalled one included), and Close
// returns only when every handler has returned, so tests checking for leaked goroutines pass.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.quit)
		s.http.Close()
		s.active.Wait()
		<-s.serveDone
	})
}

// Requests returns a copy of every request received so far, in order.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.reqs...)
}

// WaitRequests waits until at least n requests have arrived and returns them all.
func (s *Server) WaitRequests(n int, timeout time.Duration) ([]Recorded, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.reqs) >= n {
			out := append([]Recorded(nil), s.reqs...)
			s.mu.Unlock()
			return out, nil
		}
		changed, got := s.changed, len(s.reqs)
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return s.Requests(), fmt.Errorf("fakedashscope: %d of %d requests after %v", got, n, timeout)
		}
	}
}

func (s *Server) record(r Recorded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// ServeHTTP routes the two endpoints of the compatible API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	s.active.Add(1)
	s.mu.Unlock()
	defer s.active.Done()

	reqID := s.newRequestID()
	w.Header().Set("X-Request-Id", reqID)

	rec := Recorded{Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), At: time.Now()}
	body, err := readBody(r)
	rec.Body = body
	var creq chatRequest
	if err == nil && r.Method == http.MethodPost && len(body) > 0 && !strings.HasPrefix(r.URL.Path, basePath+"/files") {
		if json.Unmarshal(body, &creq) == nil {
			rec.Model, rec.Stream = creq.Model, creq.Stream
			rec.IncludeUsage = creq.StreamOptions != nil && creq.StreamOptions.IncludeUsage
			rec.Messages = creq.messages()
			for _, t := range creq.Tools {
				rec.Tools = append(rec.Tools, t.Function.Name)
			}
			rec.ToolChoice, rec.ParallelToolCalls = creq.ToolChoice, creq.ParallelToolCalls
		}
	}
	s.record(rec)

	if err != nil {
		writeError(w, reqID, false, errInvalidParameter, "could not read the request body")
		return
	}
	if !s.authorized(rec.Authorization) {
		writeError(w, reqID, false, errUnauthorized, "")
		return
	}
	switch r.URL.Path {
	case basePath + "/chat/completions", basePath + "/chat/completions/":
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusMethodNotAllowed, openAIError(reqID, "method_not_allowed", "invalid_request_error", "Use POST."))
			return
		}
		s.chat(w, r, reqID, body)
	case basePath + "/models", basePath + "/models/":
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusMethodNotAllowed, openAIError(reqID, "method_not_allowed", "invalid_request_error", "Use GET."))
			return
		}
		s.models(w)
	case basePath + "/files":
		s.files(w, r, reqID, body)
	default:
		if strings.HasPrefix(r.URL.Path, basePath+"/files/") {
			s.files(w, r, reqID, body)
			return
		}
		writeJSON(w, http.StatusNotFound, openAIError(reqID, "not_found", "invalid_request_error",
			"Not found: "+r.URL.Path+" (the fake serves "+basePath+"/chat/completions, "+basePath+"/models and "+basePath+"/files)"))
	}
}

func (s *Server) authorized(header string) bool {
	token, ok := strings.CutPrefix(header, "Bearer ")
	token = strings.TrimSpace(token)
	if !ok || token == "" {
		return false
	}
	return s.opts.APIKey == "" || token == s.opts.APIKey
}

func (s *Server) models(w http.ResponseWriter) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list", Data: []model{}}
	for _, id := range s.opts.Models {
		list.Data = append(list.Data, model{ID: id, Object: "model", Created: 1741185359, OwnedBy: "system"})
	}
	writeJSON(w, http.StatusOK, list)
}

// newRequestID returns an id shaped like DashScope's (a UUID).
func (s *Server) newRequestID() string {
	n := s.seq.Add(1)
	return fmt.Sprintf("%s-fake-4000-8000-%012x", s.idPrefix, n)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// maxBody bounds what the fake reads; real requests with images stay well below.
const maxBody = 32 << 20

func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err == nil && len(b) > maxBody {
		err = fmt.Errorf("request body over %d bytes", maxBody)
	}
	return b, err
}
