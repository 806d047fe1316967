//go:build benchprobe

package main

// The DOM probe of the window benchmark (cmd/benchwindow, scripts/bench-window.sh). Only a
// build with -tags benchprobe has it; make build and make dist never do. At DOM ready it
// injects a small script with runtime.WindowExecJS (evaluated by WebKit as the embedder's
// script, so the page's Content-Security-Policy, script-src 'self', does not apply to it) and
// writes what the script reports, through the Wails event "bench:probe", as JSON lines to the
// file named by QWENDESK_BENCH_PROBE. The benchmark drives it by appending JSON commands to
// that file's name + ".cmd", which is polled every 5 ms. The script stamps times with
// performance.timeOrigin + performance.now(), in ms of the wall clock, comparable with Go's
// time.Now (the "ping" command measures how well).

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

func init() { domReadyHook = startBenchProbe }

func startBenchProbe(ctx context.Context) {
	path := os.Getenv("QWENDESK_BENCH_PROBE")
	if path == "" {
		return
	}
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	var mu sync.Mutex
	runtime.EventsOn(ctx, "bench:probe", func(data ...any) {
		at := time.Now().UnixNano()
		mu.Lock()
		defer mu.Unlock()
		for _, d := range data {
			s, ok := d.(string)
			if !ok || !json.Valid([]byte(s)) {
				continue
			}
			out.WriteString(`{"goRecvNs":` + strconv.FormatInt(at, 10) + `,"r":` + s + "}\n")
		}
	})
	runtime.WindowExecJS(ctx, benchProbeScript)
	go followBenchCommands(ctx, path+".cmd")
}

// followBenchCommands hands each new line of the command file to the probe, with the Go
// wall-clock time (ms) just before the script was queued.
func followBenchCommands(ctx context.Context, path string) {
	var offset int64
	var partial []byte
	for ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		buf := make([]byte, 64*1024)
		n, _ := f.ReadAt(buf, offset)
		f.Close()
		if n == 0 {
			continue
		}
		offset += int64(n)
		partial = append(partial, buf[:n]...)
		for {
			i := bytes.IndexByte(partial, '\n')
			if i < 0 {
				break
			}
			line := bytes.TrimSpace(partial[:i])
			partial = partial[i+1:]
			if !json.Valid(line) {
				continue
			}
			goMs := strconv.FormatFloat(float64(time.Now().UnixNano())/1e6, 'f', 4, 64)
			runtime.WindowExecJS(ctx, "window.__qdProbe&&window.__qdProbe.cmd("+string(line)+","+goMs+")")
		}
	}
}

// benchProbeScript is the probe. Its MutationObserver looks only at the mutated nodes' text
// (indexOf first, a regular expression only where the marker prefix occurs), and reports
// in batches every 200 ms, so it adds little to what it measures; it also times itself.
var benchProbeScript = `(() => {
  if (window.__qdProbe) return;
  const now = () => performance.timeOrigin + performance.now();
  const emit = (o) => { try { window.runtime.EventsEmit('bench:probe', JSON.stringify(o)); } catch (e) {} };
  const queue = [];
  let flushQueued = false;
  const report = (o) => {
    queue.push(o);
    if (flushQueued) return;
    flushQueued = true;
    setTimeout(() => { flushQueued = false; const b = queue.splice(0); if (b.length) emit({ k: 'batch', items: b }); }, 200);
  };
  // After the frame that follows: rAF, then a task posted from it (after style, layout, paint).
  const afterFrame = (fn) => requestAnimationFrame(() => { const tr = now(); const mc = new MessageChannel(); mc.port1.onmessage = () => fn(tr, now()); mc.port2.postMessage(0); });
  const seen = new Set();
  const re = /` + "qdp[0-9]+x[0-9]+" + `/g;
  let moCalls = 0, moMs = 0, moMax = 0, moChars = 0;
  let watch = null;
  let paintBatch = null;
  const found = (text, t, fresh) => {
    moChars += text.length;
    if (text.indexOf('qdp') >= 0) {
      re.lastIndex = 0;
      let m;
      while ((m = re.exec(text))) if (!seen.has(m[0])) { seen.add(m[0]); fresh.push(m[0]); }
    }
    if (watch && !watch.dom && text.indexOf(watch.text) >= 0) watch.dom = t;
  };
  const mo = new MutationObserver((records) => {
    const t = now();
    if (watch && watch.down && !watch.firstMut) watch.firstMut = t;
    const fresh = [];
    for (const r of records) {
      if (r.type === 'characterData') found(r.target.data || '', t, fresh);
      else for (const n of r.addedNodes) found(n.textContent || '', t, fresh);
    }
    if (fresh.length) {
      report({ k: 'm', t, ms: fresh });
      // The chat store applies streamed text inside a rAF callback, so a task posted from here
      // runs once that frame's rendering is done (a second rAF would wait a frame longer).
      if (!paintBatch) {
        paintBatch = [];
        const mc = new MessageChannel();
        mc.port1.onmessage = () => { report({ k: 'mp', t: now(), ms: paintBatch }); paintBatch = null; };
        mc.port2.postMessage(0);
      }
      paintBatch.push(...fresh);
    }
    if (watch && watch.dom && !watch.painted) {
      const w = watch;
      w.painted = -1;
      afterFrame((tr, tp) => { w.painted = tp; w.raf = tr; emit({ k: 'open', id: w.id, down: w.down, firstMut: w.firstMut, callStart: w.callStart, callEnd: w.callEnd, click: w.click, dom: w.dom, raf: tr, painted: tp, armed: w.armed }); watch = null; });
    }
    const d = now() - t;
    moCalls++; moMs += d; if (d > moMax) moMax = d;
  });
  mo.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  // How long the bound Conversation call takes (IPC, Go, the store, JSON both ways): the
  // generated bindings look the method up on window.go at each call, so a wrapper sees it.
  try {
    const api = window.go.main.App;
    const orig = api.Conversation;
    api.Conversation = function (...args) {
      const t0 = now();
      const pr = orig.apply(this, args);
      pr.then(() => { if (watch && watch.down && !watch.callEnd) { watch.callStart = t0; watch.callEnd = now(); } }, () => {});
      return pr;
    };
  } catch (e) {}
  // When each marker's chat:delta event reached the page (a listener beside the app's own).
  const evSeen = new Set();
  try {
    window.runtime.EventsOn('chat:delta', (d) => {
      const t = now();
      const text = (d && d.content) || '';
      if (text.indexOf('qdp') < 0) return;
      const ms = [];
      re.lastIndex = 0;
      let m;
      while ((m = re.exec(text))) if (!evSeen.has(m[0])) { evSeen.add(m[0]); ms.push(m[0]); }
      if (ms.length) report({ k: 'e', t, ms });
    });
  } catch (e) {}
  for (const type of ['mousedown', 'keydown']) window.addEventListener(type, () => { if (watch && !watch.down) watch.down = now(); }, true);
  window.addEventListener('click', () => { if (watch && !watch.click) watch.click = now(); }, true);
  let frames = null;
  const scroller = (sel) => document.querySelector(sel || '[role=log]');
  const cmds = {
    ping(c, goMs) { emit({ k: 'pong', id: c.id, goSent: goMs, js: now() }); },
    res(c) {
      const vals = [];
      const end = performance.now() + 40;
      let p;
      while ((p = performance.now()) < end) if (vals.length === 0 || vals[vals.length - 1] !== p) vals.push(p);
      let min = Infinity;
      for (let i = 1; i < vals.length; i++) min = Math.min(min, vals[i] - vals[i - 1]);
      emit({ k: 'res', id: c.id, minStep: min, distinct: vals.length, sample: vals.slice(0, 6), timeOrigin: performance.timeOrigin });
    },
    locate(c) {
      const els = [...document.querySelectorAll(c.sel)].filter((e) => !c.text || (e.textContent || '').includes(c.text));
      const el = els[0];
      if (!el) return emit({ k: 'loc', id: c.id, found: 0 });
      if (c.reveal) el.scrollIntoView({ block: 'nearest' });
      const r = el.getBoundingClientRect();
      emit({ k: 'loc', id: c.id, found: els.length, x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height, dpr: window.devicePixelRatio, iw: window.innerWidth, ih: window.innerHeight });
    },
    watch(c) {
      const present = document.body && (document.body.textContent || '').indexOf(c.text) >= 0;
      watch = { id: c.id, text: c.text, armed: now() };
      emit({ k: 'armed', id: c.id, present });
    },
    count(c) {
      const els = document.querySelectorAll(c.sel);
      const s = scroller(c.scroller);
      emit({ k: 'count', id: c.id, n: els.length, textChars: (document.body.textContent || '').length, scrollTop: s ? s.scrollTop : -1, scrollHeight: s ? s.scrollHeight : -1, clientHeight: s ? s.clientHeight : -1, nodes: document.getElementsByTagName('*').length });
    },
    frames(c) {
      if (c.on) {
        if (frames) return;
        const s = scroller(c.scroller);
        frames = { list: [], prev: 0, open: 0, top0: s ? s.scrollTop : -1, id: c.id };
        const mc = new MessageChannel();
        mc.port1.onmessage = () => { const f = frames; if (!f || !f.open) return; const end = now(); f.list.push([f.open, end - f.open, f.prev ? f.open - f.prev : 0]); f.prev = f.open; f.open = 0; };
        const tick = () => { const f = frames; if (!f) return; f.open = now(); mc.port2.postMessage(0); requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
        emit({ k: 'framesOn', id: c.id });
      } else {
        const f = frames; frames = null;
        const s = scroller(c.scroller);
        emit({ k: 'frames', id: c.id, list: f ? f.list : [], top0: f ? f.top0 : -1, top1: s ? s.scrollTop : -1 });
      }
    },
    stats(c) { emit({ k: 'stats', id: c.id, moCalls, moMs, moMax, moChars, seen: seen.size }); },
  };
  window.__qdProbe = { cmd(c, goMs) { const f = cmds[c.c]; if (f) f(c, goMs); } };
  emit({ k: 'hello', t: now(), ua: navigator.userAgent });
})()`
