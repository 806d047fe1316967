//go:build unix

package tools

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"qwendesk/internal/toolcall"
	"qwendesk/internal/tools/mcpconfig"
)

func TestCrashMidCallFailsThePendingCallAtOnce(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, named("fake", approved(fakeCmd("ok"), allFake...)))
	m := newManager(t, Options{Dir: dir, CallTimeout: 30 * time.Second})
	waitState(t, m, "fake", StateReady)

	start := time.Now()
	res := m.Run(context.Background(), toolcall.Call{Name: "fake__crash", Arguments: "{}"})
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the call waited %s for a dead server (timeout 30 s)", took)
	}
	if res.Outcome != toolcall.OutcomeFailed || !strings.Contains(res.Content, "exit status 3") {
		t.Fatalf("got %s %q; want failed naming the exit status", res.Outcome, res.Content)
	}
	st := waitState(t, m, "fake", StateFailed)
	if !strings.Contains(st.Reason, "exit status 3") || !strings.Contains(st.Stderr, "panic: boom in the middle of a call") {
		t.Fatalf("status %+v; want the exit and the stderr tail", st)
	}
	if defs := m.Definitions(context.Background(), "c"); len(defs) != 0 {
		t.Fatalf("a failed server's tools are still offered: %v", defs)
	}
	after := m.Run(context.Background(), toolcall.Call{Name: "fake__echo", Arguments: `{"text":"x"}`})
	if after.Outcome != toolcall.OutcomeInvalid || !strings.Contains(after.Content, "No tools are available") {
		t.Fatalf("a call to a failed server: %s %q", after.Outcome, after.Content)
	}

	// Restart brings it back.
	if _, err := m.Restart("fake"); err != nil {
		t.Fatal(err)
	}
	waitState(t, m, "fake", StateReady)
	if res := m.Run(context.Background(), toolcall.Call{Name: "fake__echo", Arguments: `{"text":"again"}`}); res.Content != "echo: again" {
		t.Fatalf("after restart: %s %q", res.Outcome, res.Content)
	}
}

func TestHangingToolTimesOutAndStopCancelsPromptly(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, named("fake", approved(fakeCmd("stubborn"), allFake...)))
	m := newManager(t, Options{Dir: dir, CallTimeout: 700 * time.Millisecond})
	waitState(t, m, "fake", StateReady)

	start := time.Now()
	res := m.Run(context.Background(), toolcall.Call{Name: "fake__hang", Arguments: "{}"})
	took := time.Since(start)
	if res.Outcome != toolcall.OutcomeTimeout || took < 600*time.Millisecond || took > 3*time.Second {
		t.Fatalf("got %s after %s; want timeout after ~0.7 s", res.Outcome, took)
	}
	if !strings.Contains(res.Content, "did not answer within 700ms") {
		t.Fatalf("the model is not told why: %q", res.Content)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start = time.Now()
	res = m.Run(ctx, toolcall.Call{Name: "fake__hang", Arguments: "{}"})
	if res.Outcome != toolcall.OutcomeCancelled || time.Since(start) > 600*time.Millisecond {
		t.Fatalf("Stop: got %s after %s; want cancelled at once", res.Outcome, time.Since(start))
	}
	// The server survives both: it is still usable.
	if res := m.Run(context.Background(), toolcall.Call{Name: "fake__echo", Arguments: `{"text":"ok"}`}); res.Outcome != toolcall.OutcomeOK {
		t.Fatalf("after a timeout: %s %q", res.Outcome, res.Content)
	}
}

func TestLogLinesOnStdoutAreSurvived(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, named("fake", approved(fakeCmd("garbage"), allFake...)))
	m := newManager(t, Options{Dir: dir})
	waitState(t, m, "fake", StateReady)
	for range 3 {
		res := m.Run(context.Background(), toolcall.Call{Name: "fake__noisy", Arguments: "{}"})
		if res.Outcome != toolcall.OutcomeOK || res.Content != "still here" {
			t.Fatalf("got %s %q", res.Outcome, res.Content)
		}
	}
	st, _ := m.Server("fake")
	for _, line := range []string{"Fake server running on stdio", "only looks like JSON", "DEBUG handling noisy call"} {
		if !strings.Contains(st.Stdout, line) {
			t.Errorf("the dropped stdout line %q is not shown: %q", line, st.Stdout)
		}
	}
}

func TestServerThatClosesStdoutIsReportedClearly(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, named("fake", fakeCmd("closed")))
	m := newManager(t, Options{Dir: dir, StartTimeout: 20 * time.Second, StopGrace: 200 * time.Millisecond})
	start := time.Now()
	st := waitState(t, m, "fake", StateFailed)
	if time.Since(start) > 5*time.Second || !strings.Contains(st.Reason, "stdout") {
		t.Fatalf("after %s: reason %q; want at once, naming stdout", time.Since(start), st.Reason)
	}
}

func TestServerExitingAtStart(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, named("fake", fakeCmd("exit")))
	m := newManager(t, Options{Dir: dir, StartTimeout: 20 * time.Second})
	start := time.Now()
	st := waitState(t, m, "fake", StateFailed)
	if time.Since(start) > 5*time.Second {
		t.Fatalf("a server that exits at once was reported after %s (start timeout 20 s)", time.Since(start))
	}
	if !strings.Contains(st.Reason, "exit status 1") || !strings.Contains(st.Stderr, "cannot open /etc/fake-server.conf") {
		t.Fatalf("status %+v", st)
	}
}

func TestCommandNotFoundNamesTheCommandAndThePath(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, named("gone", mcpconfig.Server{Command: "qwendesk-no-such-server"}))
	t.Setenv("PATH", "/qd/app/bin"+string(os.PathListSeparator)+os.Getenv("PATH"))
	m := newManager(t, Options{Dir: dir})
	st := waitState(t, m, "gone", StateFailed)
	if !strings.Contains(st.Reason, `"qwendesk-no-such-server" was not found`) || !strings.Contains(st.Reason, "/qd/app/bin") {
		t.Fatalf("reason %q; want the command and the folders searched", st.Reason)
	}
	_, err := m.Preview(ServerInput{Name: "x", Command: "qwendesk-no-such-server"})
	if KindOf(err) != KindCommandNotFound {
		t.Fatalf("Preview: %v (kind %q)", err, KindOf(err))
	}
}

// A GUI launch has a bare PATH; the login shell knows where npx lives.
func TestCommandIsFoundOnTheLoginShellPath(t *testing.T) {
	bin := t.TempDir()
	if err := os.Symlink(os.Args[0], filepath.Join(bin, "qd-fake-server")); err != nil {
		t.Fatal(err)
	}
	shell := filepath.Join(t.TempDir(), "loginsh")
	script := "#!/bin/sh\n# a login shell whose profile adds a folder to PATH\nPATH=" + bin + ":$PATH\nexport PATH\necho 'Welcome back!'\nexec /bin/sh -c \"$3\"\n"
	if err := os.WriteFile(shell, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := fakeCmd("ok")
	s.Command = "qd-fake-server"
	writeConfig(t, dir, named("fake", s))
	m, err := New(Options{Dir: dir, Shell: shell})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p, err := m.Preview(ServerInput{Name: "n", Command: "qd-fake-server", Args: []string{"a b"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(bin, "qd-fake-server"); p.Path != want || p.Line != want+" 'a b'" {
		t.Fatalf("preview %+v; want %s", p, want)
	}
	m.Start()
	st := waitState(t, m, "fake", StateReady)
	if !strings.HasPrefix(st.Command, bin) {
		t.Fatalf("status shows %q; want the resolved path", st.Command)
	}
}

func TestNoChildOutlivesClose(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	dir := t.TempDir()
	writeConfig(t, dir, named("a", approved(fakeCmd("ok"), "spawn")), named("b", fakeCmd("stubborn")))
	m, err := New(Options{Dir: dir, StopGrace: 300 * time.Millisecond, Shell: "/nonexistent"})
	if err != nil {
		t.Fatal(err)
	}
	m.Start()
	waitState(t, m, "a", StateReady)
	waitState(t, m, "b", StateReady)
	res := m.Run(context.Background(), toolcall.Call{Name: "a__spawn", Arguments: "{}"})
	grandchild, err := strconv.Atoi(res.Content)
	if err != nil {
		t.Fatalf("spawn: %s %q", res.Outcome, res.Content)
	}
	m.mu.Lock()
	var pids []int
	for _, s := range m.servers {
		s.inst.mu.Lock()
		pids = append(pids, s.inst.proc.cmd.Process.Pid)
		s.inst.mu.Unlock()
	}
	m.mu.Unlock()
	pids = append(pids, grandchild)

	start := time.Now()
	m.Close()
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("Close took %s", took)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("process %d survived Close", pid)
		}
	}
	if st, _ := m.Server("a"); st.State != StateStopped {
		t.Fatalf("after Close: %s", st.State)
	}
	goleak.VerifyNone(t, ignore)
}

// alive reports whether pid is a running process (a zombie waiting for a reaper is dead).
func alive(pid int) bool {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil {
			return false
		}
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err == nil {
			if f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:])); len(f) > 0 && f[0] == "Z" {
				return false
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

func TestTheKeyNeverReachesAServer(t *testing.T) {
	const key = "sk-test-0123456789abcdef"
	t.Setenv("DASHSCOPE_API_KEY", key)
	t.Setenv("API_KEY", key)
	t.Setenv("MY_QWEN", key) // the same key under a name we cannot guess
	t.Setenv("QD_HARMLESS", "kept")
	dir := t.TempDir()
	s := approved(fakeCmd("ok"), "env")
	s.Env["FROM_CONFIG"] = "${QD_HARMLESS}-x"
	s.Env["SNEAKY"] = "${DASHSCOPE_API_KEY}"
	writeConfig(t, dir, named("fake", s))
	m := newManager(t, Options{Dir: dir, SecretValues: func() []string { return []string{key} }})
	waitState(t, m, "fake", StateReady)
	res := m.Run(context.Background(), toolcall.Call{Name: "fake__env", Arguments: "{}"})
	if res.Outcome != toolcall.OutcomeOK {
		t.Fatalf("%s %q", res.Outcome, res.Content)
	}
	if strings.Contains(res.Content, key) || strings.Contains(res.Content, "DASHSCOPE_API_KEY=") || strings.Contains(res.Content, "\nAPI_KEY=") {
		t.Fatalf("the key reached the server's environment:\n%s", res.Content)
	}
	for _, want := range []string{"QD_HARMLESS=kept", "FROM_CONFIG=kept-x", "SNEAKY=\n"} {
		if !strings.Contains(res.Content+"\n", want) {
			t.Errorf("environment lacks %q", want)
		}
	}
}

func TestResultsAreMadeIntoText(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, named("fake", approved(fakeCmd("ok"), allFake...)))
	m := newManager(t, Options{Dir: dir, MaxResultBytes: 1000})
	waitState(t, m, "fake", StateReady)
	run := func(name, a string) toolcall.Result {
		return m.Run(context.Background(), toolcall.Call{Name: "fake__" + name, Arguments: a})
	}
	cases := []struct {
		tool, args string
		outcome    toolcall.Outcome
		says       []string
		truncated  bool
	}{
		{"fail", "{}", toolcall.OutcomeToolError, []string{"disk full"}, false},
		{"mixed", "", toolcall.OutcomeOK, []string{"[image: image/png, 2 KB]", "[resource link: report.pdf (file:///tmp/report.pdf)]", `{"rows":3}`}, false},
		{"big", `{"bytes": 3000}`, toolcall.OutcomeOK, []string{"[output cut: 3 KB → 1000 bytes]"}, true},
		{"echo", `["x"]`, toolcall.OutcomeInvalid, []string{"must be a JSON object", "not a list"}, false},
		{"echo", `{"text": `, toolcall.OutcomeInvalid, []string{"not valid JSON"}, false},
		{"echo", `{"text": 5}`, toolcall.OutcomeToolError, []string{"text"}, false},
	}
	for _, c := range cases {
		res := run(c.tool, c.args)
		if res.Outcome != c.outcome || res.Truncated != c.truncated {
			t.Errorf("%s %s: got %s truncated=%v %q", c.tool, c.args, res.Outcome, res.Truncated, res.Content)
			continue
		}
		for _, s := range c.says {
			if !strings.Contains(res.Content, s) {
				t.Errorf("%s %s: %q lacks %q", c.tool, c.args, res.Content, s)
			}
		}
		if len(res.Content) > 1000 {
			t.Errorf("%s: %d bytes over the limit", c.tool, len(res.Content))
		}
		if res.Server != "fake" || res.Tool != c.tool {
			t.Errorf("%s: server %q tool %q", c.tool, res.Server, res.Tool)
		}
	}
	res := run("big", `{"bytes": 3000}`)
	if !strings.HasPrefix(res.Content, "天天") || strings.ContainsRune(res.Content, '\uFFFD') {
		t.Fatalf("cut inside a character: %q", res.Content[:20])
	}
	unknown := m.Run(context.Background(), toolcall.Call{Name: "fake__nope", Arguments: "{}"})
	if unknown.Outcome != toolcall.OutcomeInvalid || !strings.Contains(unknown.Content, "fake__echo") {
		t.Fatalf("unknown tool: %s %q; want the available tools named", unknown.Outcome, unknown.Content)
	}
}
