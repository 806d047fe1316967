// Command benchapp measures the built QwenDesk binary in a real window: time
// from exec to first paint, resident memory of the whole process tree at idle and after
// streaming a 1 MB answer, and the binary's size. In the same run, under the same Xvfb, it
// measures two baselines the same way (peers.go): the same production bundle in Debian's
// Chromium as an --app window with a stand-in for Go (the engine Electron ships), and an
// empty Wails window (cmd/benchempty, the floor). It needs an X display, xdotool and
// ImageMagick's import; run it through scripts/bench-app.sh (private HOME and D-Bus, Xvfb,
// builds the baselines' parts):
//
//	scripts/bench-app.sh build/bin/qwendesk build/bench/app.json
package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"qwendesk/internal/benchrow"
	"qwendesk/internal/proctree"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"qwendesk/internal/fakedashscope"
)

func main() {
	bin := flag.String("bin", "build/bin/qwendesk", "the built QwenDesk binary")
	out := flag.String("out", "build/bench/app.json", "where to write the JSON rows")
	launches := flag.Int("launches", 5, "launches for the first-paint figure (median)")
	extra := flag.String("env", "", "extra environment for the app, comma-separated (for experiments, e.g. WEBKIT_DISABLE_COMPOSITING_MODE=1)")
	var o peerOptions
	// The binary /usr/bin/chromium execs, without the Debian wrapper's default flags
	// (--enable-gpu-rasterization and others an Electron app does not get).
	flag.StringVar(&o.chromium, "chromium", "/usr/lib/chromium/chromium", "the Chromium binary for the baseline (\"\": not measured)")
	flag.StringVar(&o.dist, "dist", "frontend/dist", "the production bundle the binary embeds")
	flag.StringVar(&o.standIn, "standin", "", "the stand-in for Go, built from frontend/bench/memory (scripts/bench-app.sh builds it)")
	flag.StringVar(&shots, "shots", "", "a folder for screenshots of each window, idle and after the answer (taken after each measurement)")
	flag.StringVar(&o.empty, "empty", "", "the empty Wails window, built from cmd/benchempty (scripts/bench-app.sh builds it)")
	flag.Parse()
	if *extra != "" {
		extraEnv = strings.Split(*extra, ",")
	}
	if err := run(*bin, *out, *launches, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchapp:", err)
		os.Exit(1)
	}
}

var extraEnv []string

// shots is where screenshot saves the screen ("": nowhere).
var shots string

// screenshot saves the whole screen as shots/name.png, for a person to look at.
func screenshot(name string) {
	if shots == "" {
		return
	}
	if err := os.MkdirAll(shots, 0o755); err == nil {
		if out, err := exec.Command("import", "-window", "root", filepath.Join(shots, name+".png")).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "screenshot %s: %v %s\n", name, err, out)
		}
	}
}

type app struct {
	cmd     *exec.Cmd
	dataDir string
	start   time.Time
	exited  chan error
	output  bytes.Buffer
	mapped  time.Duration // when xdotool first saw the window (0: not yet)
	title   string        // the window's name, as a regular expression ("": QwenDesk's)
	colours int           // distinct colours that mean "painted" (0: 50)
	stopped bool
}

type peerOptions struct{ chromium, dist, standIn, empty string }

const qwenDeskTitle = "^QwenDesk( .*)?$"

func (a *app) windowTitle() string {
	if a.title == "" {
		return qwenDeskTitle
	}
	return a.title
}

// logTimes returns, for the startup log entries, how long after exec they were written.
func (a *app) logTimes() string {
	data, err := os.ReadFile(filepath.Join(a.dataDir, "qwendesk.log"))
	if err != nil {
		return ""
	}
	var parts []string
	for _, line := range strings.Split(string(data), "\n") {
		var e map[string]any
		if json.Unmarshal([]byte(line), &e) != nil {
			continue
		}
		msg, _ := e["msg"].(string)
		ts, _ := e["time"].(string)
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil || msg == "" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%q %d ms", msg, t.Sub(a.start).Milliseconds()))
		if len(parts) == 6 {
			break
		}
	}
	return strings.Join(parts, ", ")
}

func launch(bin, dataDir string, env ...string) (*app, error) {
	a := &app{dataDir: dataDir, exited: make(chan error, 1)}
	a.cmd = exec.Command(bin)
	a.cmd.Env = append(os.Environ(), "QWENDESK_DATA_DIR="+dataDir)
	a.cmd.Env = append(a.cmd.Env, env...)
	a.cmd.Stdout, a.cmd.Stderr = &a.output, &a.output
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	a.start = time.Now()
	if err := a.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { a.exited <- a.cmd.Wait() }()
	return a, nil
}

// quit sends SIGTERM, then SIGKILL to the group if the app lingers.
func (a *app) quit() {
	if a.stopped {
		return
	}
	a.stopped = true
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.exited:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
		<-a.exited
	}
	// WebKit helpers die with their parent; give them a moment so the next launch starts clean.
	time.Sleep(500 * time.Millisecond)
}

// colours counts the distinct colours of a root-window screenshot, stopping at limit. It
// reads PPM from import's stdout: no PNG encoding, no second process.
func colours(limit int) (int, error) {
	data, err := exec.Command("import", "-window", "root", "-depth", "8", "ppm:-").Output()
	if err != nil {
		return 0, err
	}
	// P6\n<w> <h>\n<max>\n<data>
	fields, rest := [4]int{}, data
	if !bytes.HasPrefix(rest, []byte("P6")) {
		return 0, errors.New("not a P6 image")
	}
	rest = rest[2:]
	for i := 1; i < 4; i++ {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		j := bytes.IndexAny(rest, " \t\r\n")
		if j < 0 {
			return 0, errors.New("short PPM header")
		}
		n, err := strconv.Atoi(string(rest[:j]))
		if err != nil {
			return 0, err
		}
		fields[i], rest = n, rest[j:]
	}
	rest = rest[1:] // one whitespace byte after maxval
	if fields[3] > 255 {
		return 0, errors.New("16-bit PPM")
	}
	seen := map[uint32]struct{}{}
	for i := 0; i+2 < len(rest); i += 3 {
		seen[uint32(rest[i])<<16|uint32(rest[i+1])<<8|uint32(rest[i+2])] = struct{}{}
		if len(seen) >= limit {
			break
		}
	}
	return len(seen), nil
}

// waitPaint polls the screen every 50 ms until it shows at least 50 colours (the e2e
// harness's test for "not blank"), and returns the time from exec to the end of the first
// screenshot that showed it, and to the end of the last one that did not (the paint
// happened between the two).
func (a *app) waitPaint() (upper, lower time.Duration, err error) {
	deadline := a.start.Add(30 * time.Second)
	last := time.Duration(0)
	for time.Now().Before(deadline) {
		if a.mapped == 0 {
			if out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", a.windowTitle()).Output(); err == nil && len(bytes.TrimSpace(out)) > 0 {
				a.mapped = time.Since(a.start)
			}
		}
		select {
		case err := <-a.exited:
			return 0, 0, fmt.Errorf("app exited before painting: %v\n%s", err, a.output.String())
		default:
		}
		want := a.colours
		if want == 0 {
			want = 50
		}
		n, err := colours(want)
		now := time.Since(a.start)
		if err == nil && n >= want {
			return now, last, nil
		}
		last = now
		time.Sleep(50 * time.Millisecond)
	}
	return 0, 0, errors.New("the window stayed blank for 30 s")
}

// proc is one process of the app's tree.
type proc struct {
	pid    int
	name   string
	rssKB  int
	pssKB  int
	anon   int // RssAnon: heaps, JS, Go
	file   int // RssFile: mapped libraries and files
	shmem  int // RssShmem: shared memory (e.g. graphics buffers)
	priv   int // Private_Clean + Private_Dirty: pages only this process maps (its USS)
	shared int // Shared_Clean + Shared_Dirty: pages other processes map too (libraries, mostly)
}

// tree returns the app and all its descendants with their VmRSS and Pss.
func tree(root int) []proc { return treeOf([]int{root}) }

// treeOf returns the processes of roots and all their descendants, each once.
func treeOf(roots []int) []proc {
	var out []proc
	for _, pid := range proctree.Of(roots...) {
		p := proc{pid: pid}
		if data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				k, v, _ := strings.Cut(line, ":")
				switch k {
				case "Name":
					p.name = strings.TrimSpace(v)
				case "VmRSS":
					p.rssKB, _ = strconv.Atoi(strings.Fields(v)[0])
				case "RssAnon":
					p.anon, _ = strconv.Atoi(strings.Fields(v)[0])
				case "RssFile":
					p.file, _ = strconv.Atoi(strings.Fields(v)[0])
				case "RssShmem":
					p.shmem, _ = strconv.Atoi(strings.Fields(v)[0])
				}
			}
		}
		if data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid)); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				k, v, ok := strings.Cut(line, ":")
				if !ok || len(strings.Fields(v)) == 0 {
					continue
				}
				n, _ := strconv.Atoi(strings.Fields(v)[0])
				switch k {
				case "Pss":
					p.pssKB = n
				case "Private_Clean", "Private_Dirty":
					p.priv += n
				case "Shared_Clean", "Shared_Dirty":
					p.shared += n
				}
			}
		}
		// Prefer the full command's base name: WebKit helpers' comm is cut to 15 bytes.
		// Chromium's processes all run its one binary: they are told apart by --type (and a
		// utility process by its service).
		if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && len(cmdline) > 0 {
			args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
			if len(args) == 1 && strings.Contains(args[0], " --") { // a process that rewrote its title
				args = strings.Fields(args[0])
			}
			p.name = filepath.Base(args[0])
			kind := ""
			for _, a := range args[1:] {
				if v, ok := strings.CutPrefix(a, "--type="); ok {
					kind = v + kind
				}
				if v, ok := strings.CutPrefix(a, "--utility-sub-type="); ok {
					kind += ":" + v
				}
			}
			if kind != "" {
				p.name += " (" + kind + ")"
			}
		}
		out = append(out, p)
	}
	return out
}

// private sums the pages each process maps alone (Private_Clean + Private_Dirty): memory that
// goes away with the process. What it leaves out is what the processes share with each other
// and with the rest of the system (libraries, mostly).
func private(ps []proc) (kb int) {
	for _, p := range ps {
		kb += p.priv
	}
	return kb
}

// resident is what the tree holds in RAM, each physical page counted once however many of
// its processes map it: pages are told apart by frame number from /proc/PID/pagemap. Summed
// VmRSS counts a library page once per process that maps it; Pss divides it among every
// process on the system that maps it, including ones outside the tree, so Pss and private
// memory drop when another WebKit app happens to run beside the benchmark; this figure does
// not depend on what else runs. fileKB is the part
// that is page cache (libraries, ICU data, the binary; told apart from anonymous memory by
// /proc/kpageflags, so a library's copied-on-write data pages count as anonymous). Frame
// numbers and page flags need CAP_SYS_ADMIN; without it ok is false.
//
// For the tree as a whole this is also its Pss as it would be if no process outside the tree
// mapped any of its pages (Pss divides a page among its mappers; within the tree the parts add
// up to the page). The benchmark compares trees by it: on this machine other users' Xvfb
// servers (Mesa's libLLVM), WebKit and Chromium processes map the same library pages and come
// and go during a run, which moved the kernel's Pss sum of the same idle QwenDesk between 179
// and 280 MB from run to run.
type resident struct {
	totalKB, fileKB int
	fileSummedKB    int // the same file pages, counted once per process that maps them (as VmRSS sums do)
	ok              bool
}

func residentOnce(ps []proc) resident {
	page := os.Getpagesize()
	maps := map[uint64]int{} // frame → how many processes of the tree map it
	for _, p := range ps {
		frames, ok := framesOf(p.pid, page)
		if !ok {
			return resident{}
		}
		for f := range frames {
			maps[f]++
		}
	}
	flags, err := os.Open("/proc/kpageflags")
	if err != nil {
		return resident{}
	}
	defer flags.Close()
	const kpfAnon = 1 << 12 // KPF_ANON in linux/kernel-page-flags.h
	var r resident
	var b [8]byte
	for f, n := range maps {
		r.totalKB += page / 1024
		if _, err := flags.ReadAt(b[:], int64(f)*8); err != nil {
			return resident{}
		}
		if binary.LittleEndian.Uint64(b[:])&kpfAnon == 0 {
			r.fileKB += page / 1024
			r.fileSummedKB += n * page / 1024
		}
	}
	r.ok = true
	return r
}

// framesOf returns the physical frames of a process's resident pages, reading pagemap only
// for mappings that smaps says have some (JavaScriptCore reserves gigabytes it never touches).
func framesOf(pid, page int) (map[uint64]struct{}, bool) {
	smaps, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return nil, false
	}
	pm, err := os.Open(fmt.Sprintf("/proc/%d/pagemap", pid))
	if err != nil {
		return nil, false
	}
	defer pm.Close()
	frames := map[uint64]struct{}{}
	var start, end uint64
	for _, line := range strings.Split(string(smaps), "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") { // a mapping header
			lo, hi, _ := strings.Cut(f[0], "-")
			start, _ = strconv.ParseUint(lo, 16, 64)
			end, _ = strconv.ParseUint(hi, 16, 64)
			continue
		}
		if len(f) < 2 || f[0] != "Rss:" || f[1] == "0" {
			continue
		}
		buf := make([]byte, 8*(int(end-start)/page)) // one 8-byte entry per page
		if _, err := pm.ReadAt(buf, int64(start/uint64(page))*8); err != nil {
			return nil, false
		}
		for i := 0; i+8 <= len(buf); i += 8 {
			e := binary.LittleEndian.Uint64(buf[i:])
			if e>>63 == 0 { // not present
				continue
			}
			pfn := e & (1<<55 - 1)
			if pfn == 0 { // present, but the frame number is hidden: no CAP_SYS_ADMIN
				return nil, false
			}
			frames[pfn] = struct{}{}
		}
	}
	return frames, true
}

// memoryRows are the figures that say what the summed RSS is made of: the tree's private
// memory (gone when the app quits) and, where frame numbers can be read, its resident pages
// counted once, with how much of the summed RSS is the same library pages counted again in
// each process.
func memoryRows(when string, ps []proc, rssKB int, once resident) []benchrow.Row {
	var parts []string
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%s %.1f (of RSS %.1f; shared %.1f)", p.name, mb(p.priv), mb(p.rssKB), mb(p.shared)))
	}
	rows := []benchrow.Row{{Figure: "private memory (USS), whole process tree, " + when, QwenDesk: mb(private(ps)), Unit: "MB", Goal: "—",
		Note: "sum of Private_Clean + Private_Dirty (smaps_rollup), pages only one process maps: " + strings.Join(parts, "; ")}}
	if once.ok {
		rows = append(rows, benchrow.Row{Figure: "resident memory, whole process tree, each page once, " + when, QwenDesk: mb(once.totalKB), Unit: "MB", Goal: "—",
			Note: fmt.Sprintf("distinct physical pages (pagemap frame numbers) of the tree: %.1f MB of them page cache (libraries, ICU data, the binary), "+
				"which the sum of VmRSS counts as %.1f MB, once per process that maps them; summed VmRSS %.1f MB overstates by %.1f MB",
				mb(once.fileKB), mb(once.fileSummedKB), mb(rssKB), mb(rssKB-once.totalKB))})
	}
	return rows
}

// cpuTimes is each process's user + system CPU time so far, in seconds.
func cpuTimes(ps []proc) map[int]float64 {
	out := map[int]float64{}
	for _, p := range ps {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
		if err != nil {
			continue
		}
		s := string(data)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 13 {
			continue
		}
		utime, _ := strconv.ParseFloat(f[11], 64) // fields 14 and 15 of stat, in clock ticks
		stime, _ := strconv.ParseFloat(f[12], 64)
		out[p.pid] = (utime + stime) / 100 // USER_HZ is 100 on Linux
	}
	return out
}

func webProcess(ps []proc) int {
	for _, p := range ps {
		if p.name == "WebKitWebProcess" {
			return p.pid
		}
	}
	return 0
}

func sum(ps []proc) (rss, pss int) {
	for _, p := range ps {
		rss += p.rssKB
		pss += p.pssKB
	}
	return
}

// topMappings names what holds a process's resident memory: the largest mappings by Rss,
// grouped by file (anonymous ones as [anon]).
func topMappings(pid, n int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return ""
	}
	by := map[string]int{}
	cur := ""
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if strings.Contains(f[0], "-") && len(f) >= 5 { // a mapping header
			cur = "[anon]"
			if len(f) >= 6 {
				cur = filepath.Base(strings.Join(f[5:], " "))
			}
			continue
		}
		if f[0] == "Rss:" && len(f) >= 2 {
			kb, _ := strconv.Atoi(f[1])
			by[cur] += kb
		}
	}
	type kv struct {
		k string
		v int
	}
	var all []kv
	for k, v := range by {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v })
	var parts []string
	for i := 0; i < n && i < len(all); i++ {
		parts = append(parts, fmt.Sprintf("%s %.1f", all[i].k, mb(all[i].v)))
	}
	return strings.Join(parts, ", ")
}

func explain(label string, ps []proc) {
	fmt.Fprintf(os.Stderr, "%s:\n", label)
	for _, p := range ps {
		fmt.Fprintf(os.Stderr, "  %s[%d] RSS %.1f MB = anon %.1f + file %.1f + shmem %.1f = private %.1f + shared %.1f (Pss %.1f); largest: %s\n",
			p.name, p.pid, mb(p.rssKB), mb(p.anon), mb(p.file), mb(p.shmem), mb(p.priv), mb(p.shared), mb(p.pssKB), topMappings(p.pid, 8))
	}
}

func mb(kb int) float64 { return float64(kb) * 1024 / 1e6 }

func describe(ps []proc) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%s[%d] %.1f MB (anon %.1f, file %.1f, shmem %.1f; Pss %.1f; private %.1f, shared %.1f)",
			p.name, p.pid, mb(p.rssKB), mb(p.anon), mb(p.file), mb(p.shmem), mb(p.pssKB), mb(p.priv), mb(p.shared)))
	}
	return strings.Join(parts, "; ")
}

// window finds the app's visible top-level window.
func window(a *app) (string, error) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", a.windowTitle()).Output()
		if err == nil {
			if ids := strings.Fields(string(out)); len(ids) > 0 {
				return ids[0], nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return "", fmt.Errorf("no window named %s within 30 s", a.windowTitle())
}

func xdo(args ...string) error {
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("xdotool %v: %v: %s", args, err, out)
	}
	return nil
}

// waitLog waits for the first log entry with message msg.
func (a *app) waitLog(msg string, timeout time.Duration) (map[string]any, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if f, err := os.Open(filepath.Join(a.dataDir, "qwendesk.log")); err == nil {
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
			for sc.Scan() {
				var e map[string]any
				if json.Unmarshal(sc.Bytes(), &e) == nil && e["msg"] == msg {
					f.Close()
					return e, nil
				}
			}
			f.Close()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil, fmt.Errorf("log entry %q did not appear within %s", msg, timeout)
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func run(bin, out string, launches int, o peerOptions) error {
	st, err := os.Stat(bin)
	if err != nil {
		return err
	}
	var kb [16]byte
	_, _ = rand.Read(kb[:])
	key := "sk-bench" + hex.EncodeToString(kb[:])
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key})
	defer fake.Close()
	env := append([]string{"DASHSCOPE_BASE_URL=" + fake.BaseURL(), "DASHSCOPE_API_KEY=" + key}, extraEnv...)
	tmp, err := os.MkdirTemp("", "qwendesk-benchapp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// First paint: each launch gets a fresh data folder (the first is also WebKit's cold start).
	var paints []time.Duration
	var paintNotes []string
	var last *app
	for i := range launches {
		a, err := launch(bin, filepath.Join(tmp, fmt.Sprintf("data%d", i)), env...)
		if err != nil {
			return err
		}
		upper, lower, err := a.waitPaint()
		if err != nil {
			a.quit()
			return err
		}
		paints = append(paints, upper)
		paintNotes = append(paintNotes, fmt.Sprintf("%d (blank at %d)", upper.Milliseconds(), lower.Milliseconds()))
		fmt.Fprintf(os.Stderr, "launch %d: first paint seen %d ms after exec (last blank screenshot at %d ms); window mapped by %d ms; log: %s\n",
			i+1, upper.Milliseconds(), lower.Milliseconds(), a.mapped.Milliseconds(), a.logTimes())
		if i < launches-1 {
			a.quit()
		} else {
			last = a
		}
	}
	a := last
	defer a.quit()
	pid := a.cmd.Process.Pid

	// Idle: 5 s after first paint.
	time.Sleep(5 * time.Second)
	idle := tree(pid)
	idleRSS, idlePSS := sum(idle)
	idleOnce := residentOnce(idle)
	explain("idle tree", idle)
	screenshot("qwendesk-idle")

	// Stream the 1 MiB answer.
	win, err := window(a)
	if err != nil {
		return err
	}
	if err := xdo("windowfocus", "--sync", win); err != nil {
		return err
	}
	if err := xdo("type", "--delay", "15", "--window", win, "Give me the big one #bigline"); err != nil {
		return err
	}
	cpuBefore := cpuTimes(idle)
	if err := xdo("key", "--window", win, "Return"); err != nil {
		return err
	}
	peakRSS, peakName := 0, ""
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // peak while streaming and rendering
		defer close(sampled)
		for {
			ps := tree(pid)
			if r, _ := sum(ps); r > peakRSS {
				peakRSS, peakName = r, describe(ps)
			}
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	sent := time.Now()
	fin, err := a.waitLog("turn finished", 120*time.Second)
	if err != nil {
		close(stop)
		<-sampled
		return err
	}
	turnSecs := time.Since(sent).Seconds()
	// Go has sent the last event; the window may still be rendering what it queued.
	quietSecs := waitQuiet(func() []int { return []int{pid} }).Seconds() + turnSecs
	time.Sleep(afterSettle)
	close(stop)
	<-sampled
	after := tree(pid)
	afterRSS, afterPSS := sum(after)
	afterOnce := residentOnce(after)
	cpuAfter := cpuTimes(after)
	explain(fmt.Sprintf("after 1 MB answer (turn %v, %.1f s after Return, tree quiet %.1f s after Return)", fin["status"], turnSecs, quietSecs), after)
	screenshot("qwendesk-after")
	fmt.Fprintf(os.Stderr, "peak while streaming: %s\n", peakName)
	// Later, for the record: does the memory come back down?
	time.Sleep(10 * time.Second)
	later := tree(pid)
	laterRSS, laterPSS := sum(later)
	laterS := snap{ps: later, rss: laterRSS, pss: laterPSS, once: residentOnce(later)}
	qwenContext := others(inTree(append(append([]proc{}, idle...), after...)))
	a.quit()

	// The baselines, one at a time under the same display, with the same settle times.
	var chrom, empty, noGPU *peer
	var chromErr, emptyErr, noGPUErr error
	if o.chromium == "" || o.standIn == "" {
		chromErr = errors.New("no -chromium or -standin given")
	} else {
		chrom, chromErr = measureChromium(o.chromium, o.dist, o.standIn, bin, tmp, false)
		// For the record: what the Electron-default GPU process costs (an Electron app can
		// turn it off with app.disableHardwareAcceleration(), as QwenDesk does for WebKit).
		noGPU, noGPUErr = measureChromium(o.chromium, o.dist, o.standIn, bin, tmp, true, "--disable-gpu")
	}
	if o.empty == "" {
		emptyErr = errors.New("no -empty given")
	} else {
		empty, emptyErr = measureEmpty(o.empty, tmp)
	}
	for _, e := range []error{chromErr, emptyErr} {
		if e != nil {
			fmt.Fprintln(os.Stderr, "benchapp: baseline not measured:", e)
		}
	}

	paint := median(paints)
	size := float64(st.Size()) / 1e6
	idleS := snap{ps: idle, rss: idleRSS, pss: idlePSS, once: idleOnce}
	afterS := snap{ps: after, rss: afterRSS, pss: afterPSS, once: afterOnce}
	qIdlePSS := pssOf(idleS)
	fmt.Fprintf(os.Stderr, "QwenDesk Pss: idle %s; after the answer %s\n", pssHow(idleS), pssHow(afterS))
	ratioRow := func(figure string, qs snap, base func(*peer) snap, goal float64, note string) benchrow.Row {
		q := pssOf(qs)
		r := benchrow.Row{Figure: figure, QwenDesk: q, Unit: "MB", Goal: fmt.Sprintf("≤ %.1f×", goal), BaselineName: "Chromium --app, same bundle"}
		if chromErr != nil {
			r.Met = benchrow.Met(false)
			r.Note = "the Chromium baseline was not measured in this run, so the goal is not shown as met: " + chromErr.Error() + ". " + note
			return r
		}
		bs := base(chrom)
		b := pssOf(bs)
		r.Baseline, r.Ratio = benchrow.Num(b), benchrow.Num(q/b)
		r.Met = benchrow.Met(q/b <= goal)
		r.Note = fmt.Sprintf("%.1f MB / %.1f MB = %.3f×. %s QwenDesk %s; Chromium %s. %s", q, b, q/b, pssMethod, pssHow(qs), pssHow(bs), note)
		return r
	}
	chromNote := func(when string, s func(*peer) snap) string {
		if chrom == nil {
			return ""
		}
		return fmt.Sprintf(" Chromium %s (kernel Pss/private per process, MB): %s.", when, pssList(s(chrom).ps))
	}
	chromSetup := ""
	if chrom != nil {
		chromSetup = fmt.Sprintf(" Chromium: %s %s, the production bundle (frontend/dist, checked to be the one the binary embeds) served from 127.0.0.1 "+
			"with frontend/bench/memory/backend.ts in place of Go (it answers as a fresh QwenDesk does and streams like internal/chat: "+
			"deltas of at most 6 KiB every 16–30 ms, each a JSON round trip); whole tree = the browser process, its descendants and "+
			"any process naming its profile folder; %s. The flags are Electron's defaults as far as a browser has them: no browser-only "+
			"services (first run, sync, translation, extensions, component updates, background networking), no spare renderer (Electron keeps none), "+
			"the GPU left on as Electron leaves it (with no GPU under Xvfb its GPU process renders with Mesa's llvmpipe: swrast_dri.so and libLLVM are mapped), "+
			"and as root --no-sandbox, which Electron needs too, with --test-type to hide the infobar about it. Not in the tree, as not in QwenDesk's: "+
			"services the session bus starts for it (the desktop portal, the accessibility bus). Its browser process runs no Node.js, which an Electron "+
			"app's main process adds, so this baseline is if anything lower than a real Electron port.", o.chromium, strings.Join(chrom.flags[:len(chrom.flags)-1], " "), chrom.context)
		if len(chrom.unmocked) > 0 {
			chromSetup += " Calls the stand-in did not answer: " + strings.Join(chrom.unmocked, ", ") + "."
		}
		if len(chrom.pageErrors) > 0 {
			chromSetup += " Page errors: " + strings.Join(chrom.pageErrors, " | ") + "."
		}
	}
	paintRow := benchrow.Row{Figure: "launch to first paint (median)", QwenDesk: float64(paint.Milliseconds()), Unit: "ms", Goal: "< 1000 ms", Met: benchrow.Met(paint < time.Second),
		Note: fmt.Sprintf("%d launches, ms from exec to the first screenshot with ≥ 50 colours, polled every 50 ms: %s", launches, strings.Join(paintNotes, ", "))}
	if chrom != nil {
		paintRow.Baseline, paintRow.BaselineName = benchrow.Num(float64(chrom.paint.Milliseconds())), "Chromium --app, same bundle, 2nd launch"
		paintRow.Ratio = benchrow.Num(float64(paint) / float64(chrom.paint))
	}
	rssRow := func(figure string, q int, goal float64, note string, s func(*peer) snap) benchrow.Row {
		r := benchrow.Row{Figure: figure, QwenDesk: mb(q), Unit: "MB", Goal: fmt.Sprintf("< %.0f MB", goal), Met: benchrow.Met(mb(q) < goal), Note: note}
		if chrom != nil {
			r.Baseline, r.BaselineName = benchrow.Num(mb(s(chrom).rss)), "Chromium --app, same bundle"
			r.Note += fmt.Sprintf(". Chromium's summed VmRSS counts each shared library once per process (it has %d), so no ratio is given here: %s",
				len(s(chrom).ps), describe(s(chrom).ps))
		}
		return r
	}
	idleSnap := func(p *peer) snap { return p.idle }
	afterSnap := func(p *peer) snap { return p.after }

	rows := []benchrow.Row{
		paintRow,
		rssRow("idle RSS, whole process tree (5 s after paint)", idleRSS, 150, "sum of VmRSS: "+describe(idle), idleSnap),
		ratioRow("idle PSS, whole tree: QwenDesk vs Chromium --app (same bundle)", idleS, idleSnap, 0.5,
			fmt.Sprintf("Measured %s after first paint. QwenDesk (kernel Pss/private per process, MB): %s; %s.", idleSettle, pssList(idle), qwenContext)+
				chromNote("idle", idleSnap)+chromSetup),
		rssRow("RSS after streaming a 1 MB answer (+3 s)", afterRSS, 250, fmt.Sprintf("turn %v in %.1f s; sum of VmRSS: %s", fin["status"], turnSecs, describe(after)), afterSnap),
	}
	turnNote := fmt.Sprintf("Measured once the turn had ended and the tree had gone quiet (%s), then %s more. "+
		"QwenDesk: the fake server's 1 MiB #bigline answer typed into the window; Go's turn %v %.1f s after Return, the tree quiet %.1f s after Return (kernel Pss/private per process, MB): %s.",
		quietRule, afterSettle, fin["status"], turnSecs, quietSecs, pssList(after))
	if chrom != nil {
		turnNote += fmt.Sprintf(" Chromium: the same question typed into its window; the stand-in's turn %v (%v bytes in %v delta events) %.1f s after Return, "+
			"the tree quiet %.1f s after Return (the stand-in runs on the page's thread, so its events wait for the rendering; Go's do not); renderer CPU from Return: %.1f s.",
			chrom.done["status"], chrom.done["bytes"], chrom.done["deltas"], chrom.turnSecs, chrom.quietSecs, chrom.rendererCPU) + chromNote("after the answer", afterSnap)
	}
	afterRow := ratioRow("PSS after a 1 MB answer: QwenDesk vs Chromium", afterS, afterSnap, 0.5, turnNote)
	// V8 keeps much of the answer's garbage for a while, so Chromium's figure 3 s after the
	// tree went quiet varies by hundreds of MB between runs (580–820 MB in six runs here), far
	// more than ten seconds later. The goal is met only if it holds at both moments: a
	// collection that happens not to have run yet cannot meet it.
	if chrom != nil && afterRow.Met != nil && *afterRow.Met && chrom.later.ps != nil {
		if r := pssOf(laterS) / pssOf(chrom.later); r > 0.5 {
			afterRow.Met = benchrow.Met(false)
			afterRow.Note = fmt.Sprintf("Not met although %.3f× here: 10 s later it is %.3f× (%.1f MB / %.1f MB, next row), and the goal must hold at both moments. ",
				*afterRow.Ratio, r, pssOf(laterS), pssOf(chrom.later)) + afterRow.Note
		}
	}
	rows = append(rows, afterRow)
	laterRow := benchrow.Row{Figure: "PSS 10 s later still: QwenDesk vs Chromium", QwenDesk: pssOf(laterS), Unit: "MB", Goal: "—",
		Note: "what each engine still holds 10 s after the row above, nothing done meanwhile (V8 and JavaScriptCore collect garbage when they choose; " +
			"the row above is met only if this ratio is at most 0.5× too): QwenDesk " + pssHow(laterS)}
	if chrom != nil && chrom.later.ps != nil {
		laterRow.Baseline, laterRow.BaselineName = benchrow.Num(pssOf(chrom.later)), "Chromium --app, same bundle"
		laterRow.Ratio = benchrow.Num(pssOf(laterS) / pssOf(chrom.later))
		laterRow.Note += "; Chromium " + pssHow(chrom.later) + fmt.Sprintf(" (Pss/private per process, MB: %s)", pssList(chrom.later.ps))
	}
	rows = append(rows, laterRow)

	if noGPU != nil {
		b := pssOf(noGPU.idle)
		rows = append(rows, benchrow.Row{Figure: "idle PSS: QwenDesk vs Chromium --app with --disable-gpu", QwenDesk: qIdlePSS, Unit: "MB", Goal: "—",
			Baseline: benchrow.Num(b), BaselineName: "Chromium --app --disable-gpu", Ratio: benchrow.Num(qIdlePSS / b),
			Note: fmt.Sprintf("not Electron's default, for the record: the same bundle and flags plus --disable-gpu (an Electron app's app.disableHardwareAcceleration()), "+
				"one launch, %s after first paint: %s; per process (kernel Pss, MB): %s; %s", idleSettle, pssHow(noGPU.idle), pssList(noGPU.idle.ps), noGPU.context)})
	} else if noGPUErr != nil {
		fmt.Fprintln(os.Stderr, "benchapp: Chromium --disable-gpu not measured:", noGPUErr)
	}

	// The floor.
	if emptyErr != nil {
		rows = append(rows, benchrow.Row{Figure: "idle PSS above the empty Wails window", QwenDesk: 0, Unit: "MB", Goal: "≤ 40 MB", Met: benchrow.Met(false),
			Note: "the empty Wails window was not measured in this run, so the goal is not shown as met: " + emptyErr.Error()})
	} else {
		e := pssOf(empty.idle)
		floorNote := fmt.Sprintf("cmd/benchempty: a Wails v2 window with one line of HTML, the size, background and Linux WebKit options of main.go (GPU policy never), "+
			"no bindings, built with the production tags (desktop,production,webkit2_41, -ldflags \"-w -s\"); measured %s after its first paint (%d ms) "+
			"under the same display (kernel Pss/private per process, MB): %s; %s", idleSettle, empty.paint.Milliseconds(), pssList(empty.idle.ps), empty.context)
		above := qIdlePSS - e
		rows = append(rows,
			benchrow.Row{Figure: "idle PSS above the empty Wails window", QwenDesk: above, Unit: "MB", Goal: "≤ 40 MB", Met: benchrow.Met(above <= 40),
				Note: fmt.Sprintf("QwenDesk idle %.1f MB − empty Wails window idle %.1f MB. %s QwenDesk %s; the empty window %s. ", qIdlePSS, e, pssMethod, pssHow(idleS), pssHow(empty.idle)) + floorNote},
			benchrow.Row{Figure: "idle PSS, whole tree: QwenDesk vs the empty Wails window", QwenDesk: qIdlePSS, Unit: "MB", Goal: "—",
				Baseline: benchrow.Num(e), BaselineName: "empty Wails window", Ratio: benchrow.Num(qIdlePSS / e),
				Note: "the floor's own figure: " + floorNote})
	}
	rows = append(rows, memoryRows("idle", idle, idleRSS, idleOnce)...)
	rows = append(rows, memoryRows("after the 1 MB answer", after, afterRSS, afterOnce)...)
	var cpuParts []string
	for _, p := range idle {
		cpuParts = append(cpuParts, fmt.Sprintf("%s %.2f s", p.name, cpuAfter[p.pid]-cpuBefore[p.pid]))
	}
	rows = append(rows, []benchrow.Row{
		{Figure: "web process CPU time, from Return to 3 s after the answer", QwenDesk: cpuAfter[webProcess(idle)] - cpuBefore[webProcess(idle)], Unit: "s", Goal: "—",
			Note: "user + system time from /proc/PID/stat, what parsing and rendering the answer cost (memory settings must not raise it much): " + strings.Join(cpuParts, "; ")},
		{Figure: "peak RSS while streaming/rendering", QwenDesk: mb(peakRSS), Unit: "MB", Goal: "—", Note: "sampled every 100 ms: " + peakName},
		{Figure: "RSS 13 s after the answer", QwenDesk: mb(laterRSS), Unit: "MB", Goal: "—", Note: describe(later)},
		{Figure: "binary size", QwenDesk: size, Unit: "MB", Goal: "< 25 MB", Met: benchrow.Met(size < 25),
			Note:         fmt.Sprintf("%s, %d bytes", bin, st.Size()),
			BaselineNote: "Electron peers ship Chromium and Node.js with the app; no published size figure was collected for this table."},
	}...)

	host, _ := os.Hostname()
	fmt.Printf("benchapp: %s, %s/%s, %d CPUs (Xvfb)\n\n", host, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Printf("%-66s %10s %10s %7s  %-4s %-10s %s\n", "figure", "QwenDesk", "baseline", "ratio", "unit", "goal", "met")
	for _, r := range rows {
		met := "—"
		if r.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*r.Met]
		}
		base, ratio := "—", "—"
		if r.Baseline != nil {
			base = fmt.Sprintf("%.1f", *r.Baseline)
		}
		if r.Ratio != nil {
			ratio = fmt.Sprintf("%.3f", *r.Ratio)
		}
		fmt.Printf("%-66s %10.1f %10s %7s  %-4s %-10s %s\n", r.Figure, r.QwenDesk, base, ratio, r.Unit, r.Goal, met)
	}
	if err := benchrow.Write(out, rows); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", out)
	return errors.Join(chromErr, emptyErr)
}
