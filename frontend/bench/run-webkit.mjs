// Drives the render benchmark page in WebKitGTK 4.1, the engine QwenDesk ships on Linux: one
// bench/webkit.py window per run (a fresh web process each time), modes alternating a,b,c,a,b,c…,
// and writes the median figures as JSON rows for cmd/benchreport. Needs an X display (run it
// under xvfb-run -a) and Debian's /usr/bin/python3 with python3-gi and gir1.2-webkit2-4.1.
//
//   node bench/run-webkit.mjs [--out FILE] [--reps 3] [--modes qwendesk,react-markdown,streamdown]
//
// There is no DevTools protocol in WebKitGTK, so:
//  - main-thread work: the CPU time of the WebKitWebProcess's main thread
//    (/proc/PID/task/PID/schedstat, ns), read by this server when the page requests /mark?start
//    (before the stream's first byte) and /mark?end (after the final update, once the renderer's
//    DOM has been still for 500 ms and, for streamdown, every code block shows Shiki's tokens);
//    the web process's CPU over all its threads, and its run-queue wait, beside it;
//  - frames: the page's frame monitor (a frame's first rAF callback → a task posted from it, i.e.
//    after style, layout and paint), skipping the first second;
//  - text: the page's normalized final text (render.ts normalizedText), compared across modes.
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const out = resolve(opt('--out', join(here, '..', '..', 'build', 'bench', 'render.json')));
const reps = Number(opt('--reps', 3));
const modes = opt('--modes', 'qwendesk,react-markdown,streamdown').split(',');
const python = opt('--python', process.env.BENCH_PYTHON ?? '/usr/bin/python3');
const runTimeoutMs = Number(opt('--timeout', 180)) * 1000;
const SKIP_MS = 1000;
const FRAME_BUDGET = 16;

if (!existsSync(join(dist, 'render.html'))) {
  console.error('bench/dist/render.html missing: build first (npx vite build --config bench/vite.config.ts)');
  process.exit(2);
}
if (!process.env.DISPLAY) {
  console.error('no DISPLAY: run under xvfb-run -a');
  process.exit(2);
}

// ---- /proc readings -------------------------------------------------------------------------

const readText = (p) => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};
/** ppid and comm of a process, from /proc/PID/stat (comm may hold spaces and parentheses). */
function stat(pid) {
  const s = readText(`/proc/${pid}/stat`);
  if (!s) return null;
  const close = s.lastIndexOf(')');
  return { comm: s.slice(s.indexOf('(') + 1, close), ppid: Number(s.slice(close + 2).split(' ')[1]) };
}
/** The WebKitWebProcess descendants of pid (comm is cut to 15 characters: "WebKitWebProces"). */
function webProcesses(root) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = stat(name);
    if (!st) continue;
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push({ pid: Number(name), comm: st.comm });
  }
  const found = [];
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      if (c.comm.startsWith('WebKitWebProces')) found.push(c.pid);
      walk(c.pid);
    }
  };
  walk(root);
  return found;
}
/** schedstat of one thread: [ns on the CPU, ns runnable but waiting for a CPU, timeslices]. */
const schedstat = (pid, tid) => (readText(`/proc/${pid}/task/${tid}/schedstat`) ?? '0 0 0').trim().split(' ').map(Number);
const threadNs = (pid, tid) => schedstat(pid, tid)[0];
/** CPU time of the process's main thread (and its run-queue wait) and of all its threads, ns. */
function cpu(pid) {
  let all = 0;
  let threads = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      all += threadNs(pid, tid);
      threads++;
    }
  } catch {
    /* gone */
  }
  const [main, wait] = schedstat(pid, pid);
  return { main, wait, all, threads };
}

// ---- server ---------------------------------------------------------------------------------

let current = null; // { child, marks: {}, done(result) }
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.wasm': 'application/wasm' };
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/mark') {
    // Read synchronously, before answering: the page waits for this answer before it starts.
    const which = url.searchParams.has('start') ? 'start' : 'end';
    if (current) {
      const pids = current.pids ?? (current.pids = webProcesses(current.child.pid));
      const ui = current.child.pid; // the window's own process (Wails' Go process in the app)
      current.marks[which] = { at: performance.now(), cpu: Object.fromEntries(pids.map((p) => [p, cpu(p)])), ui: cpu(ui) };
    }
    return res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('ok');
  }
  if (url.pathname === '/result' && req.method === 'POST') {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    current?.done(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    return;
  }
  const path = decodeURIComponent(url.pathname);
  const file = join(dist, path === '/' ? 'render.html' : path);
  if (!file.startsWith(dist)) return res.writeHead(403).end();
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/render.html`;

// ---- one run --------------------------------------------------------------------------------

let engine = '';
function killGroup(child) {
  for (const [sig, after] of [['SIGTERM', 0], ['SIGKILL', 3000]]) {
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, sig); // the window and its web/network processes: our own group only
        } catch {
          /* gone */
        }
      }
    }, after).unref();
  }
  return new Promise((ok) => (child.exitCode !== null || child.signalCode !== null ? ok() : child.once('exit', ok)));
}

async function runOnce(mode) {
  const child = spawn(python, [join(here, 'webkit.py'), `${base}?mode=${mode}&auto=1${process.env.BENCH_QUERY ?? ''}`], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.on('data', (d) => {
    const m = /webkitgtk (\S+)/.exec(String(d));
    if (m) engine = m[1];
  });
  child.stderr.on('data', (d) => (stderr += d));
  const result = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${mode}: no result within ${runTimeoutMs / 1000} s`)), runTimeoutMs);
    current = { child, marks: {}, done: (r) => (clearTimeout(timer), ok(r)) };
    child.once('exit', (code, sig) => (clearTimeout(timer), fail(new Error(`${mode}: webkit.py exited (${code ?? sig}) before the page's result\n${stderr.slice(-2000)}`))));
  }).finally(() => killGroup(child));
  const { marks } = current;
  current = null;
  if (result.error) throw new Error(`${mode}: the page failed: ${result.error}`);
  if (!marks.start || !marks.end) throw new Error(`${mode}: missing start/end mark`);
  const pids = Object.keys(marks.start.cpu);
  if (pids.length === 0) throw new Error(`${mode}: no WebKitWebProcess found under pid ${child.pid}`);
  let mainNs = 0;
  let allNs = 0;
  let waitNs = 0;
  for (const p of pids) {
    waitNs += marks.end.cpu[p].wait - marks.start.cpu[p].wait;
    mainNs += marks.end.cpu[p].main - marks.start.cpu[p].main;
    allNs += marks.end.cpu[p].all - marks.start.cpu[p].all;
  }
  const late = result.frames.filter((f) => f.at >= SKIP_MS && f.at <= result.elapsedMs);
  const all = result.frames.filter((f) => f.at <= result.elapsedMs);
  return {
    mode,
    webProcesses: pids.length,
    mainThreadMs: mainNs / 1e6,
    processMs: allNs / 1e6,
    // Time the main thread was ready to run but waited for a CPU: other work on the machine.
    waitMs: waitNs / 1e6,
    // The UI process (here webkit.py; the Go process in the app) draws what the web process painted.
    uiProcessMs: (marks.end.ui.all - marks.start.ui.all) / 1e6,
    wallMs: marks.end.at - marks.start.at,
    frameWorkMs: all.reduce((s, f) => s + f.work, 0),
    applyMs: all.reduce((s, f) => s + f.apply, 0),
    followMs: all.reduce((s, f) => s + f.follow, 0),
    longestFrameMs: late.length ? Math.max(...late.map((f) => f.work)) : 0,
    over16: late.filter((f) => f.work > FRAME_BUDGET).length,
    framesAfter1s: late.length,
    longestGapMs: late.length ? Math.max(...late.map((f) => f.gap)) : 0,
    tailMs: result.tailMs,
    elapsedMs: result.elapsedMs,
    updates: result.updates,
    events: result.events,
    chars: result.chars,
    bytes: result.bytes,
    dom: result.dom,
    userAgent: result.userAgent,
    text: result.text,
    html: result.html,
  };
}

// ---- runs -----------------------------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const round = (x, d = 1) => (Number.isFinite(x) ? +x.toFixed(d) : null);

const loadavg = () => Number((readText('/proc/loadavg') ?? '0').split(' ')[0]);
const load = [loadavg()];
const runs = Object.fromEntries(modes.map((m) => [m, []]));
const t0 = Date.now();
for (let i = 0; i < reps; i++) {
  for (const mode of modes) {
    const r = await runOnce(mode);
    runs[mode].push(r);
    console.error(
      `run ${i + 1}/${reps} ${mode.padEnd(14)} main thread ${r.mainThreadMs.toFixed(0)} ms (waited for a CPU ${r.waitMs.toFixed(0)} ms; web process ${r.processMs.toFixed(0)} ms, Σ frames ${r.frameWorkMs.toFixed(0)} ms), ` +
        `longest frame ${r.longestFrameMs.toFixed(1)} ms, >16 ms: ${r.over16} of ${r.framesAfter1s}, updates ${r.updates}, tail ${r.tailMs.toFixed(0)} ms, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    );
  }
}
server.close();
load.push(loadavg());
const seconds = Math.round((Date.now() - t0) / 1000);

// ---- text comparison ------------------------------------------------------------------------

/** Where a and b first differ, with a little context from each; null when equal. */
function firstDifference(a, b) {
  if (a === b) return null;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 40);
  return { at: i, a: a.slice(from, i + 60), b: b.slice(from, i + 60), lengths: [a.length, b.length] };
}
const ref = 'qwendesk';
const texts = Object.fromEntries(modes.map((m) => [m, runs[m][0].text]));
const comparison = {};
for (const m of modes) {
  // Every rep of a mode must end with the same text too.
  const reDiff = runs[m].map((r) => firstDifference(texts[m], r.text)).find(Boolean) ?? null;
  comparison[m] = { chars: texts[m].length, vsQwenDesk: m === ref ? null : firstDifference(texts[ref], texts[m]), acrossReps: reDiff };
}
const textsEqual = modes.every((m) => comparison[m].vsQwenDesk === null && comparison[m].acrossReps === null);
const show = (s) => JSON.stringify(s);
const diffNote = modes
  .filter((m) => comparison[m].vsQwenDesk || comparison[m].acrossReps)
  .map((m) => {
    const d = comparison[m].vsQwenDesk;
    const r = comparison[m].acrossReps;
    return (
      (d ? `NOT EQUAL: ${m} differs from QwenDesk at character ${d.at} (of ${d.lengths[0]} / ${d.lengths[1]}): QwenDesk ${show(d.a)} vs ${m} ${show(d.b)}` : '') +
      (r ? `${d ? '; ' : ''}NOT EQUAL across ${m}'s own reps at character ${r.at}` : '')
    );
  })
  .join('; ');

// ---- rows -----------------------------------------------------------------------------------

const med = (mode, k) => median(runs[mode].map((r) => r[k]));
const q = (k) => med('qwendesk', k);
const has = (m) => modes.includes(m);
const first = runs[modes[0]][0];
const ratio = (base, ours) => (ours > 0 ? round(base / ours, 1) : null);
const EXCLUDED =
  'before comparing, a copy of each renderer\'s DOM drops UI chrome: QwenDesk\'s code block header (.md-code-head: language label, Copy/Preview buttons) and caret (.md-caret); ' +
  'streamdown\'s code block header and action bars ([data-streamdown="code-block-header"], [data-streamdown$="-actions"]); every <button>, .sr-only, <style>, <script>; ' +
  'each KaTeX formula is replaced by its TeX source (MathML annotation) since the peers ship KaTeX 0.16 and QwenDesk 0.19; whitespace is collapsed to single spaces and trimmed';
const common =
  `WebKitGTK ${engine} (${first.userAgent}), under Xvfb, hardware acceleration policy NEVER as the app's main.go sets it, 1200×800 window; ` +
  `median of ${reps} runs per renderer, alternating ${modes.join(',')} in fresh web processes; ` +
  `${first.chars} chars (${(first.bytes / 1024).toFixed(0)} KiB) at 2,000 tokens/s, ${q('updates')} updates (QwenDesk, median); ` +
  `1-minute load average ${load[0]} before and ${load[1]} after the runs on ${os.cpus().length} cores`;
const peerWork = (m) => `${m} ${round(med(m, 'mainThreadMs'), 0)} ms main thread, ${round(med(m, 'processMs'), 0)} ms all web-process threads`;

const rows = [];
for (const [peer, want, name] of [
  ['react-markdown', 10, 'react-markdown, whole answer per update'],
  ['streamdown', 2, 'streamdown, memoized blocks'],
]) {
  if (!has(peer)) continue;
  const r = ratio(med(peer, 'mainThreadMs'), q('mainThreadMs'));
  rows.push({
    figure: `main-thread work while streaming, vs ${peer} (WebKitGTK)`,
    qwendesk: round(q('mainThreadMs'), 0),
    baseline: round(med(peer, 'mainThreadMs'), 0),
    baseline_name: name,
    baseline_note: peer === 'react-markdown'
      ? "NextChat's plugins (remark-math, remark-gfm, rehype-katex, rehype-highlight detect:false), without its custom pre/code/link components and remark-breaks"
      : 'streamdown 2.7.1 with @streamdown/code (Shiki) and @streamdown/math (KaTeX, single-dollar inline math), Tailwind v4 styles',
    ratio: r,
    unit: 'ms',
    goal: `>= ${want}x less than ${peer}`,
    met: r !== null && r >= want,
    note:
      `CPU time of the WebKitWebProcess main thread (/proc schedstat) from the page's start mark to its end mark (after the final update, once the renderer's DOM has been still for 500 ms and, for streamdown, every code block shows Shiki's tokens, so its asynchronous highlighting is included); ` +
      `the main thread also waited for a CPU (other work on the machine) QwenDesk ${round(q('waitMs'), 0)} ms, ${peer} ${round(med(peer, 'waitMs'), 0)} ms; ` +
      `inside frames (page timing, wall-clock) QwenDesk applied text for ${round(q('applyMs'), 0)} ms and followed the bottom (scrollHeight, a forced layout) for ${round(q('followMs'), 0)} ms, ${peer} ${round(med(peer, 'applyMs'), 0)} and ${round(med(peer, 'followMs'), 0)} ms; ` +
      `all web-process threads: QwenDesk ${round(q('processMs'), 0)} ms, ${peerWork(peer)}; ${peer} updates ${med(peer, 'updates')}, DOM settled ${round(med(peer, 'tailMs'), 0)} ms after the final update (QwenDesk ${round(q('tailMs'), 0)} ms); ${common}`,
  });
}
for (const peer of ['react-markdown', 'streamdown'].filter(has)) {
  rows.push({
    figure: `Σ frame work measured by the page, vs ${peer} (WebKitGTK)`,
    qwendesk: round(q('frameWorkMs'), 0),
    baseline: round(med(peer, 'frameWorkMs'), 0),
    baseline_name: peer,
    ratio: ratio(med(peer, 'frameWorkMs'), q('frameWorkMs')),
    unit: 'ms',
    goal: 'reported',
    met: null,
    note: `sum over the stream's frames of first rAF callback → a task posted from it (after style, layout, paint), in wall-clock time, so time the main thread waited for a CPU counts; work in other tasks (React effects, Shiki callbacks) is outside frames and only in the main-thread figure`,
  });
}
const peersLine = (k, unit) => ['react-markdown', 'streamdown'].filter(has).map((m) => `${m} ${round(med(m, k))}${unit}`).join(', ');
rows.push(
  {
    figure: 'longest frame after the first second (WebKitGTK)',
    qwendesk: round(q('longestFrameMs')),
    unit: 'ms',
    goal: '<= 16 ms',
    met: q('longestFrameMs') <= FRAME_BUDGET,
    baseline_note: peersLine('longestFrameMs', ' ms'),
    note: `the page's frame monitor (first rAF callback → a task posted from it, after style, layout, paint; wall-clock, so waiting for a CPU on a busy machine counts), frames starting after 1 s until the end mark; longest gap between frames QwenDesk ${round(q('longestGapMs'))} ms (${peersLine('longestGapMs', ' ms')}); ${common}`,
  },
  {
    figure: 'frames over 16 ms after the first second (WebKitGTK)',
    qwendesk: q('over16'),
    unit: 'frames',
    goal: '0',
    met: q('over16') === 0,
    baseline_note: peersLine('over16', ''),
    note: `of ${q('framesAfter1s')} QwenDesk frames after the first second (median)`,
  },
);
if (modes.length > 1) {
  rows.push({
    figure: `final text equal across ${modes.join(', ')} (WebKitGTK)`,
    qwendesk: textsEqual ? 1 : 0,
    unit: textsEqual ? '(yes)' : '(no)',
    goal: 'yes',
    met: textsEqual,
    baseline_note: textsEqual ? `equal, ${texts[ref].length} chars normalized` : 'not equal',
    note: (textsEqual ? `all ${modes.length} renderers end with the same ${texts[ref].length} normalized characters in every rep; ` : diffNote + '; ') + EXCLUDED,
  });
}

rows.push(
  {
    figure: 'updates applied during the stream (WebKitGTK)',
    qwendesk: q('updates'),
    unit: 'updates',
    goal: 'reported',
    met: null,
    baseline_note: peersLine('updates', ''),
    note:
      'the same driver feeds every renderer (deltas coalesced ~every 30 ms as internal/chat does, applied once per animation frame); a renderer whose updates take longer than a frame gets fewer, larger updates, so its total work is bounded by the stream\'s duration and the ratios above understate its cost per update. ' +
      `Main-thread work per update: QwenDesk ${round(q('mainThreadMs') / q('updates'))} ms, ` +
      ['react-markdown', 'streamdown'].filter(has).map((m) => `${m} ${round(med(m, 'mainThreadMs') / med(m, 'updates'))} ms`).join(', '),
  },
  {
    figure: 'main thread runnable but waiting for a CPU during the stream (WebKitGTK)',
    qwendesk: round(q('waitMs'), 0),
    unit: 'ms',
    goal: 'reported',
    met: null,
    baseline_note: peersLine('waitMs', ' ms'),
    note: `schedstat's run-queue wait of the web process main thread: other work on this shared machine; it stretches frames (wall time) and changes how many updates each renderer gets, not the CPU figures directly. UI process CPU (draws the web process's frames): QwenDesk ${round(q('uiProcessMs'), 0)} ms, ${peersLine('uiProcessMs', ' ms')}`,
  },
);

const strip = ({ text, html, ...r }) => ({
  ...r,
  mainThreadMs: round(r.mainThreadMs),
  processMs: round(r.processMs),
  waitMs: round(r.waitMs),
  wallMs: round(r.wallMs, 0),
  frameWorkMs: round(r.frameWorkMs),
  applyMs: round(r.applyMs),
  followMs: round(r.followMs),
  uiProcessMs: round(r.uiProcessMs),
  longestFrameMs: round(r.longestFrameMs),
  longestGapMs: round(r.longestGapMs),
  tailMs: round(r.tailMs, 0),
  elapsedMs: round(r.elapsedMs, 0),
  textChars: text.length,
});
const doc = {
  benchmark: 'render',
  engine: `WebKitGTK ${engine}`,
  date: new Date().toISOString(),
  answer: { chars: first.chars, bytes: first.bytes, charsPerSecond: 8000, tokensPerSecond: 2000 },
  reps,
  modes,
  loadAverage: load,
  measure: {
    work: "CPU time of the WebKitWebProcess main thread (/proc/PID/task/PID/schedstat), read by the server at the page's /mark?start and /mark?end requests",
    frame: "page's frame monitor: first rAF callback of a frame → a MessageChannel task posted from it; frames starting in the first second skipped",
    text: EXCLUDED,
  },
  rows,
  textComparison: comparison,
  runs: Object.fromEntries(Object.entries(runs).map(([m, rs]) => [m, rs.map(strip)])),
  seconds,
};
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(doc, null, 2) + '\n');
if (process.env.BENCH_TEXT_DIR) {
  for (const m of modes) {
    await writeFile(join(process.env.BENCH_TEXT_DIR, `${m}.txt`), texts[m] + '\n');
    if (runs[m][0].html) await writeFile(join(process.env.BENCH_TEXT_DIR, `${m}.html`), runs[m][0].html);
  }
}

const cols = ['figure', 'QwenDesk', 'baseline', 'ratio', 'goal', 'met'];
const table = [cols, ...rows.map((r) => [r.figure, `${r.qwendesk} ${r.unit}`, r.baseline !== undefined ? `${r.baseline} ${r.unit} (${r.baseline_name})` : (r.baseline_note ?? '—'), r.ratio == null ? '—' : `${r.ratio}×`, r.goal, r.met === null ? 'reported' : r.met ? 'yes' : 'NO'])];
const w = cols.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
console.log(`\nRender benchmark in WebKitGTK ${engine}: ${first.chars} chars (${(first.bytes / 1024).toFixed(0)} KiB) at 2,000 tokens/s, median of ${reps}, ${seconds} s`);
for (const [i, row] of table.entries()) {
  console.log('| ' + row.map((c, j) => String(c).padEnd(w[j])).join(' | ') + ' |');
  if (i === 0) console.log('|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
}
if (!textsEqual) console.log(`\n${diffNote}`);
console.log(`\nwritten ${out}`);
