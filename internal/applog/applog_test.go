package applog

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestOpenWritesPrivateJSONLines(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	log, closer, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("started", "version", "1.0")
	log.Warn("key looked like sk-0123456789abcdef0123")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(dir, FileName)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2", len(lines))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", l, err)
		}
	}
	if strings.Contains(string(b), "sk-0123456789abcdef0123") {
		t.Fatal("Open's logger does not redact sk- keys")
	}
	assertMode(t, path)
}

func TestOpenTightensExistingFileMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, closer, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	closer.Close()
	assertMode(t, path)
}

func TestOpenRotation(t *testing.T) {
	tests := []struct {
		name        string
		size        int
		wantRotated bool
	}{
		{"small file is appended to", 1024, false},
		{"exactly 5 MiB is kept", MaxSize, false},
		{"over 5 MiB is rotated", MaxSize + 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			old := bytes.Repeat([]byte("x"), tt.size)
			if err := os.WriteFile(path, old, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+".1", []byte("older"), 0o600); err != nil {
				t.Fatal(err)
			}

			log, closer, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			log.Info("new session")
			closer.Close()

			cur, _ := os.ReadFile(path)
			prev, _ := os.ReadFile(path + ".1")
			if tt.wantRotated {
				if !bytes.Equal(prev, old) {
					t.Fatalf(".1 holds %d bytes, want the old %d", len(prev), len(old))
				}
				if len(cur) > 200 || !bytes.Contains(cur, []byte("new session")) {
					t.Fatalf("fresh log holds %d bytes", len(cur))
				}
				assertMode(t, path)
			} else {
				if string(prev) != "older" || !bytes.HasPrefix(cur, old) || !bytes.Contains(cur[len(old):], []byte("new session")) {
					t.Fatal("log should have been appended to, .1 untouched")
				}
			}
		})
	}
}

func assertMode(t *testing.T, path string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return // Unix permission bits do not apply
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Fatalf("mode %o, want 600", m)
	}
}
