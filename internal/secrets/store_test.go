package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	// Written as "sk-" + … so that no key-shaped string is committed.
	kcKey     = "sk-" + "keychain00000000000000000000kc01"
	dashKey   = "sk-" + "dashscope0000000000000000000ds02"
	apiKey    = "sk-" + "apikey000000000000000000000000ak03"
	dotEnvKey = "sk-" + "dotenv00000000000000000000000de04"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeDotEnv(t *testing.T, dir, content string) string {
	t.Helper()
	p := filepath.Join(dir, ".env")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestKeyPrecedence tries every combination of the four sources and checks the first
// present one wins: keychain → DASHSCOPE_API_KEY → API_KEY → .env.
func TestKeyPrecedence(t *testing.T) {
	order := []struct {
		src Source
		key string
	}{{SourceKeychain, kcKey}, {SourceEnvDashScope, dashKey}, {SourceEnvAPIKey, apiKey}, {SourceDotEnv, dotEnvKey}}

	for mask := 0; mask < 16; mask++ {
		var names []string
		for i, o := range order {
			if mask&(1<<i) != 0 {
				names = append(names, string(o.src))
			}
		}
		t.Run("with["+strings.Join(names, ",")+"]", func(t *testing.T) {
			kr := newMemKeyring()
			env := map[string]string{}
			dir := t.TempDir()
			var dotPath string
			if mask&1 != 0 {
				kr.items[ServiceName+"/"+AccountName] = kcKey
			}
			if mask&2 != 0 {
				env[EnvDashScope] = dashKey
			}
			if mask&4 != 0 {
				env[EnvAPIKey] = apiKey
			}
			if mask&8 != 0 {
				dotPath = writeDotEnv(t, dir, "DASHSCOPE_API_KEY="+dotEnvKey+"\n")
			}
			s := New(Options{Keyring: kr, Getenv: envOf(env), DotEnvDirs: []string{dir}, Timeout: time.Second})

			key, st, err := s.Key(context.Background())

			if mask == 0 {
				if !errors.Is(err, ErrNoKey) || key != "" || st.HasKey || st.Source != SourceNone {
					t.Fatalf("no source: got key=%v status=%+v err=%v, want ErrNoKey", key != "", st, err)
				}
				return
			}
			var want struct {
				src Source
				key string
			}
			for i, o := range order {
				if mask&(1<<i) != 0 {
					want = o
					break
				}
			}
			if err != nil {
				t.Fatalf("Key: %v", err)
			}
			if key != want.key || st.Source != want.src {
				t.Fatalf("got source %q (key matches want: %v), want %q", st.Source, key == want.key, want.src)
			}
			if st.Last4 != want.key[len(want.key)-4:] || !st.HasKey || !st.KeychainAvailable {
				t.Fatalf("status %+v", st)
			}
			if wantEnv := mask&6 != 0; st.EnvKeyPresent != wantEnv {
				t.Fatalf("EnvKeyPresent=%v, want %v", st.EnvKeyPresent, wantEnv)
			}
			if want.src == SourceDotEnv && st.DotEnvPath != dotPath {
				t.Fatalf("DotEnvPath=%q, want %q", st.DotEnvPath, dotPath)
			}
			if want.src != SourceDotEnv && st.DotEnvPath != "" {
				t.Fatalf("DotEnvPath=%q for source %q", st.DotEnvPath, st.Source)
			}
		})
	}
}

func TestDotEnvDirOrder(t *testing.T) {
	work, data := t.TempDir(), t.TempDir()
	tests := []struct {
		name     string
		work     string // "" → no .env in the working dir
		data     string
		wantKey  string
		wantPath string
	}{
		{"working dir wins", "DASHSCOPE_API_KEY=" + dashKey, "DASHSCOPE_API_KEY=" + dotEnvKey, dashKey, filepath.Join(work, ".env")},
		{"falls back to data dir", "", "API_KEY=" + apiKey, apiKey, filepath.Join(data, ".env")},
		{"file without a key is skipped", "OTHER=1\n", "API_KEY=" + apiKey, apiKey, filepath.Join(data, ".env")},
		{"invalid key in first file is skipped", "DASHSCOPE_API_KEY=short", "API_KEY=" + apiKey, apiKey, filepath.Join(data, ".env")},
		{"DASHSCOPE_API_KEY preferred within a file", "API_KEY=" + apiKey + "\nDASHSCOPE_API_KEY=" + dashKey, "", dashKey, filepath.Join(work, ".env")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for dir, content := range map[string]string{work: tt.work, data: tt.data} {
				os.Remove(filepath.Join(dir, ".env"))
				if content != "" {
					writeDotEnv(t, dir, content)
				}
			}
			s := New(Options{Keyring: newMemKeyring(), Getenv: envOf(nil), DotEnvDirs: []string{"", work, data}})
			key, st, err := s.Key(context.Background())
			if err != nil || key != tt.wantKey || st.Source != SourceDotEnv || st.DotEnvPath != tt.wantPath {
				t.Fatalf("got match=%v status=%+v err=%v; want path %q", key == tt.wantKey, st, err, tt.wantPath)
			}
		})
	}
}

func TestEnvValuesAreNormalizedOrSkipped(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantKey string
		wantSrc Source
		wantErr error
	}{
		{"surrounding spaces and quotes trimmed", map[string]string{EnvDashScope: ` "` + dashKey + `" `}, dashKey, SourceEnvDashScope, nil},
		{"invalid DASHSCOPE_API_KEY falls through to API_KEY", map[string]string{EnvDashScope: "abc", EnvAPIKey: apiKey}, apiKey, SourceEnvAPIKey, nil},
		{"only whitespace is no key", map[string]string{EnvDashScope: "   "}, "", SourceNone, ErrNoKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Keyring: newMemKeyring(), Getenv: envOf(tt.env)})
			key, st, err := s.Key(context.Background())
			if !errors.Is(err, tt.wantErr) || key != tt.wantKey || st.Source != tt.wantSrc {
				t.Fatalf("got source=%q match=%v err=%v", st.Source, key == tt.wantKey, err)
			}
			if !st.EnvKeyPresent {
				t.Fatal("EnvKeyPresent should be true when a variable is set")
			}
		})
	}
}

func TestSaveThenDeleteFallsBackToEnv(t *testing.T) {
	kr := newMemKeyring()
	s := New(Options{Keyring: kr, Getenv: envOf(map[string]string{EnvDashScope: dashKey})})
	ctx := context.Background()

	st, err := s.Save(ctx, "  Bearer "+kcKey+"\n")
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	if st.Source != SourceKeychain || st.Last4 != "kc01" || !st.EnvKeyPresent {
		t.Fatalf("after Save: %+v", st)
	}
	if got := kr.items[ServiceName+"/"+AccountName]; got != kcKey {
		t.Fatal("Save did not store the normalized key")
	}

	st, err = s.Delete(ctx)
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if st.Source != SourceEnvDashScope || st.Last4 != "ds02" || !st.KeychainAvailable {
		t.Fatalf("after Delete: %+v", st)
	}
	if _, err := s.Delete(ctx); err != nil {
		t.Fatalf("second Delete (not found) should succeed: %v", err)
	}
}

func TestSaveRejectsInvalidInputWithoutTouchingKeychain(t *testing.T) {
	kr := newMemKeyring()
	s := New(Options{Keyring: kr, Getenv: envOf(nil)})
	_, err := s.Save(context.Background(), "sk-abc def-1234567")
	var ie *InputError
	if !errors.As(err, &ie) || ie.Reason != "invalid_chars" {
		t.Fatalf("err=%v, want invalid_chars", err)
	}
	if kr.Calls() != 0 {
		t.Fatal("keychain was called for invalid input")
	}
}

func TestSaveNeverWritesDotEnv(t *testing.T) {
	dir := t.TempDir()
	s := New(Options{Keyring: brokenKeyring{errNoSecretService}, Getenv: envOf(nil), DotEnvDirs: []string{dir}})
	if _, err := s.Save(context.Background(), kcKey); err == nil {
		t.Fatal("Save succeeded with a broken keychain")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Save wrote %d file(s) into a .env folder", len(entries))
	}
}

func TestKeychainFailures(t *testing.T) {
	tests := []struct {
		name        string
		kr          func(t *testing.T) Keyring
		wantTimeout bool
		wantProblem string
	}{
		{"no Secret Service", func(*testing.T) Keyring { return brokenKeyring{errNoSecretService} }, false,
			"The system keychain is not available: The name org.freedesktop.secrets was not provided by any .service files"},
		{"hangs forever", func(t *testing.T) Keyring {
			h := newHangingKeyring()
			t.Cleanup(func() { close(h.release) })
			return h
		}, true, "The system keychain did not answer within 0.1 s (it may be locked)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Keyring: tt.kr(t), Getenv: envOf(map[string]string{EnvAPIKey: apiKey}), Timeout: 100 * time.Millisecond})
			ctx := context.Background()

			start := time.Now()
			key, st, err := s.Key(ctx)
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Fatalf("Key took %v with a failing keychain", elapsed)
			}
			if err != nil || key != apiKey || st.Source != SourceEnvAPIKey {
				t.Fatalf("Key should fall back to API_KEY: source=%q err=%v", st.Source, err)
			}
			if st.KeychainAvailable || st.KeychainProblem != tt.wantProblem {
				t.Fatalf("status: available=%v problem=%q, want %q", st.KeychainAvailable, st.KeychainProblem, tt.wantProblem)
			}

			_, err = s.Save(ctx, kcKey)
			if !errors.Is(err, ErrKeychainUnavailable) || errors.Is(err, ErrKeychainTimeout) != tt.wantTimeout {
				t.Fatalf("Save err=%v, want ErrKeychainUnavailable (timeout=%v)", err, tt.wantTimeout)
			}
			if strings.Contains(err.Error(), kcKey) {
				t.Fatal("Save error contains the key")
			}
			if _, err := s.Delete(ctx); !errors.Is(err, ErrKeychainUnavailable) {
				t.Fatalf("Delete err=%v, want ErrKeychainUnavailable", err)
			}
		})
	}
}

// TestHungKeychainDoesNotPileUp checks that while one call is stuck, later calls fail at
// once instead of starting another blocked goroutine (and another unlock prompt), and that
// the keychain is used again once it answers.
func TestHungKeychainDoesNotPileUp(t *testing.T) {
	h := newHangingKeyring()
	s := New(Options{Keyring: h, Getenv: envOf(map[string]string{EnvDashScope: dashKey}), Timeout: 50 * time.Millisecond})
	ctx := context.Background()

	for range 5 {
		if st := s.Status(ctx); st.KeychainAvailable || st.Source != SourceEnvDashScope {
			t.Fatalf("status while hung: %+v", st)
		}
	}
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("keychain called %d times while hung, want 1", n)
	}

	close(h.release)
	deadline := time.Now().Add(2 * time.Second)
	for s.kc.stuck.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("stuck call never cleared after the keychain answered")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if st := s.Status(ctx); !st.KeychainAvailable {
		t.Fatalf("keychain should be available again: %+v", st)
	}
}

func TestCancelledContext(t *testing.T) {
	h := newHangingKeyring()
	t.Cleanup(func() { close(h.release) })
	s := New(Options{Keyring: h, Getenv: envOf(map[string]string{EnvDashScope: dashKey}), Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := s.Key(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err=%v, want the caller's deadline", err)
	}
	if s.kc.stuck.Load() != 0 {
		t.Fatal("a caller giving up must not mark the keychain as stuck")
	}
}

// TestStatusNeverContainsKey serializes Status the way Wails would and checks that only
// the last four characters of the key reach the frontend, whatever the source.
func TestStatusNeverContainsKey(t *testing.T) {
	dir := t.TempDir()
	writeDotEnv(t, dir, "API_KEY="+dotEnvKey)
	stores := map[string]*Store{
		"keychain": New(Options{Keyring: withItem(ServiceName+"/"+AccountName, kcKey), Getenv: envOf(nil)}),
		"env":      New(Options{Keyring: newMemKeyring(), Getenv: envOf(map[string]string{EnvDashScope: dashKey})}),
		"dotenv":   New(Options{Keyring: newMemKeyring(), Getenv: envOf(nil), DotEnvDirs: []string{dir}}),
		"broken":   New(Options{Keyring: brokenKeyring{errNoSecretService}, Getenv: envOf(map[string]string{EnvAPIKey: apiKey})}),
	}
	for name, s := range stores {
		t.Run(name, func(t *testing.T) {
			key, st, err := s.Key(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(st)
			if strings.Contains(string(b), key) || strings.Contains(string(b), key[:len(key)-4]) {
				t.Fatalf("status JSON contains the key: %s", b)
			}
			if !strings.Contains(string(b), `"last4":"`+key[len(key)-4:]+`"`) {
				t.Fatalf("status JSON lacks last4: %s", b)
			}
		})
	}
}

func TestSaveScrubsKeyFromKeychainError(t *testing.T) {
	s := New(Options{Keyring: brokenKeyring{errors.New("D-Bus said: " + kcKey)}, Getenv: envOf(nil)})
	_, err := s.Save(context.Background(), kcKey)
	if err == nil || strings.Contains(err.Error(), kcKey) {
		t.Fatalf("err=%v should exist and not contain the key", err)
	}
}

func TestKnownSecrets(t *testing.T) {
	s := New(Options{Keyring: newMemKeyring(), Getenv: envOf(map[string]string{EnvDashScope: dashKey})})
	ctx := context.Background()
	s.Key(ctx)
	s.Key(ctx)
	if _, err := s.Save(ctx, kcKey); err != nil {
		t.Fatal(err)
	}
	got := s.KnownSecrets()
	if len(got) != 2 || got[0] != dashKey || got[1] != kcKey {
		t.Fatalf("KnownSecrets returned %d entries, want the env key then the saved key", len(got))
	}
}

func withItem(k, v string) *memKeyring {
	m := newMemKeyring()
	m.items[k] = v
	return m
}
