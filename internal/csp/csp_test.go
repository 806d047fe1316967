package csp

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The production policy as shipped in 0.1.0. A change to it must be deliberate: update this
// copy in the same commit and say why.
const shipped = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-src 'none'; form-action 'none'"

func TestProductionPolicyIsUnchanged(t *testing.T) {
	if Production != shipped {
		t.Fatalf("production policy changed:\n got %s\nwant %s", Production, shipped)
	}
}

// directives splits a policy into directive → sources.
func directives(t *testing.T, policy string) map[string][]string {
	t.Helper()
	m := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		if _, dup := m[f[0]]; dup {
			t.Fatalf("directive %s twice in %q", f[0], policy)
		}
		m[f[0]] = f[1:]
	}
	return m
}

// onlyConnectSrcAdds checks that got is want plus, in connect-src only, the sources extra.
func onlyConnectSrcAdds(t *testing.T, got, want string, extra ...string) {
	t.Helper()
	g, w := directives(t, got), directives(t, want)
	if len(g) != len(w) {
		t.Fatalf("directives differ:\n got %s\nwant %s", got, want)
	}
	for name, sources := range w {
		if name == "connect-src" {
			sources = append(slices.Clone(sources), extra...)
		}
		if !slices.Equal(g[name], sources) {
			t.Fatalf("%s = %q, want %q (policy %s)", name, g[name], sources, got)
		}
	}
}

// TestDevAllowsOnlyViteSocket: a `wails dev` build lets exactly Vite's websocket through
// (so the window hot-reloads), and nothing for a URL that is not Vite on this machine.
func TestDevAllowsOnlyViteSocket(t *testing.T) {
	tests := []struct {
		viteURL, socket string // socket "" → Production unchanged
	}{
		{"http://localhost:5173", "ws://localhost:5173"},
		{"http://localhost:5173/", "ws://localhost:5173"},
		{"http://localhost:5174/", "ws://localhost:5174"},
		{"http://127.0.0.1:5173", "ws://127.0.0.1:5173"},
		{"http://[::1]:5173", "ws://[::1]:5173"},
		{"https://localhost:5173", "wss://localhost:5173"},
		{"", ""},
		{"http://localhost", ""},                // no port: nothing to name
		{"http://example.com:5173", ""},         // not this machine
		{"http://localhost.example.com:80", ""}, // only looks local
		{"http://10.0.0.2:5173", ""},
		{"ftp://localhost:5173", ""},
		{"http://user@localhost:5173", ""},
		{"localhost:5173", ""},
		{"http://localhost:5173; script-src *", ""}, // cannot inject a directive
	}
	for _, tt := range tests {
		t.Run(tt.viteURL, func(t *testing.T) {
			got := Dev(tt.viteURL)
			if tt.socket == "" {
				if got != Production {
					t.Fatalf("Dev(%q) = %s, want Production", tt.viteURL, got)
				}
				return
			}
			onlyConnectSrcAdds(t, got, Production, tt.socket)
		})
	}
}

func TestMiddlewareSetsThePolicyOnEveryResponse(t *testing.T) {
	h := Middleware(Production)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	}))
	for _, path := range []string{"/", "/assets/index.js", "/missing"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if got := rec.Header().Get("Content-Security-Policy"); got != shipped {
			t.Fatalf("%s: Content-Security-Policy = %q", path, got)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s: no nosniff", path)
		}
	}
}

// TestIndexMetaPolicyMatchesHeader: frontend/index.html's <meta> policy is the one a plain
// browser on Vite's own server gets (npm run dev), and applies in the webview beside the
// header, where the stricter of the two wins. It must be Production except connect-src,
// which also allows ws://localhost:* (Vite's port is not known when the page is written);
// anything else there would be a difference between dev and production nobody sees.
func TestIndexMetaPolicyMatchesHeader(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "frontend", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("frontend/index.html has no Content-Security-Policy meta tag")
	}
	onlyConnectSrcAdds(t, string(m[1]), Production, "ws://localhost:*")
}
