package qwen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

func TestCustomProxyCarriesTheRequests(t *testing.T) {
	var viaProxy atomic.Int32
	// A forward proxy sees absolute request URIs; this one answers like DashScope would.
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.IsAbs() {
			viaProxy.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[{"id":"qwen-plus"}]}`))
	}))
	defer proxy.Close()

	fn, err := ProxyFunc(ProxyCustom, proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := NewClient(Config{BaseURL: "http://dashscope.invalid/compatible-mode/v1", Proxy: fn})
	defer c.CloseIdleConnections()
	models, err := c.Models(context.Background(), "sk-proxy-test-000000")
	if err != nil || len(models) != 1 || viaProxy.Load() != 1 {
		t.Fatalf("models %v, err %v, requests through the proxy %d", models, err, viaProxy.Load())
	}
}

func TestProxyModes(t *testing.T) {
	cases := []struct {
		mode, url string
		ok        bool
	}{
		{"system", "", true},
		{"", "", true},
		{"none", "", true},
		{"custom", "http://127.0.0.1:7890", true},
		{"custom", "socks5://127.0.0.1:1080", true},
		{"custom", "", false},
		{"custom", "ftp://proxy:21", false},
		{"custom", "127.0.0.1:7890", false},
		{"magic", "", false},
	}
	for _, c := range cases {
		if _, err := ProxyFunc(c.mode, c.url); (err == nil) != c.ok {
			t.Errorf("ProxyFunc(%q, %q) error = %v, want ok=%v", c.mode, c.url, err, c.ok)
		}
	}
	none, _ := ProxyFunc(ProxyNone, "")
	req, _ := http.NewRequest(http.MethodGet, "https://dashscope.aliyuncs.com/", nil)
	if u, _ := none(req); u != nil {
		t.Fatalf("mode none still proxies via %v", u)
	}
}
