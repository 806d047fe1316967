// Streams a long markdown answer at 2,000 tokens/s into either the real Markdown.svelte
// (?mode=qwendesk) or a baseline that re-parses the whole text with marked and sets innerHTML on
// every update (?mode=baseline), the way the app receives it: Go sends coalesced delta events every
// ~33 ms (16 ms while a backlog drains) and the chat store applies them once per animation frame.
// The page measures its own frames; run.mjs adds the DevTools Protocol's CPU totals around run().
import { flushSync, mount } from 'svelte';
import { marked } from 'marked';
import Markdown from '../src/components/Markdown.svelte';
import { generateAnswer } from './gen';
import { reactiveProps } from './props.svelte';
import { nextFrame } from '../src/lib/frame';

const params = new URLSearchParams(location.search);
const mode = params.get('mode') === 'baseline' ? 'baseline' : 'qwendesk';
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
  dom: { blocks: number; tables: number; pres: number; katex: number; textLength: number };
}

function run(): Promise<Result> {
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
        setTimeout(tick, due > sent ? 16 : 33);
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
        settled(() =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              finished = true;
              performance.mark('bench-end');
              obs?.disconnect();
              const elapsedMs = performance.now() - t0;
              // Counting the DOM and handing the frames back is the harness's work: in a task of its
              // own after this frame, not inside the last measured frame.
              setTimeout(() =>
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
                    textLength: content.textContent?.length ?? 0,
                  },
                }),
              );
            }),
          ),
        );
      }, 40);
    };
    setTimeout(tick, 0);
  });
}

(window as unknown as { __bench: unknown }).__bench = { ready: true, mode, run, chars: TEXT.length };
