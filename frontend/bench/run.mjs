// Drives Debian's chromium headless (playwright-core, no downloaded browser) through the render
// benchmark page in bench/dist: QwenDesk's Markdown.svelte vs marked full re-parse + innerHTML,
// alternating a,b,a,b… in fresh pages, and writes the median figures as JSON.
//
//   node bench/run.mjs [--out FILE] [--reps 3] [--profile]
//
// Total work: DevTools Protocol Performance.getMetrics deltas around the stream
// (ScriptDuration + LayoutDuration + RecalcStyleDuration). Frames: measured in the page (the main
// thread's time from a frame's first rAF callback until a task posted from it runs, i.e. after
// style, layout and paint), cross-checked with 'long-animation-frame' entries when available.
import { createServer } from 'node:http';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const out = resolve(opt('--out', join(here, '..', '..', 'build', 'bench', 'render.json')));
const reps = Number(opt('--reps', 3));
const forceProfile = args.includes('--profile');
const modes = opt('--modes', 'qwendesk,baseline').split(',');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SKIP_MS = 1000;
const FRAME_BUDGET = 16;

if (!existsSync(join(dist, 'render.html'))) {
  console.error(`bench/dist/render.html missing: build first (npx vite build --config bench/vite.config.ts)`);
  process.exit(2);
}

// A tiny static server for bench/dist on 127.0.0.1.
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };
const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
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

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};

const pct = (xs, p) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
};

async function metrics(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function runOnce(mode, { profile = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  // Thread time, not wall time: other processes on a busy machine don't inflate the totals.
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(`${base}?mode=${mode}${process.env.BENCH_QUERY ?? ''}`);
  await page.waitForFunction(() => window.__bench?.ready === true);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'blink.user_timing'] });
  const m0 = await metrics(cdp);
  const r = await page.evaluate(() => window.__bench.run());
  const m1 = await metrics(cdp);
  const rawTrace = await browser.stopTracing();
  if (process.env.BENCH_TRACE_DIR) await writeFile(join(process.env.BENCH_TRACE_DIR, `${mode}-${Date.now()}.json`), rawTrace);
  const trace = traceFrames(JSON.parse(rawTrace.toString()));
  let prof = null;
  if (profile) prof = (await cdp.send('Profiler.stop')).profile;
  await context.close();

  const d = (k) => ((m1[k] ?? 0) - (m0[k] ?? 0)) * 1000;
  const late = r.frames.filter((f) => f.at >= SKIP_MS && f.at <= r.elapsedMs);
  const lateLoaf = r.loaf.filter((l) => l.at >= SKIP_MS);
  const tlate = trace.filter((f) => f.at >= SKIP_MS);
  return {
    mode,
    // Frames from the trace: main-thread CPU time of each animation frame (its tasks' thread time).
    traceFrames: tlate.length,
    longestFrameCpuMs: Math.max(0, ...tlate.map((f) => f.cpu)),
    over16Cpu: tlate.filter((f) => f.cpu > FRAME_BUDGET).length,
    frameCpuP50Ms: pct(tlate.map((f) => f.cpu), 0.5),
    frameCpuP95Ms: pct(tlate.map((f) => f.cpu), 0.95),
    longestFrameWallMs: Math.max(0, ...tlate.map((f) => f.wall)),
    over16Wall: tlate.filter((f) => f.wall > FRAME_BUDGET).length,
    scriptMs: d('ScriptDuration'),
    layoutMs: d('LayoutDuration'),
    styleMs: d('RecalcStyleDuration'),
    taskMs: d('TaskDuration'),
    workMs: d('ScriptDuration') + d('LayoutDuration') + d('RecalcStyleDuration'),
    longestFrameMs: late.length ? Math.max(...late.map((f) => f.work)) : 0,
    over16: late.filter((f) => f.work > FRAME_BUDGET).length,
    framesAfter1s: late.length,
    frameP50Ms: pct(late.map((f) => f.work), 0.5),
    frameP95Ms: pct(late.map((f) => f.work), 0.95),
    applyP50Ms: pct(late.filter((f) => f.update).map((f) => f.apply), 0.5),
    applyP95Ms: pct(late.filter((f) => f.update).map((f) => f.apply), 0.95),
    applyMaxMs: Math.max(0, ...late.map((f) => f.apply)),
    followP50Ms: pct(late.filter((f) => f.update).map((f) => f.follow), 0.5),
    followP95Ms: pct(late.filter((f) => f.update).map((f) => f.follow), 0.95),
    restP95Ms: pct(late.map((f) => f.work - f.apply - f.follow), 0.95),
    longestGapMs: late.length ? Math.max(...late.map((f) => f.gap)) : 0,
    loafSupported: r.loafSupported,
    loafCountAfter1s: lateLoaf.length,
    loafLongestMs: lateLoaf.length ? Math.max(...lateLoaf.map((l) => l.duration)) : 0,
    elapsedMs: r.elapsedMs,
    updates: r.updates,
    events: r.events,
    chars: r.chars,
    bytes: r.bytes,
    dom: r.dom,
    profile: prof,
  };
}

/**
 * Animation frames from a Chrome trace: each 'AnimationFrame' (the trace's long-animation-frame
 * span: from the frame's first task to its render) with the thread time of the renderer main
 * thread's top-level tasks inside it. `at` is ms since the page's 'bench-start' mark.
 */
function traceFrames(trace) {
  const ev = trace.traceEvents ?? trace;
  const main = ev.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && ev.some((x) => x.pid === e.pid && x.name === 'bench-start'));
  if (!main) return [];
  const on = ev.filter((e) => e.pid === main.pid);
  const start = on.find((e) => e.name === 'bench-start')?.ts ?? 0;
  const end = on.find((e) => e.name === 'bench-end')?.ts ?? Infinity;
  const tasks = on
    .filter((e) => e.tid === main.tid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask')
    .sort((a, b) => a.ts - b.ts);
  const top = [];
  let until = -Infinity;
  for (const t of tasks) {
    if (t.ts < until) continue; // nested
    top.push(t);
    until = t.ts + (t.dur ?? 0);
  }
  const open = new Map();
  const frames = [];
  for (const e of on.filter((x) => x.name === 'AnimationFrame' && (x.ph === 'b' || x.ph === 'e')).sort((a, b) => a.ts - b.ts)) {
    if (e.ph === 'b') open.set(e.id2?.local ?? e.id, e.ts);
    else {
      const key = e.id2?.local ?? e.id;
      const b = open.get(key);
      if (b === undefined) continue;
      open.delete(key);
      if (b < start || b > end) continue;
      let cpu = 0;
      for (const t of top) if (t.ts >= b && t.ts < e.ts) cpu += (t.tdur ?? t.dur ?? 0);
      frames.push({ at: (b - start) / 1000, wall: (e.ts - b) / 1000, cpu: cpu / 1000 });
    }
  }
  return frames;
}

/** Self time per function (ms) from a CDP CPU profile, top n. */
function topFunctions(profile, n = Number(opt("--top", 25))) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const cf = node.callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? cf.url.split('/').pop() : ''}:${cf.lineNumber + 1}:${cf.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map();
  for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const label = (cf) => `${cf.functionName || '(anonymous)'} ${cf.url ? cf.url.split('/').pop() : ''}:${cf.lineNumber + 1}:${cf.columnNumber + 1}`;
  const total = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) seen.add(label(byId.get(id).callFrame));
    for (const k of seen) total.set(k, (total.get(k) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  const top = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).filter(([k]) => !/^\((root|program|idle)\)/.test(k)).slice(0, n);
  return {
    self: top(self).map(([fn, ms]) => ({ fn, ms: +ms.toFixed(1) })),
    total: top(total).map(([fn, ms]) => ({ fn, ms: +ms.toFixed(1) })),
  };
}

const runs = Object.fromEntries(modes.map((m) => [m, []]));
const t0 = Date.now();
for (let i = 0; i < reps; i++) {
  for (const mode of modes) {
    const r = await runOnce(mode);
    runs[mode].push(r);
    console.error(
      `run ${i + 1}/${reps} ${mode.padEnd(8)} work ${r.workMs.toFixed(0)} ms (script ${r.scriptMs.toFixed(0)}, layout ${r.layoutMs.toFixed(0)}, style ${r.styleMs.toFixed(0)}), ` +
        `longest frame ${r.longestFrameCpuMs.toFixed(1)} ms CPU / ${r.longestFrameWallMs.toFixed(1)} ms wall, >16 ms: ${r.over16Cpu} CPU / ${r.over16Wall} wall of ${r.traceFrames}, updates ${r.updates}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    );
  }
}

const med = (mode, k) => median((runs[mode] ?? []).map((r) => r[k]));
const q = (k) => med('qwendesk', k);
const b = (k) => med('baseline', k);
const round = (x, d = 1) => (Number.isFinite(x) ? +x.toFixed(d) : null);
const ratio = (base, ours) => (ours > 0 ? round(base / ours, 1) : null);

const rows = [
  {
    figure: 'total main-thread work (script + layout + style) while streaming',
    qwendesk: round(q('workMs'), 0),
    baseline: round(b('workMs'), 0),
    baseline_name: 'marked full re-parse',
    ratio: ratio(b('workMs'), q('workMs')),
    unit: 'ms',
    goal: '>= 10x less than baseline',
    met: b('workMs') / q('workMs') >= 10,
  },
  {
    figure: 'longest frame after the first second (main-thread CPU)',
    qwendesk: round(q('longestFrameCpuMs')),
    baseline: round(b('longestFrameCpuMs')),
    baseline_name: 'marked full re-parse',
    ratio: ratio(b('longestFrameCpuMs'), q('longestFrameCpuMs')),
    unit: 'ms',
    goal: '<= 16 ms',
    met: q('longestFrameCpuMs') <= FRAME_BUDGET,
    qwendesk_wall: round(q('longestFrameWallMs')),
    baseline_wall: round(b('longestFrameWallMs')),
  },
  {
    figure: 'frames over 16 ms after the first second (main-thread CPU)',
    qwendesk: q('over16Cpu'),
    baseline: b('over16Cpu'),
    baseline_name: 'marked full re-parse',
    ratio: ratio(b('over16Cpu'), q('over16Cpu')),
    unit: 'frames',
    goal: '0',
    met: q('over16Cpu') === 0,
    qwendesk_wall: q('over16Wall'),
    baseline_wall: b('over16Wall'),
    qwendesk_frames: q('traceFrames'),
    baseline_frames: b('traceFrames'),
  },
];

const detail = Object.fromEntries(
  Object.entries(runs).map(([mode, rs]) => [mode, rs.map(({ profile, ...r }) => ({ ...r, workMs: round(r.workMs), scriptMs: round(r.scriptMs), layoutMs: round(r.layoutMs), styleMs: round(r.styleMs), taskMs: round(r.taskMs), longestFrameMs: round(r.longestFrameMs), longestGapMs: round(r.longestGapMs), loafLongestMs: round(r.loafLongestMs), elapsedMs: round(r.elapsedMs, 0) }))]),
);

let profile = null;
if (forceProfile || rows.some((r) => !r.met)) {
  console.error('profiling one QwenDesk run (CDP Profiler)…');
  const r = await runOnce('qwendesk', { profile: true });
  profile = topFunctions(r.profile);
}

await browser.close();
server.close();

const first = runs.qwendesk[0];
const doc = {
  benchmark: 'render',
  date: new Date().toISOString(),
  chromium: browser.version(),
  answer: { chars: first.chars, bytes: first.bytes, charsPerSecond: 8000, tokensPerSecond: 2000 },
  reps,
  measure: {
    work: 'CDP Performance.getMetrics deltas around the stream: ScriptDuration + LayoutDuration + RecalcStyleDuration',
    frame: "Chrome trace 'AnimationFrame' spans (a frame's first task to its render, as long-animation-frame) with the renderer main thread's CPU time of the tasks in them (wall time beside it); frames starting in the first second are skipped",
  },
  rows,
  runs: detail,
  profile,
  seconds: Math.round((Date.now() - t0) / 1000),
};
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(doc, null, 2) + '\n');

const cols = ['figure', 'QwenDesk', 'baseline (marked full re-parse)', 'ratio', 'goal', 'met'];
const table = [cols, ...rows.map((r) => [r.figure, `${r.qwendesk} ${r.unit}`, `${r.baseline} ${r.unit}`, r.ratio === null ? '—' : `${r.ratio}×`, r.goal, r.met ? 'yes' : 'NO'])];
const w = cols.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
console.log(`\nRender benchmark: ${first.chars} chars (${(first.bytes / 1024).toFixed(0)} KiB) at 2,000 tokens/s, Chromium ${doc.chromium}, median of ${reps}`);
for (const [i, row] of table.entries()) {
  console.log('| ' + row.map((c, j) => String(c).padEnd(w[j])).join(' | ') + ' |');
  if (i === 0) console.log('|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
}
if (profile) {
  for (const kind of ['self', 'total']) {
    console.log(`\nQwenDesk CPU profile, top ${kind} time:`);
    for (const p of profile[kind]) console.log(`  ${String(p.ms).padStart(8)} ms  ${p.fn}`);
  }
}
console.log(`\nwritten ${out}`);
