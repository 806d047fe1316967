package chat

import (
	"errors"
	"fmt"
)

// Kinds of errors that are not DashScope's own (those come from qwen.Kind).
const (
	KindInvalidInput = "invalid_input"
	KindNotFound     = "not_found"
	KindBusy         = "busy"
	KindNoKey        = "no_key"
	KindInternal     = "internal"
	KindStorage      = "storage"
	// KindToolLimit ends a turn whose model kept calling tools for MaxToolSteps steps in a
	// row: the text and the calls so far are kept.
	KindToolLimit = "tool_limit"
)

// UserError is an error meant to be shown: a stable kind and a plain sentence.
type UserError struct {
	Kind    string
	Message string
	Err     error
}

func (e *UserError) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *UserError) Unwrap() error { return e.Err }

func userErrorf(kind, format string, args ...any) *UserError {
	return &UserError{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrBusy means the conversation already has a reply streaming.
var ErrBusy = &UserError{Kind: KindBusy, Message: "A reply is still streaming in this conversation. Stop it or wait for it to finish."}

// KindOf returns the user-facing kind of err, or KindInternal.
func KindOf(err error) string {
	var ue *UserError
	if errors.As(err, &ue) {
		return ue.Kind
	}
	return KindInternal
}

// Kinds the app layer reports.
const (
	KindStarting   = "starting"   // a call came before the window was ready
	KindKeychain   = "keychain"   // the OS keychain is missing, locked or timed out
	KindPermission = "permission" // the OS refused access to a file
	KindExport     = "export"     // an export could not be written
	KindImport     = "import"     // an import file cannot be used
	KindStartup    = "startup"    // a problem found at start (shown once, the app runs on)
	// KindSuperseded ends a search that a newer one replaced (the user typed on); the palette
	// shows only the newest query's answer, so this is never on screen for long.
	KindSuperseded = "superseded"
)
