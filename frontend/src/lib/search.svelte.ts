// The search palette's store: the query, debounced calls to Search, and keyboard selection.
// Go does the matching (Chinese and English); this only asks and shows.
import type { Backend } from './bridge';
import { toTurnError } from './errors';
import type { SearchGroup, SearchHit, TurnError } from './types';

export type SearchBackend = Pick<Backend, 'search'>;

/** One selectable row: a hit, or a conversation that matched by title only. */
export interface SearchItem {
  key: string;
  conversationId: string;
  /** '' for a title-only match. */
  messageId: string;
  group: SearchGroup;
  hit: SearchHit | null;
}

/** A hit's key: one message can match in its text, a tool result and pages of its files. */
export function hitKey(conversationId: string, h: SearchHit): string {
  const where = h.inDocument ? `:d:${h.documentName}:${h.documentPart}` : h.inToolResult ? `:t:${h.toolCallId ?? ''}` : '';
  return `m:${conversationId}:${h.messageId}${where}`;
}

export function itemsOf(groups: SearchGroup[]): SearchItem[] {
  const items: SearchItem[] = [];
  for (const g of groups) {
    if (!g.hits?.length) {
      items.push({ key: `c:${g.conversationId}`, conversationId: g.conversationId, messageId: '', group: g, hit: null });
      continue;
    }
    for (const h of g.hits)
      items.push({ key: hitKey(g.conversationId, h), conversationId: g.conversationId, messageId: h.messageId, group: g, hit: h });
  }
  return items;
}

export interface SearchOptions {
  debounceMs?: number;
}

export class SearchStore {
  isOpen = $state(false);
  query = $state('');
  groups = $state<SearchGroup[]>([]);
  /** The query the shown results answer ('' when none are shown). */
  resultQuery = $state('');
  searching = $state(false);
  error = $state<TurnError | null>(null);
  selected = $state(0);

  readonly items = $derived(itemsOf(this.groups));
  readonly current = $derived<SearchItem | null>(this.items[this.selected] ?? null);

  private api: SearchBackend;
  private debounceMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;

  constructor(api: SearchBackend, opts: SearchOptions = {}) {
    this.api = api;
    this.debounceMs = opts.debounceMs ?? 150;
  }

  open(): void {
    this.isOpen = true;
  }

  close(): void {
    this.isOpen = false;
    clearTimeout(this.timer);
    this.seq++;
    this.searching = false;
  }

  setQuery(q: string): void {
    this.query = q;
    clearTimeout(this.timer);
    // Whatever is still on its way answers an older query.
    this.seq++;
    if (!q.trim()) {
      this.groups = [];
      this.resultQuery = '';
      this.searching = false;
      this.error = null;
      this.selected = 0;
      return;
    }
    this.searching = true;
    this.timer = setTimeout(() => void this.run(q.trim()), this.debounceMs);
  }

  /** Moves the selection by `delta`, wrapping around at both ends. */
  move(delta: number): void {
    const n = this.items.length;
    if (!n) return;
    this.selected = (((this.selected + delta) % n) + n) % n;
  }

  select(index: number): void {
    if (index >= 0 && index < this.items.length) this.selected = index;
  }

  private async run(q: string): Promise<void> {
    const seq = ++this.seq;
    try {
      const groups = await this.api.search(q);
      if (seq !== this.seq) return;
      this.groups = groups ?? [];
      this.resultQuery = q;
      this.selected = 0;
      this.error = null;
    } catch (err) {
      if (seq !== this.seq) return;
      this.groups = [];
      this.resultQuery = q;
      this.error = toTurnError(err);
    } finally {
      if (seq === this.seq) this.searching = false;
    }
  }
}
