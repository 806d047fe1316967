// Package toolname owns the names tools are offered to the model under: unique across
// servers, valid for the API, and the same on every run for the same server and tool.
package toolname

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// MaxLen is the API's limit on a function name.
const MaxLen = 64

// Sep separates the server from the tool in a name.
const Sep = "__"

const hashLen = 10 // hex digits: 40 bits, so an accidental clash needs ~a million tools

var (
	valid      = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	cleanSrv   = regexp.MustCompile(`^[a-zA-Z0-9-]+(_[a-zA-Z0-9-]+)*$`)
	hashSuffix = regexp.MustCompile(`_[0-9a-f]{10}$`)
	invalidRun = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)
)

// Valid reports whether name is acceptable to the API.
func Valid(name string) bool { return valid.MatchString(name) }

// For returns the API name of server's tool.
//
// The plain form is server + "__" + tool. It is used only when it cannot be confused with
// another pair: the server part has no "__" and does not start or end with "_" (so the first
// "__" always ends it), both parts are already valid, the whole fits in MaxLen, and the tool
// part does not end like a hash. Everything else gets the hashed form: both parts sanitized
// and shortened, then "_" and a hash of the exact pair, which a plain name never ends with.
func For(server, tool string) string {
	if cleanSrv.MatchString(server) && tool != "" && !invalidRun.MatchString(tool) && !hashSuffix.MatchString(tool) {
		if name := server + Sep + tool; len(name) <= MaxLen {
			return name
		}
	}
	sum := sha256.Sum256([]byte(server + "\x00" + tool))
	h := hex.EncodeToString(sum[:])[:hashLen]
	s, t := sanitize(server), sanitize(tool)
	room := MaxLen - len(Sep) - 1 - hashLen // for s and t together
	if len(s)+len(t) > room {
		// Keep more of the tool: it is what the model reads to choose.
		maxS := max(room/3, room-len(t))
		if len(s) > maxS {
			s = s[:maxS]
		}
		if len(s)+len(t) > room {
			t = t[:room-len(s)]
		}
	}
	return s + Sep + t + "_" + h
}

// sanitize replaces every run of characters the API refuses with one "_".
func sanitize(s string) string {
	s = invalidRun.ReplaceAllString(s, "_")
	return strings.Trim(s, "_")
}
