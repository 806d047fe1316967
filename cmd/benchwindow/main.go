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
	"sort"
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
	turns := flag.Int("turns", 24, "paced replies streamed (each gives one first token)")
	tokens := flag.Int("tokens", 250, "tokens per paced reply (50 per second)")
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

func run(bin, out, shots string, turns, tokens, long int, scrollFor time.Duration) error {
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
	dataDir := filepath.Join(tmp, "data")
	ctx := context.Background()

	t0 := time.Now()
	hist, err := fillHistory(ctx, dataDir, long, 20251201)
	if err != nil {
		return fmt.Errorf("fill the history: %w", err)
	}
	logf("history: %d conversations, the long one %d messages, %.1f MB of text, written in %.1f s", hist.conversations, hist.longMessages, hist.contentMB, time.Since(t0).Seconds())

	var kb [16]byte
	_, _ = rand.Read(kb[:])
	key := "sk-bench" + hex.EncodeToString(kb[:])
	w := &writes{at: map[string]float64{}}
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, OnWrite: w.add})
	defer fake.Close()

	probePath := filepath.Join(tmp, "probe.jsonl")
	p := newProbe(probePath)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "QWENDESK_DATA_DIR="+dataDir, "DASHSCOPE_BASE_URL="+fake.BaseURL(), "DASHSCOPE_API_KEY="+key, "QWENDESK_BENCH_PROBE="+probePath)
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}()
	pid := cmd.Process.Pid

	hello, err := p.waitHello(30 * time.Second)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, output.String())
	}
	logf("probe: %v", hello["ua"])
	win, err := window(30 * time.Second)
	if err != nil {
		return err
	}

	// The clocks: the page's performance.timeOrigin + now() against Go's time.Now.
	clock := func() (offset, half float64, outside int) {
		best := math.Inf(1)
		for range 15 {
			r, err := p.call(map[string]any{"c": "ping"}, "pong", 5*time.Second)
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
	off0, half0, out0 := clock()
	logf("clock: page − Go %.3f ms ± %.3f (best of 15 pings; %d pings with the page's time outside [sent, received])", off0, half0, out0)
	res, err := p.call(map[string]any{"c": "res"}, "res", 5*time.Second)
	if err != nil {
		return err
	}
	logf("timer: smallest step of performance.now() %.4f ms, %v distinct values in 40 ms; first: %v", num(res, "minStep"), res["distinct"], res["sample"])

	// Wait for the sidebar to list the long conversation (the history opens after DOM ready).
	itemSel := fmt.Sprintf(`[data-testid="conversation"][data-id="%s"] button`, hist.longID)
	var loc map[string]any
	for deadline := time.Now().Add(60 * time.Second); ; {
		loc, err = p.call(map[string]any{"c": "locate", "sel": itemSel, "reveal": true}, "loc", 5*time.Second)
		if err == nil && num(loc, "found") > 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the long conversation never appeared in the sidebar (%v)", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	logf("sidebar item at %.0f,%.0f (%.0fx%.0f; window %vx%v, dpr %v)", num(loc, "x"), num(loc, "y"), num(loc, "w"), num(loc, "h"), loc["iw"], loc["ih"], loc["dpr"])

	// Idle: 5 s after the history is listed (the newest short conversation is open).
	time.Sleep(5 * time.Second)
	idle := tree(pid)
	_, idlePSS := sum(idle)
	logf("idle PSS %.1f MB: %s", mb(idlePSS), describe(idle))
	screenshot(shots, "idle")

	// Open the long conversation with a click, as a user does.
	x, y := fmt.Sprintf("%.0f", num(loc, "x")), fmt.Sprintf("%.0f", num(loc, "y"))
	if err := xdo("mousemove", "--window", win, x, y); err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond)
	wch, err := p.send(map[string]any{"c": "watch", "text": hist.lastMarker})
	if err != nil {
		return err
	}
	select {
	case r := <-wch:
		if r["k"] != "armed" || r["present"] == true {
			return fmt.Errorf("arming the open watch: %v", r)
		}
	case <-time.After(5 * time.Second):
		return errors.New("the open watch was not armed")
	}
	clickAt := time.Now()
	if err := xdo("click", "1"); err != nil {
		return err
	}
	var open map[string]any
	select {
	case open = <-wch:
	case <-time.After(90 * time.Second):
	}
	rows := []benchrow.Row{}
	var openNote string
	var openPaint, openDOM float64 = math.NaN(), math.NaN()
	if open == nil {
		openNote = "the last message's marker never reached the DOM within 90 s of the click"
	} else {
		start := num(open, "downEv")
		startWhat := "the mousedown event's timeStamp"
		if start == 0 {
			start, startWhat = num(open, "down"), "the probe's mousedown listener"
		}
		openDOM, openPaint = num(open, "dom")-start, num(open, "painted")-start
		openNote = fmt.Sprintf("xdotool click on the sidebar item; from %s (the click's listener ran %.1f ms later; xdotool was started %.1f ms before it) to the first DOM mutation holding the last message's marker word: %.1f ms, and to the end of the frame after it (rAF, then a posted task): %.1f ms",
			startWhat, num(open, "click")-start, start-float64(clickAt.UnixNano())/1e6, openDOM, openPaint)
	}
	logf("open: %s", openNote)
	time.Sleep(3 * time.Second)
	count, _ := p.call(map[string]any{"c": "count", "sel": `[data-testid="message"]`}, "count", 10*time.Second)
	opened := tree(pid)
	_, openedPSS := sum(opened)
	logf("after opening: %v messages in the DOM, %v elements, %v characters of text; PSS %.1f MB: %s", count["n"], count["nodes"], count["textChars"], mb(openedPSS), describe(opened))
	screenshot(shots, "opened")

	// Scroll up through it with the mouse wheel, about 20 notches a second.
	logLoc, err := p.call(map[string]any{"c": "locate", "sel": `[role="log"]`}, "loc", 5*time.Second)
	if err != nil || num(logLoc, "found") == 0 {
		return fmt.Errorf("no message list to scroll: %v", err)
	}
	if err := xdo("mousemove", "--window", win, fmt.Sprintf("%.0f", num(logLoc, "x")), fmt.Sprintf("%.0f", num(logLoc, "y"))); err != nil {
		return err
	}
	if _, err := p.call(map[string]any{"c": "frames", "on": true}, "framesOn", 5*time.Second); err != nil {
		return err
	}
	time.Sleep(200 * time.Millisecond)
	notches := int(scrollFor / (50 * time.Millisecond))
	if err := xdo("click", "--repeat", fmt.Sprint(notches), "--delay", "50", "4"); err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond)
	fr, err := p.call(map[string]any{"c": "frames", "on": false}, "frames", 10*time.Second)
	if err != nil {
		return err
	}
	scrolled := tree(pid)
	_, scrolledPSS := sum(scrolled)
	screenshot(shots, "scrolled")
	list, _ := fr["list"].([]any)
	var longestWork, longestGap float64
	over, missed := 0, 0
	for _, it := range list {
		f, _ := it.([]any)
		if len(f) < 3 {
			continue
		}
		work, gap := f[1].(float64), f[2].(float64)
		longestWork, longestGap = max(longestWork, work), max(longestGap, gap)
		if work > 16 {
			over++
		}
		if gap > 25 {
			missed++
		}
	}
	scrollNote := fmt.Sprintf("%d wheel notches up (xdotool button 4, one per 50 ms) over the message list; %d frames monitored (rAF callback → a task posted from it, after style, layout and paint), scrollTop %v → %v; longest rAF-to-rAF gap %.1f ms, %d gaps over 25 ms (a missed 60 Hz frame)",
		notches, len(list), fr["top0"], fr["top1"], longestGap, missed)
	logf("scroll: longest frame %.1f ms, %d over 16 ms; %s", longestWork, over, scrollNote)

	// Token to pixel: a new chat, then paced replies.
	if nc, err := p.call(map[string]any{"c": "locate", "sel": `[data-testid="sidebar-new-chat"]`}, "loc", 5*time.Second); err == nil && num(nc, "found") > 0 {
		_ = xdo("mousemove", "--window", win, fmt.Sprintf("%.0f", num(nc, "x")), fmt.Sprintf("%.0f", num(nc, "y")))
		_ = xdo("click", "1")
	}
	time.Sleep(700 * time.Millisecond)
	comp, err := p.call(map[string]any{"c": "locate", "sel": `[data-testid="composer"]`}, "loc", 5*time.Second)
	if err != nil || num(comp, "found") == 0 {
		return fmt.Errorf("no composer: %v", err)
	}
	_ = xdo("mousemove", "--window", win, fmt.Sprintf("%.0f", num(comp, "x")), fmt.Sprintf("%.0f", num(comp, "y")))
	_ = xdo("click", "1")
	time.Sleep(300 * time.Millisecond)
	var first, later, firstPaint, laterPaint []float64
	missing := 0
	midShot := false
	for turn := 1; turn <= turns; turn++ {
		if err := xdo("type", "--delay", "12", fmt.Sprintf("Question %d, answer slowly #pace:%d", turn, tokens)); err != nil {
			return err
		}
		if err := xdo("key", "Return"); err != nil {
			return err
		}
		sentAt := time.Now()
		last := fakedashscope.PaceMarker(uint64(turn), tokens-1)
		deadline := time.Now().Add(time.Duration(tokens)*fakedashscope.PaceInterval*3 + 20*time.Second)
		for {
			if _, _, ok := p.seen(last); ok {
				break
			}
			if time.Now().After(deadline) {
				logf("turn %d: the last marker %s never reached the DOM", turn, last)
				break
			}
			if turn == turns && !midShot && time.Since(sentAt) > 2*time.Second {
				screenshot(shots, "streaming")
				midShot = true
			}
			time.Sleep(50 * time.Millisecond)
		}
		if turn == turns {
			screenshot(shots, "streamed")
		}
		time.Sleep(400 * time.Millisecond) // the reply's end, the composer ready again
	}
	// collect
	for turn := 1; turn <= turns; turn++ {
		for i := range tokens {
			m := fakedashscope.PaceMarker(uint64(turn), i)
			wt, okW := w.get(m)
			dom, painted, okD := p.seen(m)
			if !okW || !okD {
				missing++
				continue
			}
			if i == 0 {
				first = append(first, dom-wt)
				if painted > 0 {
					firstPaint = append(firstPaint, painted-wt)
				}
			} else {
				later = append(later, dom-wt)
				if painted > 0 {
					laterPaint = append(laterPaint, painted-wt)
				}
			}
		}
	}
	for _, s := range [][]float64{first, later, firstPaint, laterPaint} {
		sort.Float64s(s)
	}
	off1, half1, out1 := clock()
	stats, _ := p.call(map[string]any{"c": "stats"}, "stats", 5*time.Second)
	logf("tokens: %d first, %d later, %d missing; first p50 %.1f p99 %.1f; later p50 %.1f p99 %.1f; clock after %.3f ± %.3f", len(first), len(later), missing, pct(first, 50), pct(first, 99), pct(later, 50), pct(later, 99), off1, half1)
	logf("probe cost: %v MutationObserver callbacks, %.1f ms in them in all, longest %.2f ms, %v characters looked at", stats["moCalls"], num(stats, "moMs"), num(stats, "moMax"), stats["moChars"])

	clockNote := fmt.Sprintf("page clock (performance.timeOrigin + performance.now()) − Go's time.Now, from the best of 15 pings (Go stamps, queues WindowExecJS, the page answers by a Wails event): %.2f ms ± %.2f before, %.2f ms ± %.2f after the turns; %d of 30 pings had the page's time outside [Go sent, Go received]; the smallest step of performance.now() seen was %.3f ms",
		off0, half0, off1, half1, out0+out1, num(res, "minStep"))
	pathNote := "server write+flush (fakedashscope.Options.OnWrite, after the flush returned) → loopback TCP → the app's SSE decoder → chat's coalescer (the first token of a reply goes out at once, later text waits up to 33 ms) → Wails EventsEmit (JSON, a script evaluated in the webview) → the chat store's once-per-frame flush (rAF) → Svelte → the Markdown stream renderer → DOM mutation seen by the probe's MutationObserver (stamped at the start of its callback)"
	tokNote := fmt.Sprintf("%d paced replies of %d tokens (fakedashscope #pace: first token %v after the request, then one chunk per %v = 50 tokens/s, one marker word per chunk) in a new conversation; %d of %d markers matched (server write and DOM); %s; %s",
		turns, tokens, fakedashscope.PaceThink, fakedashscope.PaceInterval, len(first)+len(later), turns*tokens, pathNote, clockNote)
	probeNote := fmt.Sprintf("probe cost over the run: %v MutationObserver callbacks, %.1f ms in them in all, longest %.2f ms", stats["moCalls"], num(stats, "moMs"), num(stats, "moMax"))
	met := func(v, goal float64) *bool {
		if math.IsNaN(v) {
			return nil
		}
		return benchrow.Met(v < goal)
	}
	nan0 := func(v float64) float64 {
		if math.IsNaN(v) {
			return 0
		}
		return v
	}
	rows = append(rows,
		benchrow.Row{Figure: "token to pixel: first token, p50 (server write → window DOM)", QwenDesk: nan0(pct(first, 50)), Unit: "ms", Goal: "< 16 ms", Met: met(pct(first, 50), 16), Note: tokNote},
		benchrow.Row{Figure: "token to pixel: first token, p99", QwenDesk: nan0(pct(first, 99)), Unit: "ms", Goal: "< 33 ms", Met: met(pct(first, 99), 33), Note: fmt.Sprintf("%d first tokens; all, sorted: %s", len(first), list3(first))},
		benchrow.Row{Figure: "token to pixel: later tokens, p50", QwenDesk: nan0(pct(later, 50)), Unit: "ms", Goal: "—", Note: fmt.Sprintf("%d later tokens", len(later))},
		benchrow.Row{Figure: "token to pixel: later tokens, p99", QwenDesk: nan0(pct(later, 99)), Unit: "ms", Goal: "< 50 ms", Met: met(pct(later, 99), 50), Note: fmt.Sprintf("max %.1f ms", nan0(pct(later, 100)))},
		benchrow.Row{Figure: "token to painted frame: first token p50 / p99", QwenDesk: nan0(pct(firstPaint, 50)), Unit: "ms", Goal: "—", Note: fmt.Sprintf("p99 %.1f ms: to the end of the frame after the DOM mutation (rAF, then a task posted from it); later tokens p50 %.1f, p99 %.1f ms; %s", nan0(pct(firstPaint, 99)), nan0(pct(laterPaint, 50)), nan0(pct(laterPaint, 99)), probeNote)},
	)
	rows = append(rows,
		benchrow.Row{Figure: fmt.Sprintf("open a %d-message conversation: first paint of its last messages", long), QwenDesk: nan0(openPaint), Unit: "ms", Goal: "< 150 ms", Met: met(openPaint, 150), Note: openNote},
		benchrow.Row{Figure: "open the long conversation: last message in the DOM", QwenDesk: nan0(openDOM), Unit: "ms", Goal: "—", Note: fmt.Sprintf("%v message elements, %v elements in all, %v characters of text in the page 3 s after the click", count["n"], count["nodes"], count["textChars"])},
		benchrow.Row{Figure: "scroll the long conversation: longest frame", QwenDesk: longestWork, Unit: "ms", Goal: "≤ 16 ms", Met: benchrow.Met(len(list) > 0 && longestWork <= 16), Note: scrollNote},
		benchrow.Row{Figure: "scroll the long conversation: frames over 16 ms", QwenDesk: float64(over), Unit: "frames", Goal: "0", Met: benchrow.Met(len(list) > 0 && over == 0), Note: fmt.Sprintf("of %d frames", len(list))},
		benchrow.Row{Figure: "PSS, whole process tree, idle (a short conversation open)", QwenDesk: mb(idlePSS), Unit: "MB", Goal: "—", Note: describe(idle)},
		benchrow.Row{Figure: "PSS after opening the long conversation, above idle", QwenDesk: mb(openedPSS - idlePSS), Unit: "MB", Goal: "≤ 100 MB", Met: benchrow.Met(mb(openedPSS-idlePSS) <= 100),
			Note: fmt.Sprintf("3 s after the click: %.1f MB (%s); after scrolling: %.1f MB, %.1f above idle", mb(openedPSS), describe(opened), mb(scrolledPSS), mb(scrolledPSS-idlePSS))},
		benchrow.Row{Figure: "page clock − Go clock (probe)", QwenDesk: off0, Unit: "ms", Goal: "—", Note: clockNote},
	)

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

// list3 prints values with one decimal.
func list3(s []float64) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprintf("%.1f", v)
	}
	return strings.Join(parts, " ")
}
