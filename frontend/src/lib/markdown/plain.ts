// The plain text of a reply, for "Copy as text": what the reader sees, without Markdown marks.
import { renderMarkdown } from './render';

/** Renders the Markdown (sanitized, as on screen) and reads back its text, one line per block. */
export function toPlainText(markdown: string): string {
  const tpl = document.createElement('template');
  tpl.innerHTML = renderMarkdown(markdown);
  const root = tpl.content;
  // Blocks and line breaks become newlines; KaTeX keeps only its TeX annotation.
  root.querySelectorAll('.katex-html').forEach((el) => el.remove());
  root.querySelectorAll('br').forEach((el) => el.replaceWith('\n'));
  const lines: string[] = [];
  root.childNodes.forEach((node) => {
    const text = (node.textContent ?? '').trim();
    if (text) lines.push(text);
  });
  return lines.join('\n\n');
}
