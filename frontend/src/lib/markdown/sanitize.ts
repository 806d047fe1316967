// Sanitizing: every block's HTML goes through a strict DOMPurify config, then a post-processing
// pass in an inert <template> (nothing there loads: no images, no fonts) that
//  - turns links into <a data-href> with no href (clicks are handled by the message component,
//    which opens http(s)/mailto in the system browser and ignores everything else),
//  - replaces every image that is not a data: image with a link-styled "[image: alt] (host)",
//  - wraps code blocks with a header (language, Copy) and highlights closed ones,
//  - swaps math placeholders for KaTeX's HTML, sanitized on its own (cleanMath) with an allowlist
//    of the elements, `style` attributes and SVG/MathML KaTeX writes, and nothing that runs or loads.
// Math goes in after the strict pass (rather than loosening that pass for everyone) so markdown
// and raw HTML from the model can never carry `style`, SVG or MathML; only KaTeX's own output can.
import DOMPurify, { type Config } from 'dompurify';
import { t } from '../i18n';
import { highlight, languageFor } from './highlight';
import { PLACEHOLDER, renderTex, type MathItem } from './math';

const STRICT: Config = {
  ALLOWED_TAGS: [
    'a', 'abbr', 'b', 'blockquote', 'br', 'code', 'dd', 'del', 'details', 'div', 'dl', 'dt', 'em',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'input', 'ins', 'kbd', 'li', 'mark', 'ol',
    'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table',
    'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul', 'var',
  ],
  ALLOWED_ATTR: ['href', 'src', 'alt', 'title', 'type', 'checked', 'disabled', 'start', 'align', 'colspan', 'rowspan', 'class', 'open'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  // Relative URLs are refused too: the app's own pages are not the model's to link to.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|data:image\/(?:png|gif|jpe?g|webp|avif);base64,)/i,
  // DOMPurify checks every attribute not marked URI-safe against that regexp: these hold no URLs.
  ADD_URI_SAFE_ATTR: ['align', 'start', 'colspan', 'rowspan', 'type', 'checked', 'disabled', 'open'],
  KEEP_CONTENT: true,
};

type Purifier = ReturnType<typeof DOMPurify>;
let strict: Purifier | null = null;

function strictPurifier(): Purifier {
  if (strict) return strict;
  const p = DOMPurify(window);
  p.addHook('uponSanitizeAttribute', (node, data) => {
    // Only marked's own `language-*` class on <code> survives; the model can't borrow app classes.
    if (data.attrName === 'class') {
      data.keepAttr =
        (node.nodeName === 'CODE' && /^language-[\w#+.-]{1,40}$/.test(data.attrValue)) ||
        (node.nodeName === 'DIV' && data.attrValue === 'md-math-block');
    }
  });
  p.addHook('afterSanitizeAttributes', (node) => {
    // Task-list checkboxes only: any other input becomes an inert, disabled checkbox.
    if (node.nodeName === 'INPUT') {
      for (const attr of [...node.attributes]) if (attr.name !== 'checked') node.removeAttribute(attr.name);
      node.setAttribute('type', 'checkbox');
      node.setAttribute('disabled', '');
    }
  });
  // Set once: passing the config to every sanitize() call makes DOMPurify re-parse it each time.
  // In place: a string would cost DOMPurify a whole new document (DOMParser) per block, which was
  // the largest single cost of streaming; the markup is parsed once, in an inert <template>.
  p.setConfig({ ...STRICT, IN_PLACE: true });
  strict = p;
  return p;
}

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const SVG_NS = 'http://www.w3.org/2000/svg';
const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

/** Every element KaTeX writes with `trust: false`, by namespace (see its buildTree/mathMLTree). */
const MATH_TAGS: Record<string, Set<string>> = {
  [HTML_NS]: new Set(['span']),
  [SVG_NS]: new Set(['svg', 'path', 'line']),
  [MATHML_NS]: new Set(
    ('math semantics annotation mrow mi mn mo ms mtext mspace msup msub msubsup mover munder munderover ' +
      'mfrac mroot msqrt mtable mtr mtd mlabeledtr menclose mstyle mpadded mphantom').split(' '),
  ),
};

/** Every attribute it writes there; none holds a URL or script. */
const MATH_ATTRS = new Set(
  ('class style aria-hidden xmlns display encoding width height viewBox preserveAspectRatio d x1 y1 x2 y2 ' +
    'stroke-width mathvariant stretchy fence separator lspace rspace accent accentunder columnalign ' +
    'columnlines columnspacing rowlines rowspacing depth voffset linethickness scriptlevel displaystyle ' +
    'mathcolor mathbackground mathsize maxsize minsize largeop notation').split(' '),
);

/** KaTeX writes sizes and colours; nothing else belongs in its style attributes. */
const BAD_STYLE = /url\s*\(|expression|@import|\\|javascript:|behavior|binding/i;

/**
 * Sanitizes KaTeX's output in place with an allowlist of the elements (checked with their
 * namespace) and attributes KaTeX writes: anything else is removed with its content, as are
 * comments and processing instructions, and styles that could load or run something.
 *
 * Why not DOMPurify here: the formulas are already rendered by KaTeX with `trust: false` (no
 * \href, \url, \includegraphics, \html*), so this is a second line of defence over a known,
 * small vocabulary, and DOMPurify's generic per-node and per-attribute checks made it the largest
 * single cost of streaming an answer with formulas (~0.6 ms per formula, most of the math time).
 * A test checks that this gives exactly what the DOMPurify configuration used before gave.
 */
export function cleanMath(root: Element): void {
  for (let n = root.firstChild; n; ) {
    const next = n.nextSibling;
    if (n.nodeType === Node.ELEMENT_NODE) {
      const el = n as Element;
      if (MATH_TAGS[el.namespaceURI ?? '']?.has(el.localName)) {
        const attrs = el.attributes;
        for (let i = attrs.length - 1; i >= 0; i--) {
          const { name, value } = attrs[i];
          if (!MATH_ATTRS.has(name) || (name === 'style' && BAD_STYLE.test(value))) el.removeAttribute(name);
        }
        cleanMath(el);
      } else {
        el.remove();
      }
    } else if (n.nodeType !== Node.TEXT_NODE) {
      n.remove();
    }
    n = next;
  }
}

const SAFE_LINK = /^(?:https?|mailto):/i;
const DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|avif);base64,[a-z0-9+/=\s]+$/i;

/** The URL if it may be opened in the system browser (http, https, mailto), else ''. */
export function safeLink(href: string | null | undefined): string {
  if (!href) return '';
  const v = href.trim();
  if (!SAFE_LINK.test(v)) return '';
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : '';
  } catch {
    return '';
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export interface SanitizeOptions {
  /** Highlight closed code blocks (the growing tail is shown as plain monospace). */
  highlight: boolean;
  /** The tail while streaming: formulas that don't parse yet are shown as their source, not as an error. */
  partial: boolean;
}

/**
 * Sanitized, post-processed nodes for one block of marked output, in a <div> of the template
 * contents document (inert): read its innerHTML, or import its children into the page.
 */
export function sanitizeBlock(html: string, math: MathItem[], opts: SanitizeOptions): HTMLElement {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const doc = tpl.content.ownerDocument;
  // Test builds only (scripts/e2e-variants.sh): the e2e test of the CSP alone renders the
  // model's HTML unsanitized. Vite replaces the variable at build time, so a production bundle
  // holds neither this branch nor its marker (TestHostileContentRunsNothing checks the binary).
  if (import.meta.env.VITE_QWENDESK_E2E_UNSANITIZED === '1') {
    const raw = doc.createElement('div');
    raw.setAttribute('data-e2e', 'QWENDESK-E2E-UNSANITIZED-BUILD');
    raw.append(tpl.content);
    return raw;
  }
  // Nothing in a template's document runs or loads; DOMPurify sanitizes the nodes where they are.
  const root = doc.createElement('div');
  root.append(tpl.content);
  strictPurifier().sanitize(root);

  for (const a of [...root.querySelectorAll('a')]) {
    const url = safeLink(a.getAttribute('href'));
    a.removeAttribute('href');
    a.className = 'md-link';
    if (url) {
      a.setAttribute('data-href', url);
      a.setAttribute('title', url);
      a.setAttribute('tabindex', '0');
      a.setAttribute('role', 'link');
    } else {
      a.classList.add('md-link-inert');
      a.removeAttribute('title');
    }
  }

  for (const img of [...root.querySelectorAll('img')]) {
    const src = img.getAttribute('src') ?? '';
    if (DATA_IMAGE.test(src)) {
      img.className = 'md-img';
      continue;
    }
    const alt = (img.getAttribute('alt') ?? '').replace(PLACEHOLDER, (_, i) => math[+i]?.tex ?? '');
    const url = safeLink(src);
    const host = url ? hostOf(url) : '';
    const a = doc.createElement('a');
    a.className = 'md-link md-img-link';
    a.textContent = (alt ? t('md.image', { alt }) : t('md.imageNoAlt')) + (host ? ` (${host})` : '');
    if (url) {
      a.setAttribute('data-href', url);
      a.setAttribute('title', t('md.openImage', { url }));
      a.setAttribute('tabindex', '0');
      a.setAttribute('role', 'link');
    } else {
      a.classList.add('md-link-inert');
    }
    img.replaceWith(a);
  }

  for (const input of root.querySelectorAll('input')) input.closest('li')?.classList.add('md-task');

  for (const table of [...root.querySelectorAll('table')]) {
    const wrap = doc.createElement('div');
    wrap.className = 'md-table';
    table.replaceWith(wrap);
    wrap.append(table);
  }

  for (const code of [...root.querySelectorAll('pre > code')]) {
    const pre = code.parentElement!;
    const lang = /^language-(.+)$/.exec(code.className)?.[1] ?? '';
    // marked ends the code with a newline, which <pre> would show as an empty last line.
    const text = (code.textContent ?? '').replace(/\n$/, '');
    code.className = '';
    code.textContent = text;
    if (opts.highlight) {
      const html = highlight(text, lang);
      if (html !== null) {
        code.innerHTML = html;
        code.className = 'hljs';
      }
    }
    const box = doc.createElement('div');
    box.className = 'md-code';
    const head = doc.createElement('div');
    head.className = 'md-code-head';
    const label = doc.createElement('span');
    label.className = 'md-code-lang';
    label.textContent = lang || t('md.code');
    const copy = doc.createElement('button');
    copy.type = 'button';
    copy.className = 'md-copy';
    copy.setAttribute('data-copy', '');
    copy.setAttribute('aria-label', t('md.copyCode'));
    copy.textContent = t('common.copy');
    head.append(label);
    // A completed html or svg block can be previewed in an isolated frame (PreviewPanel).
    const kind = lang.toLowerCase();
    if (opts.highlight && (kind === 'html' || kind === 'svg')) {
      const preview = doc.createElement('button');
      preview.type = 'button';
      preview.className = 'md-tool';
      preview.setAttribute('data-preview', kind);
      preview.textContent = t('md.preview');
      head.append(preview);
    }
    head.append(copy);
    if (languageFor(lang)) box.setAttribute('data-lang', languageFor(lang));
    // A completed mermaid block becomes a diagram in the page (diagram.ts); mid-stream the
    // source shows, since half a diagram does not parse.
    if (opts.highlight && lang.toLowerCase() === 'mermaid') box.setAttribute('data-diagram', 'mermaid');
    pre.replaceWith(box);
    box.append(head, pre);
  }

  if (math.length) insertMath(root, math, opts.partial);

  // A placeholder can only survive in an attribute (an image's alt or a title): put the source back.
  for (const el of root.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      if (attr.value.includes('\uE000')) el.setAttribute(attr.name, attr.value.replace(PLACEHOLDER, (_, i) => math[+i]?.tex ?? ''));
    }
  }

  return root;
}

const MATH_CACHE_MAX = 2000;
/**
 * Sanitized KaTeX nodes by formula (null: doesn't parse), kept in the inert template document and
 * cloned into each block that shows the formula: the streaming tail shows its formulas again on
 * every update, and cloning nodes is much cheaper than parsing KaTeX's HTML again.
 */
const mathCache = new Map<string, DocumentFragment | null>();

function mathNodes(item: MathItem): DocumentFragment | null {
  const key = (item.display ? 'D' : 'I') + item.tex;
  const hit = mathCache.get(key);
  if (hit !== undefined) return hit;
  const tex = renderTex(item.tex, item.display);
  let nodes: DocumentFragment | null = null;
  if (tex !== null) {
    const tpl = document.createElement('template');
    tpl.innerHTML = tex;
    const box = tpl.content.ownerDocument.createElement('span');
    box.append(tpl.content);
    cleanMath(box);
    nodes = tpl.content;
    nodes.append(...box.childNodes);
  }
  mathCache.set(key, nodes);
  if (mathCache.size > MATH_CACHE_MAX) mathCache.delete(mathCache.keys().next().value as string);
  return nodes;
}

function insertMath(root: HTMLElement, math: MathItem[], partial: boolean): void {
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const hits: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if ((n as Text).data.includes('\uE000')) hits.push(n as Text);
  for (const node of hits) {
    const parts = node.data.split(/(\uE000\d+\uE001)/);
    const frag = doc.createDocumentFragment();
    for (const part of parts) {
      const m = /^\uE000(\d+)\uE001$/.exec(part);
      const item = m ? math[+m[1]] : undefined;
      if (!item) {
        if (part) frag.append(part);
        continue;
      }
      const span = doc.createElement('span');
      const nodes = mathNodes(item);
      if (nodes !== null) {
        span.className = item.display ? 'md-math md-math-display' : 'md-math';
        span.append(nodes.cloneNode(true));
      } else {
        // Mid-stream a formula is often half-written: show its source quietly until it parses.
        span.className = partial ? 'md-math-src' : 'md-math-src md-math-error';
        if (!partial) span.setAttribute('title', t('md.mathError'));
        span.textContent = item.tex;
      }
      frag.append(span);
    }
    node.replaceWith(frag);
  }
}
