package main

// The two baselines measured beside QwenDesk in the same run, under the same Xvfb, one at a
// time after QwenDesk has quit (so no tree shares its pages with another tree of the run):
//
//   - the same production bundle (frontend/dist, which the binary embeds) in Debian's
//     Chromium as an --app window, with frontend/bench/memory/backend.ts standing in for Go:
//     the engine Electron ships, running QwenDesk's own UI;
//   - an empty Wails window (cmd/benchempty): the floor any Wails app starts from.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The same settle times for every tree: idle is measured this long after the first paint,
// "after the answer" this long after the turn finished.
const (
	idleSettle  = 5 * time.Second
	afterSettle = 3 * time.Second
)

// quietRule is when waitQuiet says a tree has finished its work.
const quietRule = "under 5% of one core over the last second"

// waitQuiet waits until the tree of roots has used under 50 ms of CPU over the last second
// (a streamed answer is rendered; a caret blinking is not work), at most 120 s, and says how
// long that took.
func waitQuiet(roots func() []int) time.Duration {
	start := time.Now()
	total := func() float64 {
		t := 0.0
		for _, v := range cpuTimes(treeOf(roots())) {
			t += v
		}
		return t
	}
	var window []float64 // samples every 250 ms
	for time.Since(start) < 120*time.Second {
		window = append(window, total())
		if len(window) > 5 {
			window = window[1:]
		}
		if len(window) == 5 && window[4]-window[0] < 0.05 {
			return time.Since(start)
		}
		time.Sleep(250 * time.Millisecond)
	}
	return time.Since(start)
}

// snap is one measurement of a process tree.
type snap struct {
	ps       []proc
	rss, pss int
	once     resident
}

func measure(pids []int) snap {
	ps := treeOf(pids)
	s := snap{ps: ps, once: residentOnce(ps)}
	s.rss, s.pss = sum(ps)
	fmt.Fprintf(os.Stderr, "tree of %d processes, Pss %s\n", len(ps), pssHow(s))
	return s
}

// pssOf is a tree's Pss in MB as the goals use it: the tree's on its own, its distinct
// resident pages (see resident), when frame numbers can be read; else the kernel's Pss sum,
// which other processes on the machine lower.
func pssOf(s snap) float64 {
	if s.once.ok {
		return mb(s.once.totalKB)
	}
	return mb(s.pss)
}

// pssMethod says, in a row's note, what its Pss figures are.
const pssMethod = "PSS of each whole process tree on its own: its distinct resident pages (frame numbers from /proc/PID/pagemap), " +
	"which is the tree's Pss sum when no process outside it maps the same pages. The kernel's Pss sum is lower and moves with " +
	"whatever else maps the same libraries (on this shared machine: other users' Xvfb servers, which map Mesa's libLLVM, and their " +
	"WebKit and Chromium windows), by tens of MB between runs; it is given for each tree."

// pssHow says how pssOf's figure was found and what the kernel's own sum was.
func pssHow(s snap) string {
	if !s.once.ok {
		return fmt.Sprintf("the kernel's Pss sum %.1f MB (page map counts unreadable: other windows on the machine lower it)", mb(s.pss))
	}
	return fmt.Sprintf("%.1f MB (the kernel's Pss sum at that moment %.1f MB)", pssOf(s), mb(s.pss))
}

// pidsWith returns the processes whose command line contains s (Chromium's crash handler
// leaves the browser's tree: it is started through a double fork, so init adopts it).
func pidsWith(s string) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline")); err == nil && bytes.Contains(cmd, []byte(s)) {
			out = append(out, pid)
		}
	}
	return out
}

// sharersOutside returns the processes outside mine that map WebKitGTK, run a Chromium or
// are an X server (Xvfb maps Mesa's libLLVM, as the windows do): other users' windows and
// displays on a shared machine, and the run's own Xvfb. They share library pages with the
// measured trees and so lower the kernel's Pss of them while they run.
func sharersOutside(mine map[int]bool) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || mine[pid] || pid == os.Getpid() {
			continue
		}
		if sharerName(pid) != "" {
			out = append(out, pid)
		}
	}
	return out
}

// sharerName is "WebKit", "Chromium" or "X server" when pid is such a process, else "".
func sharerName(pid int) string {
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	switch filepath.Base(exe) {
	case "chromium", "chrome", "headless_shell", "chrome_crashpad_handler":
		return "Chromium"
	case "Xvfb", "Xorg", "Xwayland":
		return "X server"
	}
	maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err == nil && (bytes.Contains(maps, []byte("libwebkit2gtk")) || bytes.Contains(maps, []byte("libjavascriptcoregtk"))) {
		return "WebKit"
	}
	return ""
}

// others describes the browsers outside the run's trees at the moment of a measurement.
func others(mine map[int]bool) string {
	n := map[string]int{}
	for _, pid := range sharersOutside(mine) {
		n[sharerName(pid)]++
	}
	if len(n) == 0 {
		return "no WebKit, Chromium or X server process ran outside the measured tree"
	}
	var parts []string
	for k, v := range n {
		parts = append(parts, fmt.Sprintf("%d %s processes", v, k))
	}
	sort.Strings(parts)
	return strings.Join(parts, " and ") + " ran outside the measured tree (the run's own Xvfb among them); they lower its kernel Pss sum, not its pages"
}

// peer is what one baseline measured.
type peer struct {
	name        string
	paint       time.Duration
	idle, after snap
	later       snap           // 10 s after the measurement after the answer
	turnSecs    float64        // from Return to the stand-in's done
	quietSecs   float64        // from Return to the tree going quiet
	rendererCPU float64        // the renderers' CPU seconds from Return to the measurement
	done        map[string]any // the stand-in's report of the finished turn
	flags       []string
	unmocked    []string
	pageErrors  []string
	context     string // other processes on the machine while it was measured
}

// bundle serves frontend/dist unchanged and, at / and /index.html, a copy of dist/index.html
// that loads the stand-in for Go first; the stand-in POSTs its events back.
type bundle struct {
	srv    *http.Server
	url    string
	events chan map[string]any
	mu     sync.Mutex
	log    []map[string]any
}

var moduleScript = regexp.MustCompile(`<script type="module"[^>]*\ssrc="/?([^"]+)"`)

// checkBundle confirms that dist is the bundle the binary embeds: every file's path
// (content-hashed by Vite) is named in the binary. It returns the bundle's index.html.
func checkBundle(dist, bin string) ([]byte, error) {
	index, err := os.ReadFile(filepath.Join(dist, "index.html"))
	if err != nil {
		return nil, fmt.Errorf("the production bundle: %w (make build writes it)", err)
	}
	if !moduleScript.Match(index) {
		return nil, fmt.Errorf("%s/index.html has no module script", dist)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	var missing []string
	n := 0
	err = filepath.WalkDir(dist, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(dist, path)
		n++
		if !bytes.Contains(exe, []byte(filepath.ToSlash(rel))) {
			missing = append(missing, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s is not the bundle %s embeds (%d of %d files not in the binary, e.g. %s): run make build",
			dist, bin, len(missing), n, missing[0])
	}
	return index, nil
}

func newBundle(dist string, index []byte, standIn string) (*bundle, error) {
	js, err := os.ReadFile(standIn)
	if err != nil {
		return nil, fmt.Errorf("the stand-in for Go: %w (scripts/bench-app.sh builds it from frontend/bench/memory)", err)
	}
	// A classic script runs before any module script, so window.go and window.runtime are in
	// place when the bundle's entry starts; everything else in the page is as built.
	loc := moduleScript.FindIndex(index)
	page := append(append(append([]byte{}, index[:loc[0]]...), []byte("<script src=\"/bench-memory/backend.js\"></script>\n    ")...), index[loc[0]:]...)
	b := &bundle{events: make(chan map[string]any, 256)}
	files := http.FileServer(http.Dir(dist))
	mux := http.NewServeMux()
	mux.HandleFunc("/bench-memory/backend.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		_, _ = w.Write(js)
	})
	mux.HandleFunc("/bench-memory/event", func(w http.ResponseWriter, r *http.Request) {
		var e map[string]any
		if data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20)); err == nil && json.Unmarshal(data, &e) == nil {
			b.mu.Lock()
			b.log = append(b.log, e)
			b.mu.Unlock()
			select {
			case b.events <- e:
			default:
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" || r.URL.Path == "/index.html" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(page)
			return
		}
		files.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.srv = &http.Server{Handler: mux}
	b.url = "http://" + ln.Addr().String() + "/"
	go func() { _ = b.srv.Serve(ln) }()
	return b, nil
}

// wait returns the first event of the given kind, skipping (but keeping in the log) others.
func (b *bundle) wait(kind string, timeout time.Duration) (map[string]any, error) {
	deadline := time.After(timeout)
	for {
		select {
		case e := <-b.events:
			if e["kind"] == kind {
				return e, nil
			}
		case <-deadline:
			return nil, fmt.Errorf("the page did not report %q within %s", kind, timeout)
		}
	}
}

func (b *bundle) reported(kind, field string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, e := range b.log {
		if v := fmt.Sprint(e[field]); e["kind"] == kind && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// chromiumFlags are the switches of the Chromium run, chosen to match what an Electron app
// gets by default, not a browser: no first-run UI, no default-browser check, no component
// updates, sync, translation, extensions or background networking (Electron has none of
// them; leaving them on would inflate the baseline). The GPU is left at Chromium's default,
// as in Electron, which passes no --disable-gpu: under Xvfb there is no GPU either way, and
// Chromium falls back to software compositing in its GPU process by itself. No spare
// renderer: Chromium keeps one warm for the next navigation, Electron does not by default
// (electron/electron#53116: apps opt in with --enable-features=SpareRendererForSitePerProcess).
// As root, Chromium (and Electron) refuse to start without --no-sandbox; --test-type then
// keeps Chromium from showing its browser-only infobar about that flag.
func chromiumFlags(userData, url string, extra ...string) []string {
	flags := []string{
		"--user-data-dir=" + userData,
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-component-update",
		"--disable-background-networking",
		"--disable-sync",
		"--disable-extensions",
		"--disable-default-apps",
		"--disable-features=Translate,MediaRouter,OptimizationHints,SpareRendererForSitePerProcess",
		"--password-store=basic",
		"--window-position=0,0",
		"--window-size=1100,760", // QwenDesk's window (main.go)
	}
	if os.Geteuid() == 0 {
		flags = append(flags, "--no-sandbox", "--test-type")
	}
	return append(append(flags, extra...), "--app="+url)
}

// startPeer starts a baseline's process in its own process group.
func startPeer(title string, colours int, name string, args []string, env []string) (*app, error) {
	a := &app{exited: make(chan error, 1), title: title, colours: colours}
	a.cmd = exec.Command(name, args...)
	a.cmd.Env = append(os.Environ(), env...)
	a.cmd.Stdout, a.cmd.Stderr = &a.output, &a.output
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	a.start = time.Now()
	if err := a.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { a.exited <- a.cmd.Wait() }()
	return a, nil
}

// stopAll quits a baseline and then ends, by pid, any process of its tree that outlived it.
func stopAll(a *app, pids []int) {
	a.quit()
	for _, p := range pids {
		if p != a.cmd.Process.Pid {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
	}
}

func pidsOf(ps []proc) []int {
	out := make([]int, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.pid)
	}
	return out
}

// measureChromium runs the production bundle in Chromium: a warm-up launch (to first paint),
// then the measured one: idle, then the 1 MiB answer typed and sent like in QwenDesk. With
// idleOnly, one launch measured at idle (for a variant with extra flags).
func measureChromium(chromium, dist, standIn, bin, tmp string, idleOnly bool, extra ...string) (*peer, error) {
	index, err := checkBundle(dist, bin)
	if err != nil {
		return nil, err
	}
	b, err := newBundle(dist, index, standIn)
	if err != nil {
		return nil, err
	}
	defer b.srv.Close()
	res := &peer{name: "Chromium --app (same bundle)"}
	var a *app
	var userData string
	launches := 2
	if idleOnly {
		launches = 1
	}
	for i := range launches {
		userData, err = os.MkdirTemp(tmp, "chromium-profile")
		if err != nil {
			return nil, err
		}
		res.flags = chromiumFlags(userData, b.url, extra...)
		a, err = startPeer("^QwenDesk( .*)?$", 50, chromium, res.flags, nil)
		if err != nil {
			return nil, err
		}
		upper, _, err := a.waitPaint()
		if err != nil {
			stopAll(a, pidsWith(userData))
			return nil, fmt.Errorf("chromium: %w", err)
		}
		res.paint = upper
		fmt.Fprintf(os.Stderr, "chromium launch %d: first paint seen %d ms after exec\n", i+1, upper.Milliseconds())
		if i < launches-1 {
			stopAll(a, pidsWith(userData))
		}
	}
	roots := func() []int { return append([]int{a.cmd.Process.Pid}, pidsWith(userData)...) }
	defer func() { stopAll(a, roots()) }()
	if _, err := b.wait("installed", 5*time.Second); err != nil {
		return nil, fmt.Errorf("chromium: the stand-in for Go did not load: %w\n%s", err, a.output.String())
	}

	time.Sleep(idleSettle)
	res.idle = measure(roots())
	res.context = others(inTree(res.idle.ps))
	explain("chromium idle tree "+strings.Join(extra, " "), res.idle.ps)
	if idleOnly {
		screenshot("chromium-idle" + strings.Join(extra, ""))
		return res, nil
	}
	screenshot("chromium-idle")

	win, err := window(a)
	if err != nil {
		return nil, fmt.Errorf("chromium: %w", err)
	}
	// Chromium takes typed keys from the X server (XTEST) into the focused window; the app's
	// composer has the focus, as in QwenDesk.
	if err := xdo("windowfocus", "--sync", win); err != nil {
		return nil, err
	}
	if err := xdo("type", "--delay", "15", "Give me the big one #bigline"); err != nil {
		return nil, err
	}
	cpuBefore := cpuTimes(treeOf(roots()))
	if err := xdo("key", "Return"); err != nil {
		return nil, err
	}
	sent := time.Now()
	send, err := b.wait("send", 15*time.Second)
	if err != nil {
		return nil, fmt.Errorf("chromium: %w (typed text did not reach the composer?)", err)
	}
	if !strings.Contains(fmt.Sprint(send["text"]), "#bigline") {
		return nil, fmt.Errorf("chromium: the app sent %q, not the #bigline question", send["text"])
	}
	if res.done, err = b.wait("done", 120*time.Second); err != nil {
		return nil, fmt.Errorf("chromium: %w", err)
	}
	res.turnSecs = time.Since(sent).Seconds()
	res.quietSecs = waitQuiet(roots).Seconds() + res.turnSecs
	time.Sleep(afterSettle)
	res.after = measure(roots())
	cpuAfter := cpuTimes(res.after.ps)
	for _, p := range res.after.ps {
		if strings.Contains(p.name, "(renderer)") {
			res.rendererCPU += cpuAfter[p.pid] - cpuBefore[p.pid]
		}
	}
	explain(fmt.Sprintf("chromium after 1 MB answer (done %.1f s after Return, quiet %.1f s after; %v)", res.turnSecs, res.quietSecs, res.done), res.after.ps)
	screenshot("chromium-after")
	time.Sleep(10 * time.Second)
	res.later = measure(roots())
	res.unmocked = b.reported("unmocked", "method")
	res.pageErrors = b.reported("page-error", "message")
	return res, nil
}

// measureEmpty runs the empty Wails window: a warm-up launch, then the measured one, idle.
func measureEmpty(bin, tmp string) (*peer, error) {
	res := &peer{name: "empty Wails window"}
	var a *app
	var err error
	for i := range 2 {
		// Its page is one line of text on a plain background: fewer colours than the app's UI.
		a, err = startPeer("^benchempty$", 8, bin, nil, nil)
		if err != nil {
			return nil, err
		}
		upper, _, err := a.waitPaint()
		if err != nil {
			a.quit()
			return nil, fmt.Errorf("empty Wails window: %w", err)
		}
		res.paint = upper
		fmt.Fprintf(os.Stderr, "empty Wails window launch %d: first paint seen %d ms after exec\n", i+1, upper.Milliseconds())
		if i == 0 {
			a.quit()
		}
	}
	defer a.quit()
	time.Sleep(idleSettle)
	res.idle = measure([]int{a.cmd.Process.Pid})
	res.context = others(inTree(res.idle.ps))
	explain("empty Wails window idle tree", res.idle.ps)
	screenshot("empty-idle")
	if len(res.idle.ps) < 2 {
		return nil, errors.New("empty Wails window: no WebKit helper processes in its tree")
	}
	return res, nil
}

func inTree(ps []proc) map[int]bool {
	m := map[int]bool{}
	for _, p := range ps {
		m[p.pid] = true
	}
	return m
}

// pssList names each process of a tree with its kernel Pss and its private memory (pages
// only it maps, which do not depend on other processes).
func pssList(ps []proc) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%s[%d] %.1f/%.1f", p.name, p.pid, mb(p.pssKB), mb(p.priv)))
	}
	return strings.Join(parts, "; ")
}
