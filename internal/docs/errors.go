package docs

import (
	"errors"
	"fmt"
)

// ErrorKind is the stable reason an extraction failed: the UI keys its translated message and
// the action it offers on it, so the values never change once shipped.
type ErrorKind string

// The kinds of failure Extract reports. They are prefixed "doc_" because they reach the UI
// beside DashScope's own kinds ("timeout" there is a silent server, here a slow file).
const (
	KindEncrypted   ErrorKind = "doc_encrypted"     // password-protected
	KindCorrupt     ErrorKind = "doc_corrupt"       // damaged, truncated or malformed inside
	KindEmpty       ErrorKind = "doc_empty"         // no bytes, or no text at all
	KindTooLarge    ErrorKind = "doc_too_large"     // over Limits.MaxInputBytes
	KindUnsupported ErrorKind = "doc_unsupported"   // a type we do not read (binary, legacy .doc, …)
	KindDisguised   ErrorKind = "doc_disguised"     // the content is not what the extension says
	KindTimeout     ErrorKind = "doc_timeout"       // over the time limit or cancelled
	KindZipBomb     ErrorKind = "doc_too_much_data" // decompresses past Limits (size, entries, ratio)
)

// Error is an extraction failure with a stable Kind and a sentence a person can read. Cause is
// the underlying library error, kept for logs; Message never includes it so that library wording
// does not leak into the UI.
type Error struct {
	Kind    ErrorKind
	Name    string // the file name as given
	Message string
	Cause   error
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Cause }

// Is makes errors.Is(err, &Error{Kind: k}) match any Error of kind k.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Message == "" && t.Name == ""
}

// KindOf is the kind of err, or "" when err is not an extraction Error.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

func newError(kind ErrorKind, name string, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Name: name, Message: fmt.Sprintf(format, args...), Cause: cause}
}

func errEncrypted(name string, cause error) *Error {
	return newError(KindEncrypted, name, cause, "%s is password-protected; remove the password and attach it again.", name)
}

func errCorrupt(name string, cause error, what string) *Error {
	return newError(KindCorrupt, name, cause, "%s looks damaged and cannot be read (%s).", name, what)
}

func errEmpty(name string) *Error {
	return newError(KindEmpty, name, nil, "%s is empty: it contains no text.", name)
}

func errTimeout(name string, cause error) *Error {
	return newError(KindTimeout, name, cause, "Reading %s took too long and was stopped.", name)
}

func errZipBomb(name, what string) *Error {
	return newError(KindZipBomb, name, nil, "%s unpacks to too much data (%s); it was not opened.", name, what)
}
