// Command benchwindow measures QwenDesk in its real window, with the DOM probe of a
// -tags benchprobe build (benchprobe.go at the repository root): how long streamed text takes
// from the fake server's write to the window's DOM, and how a 5,000-message conversation
// opens and scrolls, and what it costs in memory. Run it through scripts/bench-window.sh
// (which builds the probe binary, and gives it a private HOME, D-Bus, keyring and Xvfb):
//
//	scripts/bench-window.sh "" build/bench/window.json
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"qwendesk/internal/benchrow"
	"qwendesk/internal/fakedashscope"
)

func main() {
	bin := flag.String("bin", "build/bin/qwendesk-benchprobe", "a QwenDesk binary built with -tags benchprobe")
	out := flag.String("out", "build/bench/window.json", "where to write the JSON rows")
	turns := flag.Int("turns", 30, "paced replies streamed (each gives one first token)")
	tokens := flag.Int("tokens", 200, "tokens per paced reply (50 per second)")
	long := flag.Int("long", 5000, "messages in the long conversation")
	scroll := flag.Duration("scroll", 5*time.Second, "how long to scroll up through the long conversation")
	shots := flag.String("shots", "", "folder for screenshots (default: next to -out)")
	flag.Parse()
	if *shots == "" {
		*shots = filepath.Dir(*out)
	}
	if err := run(*bin, *out, *shots, *turns, *tokens, *long, *scroll); err != nil {
		fmt.Fprintln(os.Stderr, "benchwindow:", err)
		os.Exit(1)
	}
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().UTC().Format("15:04:05.000")}, a...)...)
}

func xdo(args ...string) error {
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("xdotool %v: %v: %s", args, err, out)
	}
	return nil
}

func screenshot(dir, name string) string {
	path := filepath.Join(dir, "window-"+name+".png")
	if err := exec.Command("import", "-window", "root", path).Run(); err != nil {
		logf("screenshot %s: %v", name, err)
		return ""
	}
	logf("screenshot %s", path)
	return path
}

func window(timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^QwenDesk( .*)?$").Output()
		if err == nil {
			if ids := strings.Fields(string(out)); len(ids) > 0 {
				return ids[0], nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return "", errors.New("no QwenDesk window")
}

// writes records when the fake server wrote each marker word (ms of the wall clock).
type writes struct {
	mu sync.Mutex
	at map[string]float64
}

var markerRE = regexp.MustCompile(fakedashscope.PaceMarkerPattern)

func (w *writes) add(c fakedashscope.ChunkWrite) {
	t := float64(c.At.UnixNano()) / 1e6
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range markerRE.FindAllString(c.Text, -1) {
		w.at[m] = t
	}
}

func (w *writes) get(m string) (float64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.at[m]
	return t, ok
}

// pct is the nearest-rank percentile of sorted values.
func pct(s []float64, p float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

// app is one launch of the probe binary.
type app struct {
	cmd    *exec.Cmd
	pid    int
	probe  *probe
	win    string
	exited chan error
	output strings.Builder
}

func launch(bin, dir string, env ...string) (*app, error) {
	probePath := filepath.Join(dir, "probe.jsonl")
	a := &app{probe: newProbe(probePath), exited: make(chan error, 1)}
	a.cmd = exec.Command(bin)
	a.cmd.Env = append(append(os.Environ(), "QWENDESK_DATA_DIR="+filepath.Join(dir, "data"), "QWENDESK_BENCH_PROBE="+probePath), env...)
	a.cmd.Stdout, a.cmd.Stderr = &a.output, &a.output
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := a.cmd.Start(); err != nil {
		return nil, err
	}
	a.pid = a.cmd.Process.Pid
	go func() { a.exited <- a.cmd.Wait() }()
	hello, err := a.probe.waitHello(30 * time.Second)
	if err != nil {
		a.quit()
		return nil, fmt.Errorf("%w\n%s", err, a.output.String())
	}
	logf("probe: %v", hello["ua"])
	if a.win, err = window(30 * time.Second); err != nil {
		a.quit()
		return nil, err
	}
	return a, nil
}

// quit sends SIGTERM, then SIGKILL to the process group it started if the app lingers.
func (a *app) quit() {
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.exited:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-a.pid, syscall.SIGKILL)
		<-a.exited
	}
	time.Sleep(500 * time.Millisecond) // WebKit's helpers go with their parent
}

// clock measures the page's clock (performance.timeOrigin + now()) against Go's time.Now:
// the ping with the shortest round trip gives the offset, ± half its round trip.
func (a *app) clock() (offset, half float64, outside int) {
	best := math.Inf(1)
	for range 15 {
		r, err := a.probe.call(map[string]any{"c": "ping"}, "pong", 5*time.Second)
		if err != nil {
			continue
		}
		sent, js, recv := num(r, "goSent"), num(r, "js"), num(r, "goRecvNs")/1e6
		if js < sent || js > recv {
			outside++
		}
		if rtt := recv - sent; rtt < best {
			best, offset, half = rtt, js-(sent+recv)/2, rtt/2
		}
		time.Sleep(30 * time.Millisecond)
	}
	return
}

// clickOn moves the pointer to the centre of the first element matching sel and clicks.
func (a *app) clickOn(sel string, reveal bool) (map[string]any, error) {
	loc, err := a.probe.call(map[string]any{"c": "locate", "sel": sel, "reveal": reveal}, "loc", 5*time.Second)
	if err != nil {
		return nil, err
	}
	if num(loc, "found") == 0 {
		return loc, fmt.Errorf("nothing in the window matches %s", sel)
	}
	if err := xdo("mousemove", "--window", a.win, fmt.Sprintf("%.0f", num(loc, "x")), fmt.Sprintf("%.0f", num(loc, "y"))); err != nil {
		return loc, err
	}
	time.Sleep(200 * time.Millisecond)
	return loc, xdo("click", "1")
}

// waitFor polls the probe until sel matches something.
func (a *app) waitFor(sel string, timeout time.Duration) (map[string]any, error) {
	deadline := time.Now().Add(timeout)
	for {
		loc, err := a.probe.call(map[string]any{"c": "locate", "sel": sel, "reveal": true}, "loc", 5*time.Second)
		if err == nil && num(loc, "found") > 0 {
			return loc, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s did not appear within %v (%v)", sel, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

type config struct {
	bin, out, shots     string
	turns, tokens, long int
	scroll              time.Duration
}

func run(bin, out, shots string, turns, tokens, long int, scrollFor time.Duration) error {
	c := config{bin: bin, out: out, shots: shots, turns: turns, tokens: tokens, long: long, scroll: scrollFor}
	started := time.Now()
	if _, err := os.Stat(bin); err != nil {
		return err
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "qwendesk-benchwindow-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var kb [16]byte
	_, _ = rand.Read(kb[:])
	key := "sk-bench" + hex.EncodeToString(kb[:])
	w := &writes{at: map[string]float64{}}
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, OnWrite: w.add})
	defer fake.Close()
	env := []string{"DASHSCOPE_BASE_URL=" + fake.BaseURL(), "DASHSCOPE_API_KEY=" + key}

	// Two launches, each on a history of its own: the paced replies first, then the long
	// conversation, whose idle memory is read before anything else happened in that window.
	var rows []benchrow.Row
	load0 := loadavg()
	for i, phase := range []func(*app, filled) ([]benchrow.Row, error){
		func(a *app, h filled) ([]benchrow.Row, error) { return tokenPhase(a, c, w) },
		func(a *app, h filled) ([]benchrow.Row, error) { return longPhase(a, c, h) },
	} {
		dir := filepath.Join(tmp, fmt.Sprint("launch", i+1))
		t0 := time.Now()
		hist, err := fillHistory(context.Background(), filepath.Join(dir, "data"), long, 20251201)
		if err != nil {
			return fmt.Errorf("fill the history: %w", err)
		}
		logf("launch %d: history of %d conversations, the long one %d messages, %.1f MB of text, written in %.1f s", i+1, hist.conversations, hist.longMessages, hist.contentMB, time.Since(t0).Seconds())
		a, err := launch(bin, dir, env...)
		if err != nil {
			return err
		}
		r, err := phase(a, hist)
		a.quit()
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}

	// The machine is shared: say how busy it was, in every row's note.
	busy := fmt.Sprintf("load average (1 min) %s at the start, %s at the end, on %d CPUs", load0, loadavg(), runtime.NumCPU())
	for i := range rows {
		rows[i].Note = strings.TrimPrefix(rows[i].Note+"; "+busy, "; ")
	}
	host, _ := os.Hostname()
	fmt.Printf("benchwindow: %s, %s/%s, %d CPUs (Xvfb), %.0f s\n\n", host, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Since(started).Seconds())
	for _, r := range rows {
		m := "—"
		if r.Met != nil {
			m = map[bool]string{true: "yes", false: "NO"}[*r.Met]
		}
		fmt.Printf("%-70s %10.1f  %-6s %-10s %s\n", r.Figure, r.QwenDesk, r.Unit, r.Goal, m)
	}
	if err := benchrow.Write(out, rows); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", out)
	return nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func met(v, goal float64) *bool {
	if math.IsNaN(v) {
		return nil
	}
	return benchrow.Met(v < goal)
}

func nan0(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// list1 prints values with one decimal.
func list1(s []float64) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprintf("%.1f", v)
	}
	return strings.Join(parts, " ")
}
