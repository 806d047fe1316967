package qwen

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the stable, user-facing class of a failure. The UI picks its wording (and i18n key)
// and its action — "check key", "edit the message", "retry" — from the kind, never from text.
type Kind string

// The kinds of failure. Their string values are part of the event contract with the frontend.
const (
	KindAuth          Kind = "auth"            // 401: wrong key, or key and region do not match
	KindAccessDenied  Kind = "access_denied"   // 403: model not enabled for the account
	KindBilling       Kind = "billing"         // Arrearage: the account is overdue
	KindRateLimit     Kind = "rate_limit"      // 429 rate limit: retried before the first token
	KindQuota         Kind = "quota"           // 429 quota exhausted: not retried
	KindModeration    Kind = "moderation"      // content inspection blocked input or output
	KindBadRequest    Kind = "bad_request"     // other 4xx: the server's message says why
	KindModelNotFound Kind = "model_not_found" // the model is not available in this region
	KindServer        Kind = "server"          // 5xx or an error inside the stream
	KindNetwork       Kind = "network"         // DNS, connect, TLS, reset: nothing from the server
	KindTimeout       Kind = "timeout"         // no response headers, or silence mid-stream
	KindTruncated     Kind = "truncated"       // the stream ended without finish_reason or [DONE]
	KindBadResponse   Kind = "bad_response"    // the server sent something we cannot parse
)

// APIError is every failure the client reports (except the caller's own cancellation, which
// is returned as the context's error). Message is the server's text when there was one;
// Err keeps a Go cause (a *net.OpError, a TLS error…) for errors.Is/As.
type APIError struct {
	Kind       Kind
	HTTPStatus int    // 0 when no response was received, 200 for an error inside a stream
	Code       string // the server's code, e.g. "limit_requests" or "InvalidApiKey"
	Message    string // the server's message, or a short excerpt of a non-JSON body
	RequestID  string // the server's request id, for support tickets
	RetryAfter time.Duration
	Err        error

	// noRetry marks network failures that a retry cannot fix: an unknown host, a
	// certificate that does not verify.
	noRetry bool
}

// Error is English and meant for people: what happened, the server's words, and the code and
// request id that support will ask for. It never contains the API key: the key is only ever
// in a request header, and server messages are scrubbed of it when they are parsed.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(kindSummary(e.Kind))
	switch {
	case e.Message != "":
		b.WriteString(": ")
		b.WriteString(e.Message)
	case e.Err != nil:
		b.WriteString(": ")
		b.WriteString(causeText(e.Err))
	}
	var details []string
	if e.Code != "" {
		details = append(details, "code "+e.Code)
	}
	if e.HTTPStatus != 0 && e.HTTPStatus != http.StatusOK {
		details = append(details, "HTTP "+strconv.Itoa(e.HTTPStatus))
	}
	if e.RequestID != "" {
		details = append(details, "request id "+e.RequestID)
	}
	if len(details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(details, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// Detail is the line a person sees under the UI's translated title: the server's own
// message, or the network cause, without the summary and ids that Error adds (the UI shows
// the request id on its own line).
func (e *APIError) Detail() string {
	switch {
	case e.Message != "":
		return e.Message
	case e.Err != nil:
		return causeText(e.Err)
	}
	return kindSummary(e.Kind)
}

// Unwrap exposes the Go cause so callers can use errors.Is(err, context.DeadlineExceeded) and
// the like.
func (e *APIError) Unwrap() error { return e.Err }

// Retryable reports whether sending the same request again may succeed: rate limits, server
// errors and connection failures. The client only acts on it before the first token; after
// that a retry would duplicate text the user already saw.
func (e *APIError) Retryable() bool {
	if e == nil || e.noRetry {
		return false
	}
	switch e.Kind {
	case KindRateLimit, KindServer, KindNetwork:
		return true
	}
	return false
}

func kindSummary(k Kind) string {
	switch k {
	case KindAuth:
		return "the API key was rejected"
	case KindAccessDenied:
		return "access denied (the model may not be enabled for this account)"
	case KindBilling:
		return "the Alibaba Cloud account has an overdue payment"
	case KindRateLimit:
		return "rate limited by DashScope"
	case KindQuota:
		return "the quota is exhausted"
	case KindModeration:
		return "blocked by content moderation"
	case KindBadRequest:
		return "the request was rejected"
	case KindModelNotFound:
		return "the model is not available in this region"
	case KindServer:
		return "DashScope server error"
	case KindNetwork:
		return "network error"
	case KindTimeout:
		return "timed out waiting for DashScope"
	case KindTruncated:
		return "the reply was cut off: the stream ended before it was finished"
	case KindBadResponse:
		return "unexpected response from the server"
	}
	return "request failed"
}

// causeText drops the *url.Error wrapper: its "Post \"https://…\":" prefix only repeats the
// endpoint, which the UI already shows.
func causeText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

// codeKinds maps the server codes of both protocols to kinds. Codes decide before the HTTP
// status because DashScope reuses statuses: Arrearage comes as 400 or 403, quota and rate
// limit are both 429.
var codeKinds = map[string]Kind{
	"Arrearage":                               KindBilling,
	"data_inspection_failed":                  KindModeration,
	"DataInspectionFailed":                    KindModeration,
	"InternalError.Algo.DataInspectionFailed": KindModeration,
	"insufficient_quota":                      KindQuota,
	"Throttling.AllocationQuota":              KindQuota,
	"limit_requests":                          KindRateLimit,
	"Throttling.RateQuota":                    KindRateLimit,
	"Throttling":                              KindRateLimit,
	"invalid_api_key":                         KindAuth,
	"InvalidApiKey":                           KindAuth,
	"AccessDenied":                            KindAccessDenied,
	"access_denied":                           KindAccessDenied,
	"model_not_found":                         KindModelNotFound,
	"ModelNotFound":                           KindModelNotFound,
	"invalid_parameter_error":                 KindBadRequest,
	"InvalidParameter":                        KindBadRequest,
}

// classify derives the kind from the server's code first and the HTTP status second.
func classify(status int, code string) Kind {
	if k, ok := codeKinds[code]; ok {
		return k
	}
	switch {
	case strings.HasSuffix(code, "DataInspectionFailed"):
		return KindModeration
	case strings.HasPrefix(code, "Throttling."):
		return KindRateLimit
	case strings.HasPrefix(code, "AccessDenied"):
		return KindAccessDenied
	case strings.HasPrefix(code, "InternalError"):
		return KindServer
	}
	switch {
	case status == http.StatusUnauthorized:
		return KindAuth
	case status == http.StatusForbidden:
		return KindAccessDenied
	case status == http.StatusTooManyRequests:
		return KindRateLimit
	case status == http.StatusRequestTimeout, status >= 500:
		return KindServer
	case status >= 400:
		// A 404 without model_not_found is usually a wrong base URL, not a missing model.
		return KindBadRequest
	}
	// An error object inside a 200 stream with no code we know.
	return KindServer
}

// wireErrorBody accepts both error shapes at once: compatible mode nests the error under
// "error"; native mode and some gateways put code and message at the top level.
type wireErrorBody struct {
	Error     json.RawMessage `json:"error"`
	Code      json.RawMessage `json:"code"`
	Message   json.RawMessage `json:"message"`
	RequestID string          `json:"request_id"`
}

type wireErrorObject struct {
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
	Type    string          `json:"type"`
}

// parseErrorBody extracts code, message and request id from either error shape. ok is false
// when the body is not a JSON error at all (an HTML page from a proxy, say).
func parseErrorBody(body []byte) (code, message, requestID string, ok bool) {
	var w wireErrorBody
	if err := json.Unmarshal(body, &w); err != nil {
		return "", "", "", false
	}
	requestID = w.RequestID
	if isJSONValue(w.Error) {
		var o wireErrorObject
		if err := json.Unmarshal(w.Error, &o); err == nil {
			code, message = jsonText(o.Code), jsonText(o.Message)
			if _, known := codeKinds[o.Type]; code == "" && known {
				// OpenAI-style gateways sometimes put the code only in "type".
				code = o.Type
			}
			return code, message, requestID, true
		}
		// Some gateways send "error" as a plain string.
		return "", jsonText(w.Error), requestID, true
	}
	code, message = jsonText(w.Code), jsonText(w.Message)
	return code, message, requestID, code != "" || message != ""
}

func isJSONValue(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// jsonText renders a JSON string as its value and any other scalar (gateways send numeric
// codes) as its literal text.
func jsonText(raw json.RawMessage) string {
	if !isJSONValue(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

// maxErrorBody bounds how much of an error response is read: enough for any JSON error, not
// enough for a misbehaving proxy to fill memory.
const maxErrorBody = 64 << 10

// errorFromResponse builds the error for a non-2xx response. The body is read (bounded) and
// closed by the caller.
func errorFromResponse(resp *http.Response, body []byte, apiKey string) *APIError {
	e := &APIError{
		HTTPStatus: resp.StatusCode,
		RequestID:  headerRequestID(resp.Header),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
	code, msg, reqID, ok := parseErrorBody(body)
	if ok {
		e.Code, e.Message = code, msg
		if e.RequestID == "" {
			e.RequestID = reqID
		}
	} else {
		e.Message = excerpt(body)
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	e.Message = scrub(e.Message, apiKey)
	e.Kind = classify(resp.StatusCode, e.Code)
	return e
}

// errorFromStreamData builds the error for an error object received inside a 200 stream.
func errorFromStreamData(data []byte, requestID, apiKey string) *APIError {
	e := &APIError{HTTPStatus: http.StatusOK, RequestID: requestID}
	code, msg, reqID, ok := parseErrorBody(data)
	if ok {
		e.Code, e.Message = code, msg
		if reqID != "" {
			e.RequestID = reqID
		}
	} else {
		e.Message = excerpt(data)
	}
	e.Message = scrub(e.Message, apiKey)
	e.Kind = classify(0, e.Code)
	return e
}

// errorFromTransport classifies a failure to get a response at all. Types decide, never the
// error text.
func errorFromTransport(err error) *APIError {
	e := &APIError{Kind: KindNetwork, Err: err}
	var (
		dnsErr   *net.DNSError
		opErr    *net.OpError
		certErr  *tls.CertificateVerificationError
		unkAuth  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invErr   x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
		netErr   net.Error
	)
	switch {
	case errors.As(err, &dnsErr):
		// A name that does not exist will not start existing in a second.
		e.noRetry = dnsErr.IsNotFound
	case errors.As(err, &certErr), errors.As(err, &unkAuth), errors.As(err, &hostErr),
		errors.As(err, &invErr), errors.As(err, &recErr), errors.As(err, &alertErr):
		e.noRetry = true
	case errors.As(err, &opErr) && opErr.Op == "dial":
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind = KindTimeout
	case errors.As(err, &netErr) && netErr.Timeout():
		// Response header timeout: the server accepted the request and may be working on it,
		// so repeating it could double the bill.
		e.Kind = KindTimeout
	}
	return e
}

// headerRequestID reads the server's request id from the headers DashScope and its gateways use.
func headerRequestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Dashscope-Request-Id", "Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// maxRetryAfter caps a server's Retry-After: a user waiting on a chat turn should not be kept
// waiting for minutes by a misconfigured proxy.
const maxRetryAfter = 30 * time.Second

// parseRetryAfter reads Retry-After as seconds or as an HTTP date; 0 when absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 || secs != secs {
			return 0
		}
		if secs > maxRetryAfter.Seconds() {
			return maxRetryAfter
		}
		d = time.Duration(secs * float64(time.Second))
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}

// excerpt turns an arbitrary body (an HTML error page, say) into one short line a person can
// read: tags dropped, whitespace collapsed, at most 200 bytes of valid UTF-8.
func excerpt(body []byte) string {
	const limit = 200
	if len(body) > 4096 {
		body = body[:4096]
	}
	var b strings.Builder
	inTag, space := false, false
	for _, r := range string(body) {
		switch {
		case r == '<':
			inTag = true
			continue
		case r == '>' && inTag:
			inTag = false
			space = true
			continue
		case inTag:
			continue
		case r == utf8.RuneError || r < ' ' || r == ' ' || r == 0x7f:
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if b.Len()+utf8.RuneLen(r) > limit {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// scrub removes the API key from server text: some gateways echo it back ("Incorrect API key
// provided: sk-…"), and error text ends up in logs and on screen.
func scrub(s, apiKey string) string {
	if apiKey != "" && len(apiKey) >= 4 && strings.Contains(s, apiKey) {
		s = strings.ReplaceAll(s, apiKey, "[redacted]")
	}
	return s
}

// readBounded reads at most limit bytes of r; the rest is left unread (the caller closes).
func readBounded(r io.Reader, limit int64) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, limit))
	return b
}

// newBadResponse reports a body that cannot be understood, with a short excerpt.
func newBadResponse(status int, requestID string, what string, data []byte, cause error) *APIError {
	msg := what
	if ex := excerpt(data); ex != "" {
		msg = fmt.Sprintf("%s: %s", what, ex)
	}
	return &APIError{Kind: KindBadResponse, HTTPStatus: status, RequestID: requestID, Message: msg, Err: cause}
}
