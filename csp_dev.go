//go:build dev

package main

import (
	"os"

	"qwendesk/internal/csp"
)

// contentSecurityPolicy lets Vite's hot-reload websocket through in a `wails dev` build:
// wails dev builds with -tags dev and starts the app with frontenddevserverurl set to the
// Vite server it proxies (wails.json: frontend:dev:serverUrl auto).
func contentSecurityPolicy() string { return csp.Dev(os.Getenv("frontenddevserverurl")) }
