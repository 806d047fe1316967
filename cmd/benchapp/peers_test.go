package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeDist lays out a bundle like vite build's: index.html naming its hashed entry.
func writeDist(t *testing.T) string {
	t.Helper()
	dist := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dist, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	index := `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="script-src 'self'" />` +
		`<script type="module" crossorigin src="/assets/index-AbC123.js"></script></head><body><div id="app"></div></body></html>`
	for name, text := range map[string]string{"index.html": index, "assets/index-AbC123.js": "console.log(1)", ".gitkeep": ""} {
		if err := os.WriteFile(filepath.Join(dist, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dist
}

func TestCheckBundleWantsTheFilesTheBinaryEmbeds(t *testing.T) {
	dist := writeDist(t)
	bin := filepath.Join(t.TempDir(), "app")
	if err := os.WriteFile(bin, []byte("...index.html...assets/index-AbC123.js..."), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := checkBundle(dist, bin); err != nil {
		t.Fatalf("a binary naming every file: %v", err)
	}
	if err := os.WriteFile(bin, []byte("...index.html...assets/index-Other9.js..."), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := checkBundle(dist, bin); err == nil || !strings.Contains(err.Error(), "assets/index-AbC123.js") {
		t.Fatalf("a binary built from another bundle: got %v, want an error naming the missing file", err)
	}
}

func TestBundleLoadsTheStandInBeforeTheEntryAndServesDistAsItIs(t *testing.T) {
	dist := writeDist(t)
	standIn := filepath.Join(t.TempDir(), "backend.js")
	if err := os.WriteFile(standIn, []byte("window.go = {}"), 0o644); err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(dist, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := newBundle(dist, index, standIn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.srv.Close()
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get(b.url + strings.TrimPrefix(path, "/"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return string(data)
	}
	page := get("/")
	standInAt, entryAt := strings.Index(page, `<script src="/bench-memory/backend.js"></script>`), strings.Index(page, `<script type="module"`)
	if standInAt < 0 || entryAt < 0 || standInAt > entryAt {
		t.Fatalf("the page must load the stand-in, then the entry:\n%s", page)
	}
	if strings.Replace(page, `<script src="/bench-memory/backend.js"></script>`+"\n    ", "", 1) != string(index) {
		t.Fatalf("the page differs from dist/index.html by more than the stand-in's tag:\n%s", page)
	}
	if got := get("/assets/index-AbC123.js"); got != "console.log(1)" {
		t.Fatalf("the entry script: got %q", got)
	}
	if got := get("/bench-memory/backend.js"); got != "window.go = {}" {
		t.Fatalf("the stand-in: got %q", got)
	}
}
