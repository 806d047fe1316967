import { cleanup, render } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Markdown from '../src/components/Markdown.svelte';
import { clearRenderCache, engine } from '../src/lib/markdown/render';
import { generateAnswer } from '../bench/gen';
import { BlockStream } from '../src/lib/markdown/stream';
import { CHUNK } from '../src/lib/markdown/view';

afterEach(() => cleanup());
beforeEach(() => clearRenderCache());

const para = (i: number) => `Paragraph ${i} with **bold**, \`code\` and $x_${i}^2$.`;
const answer = Array.from({ length: 3 * CHUNK + 5 }, (_, i) =>
  i % 7 === 3 ? '```js\nconst x = ' + i + ';\n```' : i % 11 === 5 ? `| a | b |\n|---|---|\n| ${i} | y |` : para(i),
).join('\n\n');

/** The message's HTML without the view's wrappers: what a one-shot render of the blocks gives. */
function blocksHtml(root: Element): string {
  return [...root.querySelectorAll('.md-block')].map((b) => b.innerHTML).join('');
}

describe('streaming view: completed blocks keep their DOM', () => {
  it('never replaces a completed block node, and ends with the one-shot HTML', async () => {
    const { container, rerender } = render(Markdown, { text: '', streaming: true, caret: true });
    const seen = new Map<number, Element>();
    for (let i = 1; i <= answer.length; i += 23) {
      await rerender({ text: answer.slice(0, i), streaming: true, caret: true });
      flushSync();
      const blocks = [...container.querySelectorAll('.md-block')];
      // Every block but the last is completed: the same node as when it was first shown completed.
      blocks.slice(0, -1).forEach((node, k) => {
        if (seen.has(k)) expect(node, `block ${k} at ${i}`).toBe(seen.get(k));
        else if ((node as HTMLElement).dataset.final === 'true') seen.set(k, node);
      });
      expect(container.querySelectorAll('.md-caret')).toHaveLength(1);
    }
    await rerender({ text: answer, streaming: false, caret: false });
    flushSync();
    expect(container.querySelector('.md-caret')).toBeNull();
    const blocks = [...container.querySelectorAll('.md-block')];
    for (const [k, node] of seen) expect(blocks[k]).toBe(node);

    clearRenderCache();
    const once = render(Markdown, { text: answer, streaming: false });
    expect(blocksHtml(container)).toBe(blocksHtml(once.container));
  }, 30_000);

  it('a list split while it streamed ends as one list, like a one-shot render', async () => {
    const list = Array.from({ length: 12 }, (_, i) => `${i + 1}. item **${i + 1}** and $x_{${i}}$`).join('\n');
    const text = `Intro.\n\n${list}\n\nAfter the list.\n\n- a\n- b\n- c`;
    const { container, rerender } = render(Markdown, { text: '', streaming: true, caret: true });
    for (let i = 1; i <= text.length; i += 9) {
      await rerender({ text: text.slice(0, i), streaming: true, caret: true });
      flushSync();
    }
    expect(container.querySelectorAll('.md-block.cont').length).toBeGreaterThan(0);
    await rerender({ text, streaming: false, caret: false });
    flushSync();
    const once = render(Markdown, { text, streaming: false });
    expect(container.querySelectorAll('.md-block')).toHaveLength(4);
    expect(container.querySelectorAll('ol')).toHaveLength(1);
    expect(blocksHtml(container)).toBe(blocksHtml(once.container));
  });

  it('puts the blocks in chunks of CHUNK, marked for content-visibility only while streaming', async () => {
    const { container } = render(Markdown, { text: answer, streaming: true, caret: true });
    flushSync();
    const chunks = [...container.querySelectorAll('.md-chunk')];
    expect(chunks.map((c) => c.querySelectorAll(':scope > .md-block').length)).toEqual([CHUNK, CHUNK, CHUNK, 5]);
    expect(chunks.every((c) => c.classList.contains('md-streamed'))).toBe(true);
    // Opened from history: every chunk is laid out for real (exact heights for scroll restore).
    const old = render(Markdown, { text: answer, streaming: false });
    const oldChunks = [...old.container.querySelectorAll('.md-chunk')];
    expect(oldChunks).toHaveLength(4);
    expect(oldChunks.some((c) => c.classList.contains('md-streamed'))).toBe(false);
  });

  it('starts over when the text is replaced', async () => {
    const { container, rerender } = render(Markdown, { text: answer, streaming: false });
    flushSync();
    await rerender({ text: 'Just **this**.', streaming: false });
    flushSync();
    expect(container.querySelectorAll('.md-block')).toHaveLength(1);
    expect(container.querySelectorAll('.md-chunk')).toHaveLength(1);
    expect(container.querySelector('strong')?.textContent).toBe('this');
  });
});

describe('streaming: a time budget per update', () => {
  it('renders a burst of completed blocks over several updates, ending like a one-shot render', () => {
    const stream = new BlockStream(0);
    stream.update(answer.slice(0, 10), true);
    // With no budget left, each update renders one newly completed block and stops there.
    let blocks = stream.update(answer, true);
    expect(stream.behind).toBe(true);
    expect(blocks).toHaveLength(1);
    let updates = 1;
    while (stream.behind) {
      blocks = stream.update(answer, true);
      updates++;
    }
    expect(updates).toBeGreaterThan(3 * CHUNK);
    blocks = stream.update(answer, false);
    while (stream.behind) blocks = stream.update(answer, false);
    const once = new BlockStream().update(answer, false);
    expect(blocks.map((b) => b.html)).toEqual(once.map((b) => b.html));
    expect(blocks.map((b) => b.key)).toEqual(once.map((b) => b.key));
  });

  it('catching up lexes nothing again, and text appended meanwhile ends up the same', () => {
    const lex = vi.spyOn(engine, 'lex');
    const stream = new BlockStream(0);
    stream.update(answer.slice(0, 10), true);
    const half = answer.length >> 1;
    stream.update(answer.slice(0, half), true);
    expect(stream.behind).toBe(true);
    lex.mockClear();
    stream.update(answer.slice(0, half), true);
    expect(lex).not.toHaveBeenCalled();
    // Text arrives while behind: only the last pending group is lexed again, with the new text.
    let blocks = stream.update(answer, true);
    expect(lex).toHaveBeenCalledTimes(1);
    expect(lex.mock.calls[0][0].length).toBeLessThan(answer.length - half + 200);
    while (stream.behind) blocks = stream.update(answer, true);
    blocks = stream.update(answer, false);
    while (stream.behind) blocks = stream.update(answer, false);
    const once = new BlockStream().update(answer, false);
    expect(blocks.map((b) => b.html)).toEqual(once.map((b) => b.html));
    expect(blocks.map((b) => [b.key, b.cont])).toEqual(once.map((b) => [b.key, b.cont]));
  });

  it('the component catches up on its own, frame by frame', async () => {
    const { container, rerender } = render(Markdown, { text: 'Start.', streaming: true, caret: true });
    flushSync();
    await rerender({ text: answer, streaming: false, caret: false });
    flushSync();
    const md = container.querySelector('.md')!;
    expect(md.hasAttribute('data-pending')).toBe(true);
    for (let i = 0; i < 200 && md.hasAttribute('data-pending'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(md.hasAttribute('data-pending')).toBe(false);
    clearRenderCache();
    const once = render(Markdown, { text: answer, streaming: false });
    expect(blocksHtml(container)).toBe(blocksHtml(once.container));
  }, 30_000);
});

describe('streaming the benchmark answer', () => {
  for (const step of [137, 266]) {
    it(`ends with the one-shot HTML (${step} characters per update)`, () => {
      const text = generateAnswer(40_000, 7);
      const stream = new BlockStream();
      for (let i = step; i < text.length; i += step) stream.update(text.slice(0, i), true);
      const streamed = stream.update(text, false);
      clearRenderCache();
      const once = new BlockStream().update(text, false);
      // Block boundaries may differ by a blank line (a closed $$ block completes before it); the HTML may not.
      expect(streamed.map((b) => b.html)).toEqual(once.map((b) => b.html));
    }, 60_000);
  }
});
