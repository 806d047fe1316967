// Markdown → safe HTML for one block.
//
// Why marked (v18) rather than markdown-it: its lexer hands back top-level block tokens with their
// exact `raw` source, which is what the streaming splitter (stream.ts) needs to find completed
// blocks without a second parser; it is smaller (~40 KB vs ~100 KB minified with its deps),
// GFM (tables, task lists, strikethrough, autolinks) is built in, and inline/block extensions make
// the math syntax a few lines. Raw HTML passes through marked and is handled by DOMPurify.
import { Marked, type Token, type TokensList } from 'marked';
import { SENTINELS, collectMath, mathExtensions } from './math';
import { sanitizeBlock } from './sanitize';

const marked = new Marked({ gfm: true, breaks: false, async: false });
marked.use({ extensions: mathExtensions });

/**
 * The parser, behind an object so tests can spy on it (block memoization is asserted by counting
 * `engine.parse` calls and their sources).
 */
export const engine = {
  parse(src: string): string {
    return marked.parse(src, { async: false }) as string;
  },
  lex(src: string): TokensList {
    return marked.lexer(src);
  },
};

export type { Token };

export interface RenderOptions {
  /** A completed block: highlight code, show broken formulas as errors. */
  final: boolean;
}

/** One rendered block: sanitized nodes kept in the inert template document. */
export class Rendered {
  private text: string | null = null;

  /** The sanitized nodes (don't change them: cached blocks are shared). */
  constructor(readonly root: HTMLElement) {}

  /** Its HTML (serialized on first use). */
  get html(): string {
    return (this.text ??= this.root.innerHTML);
  }

  /** A copy of its nodes for the page: cheaper than parsing `html` again. */
  nodes(): DocumentFragment {
    const out = document.createDocumentFragment();
    for (let n = this.root.firstChild; n; n = n.nextSibling) out.append(document.importNode(n, true));
    return out;
  }
}

const CACHE_MAX = 1500;
/** Completed blocks by source: rendered once, shared by every message (and remounts) that shows them. */
const cache = new Map<string, Rendered>();

/** One block of markdown, sanitized. Completed blocks are cached by their source. */
export function renderNodes(src: string, opts: RenderOptions): Rendered {
  if (opts.final) {
    const hit = cache.get(src);
    if (hit !== undefined) {
      // Refresh its place in the LRU order.
      cache.delete(src);
      cache.set(src, hit);
      return hit;
    }
  }
  const input = src.replace(SENTINELS, '');
  const { result, math } = collectMath(() => engine.parse(input));
  const out = new Rendered(sanitizeBlock(result, math, { highlight: opts.final, partial: !opts.final }));
  if (opts.final) {
    cache.set(src, out);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  }
  return out;
}

/** Safe HTML for one block of markdown. Completed blocks are cached by their source. */
export function renderBlock(src: string, opts: RenderOptions): string {
  return renderNodes(src, opts).html;
}

/** Renders a whole text at once (e.g. a test or an export preview); streaming goes through BlockStream. */
export function renderMarkdown(src: string): string {
  return renderBlock(src, { final: true });
}

export function clearRenderCache(): void {
  cache.clear();
}
