package main

import (
	"bytes"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"qwendesk/internal/chat"
)

// MaxSavedFile bounds what the window may ask to save in one call: a diagram or a page is a
// few hundred KB; anything near this is not something an answer produced.
const MaxSavedFile = 16 << 20

// saveKinds are the files the window can save from an answer: a diagram as SVG or PNG, a
// previewed page as HTML (or SVG).
var saveKinds = map[string]struct{ ext, pattern string }{
	"svg":  {".svg", "*.svg"},
	"png":  {".png", "*.png"},
	"html": {".html", "*.html"},
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// SaveFile asks where to save a diagram or a previewed page and writes it there. kind is
// "svg" or "html" with the text as content, or "png" with a data:image/png;base64 URL. It
// returns the path, or "" when the user cancelled.
func (a *App) SaveFile(kind, name, content string) (string, error) {
	k, ok := saveKinds[kind]
	if !ok {
		return "", &chat.UserError{Kind: chat.KindInvalidInput, Message: "Save as svg, png or html."}
	}
	if len(content) > MaxSavedFile*4/3+64 {
		return "", &chat.UserError{Kind: chat.KindInvalidInput, Message: "The file is too large to save."}
	}
	data, err := fileBytes(kind, content)
	if err != nil {
		return "", err
	}
	base := safeFileName(strings.TrimSuffix(name, k.ext))
	path, err := a.desktop.SaveFile("Save "+strings.ToUpper(kind), base+k.ext, k.pattern)
	if err != nil || path == "" {
		return "", err
	}
	if err := writeFileAtomic(path, data); err != nil {
		return "", &chat.UserError{Kind: chat.KindExport, Message: "The file could not be written: " + err.Error(), Err: err}
	}
	a.log.Info("file saved", "kind", kind, "bytes", len(data))
	return path, nil
}

// fileBytes checks that content is what kind says: a PNG (decoded from its data URL) or
// UTF-8 text that looks like the format, so a caller cannot write arbitrary bytes under a
// harmless name.
func fileBytes(kind, content string) ([]byte, error) {
	bad := func(msg string) error { return &chat.UserError{Kind: chat.KindInvalidInput, Message: msg} }
	switch kind {
	case "png":
		b64, ok := strings.CutPrefix(content, "data:image/png;base64,")
		if !ok {
			return nil, bad("A PNG must come as a data:image/png;base64 URL.")
		}
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || !bytes.HasPrefix(data, pngMagic) || len(data) > MaxSavedFile {
			return nil, bad("That is not a PNG image.")
		}
		return data, nil
	default:
		if content == "" || len(content) > MaxSavedFile || !utf8.ValidString(content) {
			return nil, bad("Nothing to save, or not text.")
		}
		if kind == "svg" && !strings.Contains(content, "<svg") {
			return nil, bad("That is not an SVG image.")
		}
		return []byte(content), nil
	}
}
