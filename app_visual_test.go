package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qwendesk/internal/secrets"
)

// Saving a diagram or a preview writes exactly the file the window asked for, and refuses
// anything that is not what its kind says (the webview must not write arbitrary bytes).
func TestSaveFileWritesOnlyWhatItsKindSays(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	a.startup(context.Background())
	dir := t.TempDir()
	png := append([]byte("\x89PNG\r\n\x1a\n"), 1, 2, 3)
	cases := []struct {
		name, kind, file, content string
		want                      []byte // nil: refused
		kindErr                   string
	}{
		{"svg", "svg", "flow", "<svg xmlns='http://www.w3.org/2000/svg'></svg>", []byte("<svg xmlns='http://www.w3.org/2000/svg'></svg>"), ""},
		{"png from a data URL", "png", "flow", "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), png, ""},
		{"html page", "html", "page", "<h1>hi</h1>", []byte("<h1>hi</h1>"), ""},
		{"unknown kind", "exe", "x", "MZ", nil, "invalid_input"},
		{"png that is not a png", "png", "x", "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("#!/bin/sh")), nil, "invalid_input"},
		{"png not a data URL", "png", "x", "iVBORw0KGgo=", nil, "invalid_input"},
		{"svg that is not svg", "svg", "x", "#!/bin/sh\nrm -rf ~", nil, "invalid_input"},
		{"empty html", "html", "x", "", nil, "invalid_input"},
		{"too large", "html", "x", strings.Repeat("a", MaxSavedFile+1), nil, "invalid_input"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name+"."+c.kind)
		a.desktop.savePath = path
		got, err := a.SaveFile(c.kind, c.file, c.content)
		if c.want == nil {
			if kindOf(err) != c.kindErr {
				t.Errorf("%s: err %v, want kind %s", c.name, err, c.kindErr)
			}
			if _, statErr := os.Stat(path); statErr == nil {
				t.Errorf("%s: a refused save wrote %s", c.name, path)
			}
			continue
		}
		if err != nil || got != path {
			t.Fatalf("%s: SaveFile = %q, %v", c.name, got, err)
		}
		if b, _ := os.ReadFile(path); !bytes.Equal(b, c.want) {
			t.Errorf("%s: wrote %q, want %q", c.name, b, c.want)
		}
	}
	a.desktop.savePath = "" // the user cancelled the dialog
	if got, err := a.SaveFile("svg", "x", "<svg/>"); got != "" || err != nil {
		t.Errorf("cancelled save = %q, %v", got, err)
	}
}
