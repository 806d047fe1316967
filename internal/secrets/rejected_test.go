package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// rejectedValues are clearly fake values that fail for each reason a set variable can fail;
// the marker "FAKE" in each lets the tests check that no part of a value reaches the Status.
var rejectedValues = []struct{ value, reason string }{
	{"sk-FAKE", "too_short"},
	{"FAKE" + strings.Repeat("0", 20), "wrong_prefix"},
	{"sk-FAKE 0000 0000 0000", "invalid_chars"},
	{"sk-FAKE0000\nsk-FAKE1111", "multiline"},
	{"sk-FAKE" + strings.Repeat("0", 600), "too_long"},
	{`"  "`, "empty"},
}

// TestUnusableKeysAreReportedWithTheirReason: a user whose DASHSCOPE_API_KEY, API_KEY or .env
// entry is set but cannot be a key learns which one and why, and the value never reaches the
// Status.
func TestUnusableKeysAreReportedWithTheirReason(t *testing.T) {
	for _, rv := range rejectedValues {
		for _, where := range []string{EnvDashScope, EnvAPIKey, "dotenv:" + EnvDashScope, "dotenv:" + EnvAPIKey} {
			t.Run(rv.reason+"/"+where, func(t *testing.T) {
				env := map[string]string{}
				dir := t.TempDir()
				want := RejectedKey{Reason: rv.reason}
				if name, ok := strings.CutPrefix(where, "dotenv:"); ok {
					value := rv.value
					if strings.ContainsAny(value, "\n ") && value[0] != '"' {
						value = `"` + value + `"` // a .env value with spaces or lines needs quotes
					}
					want.Source, want.Name, want.Path = SourceDotEnv, name, writeDotEnv(t, dir, name+"="+value+"\n")
				} else {
					env[where] = rv.value
					want.Source, want.Name = Source("env:"+where), where
				}
				s := New(Options{Keyring: newMemKeyring(), Getenv: envOf(env), DotEnvDirs: []string{dir}})
				_, st, err := s.Key(context.Background())
				if rv.reason == "multiline" && want.Source == SourceDotEnv {
					// A .env line cannot hold a newline: the quoted value is unbalanced and dropped.
					if !errors.Is(err, ErrNoKey) || len(st.Rejected) != 0 {
						t.Fatalf("err=%v rejected=%+v, want no key and nothing reported", err, st.Rejected)
					}
					return
				}
				if !errors.Is(err, ErrNoKey) || st.HasKey {
					t.Fatalf("err=%v hasKey=%v, want ErrNoKey", err, st.HasKey)
				}
				if !reflect.DeepEqual(st.Rejected, []RejectedKey{want}) {
					t.Fatalf("rejected = %+v, want %+v", st.Rejected, want)
				}
				b, _ := json.Marshal(st)
				if strings.Contains(string(b), "FAKE") || strings.Contains(string(b), "sk-") {
					t.Fatalf("status JSON holds part of the value: %s", b)
				}
			})
		}
	}
}

// TestRejectedKeysAreListedInOrderUpToTheKeyInUse: every source consulted before the key in
// use is reported, sources after it are not, and a usable key is still found behind bad ones.
func TestRejectedKeysAreListedInOrderUpToTheKeyInUse(t *testing.T) {
	work, data := t.TempDir(), t.TempDir()
	workEnv := writeDotEnv(t, work, "DASHSCOPE_API_KEY=sk-FAKE\nAPI_KEY=ghp_FAKE00000000\n")
	writeDotEnv(t, data, "API_KEY="+dotEnvKey+"\n")
	env := map[string]string{EnvDashScope: "sk-FAKE", EnvAPIKey: "FAKE FAKE FAKE"}
	s := New(Options{Keyring: newMemKeyring(), Getenv: envOf(env), DotEnvDirs: []string{work, data}})
	key, st, err := s.Key(context.Background())
	if err != nil || key != dotEnvKey || st.Source != SourceDotEnv {
		t.Fatalf("source=%q match=%v err=%v, want the data folder's .env key", st.Source, key == dotEnvKey, err)
	}
	want := []RejectedKey{
		{Source: SourceEnvDashScope, Name: EnvDashScope, Reason: "too_short"},
		{Source: SourceEnvAPIKey, Name: EnvAPIKey, Reason: "invalid_chars"},
		{Source: SourceDotEnv, Name: EnvDashScope, Path: workEnv, Reason: "too_short"},
		{Source: SourceDotEnv, Name: EnvAPIKey, Path: workEnv, Reason: "wrong_prefix"},
	}
	if !reflect.DeepEqual(st.Rejected, want) {
		t.Fatalf("rejected = %+v\nwant %+v", st.Rejected, want)
	}

	s = New(Options{Keyring: withItem(ServiceName+"/"+AccountName, kcKey), Getenv: envOf(env), DotEnvDirs: []string{work}})
	if _, st, _ = s.Key(context.Background()); st.Source != SourceKeychain || len(st.Rejected) != 0 {
		t.Fatalf("with a keychain key: source=%q rejected=%+v, want nothing reported", st.Source, st.Rejected)
	}
	s = New(Options{Keyring: newMemKeyring(), Getenv: envOf(map[string]string{EnvAPIKey: apiKey}), DotEnvDirs: []string{work}})
	if _, st, _ = s.Key(context.Background()); st.Source != SourceEnvAPIKey || len(st.Rejected) != 0 {
		t.Fatalf("with a good API_KEY: source=%q rejected=%+v, want the later .env left unread", st.Source, st.Rejected)
	}
}

// TestRejectedIsNeverNull: the frontend reads the list without a null check.
func TestRejectedIsNeverNull(t *testing.T) {
	s := New(Options{Keyring: newMemKeyring(), Getenv: envOf(nil), DotEnvDirs: []string{filepath.Join(t.TempDir(), "none")}})
	b, _ := json.Marshal(s.Status(context.Background()))
	if !strings.Contains(string(b), `"rejected":[]`) {
		t.Fatalf("status JSON = %s, want an empty rejected list", b)
	}
}

// TestPastedKeyNeedsNoPrefix: a key typed into QwenDesk is meant for it (a custom gateway may
// use its own format), so only keys from the shared environment must start with "sk-".
func TestPastedKeyNeedsNoPrefix(t *testing.T) {
	s := New(Options{Keyring: newMemKeyring(), Getenv: envOf(nil)})
	st, err := s.Save(context.Background(), "gateway-FAKE-0000")
	if err != nil || st.Source != SourceKeychain {
		t.Fatalf("Save: source=%q err=%v, want the keychain", st.Source, err)
	}
}
