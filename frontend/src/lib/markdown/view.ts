// The DOM of one message's blocks, kept in step with BlockStream by hand rather than by a keyed
// {#each}/{@html}: every update only touches what changed at the end.
//
//  - A completed block gets its node once; later updates never replace or rewrite it.
//  - The tail block's node is kept and its HTML set only when it differs.
//  - Blocks sit in chunks of CHUNK. A chunk whose blocks are all completed is sealed
//    (`content-visibility: auto` in markdown.css): once it scrolls out of view the browser skips
//    its style, layout and paint, and the message's own layout walks a few chunks instead of
//    hundreds of blocks. Without this, layout and paint of every frame grow with the answer.
import { withCaret, type Block } from './stream';

export const CHUNK = 16;

interface Shown {
  block: Block;
  node: HTMLElement;
  /** The HTML set on the node (with the caret, if it has it). */
  html: string;
}

export class BlockView {
  private shown: Shown[] = [];
  private chunks: HTMLElement[] = [];
  private lone: HTMLElement | null = null;

  constructor(private readonly root: HTMLElement) {}

  /** Shows `blocks` (BlockStream's output), with the caret at the end of the last one if `caret`. */
  update(blocks: Block[], caret: boolean): void {
    const last = blocks.length - 1;
    let i = 0;
    for (; i < blocks.length && i < this.shown.length; i++) {
      const b = blocks[i];
      const s = this.shown[i];
      if (s.block === b && (i !== last || !caret) && s.html === b.html) continue;
      if (s.block.key !== b.key || s.block.cont !== b.cont) break;
      // The same block, grown or completed: same node, new content.
      const html = caret && i === last ? withCaret(b.html) : b.html;
      if (html !== s.html) {
        s.node.innerHTML = html;
        s.html = html;
      }
      if (s.block.final !== b.final) s.node.dataset.final = String(b.final);
      s.block = b;
    }
    this.truncate(i);
    for (; i < blocks.length; i++) this.append(blocks[i], caret && i === last);
    this.seal();

    if (caret && blocks.length === 0) {
      if (!this.lone) {
        this.lone = document.createElement('span');
        this.lone.className = 'md-caret';
        this.lone.setAttribute('aria-hidden', 'true');
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
      chunk.className = 'md-chunk';
      this.root.insertBefore(chunk, this.lone);
      this.chunks.push(chunk);
    }
    const node = document.createElement('div');
    node.className = block.cont ? 'md-block cont' : 'md-block';
    node.dataset.final = String(block.final);
    const html = caret ? withCaret(block.html) : block.html;
    node.innerHTML = html;
    chunk.append(node);
    this.shown.push({ block, node, html });
  }

  /** Removes the blocks from index `from` on (the text was replaced, not extended). */
  private truncate(from: number): void {
    if (from >= this.shown.length) return;
    for (const s of this.shown.splice(from)) s.node.remove();
    const keep = Math.ceil(from / CHUNK);
    for (const chunk of this.chunks.splice(keep)) chunk.remove();
    this.chunks[keep - 1]?.classList.remove('md-sealed');
  }

  /** Seals every full chunk whose blocks are all completed. */
  private seal(): void {
    for (let c = this.chunks.length - 1; c >= 0; c--) {
      const chunk = this.chunks[c];
      if (chunk.classList.contains('md-sealed')) break;
      const end = (c + 1) * CHUNK;
      if (end > this.shown.length || !this.shown[end - 1].block.final) continue;
      let done = true;
      for (let i = c * CHUNK; i < end && done; i++) done = this.shown[i].block.final;
      if (done) chunk.classList.add('md-sealed');
    }
  }
}
