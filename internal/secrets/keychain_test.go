//go:build keychain

// Real-keychain tests: run them through scripts/keychain-test.sh, which starts a throwaway
// Secret Service with a temporary HOME.

package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

// newKeychainTestStore uses a test-only entry, so even a run against a developer's real
// session cannot read or delete the key QwenDesk itself stored.
func newKeychainTestStore(account string, env map[string]string) *Store {
	s := New(Options{Keyring: SystemKeyring(), Getenv: envOf(env), Timeout: 10 * time.Second})
	s.kc.service = ServiceName + "-test"
	s.kc.account = account
	return s
}

func TestKeychainRoundTrip(t *testing.T) {
	ctx := context.Background()
	account := fmt.Sprintf("roundtrip-%d", os.Getpid())
	env := map[string]string{EnvDashScope: dashKey}
	t.Cleanup(func() { SystemKeyring().Delete(ServiceName+"-test", account) })

	before := newKeychainTestStore(account, env).Status(ctx)
	if !before.KeychainAvailable {
		t.Fatalf("keychain not available: %s", before.KeychainProblem)
	}
	if before.Source != SourceEnvDashScope {
		t.Fatalf("empty keychain: source %q, want the env fallback", before.Source)
	}

	st, err := newKeychainTestStore(account, env).Save(ctx, `"`+kcKey+`"`)
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	if st.Source != SourceKeychain || st.Last4 != "kc01" {
		t.Fatalf("after Save: %+v", st)
	}

	// A new Store has no in-memory state: the key must come back from the Secret Service.
	key, st, err := newKeychainTestStore(account, env).Key(ctx)
	if err != nil || key != kcKey {
		t.Fatalf("read back through a new Store: match=%v err=%v", key == kcKey, err)
	}
	if st.Source != SourceKeychain || !st.KeychainAvailable || st.KeychainProblem != "" || !st.EnvKeyPresent {
		t.Fatalf("status after read back: %+v", st)
	}

	st, err = newKeychainTestStore(account, env).Delete(ctx)
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if st.Source != SourceEnvDashScope {
		t.Fatalf("after Delete: source %q, want the env fallback", st.Source)
	}
	if _, err := SystemKeyring().Get(ServiceName+"-test", account); !errors.Is(err, ErrNotFound) {
		t.Fatalf("entry still readable after Delete: err=%v", err)
	}
	if _, err := newKeychainTestStore(account, env).Delete(ctx); err != nil {
		t.Fatalf("Delete of a missing entry: %v", err)
	}
}

func TestKeychainNoKeyAnywhere(t *testing.T) {
	s := newKeychainTestStore(fmt.Sprintf("empty-%d", os.Getpid()), nil)
	_, st, err := s.Key(context.Background())
	if !errors.Is(err, ErrNoKey) || st.HasKey || !st.KeychainAvailable {
		t.Fatalf("err=%v status=%+v, want ErrNoKey with a working keychain", err, st)
	}
}
