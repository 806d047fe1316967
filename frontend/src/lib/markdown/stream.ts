// Streaming: the text is split into top-level blocks with marked's lexer, and only the part that
// can still change is looked at again on each update.
//
//  - Completed blocks (any block followed by another block, a closed code fence, a closed $$…$$)
//    are rendered once (renderBlock caches them by source) and their Block objects never change,
//    so the keyed {#each} in Markdown.svelte leaves their DOM alone.
//  - Only the text after the last completed block (the "tail", usually one block) is lexed and
//    rendered again, after closing its incomplete syntax virtually (incomplete.ts).
//  - A long list streaming item by item would make the tail grow without bound, so its finished
//    items are split off as completed fragments (an <ol start> keeps the numbering). Once the list
//    is complete, it is rendered once more as a whole in place of its fragments.
// Each update costs O(tail), not O(message): no quadratic re-parsing of long answers.
import { closeIncomplete, openFence } from './incomplete';
import { engine, renderNodes, type Rendered, type Token } from './render';

export interface Block {
  /** The block's offset in the text: stable for a completed block, and the tail keeps it when it completes. */
  key: number;
  src: string;
  /** Its rendering (a completed block's is shared through the cache). */
  out: Rendered;
  readonly html: string;
  /** Rendered for good (cached, highlighted). */
  final: boolean;
  /** Continues the list of the block before it (a list split while streaming). */
  cont: boolean;
}

interface Group {
  raw: string;
  token: Token;
}

/** Top-level tokens, with blank lines ("space" tokens) folded into the block before them. */
function groups(src: string): Group[] | null {
  const out: Group[] = [];
  let lead = '';
  let total = 0;
  for (const token of engine.lex(src)) {
    total += token.raw.length;
    if (token.type === 'space' || token.type === 'def') {
      if (out.length) out[out.length - 1].raw += token.raw;
      else lead += token.raw;
      continue;
    }
    out.push({ raw: lead + token.raw, token });
    lead = '';
  }
  if (lead) out.push({ raw: lead, token: { type: 'space', raw: lead } as Token });
  // The offsets below rely on the raws adding up to the source exactly.
  return total === src.length ? out : null;
}

/** A block that cannot change whatever comes next: a closed fence or $$ block ending in a newline. */
function closedAtEnd(g: Group): boolean {
  if (!g.raw.endsWith('\n')) return false;
  if (g.token.type === 'code') return /^ {0,3}(`{3,}|~{3,})/.test(g.token.raw) && !openFence(g.token.raw);
  return g.token.type === 'mathBlock';
}

export class BlockStream {
  /**
   * Completed blocks were left unrendered because this update's time budget ran out: the text
   * shown stops at the last rendered block, and update() should be called again next frame (with
   * the same text) to go on.
   */
  behind = false;
  private fresh = true;
  private text = '';
  private streaming = false;
  /** Where the tail starts: everything before it is in `done`. */
  private stable = 0;
  private done: Block[] = [];
  private blocks: Block[] = [];
  private fragment = false;
  /** When behind: the groups after `stable` as lexed last time (none rendered yet). */
  private rest: Group[] | null = null;

  /**
   * @param budgetMs How long one update may spend rendering newly completed blocks (at least one is
   *   always rendered). A burst of text that completes many blocks at once (a backlog draining, the
   *   end of the stream) is then rendered over several frames instead of one long one. The first
   *   update (a message opened from history) renders everything at once.
   */
  constructor(private readonly budgetMs = Infinity) {}

  /** The blocks to show for `text`; call on every change (the store batches changes per frame). */
  update(text: string, streaming: boolean): Block[] {
    if (text === this.text && streaming === this.streaming && this.blocks.length && !this.behind) return this.blocks;
    // Normally the text only grows; anything else (an edit, another message) starts over.
    if (text.length < this.stable || !text.startsWith(this.text.slice(0, this.stable))) this.reset();
    const prev = this.text;
    this.text = text;
    this.streaming = streaming;

    const tail = text.slice(this.stable);
    const gs = this.regroup(prev) ?? groups(tail);
    if (!gs) {
      // Unusual input the offsets can't follow (e.g. CR line ends): render the tail as one block.
      this.blocks = [...this.done, ...(tail ? [this.make(this.stable, tail, !streaming)] : [])];
      if (!streaming) this.finish();
      return this.blocks;
    }

    let last = gs.length - 1;
    if (streaming && last >= 0 && gs[last].token.type !== 'space' && !closedAtEnd(gs[last])) {
      // Everything before the last block is complete.
    } else {
      last = gs.length; // all complete (done streaming, or the last block is closed)
    }
    const until = this.fresh ? Infinity : performance.now() + this.budgetMs;
    this.fresh = false;
    this.behind = false;
    for (let i = 0; i < Math.min(last, gs.length); i++) {
      if (i > 0 && performance.now() > until) {
        this.behind = true;
        this.rest = gs.slice(i);
        this.blocks = this.done.slice();
        return this.blocks;
      }
      this.complete(gs[i].raw, gs[i].token);
    }

    let open = last < gs.length ? gs[last] : null;
    if (open && open.token.type === 'list') {
      const items = (open.token as Token & { items: { raw: string }[] }).items;
      if (items.length > 1) {
        const head = items
          .slice(0, -1)
          .map((i) => i.raw)
          .join('');
        if (open.raw.startsWith(head)) {
          this.completeFragment(head);
          open = { raw: open.raw.slice(head.length), token: open.token };
        }
      }
    }

    const tailBlock = open && open.raw ? this.make(this.stable, open.raw, false, open.token.type === 'list' && this.fragment) : null;
    this.blocks = tailBlock ? [...this.done, tailBlock] : this.done.slice();
    return this.blocks;
  }

  /**
   * Catching up, the groups not rendered yet need no lexing again (that was up to several KB per
   * frame while a backlog drained): only the last one can change when text is appended.
   */
  private regroup(prev: string): Group[] | null {
    const rest = this.rest;
    this.rest = null;
    if (!this.behind || !rest?.length) return null;
    if (this.text === prev) return rest;
    if (!this.text.startsWith(prev)) return null;
    const more = groups(rest[rest.length - 1].raw + this.text.slice(prev.length));
    return more ? [...rest.slice(0, -1), ...more] : null;
  }

  private complete(raw: string, token: Token): void {
    if (this.fragment) {
      // The list that was split while it streamed is complete: it is rendered again as a whole,
      // once, so the answer ends up with the same HTML as a one-shot render (one list, not a run
      // of fragments). Its first fragment's node is kept (same key) and updated.
      let k = this.done.length - 1;
      while (k > 0 && this.done[k].cont) k--;
      const parts = this.done.splice(k);
      const whole = token.type === 'list';
      this.done.push(this.make(parts[0].key, parts.map((b) => b.src).join('') + (whole ? raw : ''), true));
      this.fragment = false;
      if (whole) {
        this.stable += raw.length;
        return;
      }
    }
    this.done.push(this.make(this.stable, raw, true));
    this.stable += raw.length;
  }

  private completeFragment(raw: string): void {
    this.done.push(this.make(this.stable, raw, true, this.fragment));
    this.fragment = true;
    this.stable += raw.length;
  }

  private finish(): void {
    // Not streaming: the tail was rendered final too.
    this.done = this.blocks.slice();
    this.stable = this.text.length;
  }

  private make(key: number, src: string, final: boolean, cont = false): Block {
    const out = renderNodes(final ? src : closeIncomplete(src), { final });
    return {
      key,
      src,
      out,
      get html() {
        return out.html;
      },
      final,
      cont,
    };
  }

  private reset(): void {
    this.fresh = true;
    this.behind = false;
    this.rest = null;
    this.text = '';
    this.stable = 0;
    this.done = [];
    this.blocks = [];
    this.fragment = false;
  }
}

/** Inserts the streaming caret at the end of the last block's text (inside its last paragraph, item or cell). */
export function withCaret(html: string): string {
  const caret = '<span class="md-caret" aria-hidden="true"></span>';
  const m = /(?:\s*<\/(?:p|li|h[1-6]|blockquote|ul|ol|td|th|tr|tbody|thead|table|em|strong|del|s|a|code|pre|div)>)*\s*$/.exec(html);
  const at = m ? m.index : html.length;
  return html.slice(0, at) + caret + html.slice(at);
}
