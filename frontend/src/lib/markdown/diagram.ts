// Mermaid diagrams in answers. sanitizeBlock marks a completed ```mermaid block (data-diagram);
// the message component then calls renderDiagrams on its live DOM, which turns each marked block
// into a diagram with a Source/Diagram toggle and Save buttons. A block still streaming is never
// marked, so its source shows until the fence closes.
//
// Mermaid is ~2 MB of JavaScript: it is imported on first use only, so the startup bundle does
// not carry it. Its output is SVG made from untrusted text: it runs with securityLevel 'strict'
// (no click handlers, labels escaped), without HTML labels (no <foreignObject>: nothing HTML
// inside the SVG, and a canvas can draw it for PNG without being tainted), and what it returns
// is sanitized again with DOMPurify's SVG profile before it touches the page.
import DOMPurify from 'dompurify';
import { t } from '../i18n';

/** What this module needs of Mermaid: the SVG for a source, or a thrown parse error. */
export interface DiagramEngine {
  render(id: string, source: string, dark: boolean): Promise<string>;
}

let engine: Promise<DiagramEngine> | null = null;
let configuredDark: boolean | null = null;

/** The real engine, loaded on the first diagram. */
async function loadMermaid(): Promise<DiagramEngine> {
  const { default: mermaid } = await import('mermaid');
  return {
    async render(id, source, dark) {
      if (configuredDark !== dark) {
        mermaid.initialize({
          startOnLoad: false,
          securityLevel: 'strict',
          theme: dark ? 'dark' : 'default',
          htmlLabels: false,
          flowchart: { htmlLabels: false },
          // Errors are shown by us as text; Mermaid's own error graphic would land in <body>.
          suppressErrorRendering: true,
          fontFamily: 'system-ui, sans-serif',
        });
        configuredDark = dark;
      }
      const { svg } = await mermaid.render(id, source);
      return svg;
    },
  };
}

/** Tests swap the engine (jsdom cannot lay out SVG text); null restores Mermaid. */
export function setDiagramEngine(e: DiagramEngine | null): void {
  engine = e ? Promise.resolve(e) : null;
  configuredDark = null;
  svgCache.clear();
}

function getEngine(): Promise<DiagramEngine> {
  engine ??= loadMermaid().catch((err) => {
    engine = null; // a failed chunk load may work next time
    throw err;
  });
  return engine;
}

const CACHE_MAX = 100;
/** Sanitized SVG by theme and source: a remounted message (scrolling, switching back) shows it at once. */
const svgCache = new Map<string, string>();
let counter = 0;

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** Mermaid's SVG through DOMPurify's SVG profile; no HTML, no foreignObject, no scripts or handlers. */
export function cleanSvg(svg: string): string {
  if (!purifier) {
    purifier = DOMPurify(window);
    purifier.setConfig({
      USE_PROFILES: { svg: true, svgFilters: true },
      FORBID_TAGS: ['foreignObject', 'image', 'use', 'a', 'script'],
      FORBID_ATTR: ['href', 'xlink:href'],
    });
  }
  return purifier.sanitize(svg) as string;
}

function isDark(): boolean {
  return document.documentElement.dataset.theme === 'dark';
}

function button(action: string, label: string, title = label): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'md-tool';
  b.dataset.diagramAction = action;
  b.textContent = label;
  b.title = title;
  return b;
}

/** Renders every marked diagram under root that has not been started yet. */
export function renderDiagrams(root: HTMLElement): Promise<void>[] {
  const jobs: Promise<void>[] = [];
  for (const box of root.querySelectorAll<HTMLElement>('.md-code[data-diagram]:not([data-diagram-state])')) {
    box.dataset.diagramState = 'loading';
    jobs.push(renderOne(box));
  }
  return jobs;
}

async function renderOne(box: HTMLElement): Promise<void> {
  const source = box.querySelector('pre code')?.textContent ?? '';
  const dark = isDark();
  const key = (dark ? 'D' : 'L') + source;
  let svg = svgCache.get(key);
  let error = '';
  if (svg === undefined) {
    try {
      const e = await getEngine();
      svg = cleanSvg(await e.render(`qd-mermaid-${++counter}`, source, dark));
      svgCache.set(key, svg);
      if (svgCache.size > CACHE_MAX) svgCache.delete(svgCache.keys().next().value as string);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
  }
  if (!box.isConnected) return;
  if (svg === undefined || !svg.includes('<svg')) {
    box.dataset.diagramState = 'error';
    const msg = document.createElement('div');
    msg.className = 'md-diagram-error';
    msg.setAttribute('role', 'alert');
    const title = document.createElement('strong');
    title.textContent = t('md.diagramError');
    const detail = document.createElement('span');
    // Text, never markup: Mermaid quotes the user's source in its messages.
    detail.textContent = (error || t('md.diagramEmpty')).slice(0, 500);
    msg.append(title, ' ', detail);
    box.querySelector('.md-code-head')?.after(msg);
    return;
  }
  const view = document.createElement('div');
  view.className = 'md-diagram';
  view.setAttribute('role', 'img');
  view.innerHTML = svg;
  // A picture to a screen reader: its name lists the diagram's labels.
  // Mermaid puts each word of a label in its own <tspan>: join them with spaces.
  const words = (n: Element) => {
    const leaves = [...n.querySelectorAll('tspan')].filter((s) => !s.querySelector('tspan'));
    return (leaves.length ? leaves.map((s) => s.textContent ?? '') : [n.textContent ?? '']).join(' ').replace(/\s+/g, ' ').trim();
  };
  const labels = [...view.querySelectorAll('text')].map(words).filter(Boolean);
  view.setAttribute('aria-label', (t('md.diagram') + (labels.length ? ': ' + labels.join(', ') : '')).slice(0, 400));
  // Mermaid's own width="100%" and max-width (its natural size) keep it no larger than drawn
  // and shrink it in a narrow window; markdown.css caps its height.
  box.querySelector('.md-code-head')?.after(view);
  const head = box.querySelector('.md-code-head');
  const copy = head?.querySelector('.md-copy');
  const tools = document.createElement('span');
  tools.className = 'md-tools';
  tools.append(button('toggle', t('md.showSource')), button('svg', t('md.saveSvg')), button('png', t('md.savePng')));
  if (copy) tools.append(copy);
  head?.append(tools);
  box.dataset.view = 'diagram';
  box.dataset.diagramState = 'ok';
}

/** Switches a diagram block between its picture and its source. */
export function toggleDiagram(box: HTMLElement, toggle: HTMLButtonElement): void {
  const source = box.dataset.view === 'diagram';
  box.dataset.view = source ? 'source' : 'diagram';
  toggle.textContent = source ? t('md.showDiagram') : t('md.showSource');
}

/** The diagram's SVG as a standalone file (with the XML namespace a viewer needs). */
export function diagramSvg(box: HTMLElement): string {
  const svg = box.querySelector('.md-diagram svg');
  if (!svg) return '';
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
}

/**
 * The diagram as a PNG data URL, drawn at twice its size on a white (or dark) background. The
 * SVG goes in as a data: image, which the app's policy allows and which loads nothing else.
 */
export async function diagramPng(box: HTMLElement): Promise<string> {
  const svg = box.querySelector<SVGSVGElement>('.md-diagram svg');
  if (!svg) return '';
  const rect = svg.getBoundingClientRect();
  const vb = svg.viewBox?.baseVal;
  const w = Math.max(1, Math.round(vb && vb.width ? vb.width : rect.width));
  const h = Math.max(1, Math.round(vb && vb.height ? vb.height : rect.height));
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(w));
  copy.setAttribute('height', String(h));
  copy.style.removeProperty('max-width');
  const url = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(copy));
  const img = new Image();
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the diagram could not be drawn'));
    img.src = url;
  });
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = w * scale;
  canvas.height = h * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) return '';
  ctx.fillStyle = isDark() ? '#1a1b1f' : '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png');
}
