// The preview panel: what isolates the model's page is the frame's attributes and the policy at
// the top of its document, so those are what these tests pin (jsdom runs no frame; the real
// window's test, e2e TestPreviewCannotEscapeItsFrame, shows the attempts failing in WebKitGTK).
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import PreviewPanel from '../src/components/PreviewPanel.svelte';
import Markdown from '../src/components/Markdown.svelte';
import { PREVIEW_CSP, previewDocument } from '../src/lib/preview';
import { VISUAL_KEY, VisualStore } from '../src/lib/visual.svelte';

afterEach(() => cleanup());

const page = '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src *"><script>parent.go</script></head><body><h1>Hi</h1></body></html>';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
}

describe('preview isolation', () => {
  it('the frame is sandboxed with nothing allowed: no scripts, never the same origin', () => {
    const visual = new VisualStore({ saveFile: vi.fn() });
    visual.openPreview('html', page);
    render(PreviewPanel, { visual });
    const frame = screen.getByTestId('preview-frame') as HTMLIFrameElement;
    expect(frame.hasAttribute('sandbox')).toBe(true);
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('src')).toBeNull();
    expect(frame.srcdoc.startsWith('<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy"')).toBe(true);
  });

  it("the page's policy comes before its markup and forbids scripts, loads and connections", () => {
    const doc = previewDocument('html', page);
    const parsed = new DOMParser().parseFromString(doc, 'text/html');
    const metas = parsed.head.querySelectorAll('meta[http-equiv="Content-Security-Policy"]');
    // Ours is first; the page's own (default-src *) can only add restrictions after it.
    expect(metas[0].getAttribute('content')).toBe(PREVIEW_CSP);
    const d = directives(PREVIEW_CSP);
    for (const k of ['default-src', 'script-src', 'connect-src', 'frame-src', 'child-src', 'worker-src', 'form-action', 'base-uri']) {
      expect(d.get(k), k).toEqual(["'none'"]);
    }
    expect(d.get('img-src')).toEqual(['data:', 'blob:']);
    expect(PREVIEW_CSP).not.toMatch(/https?:|\*|'self'/);
    expect(parsed.body.querySelector('h1')?.textContent).toBe('Hi');
  });

  it('a page cannot close our attribute or head to put markup before the policy', () => {
    const doc = previewDocument('svg', '"><script>x</script><svg></svg>');
    expect(doc.indexOf('<script>')).toBeGreaterThan(doc.indexOf(PREVIEW_CSP.replace(/'/g, "'")));
  });

  it('Preview on a finished html block opens it in the panel; reload and save act on it', async () => {
    const saveFile = vi.fn(async () => '/tmp/preview.html');
    const visual = new VisualStore({ saveFile });
    const md = render(Markdown, { props: { text: '```html\n<h1>Page</h1>\n```\n' }, context: new Map([[VISUAL_KEY, visual]]) });
    await fireEvent.click(md.container.querySelector('button[data-preview="html"]')!);
    expect(visual.preview).toMatchObject({ kind: 'html', source: '<h1>Page</h1>', run: 1 });
    cleanup();
    render(PreviewPanel, { visual });
    const first = screen.getByTestId('preview-frame');
    await fireEvent.click(screen.getByText('Reload'));
    expect(screen.getByTestId('preview-frame')).not.toBe(first); // a fresh frame, not the same one
    await fireEvent.click(screen.getByText('Save'));
    expect(saveFile).toHaveBeenCalledWith('html', 'preview', '<h1>Page</h1>');
  });

  it('a block still streaming has no Preview button', () => {
    const { container } = render(Markdown, { text: '```html\n<h1>Pa', streaming: true });
    expect(container.querySelector('button[data-preview]')).toBeNull();
  });
});
