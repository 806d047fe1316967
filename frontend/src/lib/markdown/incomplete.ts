// Closing incomplete markdown virtually while it streams, so the growing tail does not flicker
// between raw markers and formatting: an open code fence gets its closing fence, a table whose
// delimiter row hasn't arrived gets one, and `remend` closes emphasis, inline code, strikethrough,
// links and `$$` math. Only for display; the stored text is never changed.
import remend from 'remend';

const FENCE = /^( {0,3}|\s*)(`{3,}|~{3,})(.*)$/;

/** The closing fence (with the opening line's indentation) if a code fence is still open, else ''. */
export function openFence(src: string): string {
  let open: { indent: string; marker: string } | null = null;
  for (const line of src.split('\n')) {
    const m = FENCE.exec(line);
    if (!m) continue;
    const [, indent, marker, rest] = m;
    if (!open) {
      // A backtick fence's info string may not contain backticks.
      if (marker[0] === '`' && rest.includes('`')) continue;
      open = { indent, marker };
    } else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && rest.trim() === '') {
      open = null;
    }
  }
  return open ? open.indent + open.marker : '';
}

const ROW = /^\s{0,3}\|/;
const DELIM_PARTIAL = /^\s{0,3}\|?[\s:|-]*$/;

function cells(row: string): number {
  const inner = row.trim().replace(/^\|/, '').replace(/\\\|/g, '').replace(/\|\s*$/, '');
  return inner.split('|').length;
}

/** Adds (or completes) the delimiter row of a table whose header is all that has arrived. */
export function completeTable(src: string): string {
  const body = src.replace(/\n+$/, '');
  const lines = body.split('\n');
  const last = lines[lines.length - 1] ?? '';
  const prev = lines[lines.length - 2];
  const delim = (n: number) => '|' + ' --- |'.repeat(n);
  // "| a | b |" on its own: the header, before its delimiter row.
  if (ROW.test(last) && last.includes('|', last.indexOf('|') + 1) && (prev === undefined || !ROW.test(prev))) {
    return body + '\n' + delim(cells(last));
  }
  // "| a | b |\n| --- | -": a half-written delimiter row.
  if (prev !== undefined && ROW.test(prev) && DELIM_PARTIAL.test(last) && (lines.length < 3 || !ROW.test(lines[lines.length - 3]))) {
    const want = cells(prev);
    const have = last.trim().replace(/^\|/, '').replace(/\|$/, '').split('|');
    const valid = (c: string) => /^\s*:?-+:?\s*$/.test(c);
    if (have.length >= want && have.every(valid) && /\|\s*$/.test(last)) return src;
    // Keep the finished cells (and their alignment colons); pad the rest.
    const kept = have.slice(0, -1).filter(valid).slice(0, want);
    return lines.slice(0, -1).join('\n') + '\n|' + [...kept.map((c) => ` ${c.trim()} `), ...Array(want - kept.length).fill(' --- ')].join('|') + '|';
  }
  return src;
}

/** The text to display for the growing tail block. */
export function closeIncomplete(src: string): string {
  const fence = openFence(src);
  if (fence) return src + (src.endsWith('\n') ? '' : '\n') + fence + '\n';
  return remend(completeTable(src), { inlineKatex: false, linkMode: 'text-only' });
}
