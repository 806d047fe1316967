//go:build !dev && !e2ecsp

package main

import "qwendesk/internal/csp"

// contentSecurityPolicy is the production policy, for every build but `wails dev`'s (which
// builds with -tags dev; wails build adds "production", go build and go test add neither).
func contentSecurityPolicy() string { return csp.Production }
