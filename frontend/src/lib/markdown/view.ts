// The DOM of one message's blocks, kept in step with BlockStream by hand rather than by a keyed
// {#each}/{@html}: every update only touches what changed at the end.
//
//  - A completed block gets its node once; later updates never replace or rewrite it.
//  - The tail block's node is kept, and only the part of it that changed is replaced (morph).
//  - Blocks sit in chunks of CHUNK. A chunk created while the text streams gets
//    `content-visibility: auto` (.md-streamed in markdown.css): once it scrolls out of view the
//    browser skips its style, layout and paint, and the message's own layout walks a few chunks
//    instead of hundreds of blocks. Without this, layout and paint of every frame grow with the
//    answer. It is set from the start rather than when a chunk fills up (switching it on later
//    restyles and relayouts the whole chunk in one frame), and only while streaming: such a chunk
//    is normally laid out at least once at the bottom, so its remembered size is exact, whereas a
//    message opened from history would get estimated heights for chunks never scrolled to, and
//    saved scroll offsets would land elsewhere.
import type { Rendered } from './render';
import type { Block } from './stream';

export const CHUNK = 16;

interface Shown {
  block: Block;
  node: HTMLElement;
  /** What the node shows. */
  out: Rendered;
  caret: boolean;
}

/** Elements the caret goes inside of when they end the block (as withCaret in stream.ts). */
const CARET_HOSTS = new Set(
  'P LI H1 H2 H3 H4 H5 H6 BLOCKQUOTE UL OL TD TH TR TBODY THEAD TABLE EM STRONG DEL S A CODE PRE DIV'.split(' '),
);

function caretNode(): HTMLElement {
  const caret = document.createElement('span');
  caret.className = 'md-caret';
  caret.setAttribute('aria-hidden', 'true');
  return caret;
}

/** Puts the caret at the end of the block's text: inside its last paragraph, item, cell or code. */
function addCaret(node: HTMLElement): void {
  let host: Element = node;
  for (;;) {
    let last = host.lastChild;
    let trailing: ChildNode | null = null;
    while (last && last.nodeType === Node.TEXT_NODE && !/\S/.test((last as Text).data)) {
      trailing = last;
      last = last.previousSibling;
    }
    if (last && last.nodeType === Node.ELEMENT_NODE && CARET_HOSTS.has(last.nodeName)) {
      host = last as Element;
      continue;
    }
    host.insertBefore(caretNode(), trailing);
    return;
  }
}

function sameAttributes(a: Element, b: Element): boolean {
  const x = a.attributes;
  const y = b.attributes;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i].name !== y[i].name) return false;
  return true;
}

/**
 * Makes the children of `live` equal to those of `next` (sanitized nodes of the template
 * document), keeping every node that is already equal. The growing tail mostly changes at its
 * end: the rest of its nodes (text, KaTeX, code) keep their style and layout instead of being
 * rebuilt on every update. Elements are patched only when their attributes are the same names in
 * the same order, so the result serializes exactly like `next`.
 */
function morph(live: Node, next: Node): void {
  let a = live.firstChild;
  for (let b = next.firstChild; b; b = b.nextSibling) {
    if (!a) {
      live.appendChild(document.importNode(b, true));
      continue;
    }
    if (!a.isEqualNode(b)) {
      if (a.nodeType === Node.TEXT_NODE && b.nodeType === Node.TEXT_NODE) {
        (a as Text).data = (b as Text).data;
      } else if (
        a.nodeType === Node.ELEMENT_NODE &&
        b.nodeType === Node.ELEMENT_NODE &&
        (a as Element).namespaceURI === (b as Element).namespaceURI &&
        a.nodeName === b.nodeName &&
        sameAttributes(a as Element, b as Element)
      ) {
        const x = (a as Element).attributes;
        const y = (b as Element).attributes;
        for (let i = 0; i < y.length; i++) if (x[i].value !== y[i].value) x[i].value = y[i].value;
        morph(a, b);
      } else {
        const n = document.importNode(b, true);
        live.replaceChild(n, a);
        a = n;
      }
    }
    a = a.nextSibling;
  }
  while (a) {
    const n = a.nextSibling;
    live.removeChild(a);
    a = n;
  }
}

export class BlockView {
  private shown: Shown[] = [];
  private chunks: HTMLElement[] = [];
  private lone: HTMLElement | null = null;
  private streaming = false;

  constructor(private readonly root: HTMLElement) {}

  /**
   * Shows `blocks` (BlockStream's output), with the caret at the end of the last one if `caret`.
   * `streaming`: the text is growing (new chunks get content-visibility).
   */
  update(blocks: Block[], caret: boolean, streaming = false): void {
    this.streaming = streaming;
    const last = blocks.length - 1;
    let i = 0;
    for (; i < blocks.length && i < this.shown.length; i++) {
      const b = blocks[i];
      const s = this.shown[i];
      const withCaret = caret && i === last;
      if (s.out === b.out && s.caret === withCaret) {
        s.block = b;
        continue;
      }
      if (s.block.key !== b.key || s.block.cont !== b.cont) break;
      // The same block, grown or completed: same node, and only what changed in it is replaced.
      s.node.querySelector(':scope .md-caret')?.remove();
      morph(s.node, b.out.root);
      if (withCaret) addCaret(s.node);
      if (s.block.final !== b.final) s.node.dataset.final = String(b.final);
      s.block = b;
      s.out = b.out;
      s.caret = withCaret;
    }
    this.truncate(i);
    for (; i < blocks.length; i++) this.append(blocks[i], caret && i === last);

    if (caret && blocks.length === 0) {
      if (!this.lone) {
        this.lone = caretNode();
        this.root.append(this.lone);
      }
    } else if (this.lone) {
      this.lone.remove();
      this.lone = null;
    }
  }

  private append(block: Block, caret: boolean): void {
    const i = this.shown.length;
    const c = Math.floor(i / CHUNK);
    let chunk = this.chunks[c];
    if (!chunk) {
      chunk = document.createElement('div');
      chunk.className = this.streaming ? 'md-chunk md-streamed' : 'md-chunk';
      this.root.insertBefore(chunk, this.lone);
      this.chunks.push(chunk);
    }
    const node = document.createElement('div');
    node.className = block.cont ? 'md-block cont' : 'md-block';
    node.dataset.final = String(block.final);
    node.append(block.out.nodes());
    if (caret) addCaret(node);
    chunk.append(node);
    this.shown.push({ block, node, out: block.out, caret });
  }

  /** Removes the blocks from index `from` on (the text was replaced, not extended). */
  private truncate(from: number): void {
    if (from >= this.shown.length) return;
    for (const s of this.shown.splice(from)) s.node.remove();
    const keep = Math.ceil(from / CHUNK);
    for (const chunk of this.chunks.splice(keep)) chunk.remove();
  }
}
