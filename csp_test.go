package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"qwendesk/internal/csp"
)

// TestProductionBuildSendsTheShippedPolicy: the binary `make build` makes (no dev tag) sends
// today's policy, whatever a dev build does and whatever frontenddevserverurl says.
func TestProductionBuildSendsTheShippedPolicy(t *testing.T) {
	t.Setenv("frontenddevserverurl", "http://localhost:5173")
	const shipped = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-src 'none'; form-action 'none'"
	rec := httptest.NewRecorder()
	h := csp.Middleware(contentSecurityPolicy())(http.NotFoundHandler())
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if got := rec.Header().Get("Content-Security-Policy"); got != shipped {
		t.Fatalf("Content-Security-Policy = %q\nwant %q", got, shipped)
	}
}
