// Package settings keeps the user's choices (region, endpoint, model) in a small JSON file in
// the data folder. It is the only place that reads or writes that file.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// FileName is the settings file inside the data folder.
const FileName = "settings.json"

// Settings are the persisted user choices. The API key is never one of them.
type Settings struct {
	Region        string `json:"region"`        // a qwen region id, or "custom"
	CustomBaseURL string `json:"customBaseURL"` // used when Region is "custom"
	Model         string `json:"model"`
}

// Defaults are what a first launch starts with.
func Defaults() Settings {
	return Settings{Region: "beijing", Model: "qwen-plus"}
}

// File reads and writes Settings at one path. Safe for concurrent use.
type File struct {
	path string
	mu   sync.Mutex
}

// Open returns the settings file in dir (the data folder).
func Open(dir string) *File {
	return &File{path: filepath.Join(dir, FileName)}
}

// Path is where the file lives.
func (f *File) Path() string { return f.path }

// Load returns the stored settings, filling gaps with Defaults. A missing file is not an
// error. An unreadable one is moved aside (never deleted) so the app keeps working, and the
// returned error says where it went.
func (f *File) Load() (Settings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := Defaults()
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read settings: %w", err)
	}
	var stored Settings
	if err := json.Unmarshal(data, &stored); err != nil {
		aside := f.path + ".corrupt"
		if rerr := os.Rename(f.path, aside); rerr != nil {
			return s, fmt.Errorf("settings file %s is damaged and could not be moved aside: %w", f.path, rerr)
		}
		return s, fmt.Errorf("settings file was damaged; defaults restored, the old file was kept at %s", aside)
	}
	if stored.Region != "" {
		s.Region = stored.Region
	}
	s.CustomBaseURL = stored.CustomBaseURL
	if stored.Model != "" {
		s.Model = stored.Model
	}
	return s, nil
}

// Save writes s atomically (temp file + rename) so a crash never leaves half a file.
func (f *File) Save(s Settings) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), FileName+".*.tmp")
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save settings: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save settings: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}
