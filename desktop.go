package main

import (
	"context"
	"errors"
	"os/exec"
	goruntime "runtime"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// wailsDesktop shows native dialogs through Wails and folders through the OS's own opener.
type wailsDesktop struct{ emitter *wailsEmitter }

var errNotReady = errors.New("the window is not ready yet")

func (d wailsDesktop) ctx() (context.Context, error) {
	if ctx := d.emitter.context(); ctx != nil {
		return ctx, nil
	}
	return nil, errNotReady
}

func (d wailsDesktop) SaveFile(title, defaultName, pattern string) (string, error) {
	ctx, err := d.ctx()
	if err != nil {
		return "", err
	}
	return runtime.SaveFileDialog(ctx, runtime.SaveDialogOptions{
		Title:           title,
		DefaultFilename: defaultName,
		Filters:         []runtime.FileFilter{{DisplayName: pattern, Pattern: pattern}},
	})
}

func (d wailsDesktop) OpenFile(title, pattern string) (string, error) {
	ctx, err := d.ctx()
	if err != nil {
		return "", err
	}
	return runtime.OpenFileDialog(ctx, runtime.OpenDialogOptions{
		Title:   title,
		Filters: []runtime.FileFilter{{DisplayName: pattern, Pattern: pattern}},
	})
}

// OpenFiles is the native multiple-file picker (GTK's file chooser on Linux), with no
// filter: which files can be read is decided by their content, not their extension.
func (d wailsDesktop) OpenFiles(title string) ([]string, error) {
	ctx, err := d.ctx()
	if err != nil {
		return nil, err
	}
	return runtime.OpenMultipleFilesDialog(ctx, runtime.OpenDialogOptions{Title: title})
}

// Reveal opens dir with the platform's file manager. The path is the app's own data folder,
// never something the webview chose.
func (d wailsDesktop) Reveal(dir string) error {
	var cmd *exec.Cmd
	switch goruntime.GOOS {
	case "darwin":
		cmd = exec.Command("open", dir)
	case "windows":
		cmd = exec.Command("explorer", dir)
	default:
		cmd = exec.Command("xdg-open", dir)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it; the file manager outlives nothing of ours
	return nil
}
