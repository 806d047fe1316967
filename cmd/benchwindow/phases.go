package main

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"qwendesk/internal/benchrow"
	"qwendesk/internal/fakedashscope"
)

// tokenPhase streams paced replies into a new conversation and times each marker word from
// the fake server's write to the window's DOM.
func tokenPhase(a *app, c config, w *writes) ([]benchrow.Row, error) {
	p := a.probe
	res, err := p.call(map[string]any{"c": "res"}, "res", 5*time.Second)
	if err != nil {
		return nil, err
	}
	logf("timer: smallest step of performance.now() %.4f ms, %v distinct values in 40 ms; first: %v; timeOrigin %v", num(res, "minStep"), res["distinct"], res["sample"], res["timeOrigin"])
	off0, half0, out0 := a.clock()
	logf("clock: page − Go %.3f ms ± %.3f (best of 15 pings; %d with the page's time outside [sent, received])", off0, half0, out0)
	if _, err := a.waitFor(`[data-testid="conversation"]`, 60*time.Second); err != nil {
		return nil, err
	}
	time.Sleep(2 * time.Second)
	if _, err := a.clickOn(`[data-testid="sidebar-new-chat"]`, false); err != nil {
		return nil, err
	}
	time.Sleep(700 * time.Millisecond)
	if _, err := a.clickOn(`[data-testid="composer"]`, false); err != nil {
		return nil, err
	}
	time.Sleep(300 * time.Millisecond)
	midShot := false
	for turn := 1; turn <= c.turns; turn++ {
		if err := xdo("type", "--delay", "12", fmt.Sprintf("Question %d, answer slowly #pace:%d", turn, c.tokens)); err != nil {
			return nil, err
		}
		if err := xdo("key", "Return"); err != nil {
			return nil, err
		}
		sentAt := time.Now()
		last := fakedashscope.PaceMarker(uint64(turn), c.tokens-1)
		deadline := sentAt.Add(time.Duration(c.tokens)*fakedashscope.PaceInterval*3 + 20*time.Second)
		for {
			if _, _, ok := p.seen(last); ok {
				break
			}
			if time.Now().After(deadline) {
				logf("turn %d: the last marker %s never reached the DOM", turn, last)
				break
			}
			if turn == c.turns && !midShot && time.Since(sentAt) > 2*time.Second {
				screenshot(c.shots, "streaming")
				midShot = true
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(400 * time.Millisecond) // the reply's end; the composer takes input again
	}
	screenshot(c.shots, "streamed")
	off1, half1, out1 := a.clock()
	stats, _ := p.call(map[string]any{"c": "stats"}, "stats", 5*time.Second)
	// DOM stamps are the page's clock: moved onto Go's by the mean measured offset.
	corr := (off0 + off1) / 2
	var first, later, firstPaint, laterPaint, firstEv, laterEv []float64
	missing := 0
	for turn := 1; turn <= c.turns; turn++ {
		for i := range c.tokens {
			m := fakedashscope.PaceMarker(uint64(turn), i)
			wt, okW := w.get(m)
			dom, painted, okD := p.seen(m)
			if !okW || !okD {
				missing++
				continue
			}
			d, pt := dom-corr-wt, painted-corr-wt
			if ev, ok := p.eventAt(m); ok {
				if i == 0 {
					firstEv = append(firstEv, ev-corr-wt)
				} else {
					laterEv = append(laterEv, ev-corr-wt)
				}
			}
			if i == 0 {
				first = append(first, d)
				if painted > 0 {
					firstPaint = append(firstPaint, pt)
				}
			} else {
				later = append(later, d)
				if painted > 0 {
					laterPaint = append(laterPaint, pt)
				}
			}
		}
	}
	for _, s := range [][]float64{first, later, firstPaint, laterPaint, firstEv, laterEv} {
		sort.Float64s(s)
	}
	logf("events: first p50 %.1f p99 %.1f; later p50 %.1f p99 %.1f; rendered: first p50 %.1f p99 %.1f", pct(firstEv, 50), pct(firstEv, 99), pct(laterEv, 50), pct(laterEv, 99), pct(firstPaint, 50), pct(firstPaint, 99))
	logf("tokens: %d first, %d later, %d missing; first p50 %.1f p99 %.1f; later p50 %.1f p99 %.1f (corrected by %.2f ms); clock after %.3f ± %.3f",
		len(first), len(later), missing, pct(first, 50), pct(first, 99), pct(later, 50), pct(later, 99), -corr, off1, half1)
	logf("probe cost: %v MutationObserver callbacks, %.1f ms in them in all, longest %.2f ms, %v characters looked at", stats["moCalls"], num(stats, "moMs"), num(stats, "moMax"), stats["moChars"])

	clockNote := fmt.Sprintf("the page's clock (performance.timeOrigin + performance.now()) − Go's time.Now, best of 15 pings each (Go stamps, queues WindowExecJS, the page answers with a Wails event): %.2f ms ± %.2f before the turns, %.2f ms ± %.2f after; %d of 30 pings had the page's time outside [Go sent, Go received]; DOM times are moved onto Go's clock by the mean, %+.2f ms; performance.now() steps by %.3f ms in this WebKit, so each figure is ± 1 ms",
		off0, half0, off1, half1, out0+out1, -corr, num(res, "minStep"))
	pathNote := "what it includes: the server's write and flush (stamped by fakedashscope.Options.OnWrite once the flush returned) → loopback TCP → the app's SSE decoder → the chat coalescer (a reply's first text goes out at once; later text waits up to its 30 ms window) → Wails EventsEmit (JSON, a script evaluated in the webview) → the chat store, which applies text once per animation frame (rAF, ≤ 16.7 ms) → Svelte → the streaming Markdown renderer → the DOM mutation, stamped at the start of the probe's MutationObserver callback (style, layout and paint come after: the 'token to rendered frame' row)"
	tokNote := fmt.Sprintf("%d paced replies of %d tokens each (fakedashscope #pace: the first token %v after the request, then one chunk every %v = 50 tokens/s, one marker word per chunk, in Markdown with bold, lists and headings) in a new conversation; %d of %d markers found both at the server and in the DOM; %s; %s",
		c.turns, c.tokens, fakedashscope.PaceThink, fakedashscope.PaceInterval, len(first)+len(later), c.turns*c.tokens, pathNote, clockNote)
	probeNote := fmt.Sprintf("the probe's own cost over the turns: %v MutationObserver callbacks, %.1f ms in them in all, the longest %.2f ms", stats["moCalls"], num(stats, "moMs"), num(stats, "moMax"))
	return []benchrow.Row{
		{Figure: "token to pixel: first token, p50 (server write → text in the window's DOM)", QwenDesk: nan0(pct(first, 50)), Unit: "ms", Goal: "< 16 ms", Met: met(pct(first, 50), 16), Note: tokNote},
		{Figure: "token to pixel: first token, p99", QwenDesk: nan0(pct(first, 99)), Unit: "ms", Goal: "< 33 ms", Met: met(pct(first, 99), 33), Note: fmt.Sprintf("%d first tokens, sorted: %s", len(first), list1(first))},
		{Figure: "token to pixel: later tokens, p50", QwenDesk: nan0(pct(later, 50)), Unit: "ms", Goal: "—", Note: fmt.Sprintf("%d later tokens", len(later))},
		{Figure: "token to pixel: later tokens, p99", QwenDesk: nan0(pct(later, 99)), Unit: "ms", Goal: "< 50 ms", Met: met(pct(later, 99), 50), Note: fmt.Sprintf("max %.1f ms", nan0(pct(later, 100)))},
		{Figure: "token to page: first token's chat:delta event reaches the page, p50", QwenDesk: nan0(pct(firstEv, 50)), Unit: "ms", Goal: "—",
			Note: fmt.Sprintf("the part of the path before the chat store: server write → the probe's own Wails listener for chat:delta (beside the app's) sees the marker; first token p99 %.1f ms; later tokens p50 %.1f, p99 %.1f ms (%d first, %d later events matched)", nan0(pct(firstEv, 99)), nan0(pct(laterEv, 50)), nan0(pct(laterEv, 99)), len(firstEv), len(laterEv))},
		{Figure: "token to rendered frame: first token, p50", QwenDesk: nan0(pct(firstPaint, 50)), Unit: "ms", Goal: "—",
			Note: fmt.Sprintf("to a task posted from the MutationObserver callback: the store applies text inside a rAF callback, so the task runs once that frame's style and layout are done (WebKitGTK without compositing may put the pixels on screen a little later); first token p99 %.1f ms, later tokens p50 %.1f, p99 %.1f ms; %s", nan0(pct(firstPaint, 99)), nan0(pct(laterPaint, 50)), nan0(pct(laterPaint, 99)), probeNote)},
		{Figure: "WebKit timer resolution (performance.now() step)", QwenDesk: num(res, "minStep"), Unit: "ms", Goal: "—", Note: fmt.Sprintf("smallest step between distinct performance.now() values in a 40 ms busy loop (%v distinct values)", res["distinct"])},
		{Figure: "page clock − Go clock", QwenDesk: (off0 + off1) / 2, Unit: "ms", Goal: "—", Note: clockNote},
	}, nil
}

// longPhase reads idle memory, opens the long conversation with a click in the sidebar,
// then scrolls up through it with the mouse wheel.
func longPhase(a *app, c config, h filled) ([]benchrow.Row, error) {
	p := a.probe
	itemSel := fmt.Sprintf(`[data-testid="conversation"][data-id="%s"] button`, h.longID)
	loc, err := a.waitFor(itemSel, 60*time.Second)
	if err != nil {
		return nil, err
	}
	// Idle: 5 s after the history is listed (the newest, short, conversation is open).
	time.Sleep(5 * time.Second)
	idle := tree(a.pid)
	_, idlePSS := sum(idle)
	logf("idle PSS %.1f MB: %s", mb(idlePSS), describe(idle))
	screenshot(c.shots, "idle")

	if err := xdo("mousemove", "--window", a.win, fmt.Sprintf("%.0f", num(loc, "x")), fmt.Sprintf("%.0f", num(loc, "y"))); err != nil {
		return nil, err
	}
	time.Sleep(300 * time.Millisecond)
	wch, err := p.send(map[string]any{"c": "watch", "text": h.lastMarker})
	if err != nil {
		return nil, err
	}
	select {
	case r := <-wch:
		if r["k"] != "armed" || r["present"] == true {
			return nil, fmt.Errorf("arming the open watch: %v", r)
		}
	case <-time.After(5 * time.Second):
		return nil, errors.New("the open watch was not armed")
	}
	// Frames while it opens: does the window go on painting, or freeze until it is done?
	if _, err := p.call(map[string]any{"c": "frames", "on": true}, "framesOn", 5*time.Second); err != nil {
		return nil, err
	}
	time.Sleep(100 * time.Millisecond)
	clickAt := time.Now()
	if err := xdo("click", "1"); err != nil {
		return nil, err
	}
	var open map[string]any
	select {
	case open = <-wch:
	case <-time.After(120 * time.Second):
	}
	frozen := ""
	if fr, err := p.call(map[string]any{"c": "frames", "on": false}, "frames", 30*time.Second); err == nil {
		list, _ := fr["list"].([]any)
		var gap, work float64
		for _, it := range list {
			if f, _ := it.([]any); len(f) >= 3 {
				w, _ := f[1].(float64)
				g, _ := f[2].(float64)
				gap, work = max(gap, g), max(work, w)
			}
		}
		frozen = fmt.Sprintf("; from 100 ms before the click to the reply %d frames were drawn, the longest gap between two frames' rAF callbacks %.0f ms (the window painted nothing in between), the longest frame %.0f ms", len(list), gap, work)
	}
	openPaint, openDOM, firstMut := math.NaN(), math.NaN(), math.NaN()
	var openNote string
	if open == nil {
		openNote = "not measured: the last message's marker word never reached the DOM within 120 s of the click"
	} else {
		// Event.timeStamp is not used: in this WebKit it is not on performance.now()'s timeline.
		start := num(open, "down")
		openDOM, openPaint = num(open, "dom")-start, num(open, "painted")-start
		if fm := num(open, "firstMut"); fm > 0 {
			firstMut = fm - start
		}
		openNote = fmt.Sprintf("an xdotool click on its sidebar item; from the probe's mousedown listener (capture, on window; the click listener ran %.1f ms after it; xdotool was started %.1f ms before it) to the first DOM mutation holding the last message's marker word, %.1f ms, and to the end of the frame after that (rAF, then a posted task: after style, layout and paint), %.1f ms; the first DOM mutation of any kind after the mousedown came at %.1f ms",
			num(open, "click")-start, start-float64(clickAt.UnixNano())/1e6, openDOM, openPaint, firstMut)
	}
	openNote += frozen
	if open != nil && num(open, "callEnd") > 0 {
		openNote += fmt.Sprintf("; the bound Conversation call (IPC, Go, the store, JSON both ways) was made %.1f ms after the mousedown and resolved at %.1f ms: the rest is the window's rendering",
			num(open, "callStart")-num(open, "down"), num(open, "callEnd")-num(open, "down"))
	}
	logf("open: %s", openNote)
	if st, err := p.call(map[string]any{"c": "stats"}, "stats", 30*time.Second); err == nil {
		openNote += fmt.Sprintf("; the probe's own cost up to now in this window: %v MutationObserver callbacks, %.1f ms in them in all, the longest %.1f ms, %.1f M characters of mutated text looked at", st["moCalls"], num(st, "moMs"), num(st, "moMax"), num(st, "moChars")/1e6)
	}
	time.Sleep(3 * time.Second)
	count, _ := p.call(map[string]any{"c": "count", "sel": `[data-testid="message"]`}, "count", 20*time.Second)
	opened := tree(a.pid)
	_, openedPSS := sum(opened)
	logf("after opening: %v messages in the DOM, %v elements, %v characters of text; PSS %.1f MB: %s", count["n"], count["nodes"], count["textChars"], mb(openedPSS), describe(opened))
	screenshot(c.shots, "opened")

	// Scroll up through it with the mouse wheel, 20 notches a second.
	logLoc, err := a.waitFor(`[role="log"]`, 5*time.Second)
	if err != nil {
		return nil, err
	}
	if err := xdo("mousemove", "--window", a.win, fmt.Sprintf("%.0f", num(logLoc, "x")), fmt.Sprintf("%.0f", num(logLoc, "y"))); err != nil {
		return nil, err
	}
	if _, err := p.call(map[string]any{"c": "frames", "on": true}, "framesOn", 5*time.Second); err != nil {
		return nil, err
	}
	time.Sleep(300 * time.Millisecond)
	notches := int(c.scroll / (50 * time.Millisecond))
	if err := xdo("click", "--repeat", fmt.Sprint(notches), "--delay", "50", "4"); err != nil {
		return nil, err
	}
	time.Sleep(500 * time.Millisecond)
	fr, err := p.call(map[string]any{"c": "frames", "on": false}, "frames", 20*time.Second)
	if err != nil {
		return nil, err
	}
	scrolled := tree(a.pid)
	_, scrolledPSS := sum(scrolled)
	screenshot(c.shots, "scrolled")
	list, _ := fr["list"].([]any)
	var longestWork, longestGap float64
	var works []float64
	over, missed := 0, 0
	for _, it := range list {
		f, _ := it.([]any)
		if len(f) < 3 {
			continue
		}
		work, _ := f[1].(float64)
		gap, _ := f[2].(float64)
		works = append(works, work)
		longestWork, longestGap = max(longestWork, work), max(longestGap, gap)
		if work > 16 {
			over++
		}
		if gap > 25 {
			missed++
		}
	}
	sort.Float64s(works)
	scrollNote := fmt.Sprintf("%d mouse-wheel notches up (xdotool button 4, one every 50 ms) over the message list; %d frames monitored, each from its first rAF callback to a task posted from it (after style, layout and paint), median %.1f ms; scrollTop %.0f → %.0f px; the longest gap between two frames' rAF callbacks %.1f ms, %d gaps over 25 ms (a missed 60 Hz frame)",
		notches, len(list), nan0(pct(works, 50)), num(fr, "top0"), num(fr, "top1"), longestGap, missed)
	logf("scroll: longest frame %.1f ms, %d over 16 ms; %s", longestWork, over, scrollNote)
	measured := len(list) > 0
	scrollMet := func(ok bool) *bool {
		if !measured {
			return nil
		}
		return benchrow.Met(ok)
	}
	return []benchrow.Row{
		{Figure: fmt.Sprintf("open a %d-message conversation: first paint of its last messages", h.longMessages), QwenDesk: nan0(openPaint), Unit: "ms", Goal: "< 150 ms", Met: met(openPaint, 150), Note: openNote},
		{Figure: "open the long conversation: its last message in the DOM", QwenDesk: nan0(openDOM), Unit: "ms", Goal: "—",
			Note: fmt.Sprintf("3 s after its last message reached the DOM the page held %.0f message elements, %.0f elements in all, %.0f characters of text", num(count, "n"), num(count, "nodes"), num(count, "textChars"))},
		{Figure: "scroll the long conversation: longest frame", QwenDesk: longestWork, Unit: "ms", Goal: "≤ 16 ms", Met: scrollMet(longestWork <= 16), Note: scrollNote},
		{Figure: "scroll the long conversation: frames over 16 ms", QwenDesk: float64(over), Unit: "frames", Goal: "0", Met: scrollMet(over == 0), Note: fmt.Sprintf("of %d frames", len(list))},
		{Figure: "scroll the long conversation: longest gap between frames", QwenDesk: longestGap, Unit: "ms", Goal: "—",
			Note: fmt.Sprintf("from one frame's first rAF callback to the next one's: what a user sees as a stall (60 Hz is 16.7 ms); %d of %d gaps were over 25 ms, a missed frame; the main thread's work between frames (wheel events, scroll handlers, layout of the whole list) shows here rather than in the per-frame time above", missed, len(list))},
		{Figure: "PSS, whole process tree, idle (a short conversation open)", QwenDesk: mb(idlePSS), Unit: "MB", Goal: "—", Note: "5 s after the sidebar listed the history: " + describe(idle)},
		{Figure: "PSS after opening the long conversation, above idle", QwenDesk: mb(openedPSS - idlePSS), Unit: "MB", Goal: "≤ 100 MB", Met: benchrow.Met(mb(openedPSS-idlePSS) <= 100),
			Note: fmt.Sprintf("3 s after its last message reached the DOM: %.1f MB in all (%s); after scrolling: %.1f MB, %.1f above idle", mb(openedPSS), describe(opened), mb(scrolledPSS), mb(scrolledPSS-idlePSS))},
	}, nil
}
