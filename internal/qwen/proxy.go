package qwen

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Proxy modes offered in Settings.
const (
	ProxySystem = "system" // HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment
	ProxyNone   = "none"   // always connect directly
	ProxyCustom = "custom" // one proxy URL for every request
)

// ProxyFunc returns the http.Transport proxy function for a mode. A custom URL must be
// http, https or socks5 with a host; it may carry user:password for the proxy (never the
// API key, which travels in a header to DashScope only).
func ProxyFunc(mode, rawURL string) (func(*http.Request) (*url.URL, error), error) {
	switch mode {
	case "", ProxySystem:
		return http.ProxyFromEnvironment, nil
	case ProxyNone:
		return func(*http.Request) (*url.URL, error) { return nil, nil }, nil
	case ProxyCustom:
		u, err := url.Parse(strings.TrimSpace(rawURL))
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("the proxy address is not a URL like http://127.0.0.1:7890")
		}
		switch u.Scheme {
		case "http", "https", "socks5", "socks5h":
		default:
			return nil, fmt.Errorf("the proxy must use http://, https:// or socks5://, not %s://", u.Scheme)
		}
		return http.ProxyURL(u), nil
	}
	return nil, fmt.Errorf("unknown proxy mode %q", mode)
}
