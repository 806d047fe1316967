package qwen

import (
	"testing"

	"go.uber.org/goleak"
)

// Every stream owns a connection, a timer and a context watcher; a leak here is a leaked
// connection in the app.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
