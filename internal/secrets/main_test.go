//go:build !keychain && !nokeychain

package secrets

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain proves that abandoned keychain goroutines finish once the keychain answers.
// The real-keychain builds skip it: godbus keeps its session connection goroutines alive.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
