// Streams a long markdown answer at 2,000 tokens/s into the real Markdown.svelte (?mode=qwendesk),
// or what peers ship (?mode=react-markdown: the whole answer re-rendered per update, as Chatbox,
// LobeChat and NextChat do; ?mode=streamdown: Vercel's streaming renderer), or a straw baseline
// that re-parses the whole text with marked and sets innerHTML on every update (?mode=baseline),
// the way the app receives it: Go sends coalesced delta events every ~30 ms (16 ms while a backlog
// drains) and the chat store applies them once per animation frame. Every mode gets the same
// stream driver. The page measures its own frames; run.mjs (Chromium) adds the DevTools
// Protocol's CPU totals around run(), run-webkit.mjs (WebKitGTK, ?auto=1) the web process's
// main-thread CPU time between the page's /mark?start and /mark?end requests.
import { flushSync, mount } from 'svelte';
import { marked } from 'marked';
import Markdown from '../src/components/Markdown.svelte';
import { generateAnswer } from './gen';
import { reactiveProps } from './props.svelte';
import { nextFrame } from '../src/lib/frame';

const params = new URLSearchParams(location.search);
const MODES = ['qwendesk', 'baseline', 'react-markdown', 'streamdown'];
const mode = MODES.includes(params.get('mode') ?? '') ? params.get('mode')! : 'qwendesk';
const CHARS_PER_SEC = Number(params.get('cps') ?? 8000); // 2,000 tokens/s × ~4 chars/token
const TARGET = Number(params.get('size') ?? 100_000);
const TEXT = generateAnswer(TARGET);

// Experiment switches (not used by run.mjs by default): ?contain=VALUE sets CSS containment on the
// blocks, ?follow=0 stops following the bottom.
if (params.get('contain')) {
  const style = document.createElement('style');
  style.textContent = `.md-block { contain: ${params.get('contain')}; }`;
  document.head.append(style);
}
const follow = params.get('follow') !== '0';
const scroller = document.getElementById('scroller') as HTMLDivElement;
const content = document.getElementById('content') as HTMLDivElement;

type Apply = (text: string, streaming: boolean) => void;
let apply: Apply;
if (mode === 'qwendesk') {
  const props = reactiveProps({ text: '', streaming: true, caret: true });
  mount(Markdown, { target: content, props });
  apply = (text, streaming) => {
    props.text = text;
    props.streaming = streaming;
    props.caret = streaming;
    // The store's update would flush on the next microtask; flushing here keeps it in this frame's measurement.
    flushSync();
  };
} else if (mode === 'react-markdown') {
  // Peers live in their own npm project (bench/peers), loaded only in their modes.
  apply = (await import('./peers/src/react-markdown')).mount(content);
} else if (mode === 'streamdown') {
  apply = (await import('./peers/src/streamdown')).mount(content);
} else {
  const el = document.createElement('div');
  el.className = 'md';
  content.append(el);
  apply = (text) => {
    el.innerHTML = marked.parse(text, { async: false }) as string;
  };
}

interface Frame {
  /** ms since the stream started, at the frame's first rAF callback. */
  at: number;
  /** Main-thread time of the frame: first rAF callback → a task posted from it runs (after style, layout, paint). */
  work: number;
  /** Time since the previous frame's rAF callback. */
  gap: number;
  /** This frame applied text. */
  update: boolean;
  /** Time spent applying the text (parse, render, DOM update), in ms. */
  apply: number;
  /** Time of the forced layout that follows the bottom (scrollHeight), in ms. */
  follow: number;
}

export interface Result {
  mode: string;
  chars: number;
  bytes: number;
  elapsedMs: number;
  updates: number;
  events: number;
  frames: Frame[];
  loafSupported: boolean;
  loaf: { at: number; duration: number; blocking: number }[];
  dom: { blocks: number; tables: number; pres: number; katex: number; highlighted: number; textLength: number };
  /** ms from the final update until the renderer's DOM stopped changing (async work such as Shiki's highlighting). */
  tailMs: number;
}

/**
 * What the final text comparison leaves out: UI chrome each renderer adds around the answer, not
 * the answer. Removed from a copy of the DOM before its textContent is read.
 */
export const EXCLUDED_CHROME = [
  '.md-code-head', // QwenDesk: code block header (language label, Copy / Preview buttons)
  '.md-caret', // QwenDesk: the streaming caret (empty)
  'button', // any button (copy, download, fullscreen) in any renderer
  '[data-streamdown="code-block-header"]', // streamdown: code block header (language label)
  '[data-streamdown="code-block-actions"]', // streamdown: code block copy/download buttons
  '[data-streamdown$="-actions"]', // streamdown: any other action bar (tables)
  '.sr-only', // screen-reader-only labels of those buttons
  'style, script',
];
// (BLOCKS, below, is not excluded: its elements only get a space at their edges.)

/**
 * The answer's text as the reader sees it, comparable across renderers: chrome removed (above),
 * each KaTeX formula replaced by its TeX source (KaTeX's MathML annotation) in ⟨…⟩ (the peers
 * ship KaTeX 0.16, QwenDesk 0.19, whose glyph output may differ while the formula is the same),
 * whitespace collapsed to single spaces and trimmed.
 */
export function normalizedText(root: Element = content): string {
  const copy = root.cloneNode(true) as Element;
  for (const el of copy.querySelectorAll(EXCLUDED_CHROME.join(','))) el.remove();
  for (const k of copy.querySelectorAll('.katex')) {
    if (!copy.contains(k)) continue; // inside a formula already replaced
    const tex = k.querySelector('annotation[encoding="application/x-tex"]')?.textContent ?? k.textContent ?? '';
    k.replaceWith(`⟨${tex.trim()}⟩`);
  }
  // Block boundaries count as whitespace: marked's HTML has newlines between cells, items and
  // paragraphs where React's DOM has none, which textContent would otherwise glue together.
  for (const el of copy.querySelectorAll(BLOCKS)) {
    el.before(' ');
    el.after(' ');
  }
  return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Elements whose edges separate words: block-level ones, table cells, line breaks, and streamdown's
 * code lines (span.block, with no newline between them; highlight.js keeps the code's newlines). */
const BLOCKS = 'address,article,aside,blockquote,dd,details,div,dl,dt,figcaption,figure,footer,h1,h2,h3,h4,h5,h6,header,hr,li,main,nav,ol,p,pre,section,summary,table,tbody,td,tfoot,th,thead,tr,ul,br,pre > code > span.block';

/**
 * The renderer's asynchronous work is visibly done: for streamdown, every code block shows
 * Shiki's tokens (it first renders plain code, then a state update per block once Shiki has
 * loaded the grammar and highlighted). The other renderers highlight synchronously.
 */
function highlighted(): boolean {
  if (mode !== 'streamdown') return true;
  return [...content.querySelectorAll('[data-streamdown="code-block-body"]')].every((b) => b.querySelector('span[style*="--sdm-c"]'));
}

/**
 * Calls then() once `root`'s DOM has not changed for `ms` and highlighting is done (or 20 s have
 * passed); reports when the DOM last changed.
 */
function whenQuiet(root: Element, ms: number, then: (lastChange: number) => void): void {
  const from = performance.now();
  let last = from;
  const mo = new MutationObserver(() => {
    last = performance.now();
  });
  mo.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  const check = () => {
    const now = performance.now();
    if (now - last >= ms && (highlighted() || now - from > 20_000)) {
      mo.disconnect();
      then(last);
    } else setTimeout(check, 50);
  };
  setTimeout(check, 50);
}
const QUIET_MS = Number(params.get('quiet') ?? 500);

interface Marks {
  /** Awaited before the stream starts (run-webkit.mjs reads the web process's CPU time then). */
  start?: () => Promise<unknown>;
  /** Awaited once the stream and the renderer's work are over, before the harness's own work. */
  end?: () => Promise<unknown>;
}

async function run(marks: Marks = {}): Promise<Result> {
  await marks.start?.();
  return new Promise((resolve) => {
    const frames: Frame[] = [];
    const loaf: Result['loaf'] = [];
    const loafSupported = PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame') ?? false;
    let obs: PerformanceObserver | null = null;
    const t0 = performance.now();
    performance.mark('bench-start');
    if (loafSupported) {
      obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const x = e as PerformanceEntry & { blockingDuration?: number };
          if (e.startTime >= t0) loaf.push({ at: e.startTime - t0, duration: e.duration, blocking: x.blockingDuration ?? 0 });
        }
      });
      obs.observe({ type: 'long-animation-frame', buffered: false });
    }

    let text = '';
    let pending = '';
    let flushQueued = false;
    let updates = 0;
    let events = 0;
    let sent = 0;
    let finished = false;
    let updatedThisFrame = false;
    let applyMs = 0;
    let followMs = 0;

    // Frame monitor: registered before any flush callback of the same frame, so `start` is the frame's first callback.
    let prev = 0;
    const mc = new MessageChannel();
    let open: { start: number } | null = null;
    mc.port1.onmessage = () => {
      if (!open) return;
      const end = performance.now();
      frames.push({ at: open.start - t0, work: end - open.start, gap: prev ? open.start - prev : 0, update: updatedThisFrame, apply: applyMs, follow: followMs });
      applyMs = 0;
      followMs = 0;
      prev = open.start;
      open = null;
      updatedThisFrame = false;
    };
    const monitor = () => {
      if (finished) return;
      open = { start: performance.now() };
      mc.port2.postMessage(0);
      requestAnimationFrame(monitor);
    };
    requestAnimationFrame(monitor);

    const flush = () => {
      flushQueued = false;
      if (!pending) return;
      text += pending;
      pending = '';
      const a = performance.now();
      apply(text, true);
      const b = performance.now();
      updates++;
      updatedThisFrame = true;
      // The message list follows the bottom while a reply streams (MessageList.svelte's stick).
      if (follow) scroller.scrollTop = scroller.scrollHeight;
      applyMs += b - a;
      followMs += performance.now() - b;
    };

    const tick = () => {
      const due = Math.min(TEXT.length, Math.floor(((performance.now() - t0) / 1000) * CHARS_PER_SEC));
      // One event carries at most ~6 KB, like the Go side's MaxPayloadBytes.
      const to = Math.min(due, sent + 6 * 1024);
      if (to > sent) {
        pending += TEXT.slice(sent, to);
        sent = to;
        events++;
        if (!flushQueued) {
          flushQueued = true;
          nextFrame(flush);
        }
      }
      if (sent < TEXT.length) {
        setTimeout(tick, due > sent ? 16 : 30);
        return;
      }
      // Done: the final text with streaming=false (completes the tail), then, once the renderer
      // has caught up with any work it spread over frames (data-pending), two frames to settle.
      const settled = (then: () => void) => {
        // content's first child is the Markdown root: O(1), where a querySelector would walk the
        // whole answer inside a measured frame.
        if (content.firstElementChild?.hasAttribute('data-pending')) requestAnimationFrame(() => settled(then));
        else then();
      };
      setTimeout(() => {
        flush();
        apply(text, false);
        const finalAt = performance.now();
        // Then until the DOM has been still for QUIET_MS: a renderer that finishes work
        // asynchronously (streamdown's Shiki highlighting: grammars load, then each code block
        // re-renders) is measured until it is done, not cut off at the last update.
        settled(() => whenQuiet(content, QUIET_MS, (lastChange) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              finished = true;
              performance.mark('bench-end');
              obs?.disconnect();
              const elapsedMs = performance.now() - t0;
              const tailMs = Math.max(0, lastChange - finalAt);
              // Counting the DOM and handing the frames back is the harness's work: in a task of its
              // own after this frame and after the end mark, not inside the measurement.
              void Promise.resolve(marks.end?.()).then(() => setTimeout(() =>
                resolve({
                  mode,
                  chars: TEXT.length,
                  bytes: new TextEncoder().encode(TEXT).length,
                  elapsedMs,
                  updates,
                  events,
                  frames,
                  loafSupported,
                  loaf,
                  dom: {
                    blocks: content.querySelectorAll('.md-block').length,
                    tables: content.querySelectorAll('table').length,
                    pres: content.querySelectorAll('pre').length,
                    katex: content.querySelectorAll('.katex').length,
                    // Highlighted code tokens: highlight.js spans, or streamdown's Shiki token spans.
                    highlighted: content.querySelectorAll('pre [class^="hljs-"], pre span[style*="--sdm-c"]').length,
                    textLength: content.textContent?.length ?? 0,
                  },
                  tailMs,
                }),
              ));
            }),
          ),
        ));
      }, 40);
    };
    setTimeout(tick, 0);
  });
}

(window as unknown as { __bench: unknown }).__bench = { ready: true, mode, run, chars: TEXT.length, text: () => normalizedText() };

// ?auto=1 (run-webkit.mjs; no DevTools protocol in WebKitGTK): the page runs itself a second after
// it has loaded, asks the server to read the web process's CPU time at its start and end marks,
// and posts its result (with the normalized final text) back to the same origin.
if (params.get('auto') === '1') {
  const send = (path: string, body?: string) =>
    fetch(path, { method: body === undefined ? 'GET' : 'POST', body, cache: 'no-store' }).then((r) => r.text());
  const go = () =>
    setTimeout(async () => {
      try {
        const r = await run({ start: () => send('/mark?start'), end: () => send('/mark?end') });
        // ?dump=1: the final DOM too, to see what the text comparison reads.
        const html = params.get('dump') === '1' ? content.innerHTML : undefined;
        await send('/result', JSON.stringify({ ...r, text: normalizedText(), userAgent: navigator.userAgent, html }));
      } catch (e) {
        await send('/result', JSON.stringify({ mode, error: String((e as Error)?.stack ?? e) }));
      }
    }, Number(params.get('delay') ?? 1000));
  if (document.readyState === 'complete') go();
  else addEventListener('load', go, { once: true });
}
