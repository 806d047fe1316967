// Package csp owns the Content-Security-Policy the asset server sends with every page: the
// production policy, and the one websocket a `wails dev` build adds for Vite's hot reload.
package csp

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Production keeps the webview to its own bundle: model output is untrusted, so no remote
// script, style, frame or connection may load even if some markup slips through.
const Production = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"frame-src 'none'; form-action 'none'"

// Dev is Production with one more source in connect-src: the websocket of the Vite server at
// viteURL (http://localhost:5173 from `wails dev`). In dev mode the webview's page is
// wails://wails/, so Vite's HMR client cannot reach its server as 'self'; it falls back to
// ws://<Vite's host:port>/, which a 'self'-only header policy blocks, and the page never
// updates. Nothing else is relaxed. A viteURL that is not a loopback http(s) URL with a port
// gets Production unchanged: a stray value must not open the policy to another host.
func Dev(viteURL string) string {
	origin, ok := devSocketOrigin(viteURL)
	if !ok {
		return Production
	}
	return strings.Replace(Production, "connect-src 'self';", "connect-src 'self' "+origin+";", 1)
}

func devSocketOrigin(viteURL string) (string, bool) {
	u, err := url.Parse(viteURL)
	if err != nil || u.Port() == "" || u.User != nil {
		return "", false
	}
	scheme := map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
	host := u.Hostname()
	if scheme == "" || !(host == "localhost" || net.ParseIP(host).IsLoopback()) {
		return "", false
	}
	return scheme + "://" + u.Host, true
}

// Middleware sets policy, and nosniff, on every response of next.
func Middleware(policy string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", policy)
			w.Header().Set("X-Content-Type-Options", "nosniff")
			next.ServeHTTP(w, r)
		})
	}
}
