// Package tools owns the MCP servers the user configured: their lifecycle and status, the
// names their tools get, approvals, limits, and running the model's tool calls through them.
package tools

import (
	"errors"
	"fmt"

	"qwendesk/internal/tools/mcpconfig"
)

// Kind is an error's stable identity: the UI translates by it and picks an action by it.
type Kind string

// Error kinds returned by the Manager's settings methods. They reach the UI beside the
// chat's own kinds, so each is prefixed: a bare "invalid" or "keychain" would collide.
const (
	KindConfigBroken    Kind = "mcp_config_broken"     // mcp.json cannot be read: fix it or replace it
	KindInvalid         Kind = "mcp_invalid"           // the server or pasted JSON given is not usable
	KindUnknownServer   Kind = "mcp_unknown_server"    // no server has that name
	KindUnknownTool     Kind = "mcp_unknown_tool"      // the server has no such tool
	KindExists          Kind = "mcp_exists"            // a server with that name already exists
	KindCommandNotFound Kind = "mcp_command_not_found" // the command is not on the PATH searched
	KindKeychain        Kind = "mcp_keychain"          // a header's secret could not be stored or read
	KindIO              Kind = "mcp_io"                // mcp.json could not be written
	KindClosed          Kind = "mcp_closed"            // the Manager is closed
)

// Error is what the Manager's methods return: Kind for code, Message for people. Line and
// Column point into mcp.json or the pasted text when the problem has a place (1-based).
type Error struct {
	Kind    Kind   `json:"kind"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Err     error  `json:"-"`
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns err's Kind, or "" when err is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

func errorf(kind Kind, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Err: cause}
}

// parseFailure turns a config or paste problem into an *Error keeping its place.
func parseFailure(kind Kind, prefix string, err error) *Error {
	e := &Error{Kind: kind, Message: prefix + err.Error(), Err: err}
	var pe *mcpconfig.ParseError
	if errors.As(err, &pe) {
		e.Line, e.Column = pe.Line, pe.Column
	}
	return e
}

// CommandNotFoundError says which command was missing and every folder searched.
type CommandNotFoundError struct {
	Command string
	Path    []string
}

func (e *CommandNotFoundError) Error() string {
	return fmt.Sprintf("command %q was not found. Looked in: %s (your login shell's PATH and the app's). Install it, or put its full path in \"command\".",
		e.Command, joinOr(e.Path, "nowhere: PATH is empty"))
}

func joinOr(list []string, empty string) string {
	if len(list) == 0 {
		return empty
	}
	s := list[0]
	for _, p := range list[1:] {
		s += ", " + p
	}
	return s
}
