// Math: marked extensions that turn $…$, \(…\), $$…$$ and \[…\] into placeholders, and KaTeX
// rendering of what they hold. The placeholders are swapped for KaTeX's HTML only after the rest of
// the block has been sanitized (see sanitize.ts), because KaTeX needs `style` attributes and SVG
// that the strict markdown sanitizer refuses.
import katex from 'katex';
import type { TokenizerAndRendererExtension, Tokens } from 'marked';

export interface MathItem {
  tex: string;
  display: boolean;
}

/** Private-use characters that bracket a placeholder's index; stripped from the input first. */
export const OPEN = '\uE000';
export const CLOSE = '\uE001';
export const SENTINELS = /[\uE000\uE001]/g;
export const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/** The formulas found while one block is parsed (parsing is synchronous, so a module variable is enough). */
let collected: MathItem[] | null = null;

export function collectMath<T>(fn: () => T): { result: T; math: MathItem[] } {
  const prev = collected;
  const math: MathItem[] = [];
  collected = math;
  try {
    return { result: fn(), math };
  } finally {
    collected = prev;
  }
}

function placeholder(tex: string, display: boolean): string {
  if (!collected) return '';
  collected.push({ tex, display });
  return OPEN + (collected.length - 1) + CLOSE;
}

interface MathToken extends Tokens.Generic {
  text: string;
  display: boolean;
}

// $…$: no space after the opening $ or before the closing one, and no digit right after the
// closing $, so "$5 and $10" stays text.
const INLINE_DOLLAR = /^\$(?!\$)(?!\s)((?:\\[\s\S]|[^\\$\n])+?)(?<!\s)\$(?!\d)/;
const INLINE_DISPLAY_DOLLAR = /^\$\$(?!\$)((?:\\[\s\S]|[^\\$])+?)\$\$/;
const INLINE_PAREN = /^\\\(([\s\S]+?)\\\)/;
const INLINE_BRACKET = /^\\\[([\s\S]+?)\\\]/;
const BLOCK_DOLLAR = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/;
const BLOCK_BRACKET = /^ {0,3}\\\[([\s\S]+?)\\\][ \t]*(?:\n|$)/;

export const mathExtensions: TokenizerAndRendererExtension[] = [
  {
    name: 'mathBlock',
    level: 'block',
    start(src: string) {
      const m = /(?:^|\n) {0,3}(?:\$\$|\\\[)/.exec(src);
      return m ? m.index + (m[0].startsWith('\n') ? 1 : 0) : undefined;
    },
    tokenizer(src: string): MathToken | undefined {
      const m = BLOCK_DOLLAR.exec(src) ?? BLOCK_BRACKET.exec(src);
      if (!m || !m[1].trim()) return undefined;
      return { type: 'mathBlock', raw: m[0], text: m[1].trim(), display: true };
    },
    renderer(token: Tokens.Generic) {
      return `<div class="md-math-block">${placeholder(token.text as string, true)}</div>\n`;
    },
  },
  {
    name: 'mathInline',
    level: 'inline',
    start(src: string) {
      const m = /\$|\\\(|\\\[/.exec(src);
      return m ? m.index : undefined;
    },
    tokenizer(src: string): MathToken | undefined {
      let m = INLINE_DISPLAY_DOLLAR.exec(src);
      if (m) return { type: 'mathInline', raw: m[0], text: m[1].trim(), display: true };
      m = INLINE_BRACKET.exec(src);
      if (m) return { type: 'mathInline', raw: m[0], text: m[1].trim(), display: true };
      m = INLINE_PAREN.exec(src) ?? INLINE_DOLLAR.exec(src);
      if (m) return { type: 'mathInline', raw: m[0], text: m[1].trim(), display: false };
      return undefined;
    },
    renderer(token: Tokens.Generic) {
      return placeholder(token.text as string, token.display as boolean);
    },
  },
];

/**
 * KaTeX's HTML for one formula, or null when it does not parse. `trust: false` keeps \href,
 * \url, \includegraphics and \htmlStyle out; maxSize/maxExpand bound what a formula can cost.
 */
export function renderTex(tex: string, display: boolean): string | null {
  try {
    return katex.renderToString(tex, {
      displayMode: display,
      throwOnError: true,
      trust: false,
      strict: 'ignore',
      maxSize: 20,
      maxExpand: 500,
      output: 'htmlAndMathml',
    });
  } catch {
    return null;
  }
}
