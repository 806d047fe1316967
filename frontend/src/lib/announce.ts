// What a screen reader is told while a reply streams. The message list itself is not a live
// region: its tail block is re-rendered on every batch, and a live region would read that block
// again each time. Instead, each paragraph is announced once, when it is complete (the next
// one has begun), and the rest when the reply ends.

/** The next piece of `text` to announce after offset `from`: whole paragraphs, or all of it when done. */
export function nextAnnouncement(text: string, from: number, done: boolean): { chunk: string; to: number } {
  if (from > text.length) from = 0; // the reply was replaced (regenerated): start again
  const end = done ? text.length : text.lastIndexOf('\n\n');
  if (end <= from) return { chunk: '', to: from };
  return { chunk: text.slice(from, end).trim(), to: end };
}

/** Follows one reply at a time; says nothing about replies that were already there. */
export class StreamAnnouncer {
  private id = '';
  private offset = 0;

  /** Returns the text to announce now ('' for nothing) for the newest reply. */
  update(id: string, text: string, streaming: boolean): string {
    if (id !== this.id) {
      this.id = id;
      // A reply seen for the first time mid-stream is announced from its start; one that was
      // already finished (a conversation opened from the sidebar) is not read out at all.
      this.offset = streaming ? 0 : text.length;
    }
    const { chunk, to } = nextAnnouncement(text, this.offset, !streaming);
    this.offset = to;
    return chunk;
  }
}
