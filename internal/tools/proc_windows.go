//go:build windows

package tools

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// setProcessGroup gives the child its own process group, so a console Ctrl+C meant for the
// app does not reach it first.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// killGroup ends the child. Windows has no signal for a group; the child's own children
// are not reached (a job object would be needed for that).
func killGroup(cmd *exec.Cmd, _ bool) error {
	if cmd.Process == nil {
		return nil
	}
	err := cmd.Process.Kill()
	if errors.Is(err, os.ErrProcessDone) {
		return nil
	}
	return err
}
