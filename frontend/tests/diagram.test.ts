// Mermaid diagrams in answers, with the real Mermaid. jsdom has no text layout, so SVG text
// measurement is stubbed with a fixed width per character (the only fake: the DOM's edge).
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import Markdown from '../src/components/Markdown.svelte';
import { cleanSvg } from '../src/lib/markdown/diagram';

beforeAll(() => {
  const proto = window.SVGElement.prototype as unknown as Record<string, unknown>;
  proto.getComputedTextLength = function (this: Element) {
    return (this.textContent ?? '').length * 7;
  };
  proto.getBBox = function (this: Element) {
    return { x: 0, y: 0, width: (this.textContent ?? '').length * 7, height: 16 };
  };
});
afterEach(() => cleanup());

const open = 'Here is the flow:\n\n```mermaid\ngraph TD\n  A[Ask] --> B{Cheap?}\n  B -->|yes| C[qwen-flash]\n';
const closed = open + '  B -->|no| D[qwen-max]\n```\n\nDone.';

describe('mermaid blocks', () => {
  it('shows the source while the block streams and the diagram once it is complete', async () => {
    const view = render(Markdown, { text: open, streaming: true });
    await new Promise((r) => setTimeout(r, 50));
    const box = () => view.container.querySelector<HTMLElement>('.md-code')!;
    expect(box().querySelector('.md-diagram')).toBeNull();
    expect(box().querySelector('pre code')!.textContent).toContain('A[Ask] --> B{Cheap?}');
    expect(box().hasAttribute('data-diagram')).toBe(false);

    await view.rerender({ text: closed, streaming: false });
    await waitFor(() => expect(box().dataset.diagramState).toBe('ok'), { timeout: 10000 });
    const svg = box().querySelector('.md-diagram svg')!;
    expect(svg).not.toBeNull();
    for (const label of ['Ask', 'Cheap?', 'qwen-flash', 'qwen-max']) expect(svg.textContent).toContain(label);
    // Labels are SVG text, not HTML inside foreignObject.
    expect(svg.querySelector('foreignObject')).toBeNull();
    // The source is hidden, not gone: the toggle brings it back and Copy still copies it.
    expect(box().dataset.view).toBe('diagram');
    const toggle = box().querySelector<HTMLButtonElement>('[data-diagram-action="toggle"]')!;
    await fireEvent.click(toggle);
    expect(box().dataset.view).toBe('source');
    expect(toggle.textContent).toBe('Diagram');
    expect(box().querySelector('[data-diagram-action="svg"]')).not.toBeNull();
    expect(box().querySelector('[data-diagram-action="png"]')).not.toBeNull();
  }, 20000);

  it('a malformed diagram shows the parse error and keeps its source', async () => {
    const bad = '```mermaid\ngraph TD\n  A -->\n```\n';
    const view = render(Markdown, { text: bad });
    const box = () => view.container.querySelector<HTMLElement>('.md-code')!;
    await waitFor(() => expect(box().dataset.diagramState).toBe('error'), { timeout: 10000 });
    const err = box().querySelector('.md-diagram-error')!;
    expect(err.textContent).toContain('This diagram could not be drawn');
    expect(err.textContent).toMatch(/Parse error/);
    expect(box().querySelector('.md-diagram')).toBeNull();
    expect(box().querySelector('pre code')!.textContent).toBe('graph TD\n  A -->');
    // Mermaid's own error graphic must not land anywhere in the page.
    expect(document.body.innerHTML).not.toContain('Syntax error in text');
  }, 20000);

  it('click directives do nothing under the strict security level', async () => {
    const src = '```mermaid\ngraph TD\n  A-->B\n  click A "javascript:alert(1)"\n  click B call alert(2)\n```\n';
    const alert = vi.spyOn(window, 'alert').mockImplementation(() => {});
    const view = render(Markdown, { text: src });
    const box = () => view.container.querySelector<HTMLElement>('.md-code')!;
    await waitFor(() => expect(box().dataset.diagramState).not.toBe('loading'), { timeout: 10000 });
    const html = box().querySelector('.md-diagram')!.innerHTML;
    expect(html).not.toMatch(/javascript:|onclick|href=/i);
    for (const node of box().querySelectorAll('.md-diagram *')) (node as HTMLElement).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(alert).not.toHaveBeenCalled();
  }, 20000);
});

describe('cleanSvg', () => {
  it('keeps drawing and removes scripts, handlers, links and HTML islands', () => {
    const dirty =
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>' +
      '<a href="javascript:alert(3)"><text>link</text></a><foreignObject><img src=x onerror="alert(4)"></foreignObject>' +
      '<image href="https://evil.example/track.png"/><rect width="10" height="10" onclick="alert(5)"/><text x="1">ok</text></svg>';
    const clean = cleanSvg(dirty);
    expect(clean).toContain('<rect');
    expect(clean).toContain('>ok</text>');
    expect(clean).not.toMatch(/script|onload|onclick|onerror|javascript:|foreignObject|evil\.example|<img/i);
  });
});
