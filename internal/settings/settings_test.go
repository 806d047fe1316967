package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadMissingFileGivesDefaults(t *testing.T) {
	f := Open(t.TempDir())
	s, err := f.Load()
	if err != nil {
		t.Fatal(err)
	}
	if s != Defaults() {
		t.Fatalf("got %+v, want defaults", s)
	}
}

func TestSaveThenLoadKeepsChoices(t *testing.T) {
	dir := t.TempDir()
	want := Settings{Region: "custom", CustomBaseURL: "https://example.test/v1", Model: "qwen3-max"}
	if err := Open(dir).Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := Open(dir).Load()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestDamagedFileIsMovedAsideNotDeleted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir).Load()
	if err == nil || !strings.Contains(err.Error(), ".corrupt") {
		t.Fatalf("want an error naming where the old file went, got %v", err)
	}
	if s != Defaults() {
		t.Fatalf("damaged file must give defaults, got %+v", s)
	}
	kept, rerr := os.ReadFile(path + ".corrupt")
	if rerr != nil || string(kept) != "{not json" {
		t.Fatalf("old file not kept: %v %q", rerr, kept)
	}
}
