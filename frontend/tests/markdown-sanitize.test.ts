import { cleanup, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Markdown from '../src/components/Markdown.svelte';
import { renderMarkdown } from '../src/lib/markdown/render';
import { BlockStream } from '../src/lib/markdown/stream';
import { inertProblems, xssVectors } from './xss-corpus';

afterEach(() => cleanup());

function mountHtml(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  document.body.append(div);
  return div;
}

describe('sanitizing model output', () => {
  it('has a corpus of at least 25 vectors', () => {
    expect(xssVectors.length).toBeGreaterThanOrEqual(25);
  });

  for (const v of xssVectors) {
    it(`renders inert: ${v.name}`, () => {
      const alert = vi.spyOn(window, 'alert').mockImplementation(() => {});
      const { container } = render(Markdown, { text: v.markdown });
      expect(inertProblems(container)).toEqual([]);
      if (v.visible) expect(container.textContent).toContain(v.visible);
      expect(alert).not.toHaveBeenCalled();
    });

    it(`stays inert while streaming: ${v.name}`, () => {
      const stream = new BlockStream();
      for (let i = 1; i <= v.markdown.length; i += 3) {
        const html = stream
          .update(v.markdown.slice(0, i), true)
          .map((b) => b.html)
          .join('');
        const root = mountHtml(html);
        expect(inertProblems(root), `prefix ${JSON.stringify(v.markdown.slice(0, i))}`).toEqual([]);
        root.remove();
      }
    }, 20_000);
  }

  it('shows a remote image as a link-styled "[image: alt] (host)" that loads nothing', () => {
    const root = mountHtml(renderMarkdown('![a cat](https://cdn.example.org/cat.png)'));
    expect(root.querySelector('img')).toBeNull();
    const a = root.querySelector('a.md-img-link')!;
    expect(a.textContent).toBe('[image: a cat] (cdn.example.org)');
    expect(a.getAttribute('data-href')).toBe('https://cdn.example.org/cat.png');
    expect(a.hasAttribute('href')).toBe(false);
  });

  it('keeps data: images', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const root = mountHtml(renderMarkdown(`![dot](${png})`));
    expect(root.querySelector('img')?.getAttribute('src')).toBe(png);
  });

  it('keeps task-list checkboxes, disabled', () => {
    const root = mountHtml(renderMarkdown('- [x] done\n- [ ] todo'));
    const boxes = [...root.querySelectorAll('input')];
    expect(boxes).toHaveLength(2);
    expect(boxes.every((b) => b.type === 'checkbox' && b.disabled)).toBe(true);
    expect(boxes[0].checked).toBe(true);
  });

  it('keeps KaTeX styles but no style attribute from the markdown', () => {
    const root = mountHtml(renderMarkdown('<span style="color:red">x</span> $\\frac{a}{b}$'));
    expect(root.querySelector('.katex [style]')).not.toBeNull();
    for (const el of root.querySelectorAll('[style]')) expect(el.closest('.katex')).not.toBeNull();
  });

  it('puts http(s) and mailto URLs in data-href and title, never href', () => {
    const root = mountHtml(renderMarkdown('[a](https://example.com/x) [m](mailto:a@b.co) [f](ftp://x.org/) [r](/etc/passwd)'));
    const links = [...root.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('data-href'))).toEqual(['https://example.com/x', 'mailto:a@b.co', null, null]);
    expect(links[0].title).toBe('https://example.com/x');
    expect(root.querySelector('a[href]')).toBeNull();
  });
});
