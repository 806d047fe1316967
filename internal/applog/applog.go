// Package applog owns QwenDesk's log file: JSON lines in the data folder, private to the
// user, rotated by size, with secrets redacted on the way out.
package applog

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// FileName is the log inside the data folder; the previous one is FileName + ".1".
const FileName = "qwendesk.log"

// MaxSize is the size above which Open starts a fresh file.
const MaxSize = 5 << 20

// Open creates or appends to dir/qwendesk.log (mode 0600, even if the file existed with
// wider permissions) and returns a JSON logger on it and the file to close at exit. A log
// over MaxSize is first renamed to qwendesk.log.1, replacing the older one: rotating only
// at start keeps the writer simple, and a session of a chat client writes far less than
// 5 MiB.
//
// The logger already redacts strings that look like DashScope keys. To also redact the
// key actually in use, wrap its handler:
//
//	log = slog.New(applog.NewRedactingHandler(log.Handler(), store.KnownSecrets))
func Open(dir string) (*slog.Logger, io.Closer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("applog: creating log folder: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if err := rotate(path); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("applog: opening log: %w", err)
	}
	// OpenFile's mode applies only to new files; tighten one an older version created.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("applog: restricting log permissions: %w", err)
	}
	h := slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})
	return slog.New(NewRedactingHandler(h, nil)), f, nil
}

func rotate(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("applog: checking log size: %w", err)
	}
	if fi.Size() <= MaxSize {
		return nil
	}
	if err := os.Rename(path, path+".1"); err != nil {
		return fmt.Errorf("applog: rotating log: %w", err)
	}
	return nil
}
