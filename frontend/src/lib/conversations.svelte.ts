// The conversations store: the sidebar list (as Go orders it: pinned first, then newest first,
// loaded a page at a time: the first screen at start, the rest as the sidebar scrolls),
// rename / pin / delete with undo, export and import, and the view state that survives a restart.
import type { Backend } from './bridge';
import type { ChatNotices } from './chat.svelte';
import { toTurnError } from './errors';
import { EV_CONVERSATIONS_CHANGED } from './events';
import type { Subscribe } from './hub';
import type { ConversationSummary, ExportFormat, TurnError } from './types';

export type ConversationsBackend = Pick<
  Backend,
  | 'listConversations'
  | 'renameConversation'
  | 'pinConversation'
  | 'deleteConversation'
  | 'restoreConversation'
  | 'exportConversations'
  | 'importConversations'
  | 'revealDataFolder'
  | 'viewState'
  | 'saveViewState'
  | 'onEvent'
>;

/**
 * The part of the chat store this store drives and listens to (ChatStore satisfies it). The
 * dependency is one-way: the chat store knows nothing of the sidebar.
 */
export interface ChatPane {
  readonly conversation: { id: string } | null;
  open(id: string, opts?: { top?: number; messageId?: string }): Promise<boolean>;
  newChat(): boolean;
  forget(id: string): void;
  readonly on: Subscribe<ChatNotices>;
}

export type Bucket = 'pinned' | 'today' | 'yesterday' | 'week' | 'older';

export interface ConversationGroup {
  bucket: Bucket;
  items: ConversationSummary[];
}

export type Toast =
  | { kind: 'deleted'; id: string; title: string }
  | { kind: 'saved'; path: string }
  | { kind: 'imported'; conversations: number; messages: number; renamed: number };

export interface ConversationsOptions {
  /** The clock the date buckets and relative times use. */
  now?: () => number;
  /** How long view-state changes settle before they are saved. */
  saveDelayMs?: number;
  /** How long the "Conversation deleted — Undo" toast stays. */
  undoMs?: number;
  /** Rows per page of the sidebar list. */
  pageSize?: number;
}

/** Rows per page: a screen of the sidebar several times over, so scrolling rarely waits. */
export const PAGE_SIZE = 100;
/** The most rows Go returns in one page (store.MaxPageRows). */
const MAX_PAGE = 5000;

const DAY = 24 * 60 * 60 * 1000;

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The date bucket of a conversation last updated at `iso`, seen at `now` (local calendar days). */
export function bucketOf(iso: string, now: number): Exclude<Bucket, 'pinned'> {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'older';
  const today = startOfDay(now);
  if (t >= today) return 'today';
  const yesterday = startOfDay(today - DAY / 2);
  if (t >= yesterday) return 'yesterday';
  if (t >= today - 7 * DAY) return 'week';
  return 'older';
}

const ORDER: Bucket[] = ['pinned', 'today', 'yesterday', 'week', 'older'];

/** Groups the list into Pinned / Today / Yesterday / Previous 7 days / Older, keeping Go's order inside each. */
export function groupConversations(list: ConversationSummary[], now: number): ConversationGroup[] {
  const by = new Map<Bucket, ConversationSummary[]>();
  for (const c of list) {
    const b: Bucket = c.pinned ? 'pinned' : bucketOf(c.updatedAt, now);
    const items = by.get(b) ?? [];
    items.push(c);
    by.set(b, items);
  }
  return ORDER.filter((b) => by.has(b)).map((bucket) => ({ bucket, items: by.get(bucket)! }));
}

/** The most recently updated conversation, pinned or not. */
export function newestOf(list: ConversationSummary[]): ConversationSummary | null {
  let best: ConversationSummary | null = null;
  for (const c of list) if (!best || Date.parse(c.updatedAt) > Date.parse(best.updatedAt)) best = c;
  return best;
}

export class ConversationsStore {
  list = $state<ConversationSummary[]>([]);
  /** The first ListConversations has answered (or failed). */
  loaded = $state(false);
  /** More rows exist below the loaded ones (loadMore fetches the next page). */
  hasMore = $state(false);
  /** A next page is being fetched. */
  loadingMore = $state(false);
  /** The last failed action (rename, pin, delete, undo, export, import, reveal, list). */
  notice = $state<TurnError | null>(null);
  toast = $state<Toast | null>(null);
  /** An export or import is waiting for the user's file dialog. */
  dataBusy = $state<'' | 'export' | 'import'>('');
  /** When the buckets were last computed (the clock's time of the last refresh). */
  now = $state(0);

  readonly groups = $derived(groupConversations(this.list, this.now));

  private api: ConversationsBackend;
  private chat: ChatPane;
  private clock: () => number;
  private saveDelayMs: number;
  private undoMs: number;
  private pageSize: number;
  /** Where the next page starts ('' at the end), from the answer that set the list. */
  private next = '';
  private listSeq = 0;
  /** The seq of the refresh in flight, 0 when none. */
  private refreshing = 0;
  private refreshQueued = false;
  private unsubs: Array<() => void> = [];
  private chatUnsubs: Array<() => void>;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private scrollTop = 0;
  private lastSaved: { id: string; top: number } | null = null;

  constructor(api: ConversationsBackend, chat: ChatPane, opts: ConversationsOptions = {}) {
    this.api = api;
    this.chat = chat;
    this.clock = opts.now ?? Date.now;
    this.saveDelayMs = opts.saveDelayMs ?? 500;
    this.undoMs = opts.undoMs ?? 8000;
    this.pageSize = opts.pageSize ?? PAGE_SIZE;
    this.now = this.clock();
    // From construction, not start(): the chat pane's notices need no Wails runtime, and a send
    // can create a conversation even when subscribing to Go's events failed.
    this.chatUnsubs = [
      chat.on('created', () => this.created()),
      // A reply ended: its conversation moved up and may have a new title.
      chat.on('turnEnded', () => this.queueRefresh()),
    ];
  }

  get openId(): string {
    return this.chat.conversation?.id ?? '';
  }

  /** Subscribes to conversations:changed; safe to call more than once. */
  start(): void {
    if (this.unsubs.length) return;
    this.unsubs = [
      this.api.onEvent(EV_CONVERSATIONS_CHANGED, (p) => {
        if (p?.reason === 'deleted' && p.conversationId && p.conversationId === this.openId) this.chat.forget(p.conversationId);
        this.queueRefresh();
      }),
    ];
  }

  dispose(): void {
    for (const u of [...this.unsubs, ...this.chatUnsubs]) u();
    this.unsubs = [];
    this.chatUnsubs = [];
    clearTimeout(this.saveTimer);
    clearTimeout(this.toastTimer);
  }

  /**
   * Reloads the rows the sidebar has loaded (at least the first page) in one call, so that a
   * conversation that moved (a new reply, a pin, a restore) lands in its place and none is
   * shown twice; a slower, older answer never overwrites a newer one.
   */
  async refresh(): Promise<void> {
    const seq = ++this.listSeq;
    this.refreshing = seq;
    try {
      const limit = Math.min(MAX_PAGE, Math.max(this.pageSize, this.list.length));
      const page = await this.api.listConversations('', limit);
      if (seq !== this.listSeq) return;
      this.list = page?.conversations ?? [];
      this.next = page?.next ?? '';
      this.hasMore = this.next !== '';
      this.now = this.clock();
    } catch (err) {
      if (seq === this.listSeq) this.notice = toTurnError(err);
    } finally {
      if (seq === this.listSeq) {
        this.loaded = true;
        this.refreshing = 0;
      }
    }
  }

  /**
   * Appends the next page (the sidebar scrolled near its end). One page at a time; none while
   * a refresh is on its way, whose answer replaces the list and its cursor (the sidebar asks
   * again when that answer leaves it near the end). An answer overtaken by a refresh is dropped.
   */
  async loadMore(): Promise<void> {
    if (!this.next || this.loadingMore || this.refreshing) return;
    const seq = this.listSeq;
    this.loadingMore = true;
    try {
      const page = await this.api.listConversations(this.next, this.pageSize);
      if (seq !== this.listSeq) return;
      // A page starts after the last row loaded, so it holds none of them; the filter only
      // guards against a row that moved between the two answers.
      const have = new Set(this.list.map((c) => c.id));
      this.list.push(...(page?.conversations ?? []).filter((c) => !have.has(c.id)));
      this.next = page?.next ?? '';
      this.hasMore = this.next !== '';
    } catch (err) {
      if (seq === this.listSeq) this.notice = toTurnError(err);
    } finally {
      this.loadingMore = false;
    }
  }

  /** Several events in a row cause one reload. */
  queueRefresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    queueMicrotask(() => {
      this.refreshQueued = false;
      void this.refresh();
    });
  }

  /** Opens the conversation the app showed when it closed, else the newest one, else a new chat. */
  async restore(): Promise<void> {
    const readView = async () => {
      try {
        return await this.api.viewState();
      } catch {
        return null;
      }
    };
    const [, saved] = await Promise.all([this.refresh(), readView()]);
    const id = saved?.conversationId ?? '';
    // Only the first page is loaded, so a saved conversation further down is not in the list
    // yet; opening it tells whether it still exists.
    if (id && (this.list.some((c) => c.id === id) || this.hasMore)) {
      const top = Math.max(0, saved?.scrollTop ?? 0);
      this.scrollTop = top;
      this.lastSaved = { id, top };
      if (await this.chat.open(id, { top })) return;
    }
    const newest = newestOf(this.list);
    if (newest) {
      this.scrollTop = 0;
      await this.chat.open(newest.id);
    } else {
      this.chat.newChat();
    }
  }

  /** Opens a conversation (from the sidebar or a search hit). */
  async select(id: string, messageId = ''): Promise<void> {
    if (id === this.openId && !messageId) return;
    this.scrollTop = 0;
    const opened = this.chat.open(id, messageId ? { messageId } : {});
    this.scheduleSave();
    await opened;
  }

  newChat(): void {
    if (!this.chat.newChat()) return;
    this.scrollTop = 0;
    this.scheduleSave();
  }

  /** The message list scrolled. */
  noteScroll(top: number): void {
    this.scrollTop = Math.max(0, Math.round(top));
    this.scheduleSave();
  }

  /** Saves now (window closing). */
  flushViewState(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.saveView();
  }

  async rename(id: string, title: string): Promise<boolean> {
    const item = this.list.find((c) => c.id === id);
    const next = title.trim();
    if (!item || next === item.title) return false;
    const before = item.title;
    item.title = next;
    item.titleAuto = false;
    try {
      await this.api.renameConversation(id, next);
      return true;
    } catch (err) {
      const again = this.list.find((c) => c.id === id);
      if (again && again.title === next) again.title = before;
      this.notice = toTurnError(err);
      return false;
    }
  }

  async pin(id: string, pinned: boolean): Promise<boolean> {
    const item = this.list.find((c) => c.id === id);
    if (!item || item.pinned === pinned) return false;
    item.pinned = pinned;
    try {
      await this.api.pinConversation(id, pinned);
      return true;
    } catch (err) {
      const again = this.list.find((c) => c.id === id);
      if (again) again.pinned = !pinned;
      this.notice = toTurnError(err);
      return false;
    }
  }

  /** Deletes at once and offers Undo for a few seconds. */
  async remove(id: string): Promise<boolean> {
    const index = this.list.findIndex((c) => c.id === id);
    if (index < 0) return false;
    const item = this.list[index];
    const wasOpen = this.openId === id;
    this.list.splice(index, 1);
    if (wasOpen) {
      this.chat.forget(id);
      this.scrollTop = 0;
      this.scheduleSave();
    }
    try {
      await this.api.deleteConversation(id);
    } catch (err) {
      if (!this.list.some((c) => c.id === id)) this.list.splice(Math.min(index, this.list.length), 0, item);
      this.notice = toTurnError(err);
      return false;
    }
    this.deletedWasOpen = wasOpen;
    this.showToast({ kind: 'deleted', id, title: item.title });
    return true;
  }

  private deletedWasOpen = false;

  /** Brings back the conversation the toast is about. */
  async undo(): Promise<boolean> {
    const toast = this.toast;
    if (toast?.kind !== 'deleted') return false;
    this.dismissToast();
    try {
      await this.api.restoreConversation(toast.id);
    } catch (err) {
      this.notice = toTurnError(err);
      return false;
    }
    await this.refresh();
    if (this.deletedWasOpen && !this.openId) await this.select(toast.id);
    return true;
  }

  dismissToast(): void {
    clearTimeout(this.toastTimer);
    this.toast = null;
  }

  dismissNotice(): void {
    this.notice = null;
  }

  /** `ids` empty exports everything. Shows "Saved to …" unless the user cancelled the dialog. */
  async exportConversations(ids: string[], format: ExportFormat): Promise<string> {
    if (this.dataBusy) return '';
    this.dataBusy = 'export';
    this.notice = null;
    try {
      const path = await this.api.exportConversations(ids, format);
      if (path) this.showToast({ kind: 'saved', path });
      return path ?? '';
    } catch (err) {
      this.notice = toTurnError(err);
      return '';
    } finally {
      this.dataBusy = '';
    }
  }

  async importConversations(): Promise<boolean> {
    if (this.dataBusy) return false;
    this.dataBusy = 'import';
    this.notice = null;
    try {
      const r = await this.api.importConversations();
      if (!r || r.cancelled) return false;
      this.showToast({ kind: 'imported', conversations: r.conversations, messages: r.messages, renamed: r.renamed });
      await this.refresh();
      return true;
    } catch (err) {
      const e = toTurnError(err);
      this.notice = e.kind ? e : { ...e, kind: 'import' };
      return false;
    } finally {
      this.dataBusy = '';
    }
  }

  async revealDataFolder(): Promise<void> {
    try {
      await this.api.revealDataFolder();
    } catch (err) {
      this.notice = toTurnError(err);
    }
  }

  /** The first send created a conversation: it is now the open one, so save it and list it. */
  private created(): void {
    this.scheduleSave();
    this.queueRefresh();
  }

  private showToast(t: Toast): void {
    clearTimeout(this.toastTimer);
    this.toast = t;
    this.toastTimer = setTimeout(() => (this.toast = null), this.undoMs);
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveView();
    }, this.saveDelayMs);
  }

  private saveView(): void {
    const id = this.openId;
    const top = id ? this.scrollTop : 0;
    if (this.lastSaved && this.lastSaved.id === id && this.lastSaved.top === top) return;
    this.lastSaved = { id, top };
    this.api.saveViewState(id, top).catch(() => {
      // best effort: the next change saves again
      this.lastSaved = null;
    });
  }
}
