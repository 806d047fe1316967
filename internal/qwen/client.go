package qwen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config configures a Client. Zero values select the defaults documented on each field.
type Config struct {
	// BaseURL is the OpenAI-compatible endpoint, e.g. a Region's BaseURL or a value checked
	// by ValidateBaseURL. Empty selects the default region.
	BaseURL string

	// HTTPClient, when nil, is a streaming-safe client: no overall Timeout (it would cut
	// long answers), dial and TLS handshake limited to 10s, response headers to 60s. A
	// caller-supplied client should follow the same rules.
	HTTPClient *http.Client

	// Proxy chooses the proxy of the default client (see ProxyFunc); nil means the
	// environment's HTTPS_PROXY/NO_PROXY.
	Proxy func(*http.Request) (*url.URL, error)

	// IdleTimeout is the longest silence tolerated mid-stream before the connection is
	// declared dead (a half-open connection after sleep/resume hangs forever otherwise).
	// Default 60s.
	IdleTimeout time.Duration

	// MaxRetries is how many times a failed request is sent again before the first token;
	// default 3, negative means never.
	MaxRetries int

	// RetryBaseDelay and MaxRetryDelay shape the exponential backoff with full jitter used
	// when the server sends no Retry-After: attempt n waits a random time up to
	// min(MaxRetryDelay, RetryBaseDelay·2^(n-1)). Defaults 500ms and 8s.
	RetryBaseDelay time.Duration
	MaxRetryDelay  time.Duration

	// Logger receives one line per HTTP attempt (method, path, status, attempt, duration,
	// server request id) and one per finished stream. It never receives the key or any
	// message text. Nil means no logging.
	Logger *slog.Logger
}

// Client talks to one DashScope endpoint. It is safe for concurrent use; the API key is passed
// per call so that a key change takes effect without rebuilding the client and so the key is
// never stored anywhere it could be logged.
type Client struct {
	baseURL    string
	http       *http.Client
	idle       time.Duration
	maxRetries int
	baseDelay  time.Duration
	maxDelay   time.Duration
	log        *slog.Logger

	// sleep waits between retries; tests replace it to observe the waits without sleeping.
	sleep func(ctx context.Context, d time.Duration) error
}

// Defaults, see Config.
const (
	defaultIdleTimeout    = 60 * time.Second
	defaultMaxRetries     = 3
	defaultRetryBaseDelay = 500 * time.Millisecond
	defaultMaxRetryDelay  = 8 * time.Second
	// metaTimeout bounds the small non-streaming calls (model list, key check) when the
	// caller's context has no deadline: nothing in them should take long.
	metaTimeout = 30 * time.Second
)

// NewClient returns a client for cfg, filling in defaults.
func NewClient(cfg Config) *Client {
	c := &Client{
		baseURL:    strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/"),
		http:       cfg.HTTPClient,
		idle:       cfg.IdleTimeout,
		maxRetries: cfg.MaxRetries,
		baseDelay:  cfg.RetryBaseDelay,
		maxDelay:   cfg.MaxRetryDelay,
		log:        cfg.Logger,
		sleep:      sleepContext,
	}
	if c.baseURL == "" {
		c.baseURL, _ = RegionBaseURL(DefaultRegion)
	}
	if c.http == nil {
		c.http = newStreamingHTTPClient(cfg.Proxy)
	}
	if c.idle <= 0 {
		c.idle = defaultIdleTimeout
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = defaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.baseDelay <= 0 {
		c.baseDelay = defaultRetryBaseDelay
	}
	if c.maxDelay <= 0 {
		c.maxDelay = defaultMaxRetryDelay
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// newStreamingHTTPClient builds the default client. It bounds every phase that can hang
// before the first byte and leaves the body unbounded: a healthy answer can stream for
// minutes, and the idle timer, not a deadline, decides when a stream is dead.
func newStreamingHTTPClient(proxy func(*http.Request) (*url.URL, error)) *http.Client {
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = proxy
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 60 * time.Second
	return &http.Client{Transport: t}
}

// BaseURL returns the endpoint this client talks to, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// CloseIdleConnections closes kept-alive connections, for shutdown and for tests that check
// for leaked goroutines.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// wireRequest is the JSON body of a chat completion. Pointers with omitempty leave unset
// parameters out so the server's defaults apply, and send an explicit false when asked.
type wireRequest struct {
	Model          string         `json:"model"`
	Messages       []Message      `json:"messages"`
	Stream         bool           `json:"stream"`
	StreamOptions  *streamOptions `json:"stream_options,omitempty"`
	Temperature    *float64       `json:"temperature,omitempty"`
	TopP           *float64       `json:"top_p,omitempty"`
	MaxTokens      *int           `json:"max_tokens,omitempty"`
	EnableThinking *bool          `json:"enable_thinking,omitempty"`
	ThinkingBudget *int           `json:"thinking_budget,omitempty"`
	EnableSearch   *bool          `json:"enable_search,omitempty"`

	Tools             []Tool      `json:"tools,omitempty"`
	ToolChoice        *toolChoice `json:"tool_choice,omitempty"`
	ParallelToolCalls *bool       `json:"parallel_tool_calls,omitempty"`
}

// choiceOf leaves tool_choice out when unset, so the server's default ("auto") applies.
func choiceOf(s string) *toolChoice {
	if s == "" {
		return nil
	}
	c := toolChoice(s)
	return &c
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// Stream starts a streamed chat completion: POST {base}/chat/completions with stream:true and
// include_usage so the last chunk carries token counts.
//
// Until the server accepts the request (a 2xx with headers) it retries rate limits (not quota
// exhaustion), 5xx and connection failures, with exponential backoff and full jitter, or the
// server's Retry-After. Once the stream is returned nothing is retried: text the user already
// saw must not be generated twice.
//
// Failures are *APIError; if ctx ends first, ctx.Err() is returned instead. Cancelling ctx at
// any later time closes the response body at once, which is what makes DashScope stop
// generating (and billing). The caller must Close the stream.
func (c *Client) Stream(ctx context.Context, apiKey string, req Request) (*Stream, error) {
	if err := checkKey(apiKey); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Model) == "" {
		return nil, &APIError{Kind: KindBadRequest, Message: "no model is selected"}
	}
	if len(req.Messages) == 0 {
		return nil, &APIError{Kind: KindBadRequest, Message: "there are no messages to send"}
	}
	body, err := json.Marshal(wireRequest{
		Model:          req.Model,
		Messages:       req.Messages,
		Stream:         true,
		StreamOptions:  &streamOptions{IncludeUsage: true},
		Temperature:    req.Temperature,
		TopP:           req.TopP,
		MaxTokens:      req.MaxTokens,
		EnableThinking: req.EnableThinking,
		ThinkingBudget: req.ThinkingBudget,
		EnableSearch:   req.EnableSearch,

		Tools:             req.Tools,
		ToolChoice:        choiceOf(req.ToolChoice),
		ParallelToolCalls: req.ParallelToolCalls,
	})
	if err != nil {
		return nil, &APIError{Kind: KindBadRequest, Message: "the request cannot be encoded", Err: err}
	}

	for attempt := 1; ; attempt++ {
		start := time.Now()
		resp, err := c.send(ctx, http.MethodPost, "/chat/completions", apiKey, body, "text/event-stream")
		var apiErr *APIError
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			apiErr = errorFromTransport(err)
		case resp.StatusCode/100 != 2:
			data := readBounded(resp.Body, maxErrorBody)
			resp.Body.Close()
			apiErr = errorFromResponse(resp, data, apiKey)
		case !isEventStream(resp.Header.Get("Content-Type")):
			// Some gateways answer 200 with a JSON error instead of a stream.
			data := readBounded(resp.Body, maxErrorBody)
			resp.Body.Close()
			apiErr = errorFromStreamData(data, headerRequestID(resp.Header), apiKey)
			if _, _, _, ok := parseErrorBody(data); !ok {
				apiErr = newBadResponse(resp.StatusCode, apiErr.RequestID, "expected an event stream", data, nil)
			}
		default:
			c.logAttempt(ctx, http.MethodPost, "/chat/completions", attempt, start, resp.StatusCode, headerRequestID(resp.Header), nil)
			return newStream(ctx, c, resp, apiKey, attempt), nil
		}
		c.logAttempt(ctx, http.MethodPost, "/chat/completions", attempt, start, apiErr.HTTPStatus, apiErr.RequestID, apiErr)
		if !apiErr.Retryable() || attempt > c.maxRetries {
			return nil, apiErr
		}
		wait := c.backoff(attempt, apiErr.RetryAfter)
		if req.OnRetry != nil {
			req.OnRetry(attempt, wait, apiErr)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// isEventStream accepts a missing Content-Type too: some proxies drop it, and the decoder
// will report anything that is not a stream.
func isEventStream(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err != nil || mt != "application/json"
}

// checkKey rejects keys that cannot be valid before anything is sent. A pasted key with a
// trailing newline would otherwise fail deep in net/http with a confusing error.
func checkKey(apiKey string) *APIError {
	if apiKey == "" {
		return &APIError{Kind: KindAuth, Message: "no API key is configured"}
	}
	for i := 0; i < len(apiKey); i++ {
		if b := apiKey[i]; b <= ' ' || b >= 0x7f {
			return &APIError{Kind: KindAuth, Message: "the API key contains spaces, line breaks or other invalid characters"}
		}
	}
	return nil
}

// send performs one HTTP request to {base}{path}.
func (c *Client) send(ctx context.Context, method, path, apiKey string, body []byte, accept string) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, rd)
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Authorization", "Bearer "+apiKey)
	hr.Header.Set("Accept", accept)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	return c.http.Do(hr)
}

// backoff returns the wait before the retry following attempt: the server's Retry-After when
// it sent one, otherwise exponential backoff with full jitter so that many clients hitting
// the same limit do not retry in lockstep.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	ceil := c.maxDelay
	if attempt < 31 {
		if d := c.baseDelay << (attempt - 1); d > 0 && d < ceil {
			ceil = d
		}
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// logAttempt logs one HTTP attempt. Deliberately absent: the key, the request body, message
// text and the server's error message (which can quote the input).
func (c *Client) logAttempt(ctx context.Context, method, path string, attempt int, start time.Time, status int, requestID string, apiErr *APIError) {
	attrs := []slog.Attr{
		slog.String("method", method),
		slog.String("path", c.urlPath(path)),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", requestID),
	}
	level := slog.LevelInfo
	if apiErr != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("kind", string(apiErr.Kind)), slog.String("code", apiErr.Code))
		if apiErr.Err != nil {
			attrs = append(attrs, slog.String("cause", causeText(apiErr.Err)))
		}
	}
	c.log.LogAttrs(ctx, level, "qwen request", attrs...)
}

func (c *Client) urlPath(path string) string {
	if u, err := url.Parse(c.baseURL); err == nil {
		return u.Path + path
	}
	return path
}

// getMeta performs a small GET (model list, key check) and returns its body.
func (c *Client) getMeta(ctx context.Context, apiKey, path string) ([]byte, error) {
	return c.roundTrip(ctx, http.MethodGet, path, apiKey, nil)
}

// roundTrip performs one small, non-streaming request (no retries: these back optional
// features such as the model list and titles) and returns the response body. Failures are
// *APIError, except the caller's own cancellation, returned as ctx.Err().
func (c *Client) roundTrip(ctx context.Context, method, path, apiKey string, body []byte) ([]byte, error) {
	if err := checkKey(apiKey); err != nil {
		return nil, err
	}
	parent := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, metaTimeout, errMetaTimeout)
		defer cancel()
	}
	start := time.Now()
	resp, err := c.send(ctx, method, path, apiKey, body, "application/json")
	if err != nil {
		if parent.Err() != nil {
			return nil, parent.Err()
		}
		apiErr := errorFromTransport(err)
		if errors.Is(context.Cause(ctx), errMetaTimeout) {
			apiErr.Kind, apiErr.Err = KindTimeout, errMetaTimeout
		}
		c.logAttempt(ctx, method, path, 1, start, 0, "", apiErr)
		return nil, apiErr
	}
	defer resp.Body.Close()
	reqID := headerRequestID(resp.Header)
	if resp.StatusCode/100 != 2 {
		apiErr := errorFromResponse(resp, readBounded(resp.Body, maxErrorBody), apiKey)
		c.logAttempt(ctx, method, path, 1, start, resp.StatusCode, apiErr.RequestID, apiErr)
		return nil, apiErr
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxMetaBody))
	if err != nil {
		if parent.Err() != nil {
			return nil, parent.Err()
		}
		apiErr := errorFromTransport(err)
		apiErr.HTTPStatus, apiErr.RequestID = resp.StatusCode, reqID
		c.logAttempt(ctx, method, path, 1, start, resp.StatusCode, reqID, apiErr)
		return nil, apiErr
	}
	c.logAttempt(ctx, method, path, 1, start, resp.StatusCode, reqID, nil)
	return data, nil
}

var errMetaTimeout = errors.New("no answer within 30s")

// maxMetaBody bounds the model list; real lists are a few tens of KiB.
const maxMetaBody = 8 << 20
