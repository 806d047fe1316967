//go:build dev

package main

import (
	"testing"

	"qwendesk/internal/csp"
)

// TestDevBuildAllowsViteSocket (go test -tags dev,webkit2_41 .): a `wails dev` build takes
// Vite's URL from the environment wails dev sets.
func TestDevBuildAllowsViteSocket(t *testing.T) {
	t.Setenv("frontenddevserverurl", "http://localhost:5174")
	if got, want := contentSecurityPolicy(), csp.Dev("http://localhost:5174"); got != want || got == csp.Production {
		t.Fatalf("dev policy = %q, want %q", got, want)
	}
}
