package tools

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// loginShellPath asks the user's login shell for its PATH. An app started from the desktop
// inherits a minimal PATH without nvm's node, ~/.local/bin (uvx) or Homebrew, the most common
// "npx: not found" complaint with MCP clients. "" when there is no shell or it is too slow.
func loginShellPath(ctx context.Context, shell string) string {
	if runtime.GOOS == "windows" || shell == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 4*time.Second)
	defer cancel()
	// Markers, because profile scripts may print greetings; fish keeps PATH as a list.
	script := `printf '\n__QWENDESK_PATH__%s__QWENDESK_PATH__\n' "$PATH"`
	if filepath.Base(shell) == "fish" {
		script = `printf '\n__QWENDESK_PATH__%s__QWENDESK_PATH__\n' (string join : $PATH)`
	}
	cmd := exec.CommandContext(ctx, shell, "-l", "-c", script)
	cmd.Stdin = nil
	setProcessGroup(cmd) // a profile that starts a background job must not outlive the probe
	cmd.Cancel = func() error { return killGroup(cmd, true) }
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		return ""
	}
	const mark = "__QWENDESK_PATH__"
	i := bytes.Index(out, []byte(mark))
	if i < 0 {
		return ""
	}
	rest := out[i+len(mark):]
	j := bytes.Index(rest, []byte(mark))
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// mergePath puts the login shell's folders first (what the user's terminal finds), then the
// app's own that the shell lacks; empty entries are dropped.
func mergePath(login, current string) []string {
	var out []string
	for _, p := range append(filepath.SplitList(login), filepath.SplitList(current)...) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// resolveCommand finds command the way a shell would, in dirs. A command with a path
// separator is taken relative to cwd.
func resolveCommand(command, cwd string, dirs []string) (string, error) {
	if strings.ContainsRune(command, '/') || strings.ContainsRune(command, filepath.Separator) {
		p := command
		if !filepath.IsAbs(p) && cwd != "" {
			p = filepath.Join(cwd, p)
		}
		if isExecutable(p) {
			return p, nil
		}
		return "", &CommandNotFoundError{Command: command, Path: []string{filepath.Dir(p)}}
	}
	for _, d := range dirs {
		for _, name := range candidates(command) {
			p := filepath.Join(d, name)
			if isExecutable(p) {
				return p, nil
			}
		}
	}
	return "", &CommandNotFoundError{Command: command, Path: dirs}
}

func candidates(command string) []string {
	if runtime.GOOS != "windows" || filepath.Ext(command) != "" {
		return []string{command}
	}
	exts := filepath.SplitList(os.Getenv("PATHEXT"))
	if len(exts) == 0 {
		exts = []string{".com", ".exe", ".bat", ".cmd"}
	}
	out := make([]string, len(exts))
	for i, e := range exts {
		out[i] = command + strings.ToLower(e)
	}
	return out
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		return false
	}
	return runtime.GOOS == "windows" || st.Mode().Perm()&0o111 != 0
}
