import { cleanup, render } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Markdown from '../src/components/Markdown.svelte';
import { closeIncomplete, completeTable, openFence } from '../src/lib/markdown/incomplete';
import { clearRenderCache, engine, renderMarkdown } from '../src/lib/markdown/render';
import { BlockStream, withCaret } from '../src/lib/markdown/stream';

afterEach(() => cleanup());
beforeEach(() => clearRenderCache());

function dom(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

/** The visible HTML of a stream state. */
function shown(stream: BlockStream, text: string, streaming = true): HTMLElement {
  return dom(
    stream
      .update(text, streaming)
      .map((b) => b.html)
      .join(''),
  );
}

describe('markdown rendering', () => {
  it('renders headings, emphasis, lists (nested, tasks), quotes, rules and inline code', () => {
    const root = dom(
      renderMarkdown(
        '# Title\n\n## Sub\n\nSome **bold**, *em*, ~~gone~~ and `code`.\n\n- a\n  - nested\n- [x] done\n\n1. one\n2. two\n\n> quoted\n\n---\n',
      ),
    );
    expect(root.querySelector('h1')?.textContent).toBe('Title');
    expect(root.querySelector('h2')?.textContent).toBe('Sub');
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    expect(root.querySelector('em')?.textContent).toBe('em');
    expect(root.querySelector('del')?.textContent).toBe('gone');
    expect(root.querySelector('p code')?.textContent).toBe('code');
    expect(root.querySelector('ul ul li')?.textContent).toBe('nested');
    expect(root.querySelector('li input[type=checkbox][disabled]')).not.toBeNull();
    expect(root.querySelectorAll('ol li')).toHaveLength(2);
    expect(root.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
    expect(root.querySelector('hr')).not.toBeNull();
  });

  it('renders tables inside a scrolling wrapper, with alignment', () => {
    const root = dom(renderMarkdown('| a | b |\n|:-:|--:|\n| 1 | 2 |\n| 3 | 4 |'));
    expect(root.querySelector('.md-table > table')).not.toBeNull();
    expect([...root.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['a', 'b']);
    expect(root.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(root.querySelector('th')?.getAttribute('align')).toBe('center');
  });

  it('renders closed code blocks highlighted, with a language label and a Copy button', () => {
    const root = dom(renderMarkdown('```python\ndef f(x):\n    return "<b>"\n```'));
    const box = root.querySelector('.md-code')!;
    expect(box.querySelector('.md-code-lang')?.textContent).toBe('python');
    expect(box.querySelector('button.md-copy')?.textContent).toBe('Copy');
    expect(box.querySelector('code.hljs .hljs-keyword')?.textContent).toBe('def');
    expect(box.querySelector('code')?.textContent).toBe('def f(x):\n    return "<b>"');
    expect(box.querySelector('b')).toBeNull();
  });

  it('leaves unknown languages unhighlighted but labelled', () => {
    const root = dom(renderMarkdown('```brainfuck\n+++.\n```'));
    expect(root.querySelector('.md-code-lang')?.textContent).toBe('brainfuck');
    expect(root.querySelector('code')?.classList.contains('hljs')).toBe(false);
    expect(root.querySelector('code')?.textContent).toBe('+++.');
  });

  it('renders inline and display math with KaTeX', () => {
    const root = dom(renderMarkdown('Inline $x^2$ and \\(y_1\\).\n\n$$\n\\frac{a}{b}\n$$\n\n\\[\\sum_i i\\]'));
    expect(root.querySelectorAll('.md-math:not(.md-math-display) .katex')).toHaveLength(2);
    expect(root.querySelectorAll('.md-math-display .katex-display')).toHaveLength(2);
    expect(root.querySelector('annotation')?.textContent).toBe('x^2');
  });

  it('does not treat prices as math', () => {
    for (const text of ['It costs $5 and $10.', 'Between $5 and $10, or $20.', 'Pay $ 3 now $']) {
      const root = dom(renderMarkdown(text));
      expect(root.querySelector('.katex'), text).toBeNull();
      expect(root.textContent).toContain('$');
    }
    expect(dom(renderMarkdown('Price $5, formula $a+b$.')).querySelectorAll('.katex')).toHaveLength(1);
  });

  it('shows a formula KaTeX cannot parse as its source, marked as an error', () => {
    const root = dom(renderMarkdown('$\\frac{a}{$ done'));
    expect(root.querySelector('.md-math-error')?.textContent).toBe('\\frac{a}{');
  });

  it('places the caret inside the last paragraph, list item or code block', () => {
    expect(withCaret('<p>hi</p>\n')).toBe('<p>hi<span class="md-caret" aria-hidden="true"></span></p>\n');
    expect(withCaret('<ul>\n<li>a</li>\n</ul>')).toContain('a<span class="md-caret"');
    expect(withCaret('<div class="md-code"><pre><code>x\n</code></pre></div>')).toContain('x<span class="md-caret"');
  });
});

describe('streaming: block memoization', () => {
  const para = (i: number) => `Paragraph ${i} with **bold** text and a [link](https://example.com/${i}).`;
  const long = Array.from({ length: 40 }, (_, i) => (i % 10 === 5 ? '```js\nconst x = ' + i + ';\n```' : para(i))).join('\n\n');

  it('parses completed blocks once and only the tail on each update', () => {
    const stream = new BlockStream();
    const parse = vi.spyOn(engine, 'parse');
    const first = stream.update(long, true);
    expect(first).toHaveLength(40);
    expect(parse).toHaveBeenCalledTimes(40);
    parse.mockClear();

    let text = long;
    for (const piece of [' more', ' words', ' here.']) {
      text += piece;
      const blocks = stream.update(text, true);
      // Completed blocks are the very same objects: Svelte's keyed each leaves their DOM alone.
      expect(blocks.slice(0, 39)).toEqual(first.slice(0, 39));
      for (let i = 0; i < 39; i++) expect(blocks[i]).toBe(first[i]);
      expect(blocks[39].final).toBe(false);
    }
    // One parse per update, each of the growing tail only.
    expect(parse).toHaveBeenCalledTimes(3);
    for (const [src] of parse.mock.calls) expect(src.startsWith(para(39))).toBe(true);
  });

  it('lexes only the tail, not the whole text, on each update', () => {
    const stream = new BlockStream();
    stream.update(long, true);
    const lex = vi.spyOn(engine, 'lex');
    stream.update(long + ' x', true);
    expect(lex).toHaveBeenCalledTimes(1);
    expect(lex.mock.calls[0][0].length).toBeLessThan(para(39).length + 10);
  });

  it('renders each completed block exactly once over a whole stream', () => {
    const stream = new BlockStream();
    const parse = vi.spyOn(engine, 'parse');
    const step = 37;
    let updates = 0;
    for (let i = 1; i <= long.length; i += step, updates++) stream.update(long.slice(0, i), true);
    const final = stream.update(long, false);
    expect(final.every((b) => b.final)).toBe(true);
    // Each completed block is parsed at most twice: maybe once as the tail with nothing left to
    // close (same source), and once for good.
    for (const b of final) expect(parse.mock.calls.filter(([s]) => s === b.src).length, b.src).toBeLessThanOrEqual(2);
    // Far less text parsed than re-rendering the whole message on every update.
    const parsedChars = parse.mock.calls.reduce((n, [s]) => n + s.length, 0);
    const naive = (long.length * updates) / 2;
    expect(parsedChars * 10).toBeLessThan(naive);
    // And a remount (another BlockStream) renders everything from the cache.
    parse.mockClear();
    new BlockStream().update(long, false);
    expect(parse).not.toHaveBeenCalled();
  }, 30_000);

  it('splits a long streaming list so finished items are not re-rendered', () => {
    const stream = new BlockStream();
    const items = Array.from({ length: 30 }, (_, i) => `${i + 1}. item ${i + 1}`).join('\n');
    const before = stream.update(items, true);
    const parse = vi.spyOn(engine, 'parse');
    const after = stream.update(items + ' more', true);
    expect(after[0]).toBe(before[0]);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(parse.mock.calls[0][0]).toBe('30. item 30 more');
    const root = dom(after.map((b) => b.html).join(''));
    // The last fragment keeps its number.
    expect(root.querySelector('ol[start="30"]')).not.toBeNull();
  });

  it('leaves the DOM of completed blocks untouched while the tail grows', async () => {
    const { container, rerender } = render(Markdown, { text: long, streaming: true, caret: true });
    const blocks = [...container.querySelectorAll('.md-block')];
    expect(blocks).toHaveLength(40);
    const mutated = new Set<Node>();
    const observer = new MutationObserver((records) => records.forEach((r) => mutated.add(r.target)));
    observer.observe(container, { subtree: true, childList: true, characterData: true, attributes: true });
    await rerender({ text: long + ' and more', streaming: true, caret: true });
    flushSync();
    await new Promise((r) => setTimeout(r, 0));
    observer.disconnect();
    const after = [...container.querySelectorAll('.md-block')];
    for (let i = 0; i < 39; i++) expect(after[i]).toBe(blocks[i]);
    for (const node of mutated) expect(blocks[39].contains(node) || node === blocks[39]).toBe(true);
    expect(after[39].querySelector('.md-caret')).not.toBeNull();
    expect(container.querySelectorAll('.md-caret')).toHaveLength(1);
  });

  it('starts over when the text is replaced rather than extended', () => {
    const stream = new BlockStream();
    stream.update('First.\n\nSecond.', true);
    const blocks = stream.update('Other.', false);
    expect(blocks).toHaveLength(1);
    expect(blocks[0].src).toBe('Other.');
  });
});

describe('streaming: incomplete syntax is closed for display', () => {
  it('an open code fence shows as a plain code block, then highlights when closed', () => {
    const stream = new BlockStream();
    let root = shown(stream, 'Intro\n\n```js\nconst a = 1');
    expect(root.textContent).not.toContain('```');
    expect(root.querySelector('.md-code code')?.textContent).toBe('const a = 1');
    expect(root.querySelector('code.hljs')).toBeNull();
    root = shown(stream, 'Intro\n\n```js\nconst a = 1;\n```\n');
    expect(root.querySelector('code.hljs .hljs-keyword')?.textContent).toBe('const');
  });

  it('unclosed bold and inline code do not leak markers', () => {
    const stream = new BlockStream();
    let root = shown(stream, 'This is **very imp');
    expect(root.querySelector('strong')?.textContent).toBe('very imp');
    expect(root.textContent).not.toContain('*');
    root = shown(stream, 'This is **very important** and `cod');
    expect(root.querySelector('strong')?.textContent).toBe('very important');
    expect(root.querySelector('code')?.textContent).toBe('cod');
    expect(root.textContent).not.toContain('`');
  });

  it('an unclosed $$ shows as math (or quietly as source), never as raw $$', () => {
    const stream = new BlockStream();
    let root = shown(stream, 'See:\n\n$$\nx^2 + y');
    expect(root.textContent).not.toContain('$$');
    expect(root.querySelector('.katex')).not.toBeNull();
    root = shown(stream, 'See:\n\n$$\n\\frac{a}{');
    expect(root.textContent).not.toContain('$$');
    expect(root.querySelector('.md-math-error')).toBeNull();
    root = shown(stream, 'See:\n\n$$\n\\frac{a}{b}\n$$\n', false);
    expect(root.querySelector('.md-math-display .katex')).not.toBeNull();
  });

  it('a half-written table renders as a table from its header row on', () => {
    const stream = new BlockStream();
    for (const partial of ['| Name | Age |', '| Name | Age |\n|---', '| Name | Age |\n|---|--', '| Name | Age |\n|---|---|\n| Ann | 3']) {
      const root = shown(stream, partial);
      expect(root.querySelector('table'), partial).not.toBeNull();
      expect([...root.querySelectorAll('th')].map((t) => t.textContent), partial).toEqual(['Name', 'Age']);
      expect(root.textContent).not.toContain('|');
    }
    const root = shown(stream, '| Name | Age |\n|---|---|\n| Ann | 3 |\n', false);
    expect([...root.querySelectorAll('td')].map((t) => t.textContent)).toEqual(['Ann', '3']);
  });

  it('closeIncomplete helpers', () => {
    expect(openFence('```py\nx')).toBe('```');
    expect(openFence('```py\nx\n```')).toBe('');
    expect(openFence('1. step\n   ```sh\n   ls')).toBe('   ```');
    expect(openFence('~~~~\n```\n')).toBe('~~~~');
    expect(closeIncomplete('```py\nx')).toBe('```py\nx\n```\n');
    expect(completeTable('| a | b | c |')).toBe('| a | b | c |\n| --- | --- | --- |');
    expect(completeTable('| a | b |\n|:-:|-')).toBe('| a | b |\n| :-: | --- |');
    expect(completeTable('| a | b |\n|---|---|\n| 1 |')).toBe('| a | b |\n|---|---|\n| 1 |');
    expect(completeTable('plain text')).toBe('plain text');
    // Prices are not closed into math.
    expect(closeIncomplete('It costs $5')).toBe('It costs $5');
  });
});
