//go:build nokeychain

// Run through scripts/keychain-test.sh: it points D-Bus at a socket that does not exist,
// which is what a Linux session without a Secret Service looks like to go-keyring.

package secrets

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

const noBus = "unix:path=/nonexistent"

func TestNoKeychainFallsBackToEnv(t *testing.T) {
	if got := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); got != noBus {
		t.Fatalf("DBUS_SESSION_BUS_ADDRESS=%q; run with %q (scripts/keychain-test.sh does)", got, noBus)
	}
	t.Setenv(EnvDashScope, dashKey)
	const timeout = 2 * time.Second
	s := New(Options{Timeout: timeout}) // real keychain, real environment

	start := time.Now()
	key, st, err := s.Key(context.Background())
	elapsed := time.Since(start)

	if err != nil || key != dashKey || st.Source != SourceEnvDashScope {
		t.Fatalf("want the env key: source=%q err=%v", st.Source, err)
	}
	if elapsed > timeout+500*time.Millisecond {
		t.Fatalf("Key took %v, longer than the %v keychain timeout", elapsed, timeout)
	}
	if st.KeychainAvailable || !strings.HasPrefix(st.KeychainProblem, "The system keychain ") {
		t.Fatalf("status should explain the missing keychain: %+v", st)
	}
	if !s.Status(context.Background()).EnvKeyPresent {
		t.Fatal("EnvKeyPresent should be true")
	}

	_, err = s.Save(context.Background(), kcKey)
	if !errors.Is(err, ErrKeychainUnavailable) || strings.Contains(err.Error(), kcKey) {
		t.Fatalf("Save err=%v, want ErrKeychainUnavailable without the key", err)
	}
	t.Logf("keychain problem shown to the user: %s", st.KeychainProblem)
}
