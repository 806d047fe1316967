//go:build keychain

package secrets

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TestKeychainLockedFallsBack locks the login collection, the state a Linux desktop is in
// before the user unlocks it, where go-keyring raises an unlock prompt and may wait
// forever. Key must still return the env key within the timeout and say why.
// It leaves the collection locked, so scripts/keychain-test.sh runs it last, on its own.
func TestKeychainLockedFallsBack(t *testing.T) {
	if os.Getenv("QWENDESK_KEYCHAIN_LOCK_OK") != "1" {
		t.Skip("locks the login keyring; run through scripts/keychain-test.sh")
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{"/org/freedesktop/secrets/collection/login"}).
		Store(&locked, &prompt)
	if err != nil || len(locked) != 1 {
		t.Fatalf("locking the login collection: locked=%v err=%v", locked, err)
	}

	const timeout = 2 * time.Second
	s := newKeychainTestStore("locked", map[string]string{EnvDashScope: dashKey})
	s.kc.timeout = timeout
	start := time.Now()
	key, st, err := s.Key(context.Background())
	elapsed := time.Since(start)

	if err != nil || key != dashKey || st.Source != SourceEnvDashScope {
		t.Fatalf("want the env key: source=%q err=%v", st.Source, err)
	}
	if elapsed > timeout+time.Second {
		t.Fatalf("Key took %v with a %v timeout", elapsed, timeout)
	}
	if st.KeychainAvailable || st.KeychainProblem == "" {
		t.Fatalf("status should explain the locked keychain: %+v", st)
	}
	t.Logf("after %v: %s", elapsed.Round(time.Millisecond), st.KeychainProblem)
}
