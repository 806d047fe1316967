package qwen

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   Kind
	}{
		{400, "Arrearage", KindBilling},
		{403, "Arrearage", KindBilling},
		{200, "data_inspection_failed", KindModeration},
		{500, "InternalError.Algo.DataInspectionFailed", KindModeration},
		{429, "Throttling.AllocationQuota", KindQuota},
		{429, "Throttling.User", KindRateLimit},
		{403, "AccessDenied.Unpurchased", KindAccessDenied},
		{500, "InternalError.Timeout", KindServer},
		{200, "", KindServer},
		{408, "", KindServer},
		{413, "", KindBadRequest},
		{401, "SomethingNew", KindAuth},
	}
	for _, tt := range tests {
		if got := classify(tt.status, tt.code); got != tt.want {
			t.Errorf("classify(%d, %q) = %s, want %s", tt.status, tt.code, got, tt.want)
		}
	}
}

func TestParseErrorBody(t *testing.T) {
	tests := []struct {
		body                 string
		code, message, reqID string
		ok                   bool
	}{
		{`{"error":{"code":"invalid_api_key","message":"m","type":"invalid_request_error","param":null},"request_id":"r"}`, "invalid_api_key", "m", "r", true},
		{`{"code":"InvalidApiKey","message":"m","request_id":"r"}`, "InvalidApiKey", "m", "r", true},
		{`{"error":{"message":"m","type":"limit_requests"}}`, "limit_requests", "m", "", true},
		{`{"error":"plain text"}`, "", "plain text", "", true},
		{`{"code":400,"message":"numeric code"}`, "400", "numeric code", "", true},
		{`{"id":"chatcmpl-1"}`, "", "", "", false},
		{`<html>nope</html>`, "", "", "", false},
		{``, "", "", "", false},
	}
	for _, tt := range tests {
		code, msg, reqID, ok := parseErrorBody([]byte(tt.body))
		if code != tt.code || msg != tt.message || reqID != tt.reqID || ok != tt.ok {
			t.Errorf("parseErrorBody(%s) = %q %q %q %v", tt.body, code, msg, reqID, ok)
		}
	}
}

func TestErrorFromTransport(t *testing.T) {
	wrap := func(err error) error { return &url.Error{Op: "Post", URL: "https://x/v1/chat/completions", Err: err} }
	tests := []struct {
		name      string
		err       error
		kind      Kind
		retryable bool
	}{
		{"connection refused", wrap(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), KindNetwork, true},
		{"DNS no such host", wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}), KindNetwork, false},
		{"DNS temporary", wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "server misbehaving", Name: "x", IsTemporary: true}}), KindNetwork, true},
		{"unknown authority", wrap(x509.UnknownAuthorityError{}), KindNetwork, false},
		{"header timeout", wrap(timeoutErr{}), KindTimeout, false},
		{"deadline", wrap(context.DeadlineExceeded), KindTimeout, false},
		{"reset before response", wrap(syscall.ECONNRESET), KindNetwork, true},
	}
	for _, tt := range tests {
		e := errorFromTransport(tt.err)
		if e.Kind != tt.kind || e.Retryable() != tt.retryable || !errors.Is(e, tt.err) {
			t.Errorf("%s: kind %s retryable %v", tt.name, e.Kind, e.Retryable())
		}
		if strings.Contains(e.Error(), "https://x") {
			t.Errorf("%s: Error() repeats the URL: %q", tt.name, e.Error())
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "timeout awaiting response headers" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 5, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 3 ", 3 * time.Second},
		{"0.5", 500 * time.Millisecond},
		{"0", 0},
		{"-4", 0},
		{"3600", maxRetryAfter},
		{now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second},
		{now.Add(-5 * time.Second).Format(http.TimeFormat), 0},
		{now.Add(time.Hour).Format(http.TimeFormat), maxRetryAfter},
		{"soon", 0},
		{"NaN", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestAPIErrorText(t *testing.T) {
	tests := []struct {
		err  *APIError
		want string
	}{
		{&APIError{Kind: KindRateLimit, HTTPStatus: 429, Code: "limit_requests", Message: "slow down", RequestID: "r-1"},
			"rate limited by DashScope: slow down (code limit_requests, HTTP 429, request id r-1)"},
		{&APIError{Kind: KindTruncated, HTTPStatus: 200, RequestID: "r-2"},
			"the reply was cut off: the stream ended before it was finished (request id r-2)"},
		{&APIError{Kind: KindNetwork, Err: syscall.ECONNREFUSED},
			"network error: " + syscall.ECONNREFUSED.Error()},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestExcerptAndScrub(t *testing.T) {
	if got := excerpt([]byte("<html>\n<b>Bad</b>   gateway\x00</html>")); got != "Bad gateway" {
		t.Errorf("excerpt = %q", got)
	}
	if got := excerpt([]byte(strings.Repeat("界", 300))); len(got) > 203 || !strings.HasSuffix(got, "…") {
		t.Errorf("excerpt of a long body = %d bytes", len(got))
	}
	if got := scrub("bad key sk-abcdef here", "sk-abcdef"); got != "bad key [redacted] here" {
		t.Errorf("scrub = %q", got)
	}
}

func TestDetailLeavesIdsToTheUI(t *testing.T) {
	cases := []struct {
		err  *APIError
		want string
	}{
		{&APIError{Kind: KindAuth, Message: "Incorrect API key provided.", RequestID: "r-1", Code: "invalid_api_key"}, "Incorrect API key provided."},
		{&APIError{Kind: KindTruncated, Err: io.ErrUnexpectedEOF, RequestID: "r-2"}, causeText(io.ErrUnexpectedEOF)},
		{&APIError{Kind: KindServer}, kindSummary(KindServer)},
	}
	for _, c := range cases {
		if got := c.err.Detail(); got != c.want || strings.Contains(got, "r-") {
			t.Errorf("Detail() = %q, want %q", got, c.want)
		}
	}
}
