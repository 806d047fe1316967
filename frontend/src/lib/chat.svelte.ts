// The chat store: the open conversation, its messages, the in-flight turn and the
// chat:* event stream that fills it.
import type { Backend } from './bridge';
import {
  EV_DELTA,
  EV_DONE,
  EV_ERROR,
  EV_RETRY,
  EV_TOOL,
  EV_TOOL_APPROVAL,
  type ChatEventBase,
  type DeltaEvent,
  type DoneEvent,
  type ErrorEvent,
  type RetryEvent,
  type ToolApprovalEvent,
  type ToolEvent,
} from './events';
import { applyToolEvent, closePending } from './toolCalls';
import type { ToolDecision } from './contract.gen';
import { toTurnError } from './errors';
import { settingsOf } from './convSettings';
import type { Conversation, ConversationSettings, Message, Turn, TurnError } from './types';
import { nextFrame } from './frame';
import { Hub, type Subscribe } from './hub';
import { TurnEvents, type ChatEvent } from './turnEvents';
import { DocumentDraft, type DocumentBackend } from './documents.svelte';
import { MAX_IMAGES } from './attachments';

type DocumentBackendKey = keyof DocumentBackend;

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  kind: string;
}

/** A message as the UI shows it: the stored fields plus the live retry notice. */
export interface UIMessage extends Message {
  retry?: RetryInfo | null;
}

export type ChatBackend = Pick<
  Backend,
  | 'newConversation'
  | 'conversation'
  | 'send'
  | 'sendWithImages'
  | 'sendWithAttachments'
  | DocumentBackendKey
  | 'stop'
  | 'onEvent'
  | 'regenerate'
  | 'continueReply'
  | 'editMessage'
  | 'selectVersion'
  | 'deleteMessage'
  | 'updateConversationSettings'
> &
  // Optional so a store without tools (and the older tests' fakes) needs neither.
  Partial<Pick<Backend, 'answerToolApproval' | 'pendingToolApprovals' | 'conversationLatest'>>;

export interface ChatOptions {
  /** The model new assistant messages are labelled with until the server says otherwise. */
  model?: () => string;
  /** Runs `fn` soon, once; by default on the next animation frame. */
  schedule?: (fn: () => void) => void;
  /** How long a message opened from search stays highlighted. */
  highlightMs?: number;
}

/** What the chat store announces (see ChatStore.on), with the value each notice carries. */
export interface ChatNotices {
  /** The first send created this conversation; it is now the open one. */
  created: Conversation;
  /** A reply in this conversation ended (complete, stopped, error): its place and title may have changed. */
  turnEnded: string;
}

/** Where the message list should scroll once the opened conversation has rendered. */
export interface ScrollRequest {
  /** Restore this scroll offset (a saved view state)… */
  top?: number;
  /** …or bring this message into view (a search hit). */
  messageId?: string;
}

export interface OpenOptions extends ScrollRequest {}

/** Conversations whose messages are kept for instant switching. */
const CACHE_SIZE = 12;
/**
 * Longer conversations are not cached: copying their messages out of the store's state on
 * every switch costs more than loading them from Go again (~270 ms vs ~150 ms at 5,000).
 */
const CACHE_MAX_MESSAGES = 500;
/**
 * A conversation not in the cache opens with its latest messages first (more than the list
 * renders at first), then the rest; sending 5,000 through the webview took ~180 ms.
 */
const LATEST_FIRST = 30;

let tempIds = 0;

/** What a message shows is the same in both copies. */
function unchanged(a: Message, b: Message): boolean {
  return (
    a.content === b.content &&
    a.reasoning === b.reasoning &&
    a.status === b.status &&
    a.versions?.count === b.versions?.count &&
    a.versions?.index === b.versions?.index &&
    (a.toolCalls?.length ?? 0) === (b.toolCalls?.length ?? 0) &&
    a.usage?.total_tokens === b.usage?.total_tokens
  );
}

/** The versions a new sibling of `oldId` gets until Go's copy says otherwise: it is the newest. */
function grow(v: Message['versions'], oldId: string, newId: string): Message['versions'] {
  const ids = [...(v?.ids ?? [oldId]), newId];
  return { index: ids.length - 1, count: ids.length, ids };
}

export class ChatStore {
  conversation = $state<Conversation | null>(null);
  messages = $state<UIMessage[]>([]);
  /** What is in the composer. */
  draft = $state('');
  /** Images attached to the draft, as data: URLs (for vision models). */
  attachments = $state<string[]>([]);
  /** Documents attached to the draft (PDF, Office, text…): chips, the budget, the choices. */
  readonly docs: DocumentDraft;
  /** The turn whose reply is streaming, if any. */
  active = $state<Turn | null>(null);
  /** True from pressing Send until Go has registered the turn (or refused it). */
  sending = $state(false);
  /** An error not attached to a message (Send or Stop failed). */
  notice = $state<TurnError | null>(null);
  loading = $state(false);
  /** Consumed by the message list after it rendered the messages (see scrollDone). */
  scrollRequest = $state<ScrollRequest | null>(null);
  /** A message briefly highlighted after jumping to it from search. */
  highlightId = $state('');
  /** The user message whose inline editor is open. */
  editingId = $state('');
  /** A message action (select version, delete) or a settings save is waiting for Go. */
  acting = $state(false);
  /** Tool calls waiting for the user's Allow or Deny, in any conversation. */
  approvals = $state<ToolApprovalEvent[]>([]);

  readonly busy = $derived(this.sending || this.active !== null);
  readonly canSend = $derived(!this.busy && this.draft.trim() !== '');
  /** The open conversation's settings (null before the first send created it). */
  readonly settings = $derived<ConversationSettings | null>(this.conversation ? settingsOf(this.conversation) : null);

  private api: ChatBackend;
  private modelOf: () => string;
  private schedule: (fn: () => void) => void;

  private events = new TurnEvents();
  private stopWanted = false;
  private pending = new Map<string, { content: string; reasoning: string }>();
  private flushQueued = false;
  private unsubs: Array<() => void> = [];
  /** Turns still streaming in a conversation that is no longer shown: their text arrives from Go's copy. */
  private detached = new Set<string>();
  private cache = new Map<string, { conversation: Conversation; messages: UIMessage[] }>();
  private openSeq = 0;
  private highlightTimer: ReturnType<typeof setTimeout> | undefined;
  private notices = new Hub<ChatNotices>();
  private highlightMs: number;
  /** Turns (regenerate, edit) after which Go's copy is loaded again for the right versions. */
  private reloadAfter = new Set<string>();

  constructor(api: ChatBackend, opts: ChatOptions = {}) {
    this.api = api;
    // Images picked in the native dialog join the draft's images, within the same cap as a drop.
    this.docs = new DocumentDraft(api, (url) => {
      if (this.attachments.length >= MAX_IMAGES) return false;
      this.attachments.push(url);
      return true;
    });
    const fallback = opts.model ?? (() => '');
    this.modelOf = () => this.conversation?.settings?.model || this.conversation?.model || fallback();
    this.schedule = opts.schedule ?? nextFrame;
    this.highlightMs = opts.highlightMs ?? 2000;
  }

  /** Subscribes to a notice of this store (the sidebar's store listens; this store knows no listener). */
  readonly on: Subscribe<ChatNotices> = (name, fn) => this.notices.on(name, fn);

  /** Subscribes to the chat events; safe to call more than once. */
  start(): void {
    if (this.unsubs.length) return;
    this.unsubs = [
      this.api.onEvent(EV_DELTA, (p) => this.receive({ name: EV_DELTA, payload: p })),
      this.api.onEvent(EV_DONE, (p) => this.receive({ name: EV_DONE, payload: p })),
      this.api.onEvent(EV_ERROR, (p) => this.receive({ name: EV_ERROR, payload: p })),
      this.api.onEvent(EV_RETRY, (p) => this.receive({ name: EV_RETRY, payload: p })),
      this.api.onEvent(EV_TOOL, (p) => this.receive({ name: EV_TOOL, payload: p })),
      this.api.onEvent(EV_TOOL_APPROVAL, (p) => this.onApproval(p)),
    ];
    // Cards announced before this window listened (a reload while a call waits).
    void this.api.pendingToolApprovals?.().then(
      (list) => {
        for (const r of list ?? []) this.onApproval({ ...r, pending: true });
      },
      () => {},
    );
  }

  /** Shows or drops an approval card. */
  private onApproval(e: ToolApprovalEvent): void {
    const rest = this.approvals.filter((a) => !(a.requestId === e.requestId && a.callId === e.callId));
    this.approvals = e.pending ? [...rest, e] : rest;
  }

  /** The user answered a card: it goes at once (Go confirms with tool:approval), the call runs or is declined. */
  async answerApproval(card: Pick<ToolApprovalEvent, 'requestId' | 'callId'>, decision: ToolDecision): Promise<boolean> {
    if (!this.api.answerToolApproval) return false;
    const before = this.approvals;
    this.approvals = before.filter((a) => !(a.requestId === card.requestId && a.callId === card.callId));
    try {
      await this.api.answerToolApproval(card.requestId, card.callId, decision);
      return true;
    } catch (err) {
      const e = toTurnError(err);
      // not_found: the turn ended meanwhile; the card is rightly gone.
      if (e.kind !== 'not_found') {
        this.approvals = before;
        this.notice = e;
      }
      return false;
    }
  }

  dispose(): void {
    for (const u of this.unsubs) u();
    this.unsubs = [];
  }

  /** Clears the view; the conversation itself is created on the first send. Returns false while a send is being registered. */
  newChat(): boolean {
    if (this.sending) return false;
    this.leave(null);
    this.openSeq++;
    this.conversation = null;
    this.messages = [];
    this.notice = null;
    this.loading = false;
    this.scrollRequest = null;
    this.editingId = '';
    return true;
  }

  /**
   * Shows a conversation: its cached messages at once (if it was open recently), then Go's copy.
   * A reply streaming elsewhere keeps streaming in Go; its conversation shows the stored text.
   */
  async open(id: string, opts: OpenOptions = {}): Promise<boolean> {
    if (this.sending) return false;
    if (this.conversation?.id === id && this.active?.conversationId === id && !this.detached.has(this.active.requestId)) {
      // Its reply is streaming right here: the live text is newer than Go's copy.
      if (opts.top !== undefined || opts.messageId) this.requestScroll(opts);
      return true;
    }
    const seq = ++this.openSeq;
    const wantScroll = opts.top !== undefined || !!opts.messageId;
    let scrolled = false;
    if (this.conversation?.id !== id) {
      this.leave(id);
      this.notice = null;
      this.editingId = '';
      const cached = this.cache.get(id);
      if (cached) {
        this.conversation = cached.conversation;
        this.messages = cached.messages.map((m) => ({ ...m }));
      } else {
        this.conversation = null;
        this.messages = [];
      }
    }
    this.scrollRequest = null;
    if (this.messages.length && wantScroll && (!opts.messageId || this.messages.some((m) => m.id === opts.messageId))) {
      this.requestScroll(opts);
      scrolled = true;
    }
    this.loading = true;
    try {
      let latest: Map<string, UIMessage> | null = null;
      if (!this.messages.length && !wantScroll && this.api.conversationLatest) {
        const first = await this.api.conversationLatest(id, LATEST_FIRST);
        if (seq !== this.openSeq) return false;
        this.conversation = first;
        this.messages = first.messages.map((m) => ({ ...m }));
        latest = new Map(this.messages.map((m) => [m.id, m]));
        this.notice = null;
        if (!first.earlier) {
          this.remember();
          return true;
        }
        // Let the window paint them before the rest (megabytes to parse) takes the thread.
        await new Promise<void>((painted) => this.schedule(() => setTimeout(painted, 0)));
        if (seq !== this.openSeq) return false;
      }
      const c = await this.api.conversation(id);
      if (seq !== this.openSeq) return false;
      this.conversation = c;
      // The latest messages, on screen since a moment ago, stay the same objects unless they
      // changed since (a reply still streaming in Go), so the list does not render them again.
      const all: UIMessage[] = c.messages.map((m) => {
        const s = latest?.get(m.id);
        return s && unchanged(s, m) ? s : { ...m };
      });
      if (latest) {
        // Sent while the rest was on its way: the question and its reply stay, below.
        const known = new Set(all.map((m) => m.id));
        all.push(...this.messages.filter((m) => !latest.has(m.id) && !known.has(m.id)));
      }
      this.messages = all;
      this.notice = null;
      if (wantScroll && !scrolled) this.requestScroll(opts);
      this.remember();
      return true;
    } catch (err) {
      if (seq !== this.openSeq) return false;
      this.notice = toTurnError(err);
      return false;
    } finally {
      if (seq === this.openSeq) this.loading = false;
    }
  }

  /** The message list applied the scroll request. */
  scrollDone(): void {
    this.scrollRequest = null;
  }

  /** Drops a conversation from the cache (deleted); clears the view if it is open. */
  forget(id: string): void {
    this.cache.delete(id);
    if (this.conversation?.id === id) this.newChat();
  }

  private requestScroll(opts: OpenOptions): void {
    this.scrollRequest = opts.messageId ? { messageId: opts.messageId } : { top: opts.top };
    if (opts.messageId) {
      clearTimeout(this.highlightTimer);
      this.highlightId = opts.messageId;
      this.highlightTimer = setTimeout(() => (this.highlightId = ''), this.highlightMs);
    }
  }

  /** Remembers the conversation being left and detaches its streaming turn. */
  private leave(nextId: string | null): void {
    this.flush();
    if (this.active && this.active.conversationId !== nextId) this.detached.add(this.active.requestId);
    this.remember();
  }

  private remember(): void {
    const c = this.conversation;
    if (!c) return;
    this.cache.delete(c.id);
    if (this.messages.length > CACHE_MAX_MESSAGES) return;
    this.cache.set(c.id, { conversation: $state.snapshot(c) as Conversation, messages: $state.snapshot(this.messages) as UIMessage[] });
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Sends the draft. Returns false (and keeps the text in the composer) when it could not. */
  async send(): Promise<boolean> {
    const original = this.draft;
    const text = original.trim();
    const images = this.attachments;
    if ((!text && images.length === 0 && this.docs.ready.length === 0) || this.busy || this.docs.reading) return false;
    const taken = this.docs.take();

    this.sending = true;
    this.stopWanted = false;
    this.notice = null;
    this.events.expect();
    this.draft = '';
    this.attachments = [];
    const tempId = `local-${++tempIds}`;
    this.messages.push({
      id: tempId,
      role: 'user',
      content: text,
      reasoning: '',
      status: 'complete',
      finishReason: '',
      model: '',
      createdAt: new Date().toISOString(),
      images: images.length ? images : undefined,
      documents: taken.docs.length ? taken.docs : undefined,
    });

    let turn: Turn;
    try {
      if (!this.conversation) {
        this.conversation = await this.api.newConversation();
        this.notices.emit('created', this.conversation);
      }
      turn = taken.refs.length
        ? await this.api.sendWithAttachments(this.conversation.id, text, images, taken.refs)
        : images.length
          ? await this.api.sendWithImages(this.conversation.id, text, images)
          : await this.api.send(this.conversation.id, text);
    } catch (err) {
      this.messages = this.messages.filter((m) => m.id !== tempId);
      this.draft = this.draft ? `${original}\n${this.draft}` : original;
      this.attachments = [...images, ...this.attachments]; // nothing typed or attached is lost
      this.docs.restore(taken.items);
      this.notice = toTurnError(err);
      this.events.cancel();
      this.sending = false;
      return false;
    }

    const user = this.messages.find((m) => m.id === tempId);
    if (user) user.id = turn.userMessageId;
    this.begin(turn);
    return true;
  }

  /**
   * The turn Go registered is now the active one: its events, including any that arrived
   * before the bound call returned, go to its reply, and a Stop pressed meanwhile is sent.
   */
  private begin(turn: Turn): void {
    const early = this.events.register(turn.requestId);
    this.active = turn;
    this.sending = false;
    this.ensureAssistant(turn.assistantMessageId);
    for (const e of early) this.receive(e);
    if (this.stopWanted) void this.stop();
  }

  /** Asks Go to stop the streaming reply; the chat:done event then marks the message stopped. */
  async stop(): Promise<void> {
    if (!this.active) {
      if (this.sending) this.stopWanted = true;
      return;
    }
    this.stopWanted = false;
    try {
      await this.api.stop(this.active.requestId);
    } catch (err) {
      this.notice = toTurnError(err);
    }
  }

  dismissNotice(): void {
    this.notice = null;
  }

  /** Answers a reply's question again; the new answer streams in place of the shown one. */
  async regenerate(replyId: string): Promise<boolean> {
    const c = this.conversation;
    const old = this.messages.find((m) => m.id === replyId && m.role === 'assistant');
    if (!c || !old) return false;
    return this.startBranch(
      () => this.api.regenerate(c.id, replyId),
      (turn) => {
        const i = this.messages.findIndex((m) => m.id === replyId);
        const shown = i < 0 ? this.messages : this.messages.slice(0, i);
        this.messages = [...shown, this.blankReply(turn.assistantMessageId, grow(old.versions, replyId, turn.assistantMessageId))];
      },
    );
  }

  /** Extends a reply that stopped early: the continuation streams into the same message. */
  async continueReply(replyId: string): Promise<boolean> {
    const c = this.conversation;
    const reply = this.messages.find((m) => m.id === replyId && m.role === 'assistant');
    if (!c || !reply) return false;
    return this.startBranch(
      () => this.api.continueReply(c.id, replyId),
      () => {
        reply.status = 'streaming';
        reply.finishReason = '';
        reply.error = undefined;
      },
    );
  }

  /** Sends an edited copy of a user message as a new branch; the view keeps what came before it. */
  async editMessage(messageId: string, text: string): Promise<boolean> {
    const c = this.conversation;
    const body = text.trim();
    const old = this.messages.find((m) => m.id === messageId && m.role === 'user');
    if (!c || !old || !body) return false;
    return this.startBranch(
      () => this.api.editMessage(c.id, messageId, body),
      (turn) => {
        const i = this.messages.findIndex((m) => m.id === messageId);
        const shown = i < 0 ? this.messages : this.messages.slice(0, i);
        const question: UIMessage = {
          ...old,
          id: turn.userMessageId,
          content: body,
          createdAt: new Date().toISOString(),
          versions: grow(old.versions, messageId, turn.userMessageId),
        };
        this.messages = [...shown, question, this.blankReply(turn.assistantMessageId)];
        if (this.editingId === messageId) this.editingId = '';
      },
    );
  }

  /** Shows another version of a message (and its newest continuation). */
  async selectVersion(messageId: string): Promise<boolean> {
    const c = this.conversation;
    if (!c) return false;
    return this.replaceWith(() => this.api.selectVersion(c.id, messageId));
  }

  /** Deletes a message (a question together with its replies). */
  async deleteMessage(messageId: string): Promise<boolean> {
    const c = this.conversation;
    if (!c) return false;
    const ok = await this.replaceWith(() => this.api.deleteMessage(c.id, messageId));
    if (ok && this.editingId === messageId) this.editingId = '';
    return ok;
  }

  /** Opens the inline editor of a user message. */
  startEdit(messageId: string): void {
    if (this.messages.some((m) => m.id === messageId && m.role === 'user')) this.editingId = messageId;
  }

  cancelEdit(): void {
    this.editingId = '';
  }

  /** ↑ in an empty composer: edit the last user message. False when there is none. */
  editLast(): boolean {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m.role === 'user' && !m.id.startsWith('local-')) {
        this.editingId = m.id;
        return true;
      }
    }
    return false;
  }

  /** The question a reply answers (the user message before it), if shown. */
  questionOf(replyId: string): UIMessage | null {
    const i = this.messages.findIndex((m) => m.id === replyId);
    for (let j = i - 1; j >= 0; j--) if (this.messages[j].role === 'user') return this.messages[j];
    return null;
  }

  /**
   * Saves the open conversation's settings. Resolves with Go's refusal (shown by the caller), or
   * null once saved.
   */
  async updateSettings(next: ConversationSettings): Promise<TurnError | null> {
    const c = this.conversation;
    if (!c) return { kind: 'invalid_input', message: '', requestIdFromServer: '' };
    this.acting = true;
    try {
      const saved = (await this.api.updateConversationSettings(c.id, next)) ?? next;
      if (this.conversation?.id === c.id) {
        this.conversation.settings = saved;
        if (saved.model) this.conversation.model = saved.model;
        this.remember();
      }
      return null;
    } catch (err) {
      return toTurnError(err);
    } finally {
      this.acting = false;
    }
  }

  /** The top-bar picker changed the model of the open conversation. */
  async setConversationModel(model: string): Promise<boolean> {
    const m = model.trim();
    const current = this.settings;
    if (!current || !m || m === current.model) return false;
    const err = await this.updateSettings({ ...current, model: m });
    if (err) this.notice = err;
    return !err;
  }

  /** Starts a regenerate or edit turn; `show` puts the new branch on screen once Go registered it. */
  private async startBranch(call: () => Promise<Turn>, show: (turn: Turn) => void): Promise<boolean> {
    if (this.busy || this.acting) {
      this.notice = { kind: 'busy', message: '', requestIdFromServer: '' };
      return false;
    }
    this.sending = true;
    this.stopWanted = false;
    this.notice = null;
    this.events.expect();
    let turn: Turn;
    try {
      turn = await call();
    } catch (err) {
      this.notice = toTurnError(err);
      this.events.cancel();
      this.sending = false;
      return false;
    }
    this.reloadAfter.add(turn.requestId);
    show(turn);
    this.begin(turn);
    return true;
  }

  /** Runs a call that answers with the conversation as now shown, and shows it. */
  private async replaceWith(call: () => Promise<Conversation>): Promise<boolean> {
    if (this.busy || this.acting) {
      this.notice = { kind: 'busy', message: '', requestIdFromServer: '' };
      return false;
    }
    const seq = this.openSeq;
    this.acting = true;
    try {
      const c = await call();
      if (seq === this.openSeq) {
        this.show(c);
        this.notice = null;
      }
      return true;
    } catch (err) {
      if (seq === this.openSeq) this.notice = toTurnError(err);
      return false;
    } finally {
      this.acting = false;
    }
  }

  private show(c: Conversation): void {
    this.conversation = c;
    this.messages = c.messages.map((m) => ({ ...m }));
    if (this.editingId && !this.messages.some((m) => m.id === this.editingId)) this.editingId = '';
    this.remember();
  }

  /** A regenerate or edit ended: Go's copy has the versions right. */
  private async reload(conversationId: string): Promise<void> {
    const seq = this.openSeq;
    try {
      const c = await this.api.conversation(conversationId);
      if (seq !== this.openSeq || this.conversation?.id !== conversationId || this.busy) return;
      this.show(c);
    } catch {
      // keep what streamed; the next open shows the stored conversation
    }
  }

  private blankReply(id: string, versions?: Message['versions']): UIMessage {
    const m: UIMessage = {
      id,
      role: 'assistant',
      content: '',
      reasoning: '',
      status: 'streaming',
      finishReason: '',
      model: this.modelOf(),
      createdAt: new Date().toISOString(),
    };
    if (versions) m.versions = versions;
    return m;
  }

  /** Applies one chat event that the ordering gate lets through. */
  private receive(q: ChatEvent): void {
    if (!this.events.accept(q)) return;
    const p: ChatEventBase = q.payload;
    if (this.detached.has(p.requestId)) {
      if (q.name === EV_DONE || q.name === EV_ERROR) this.finishDetached(p);
      return;
    }

    switch (q.name) {
      case EV_DELTA:
        this.onDelta(q.payload);
        break;
      case EV_DONE:
        this.onDone(q.payload);
        break;
      case EV_ERROR:
        this.onError(q.payload);
        break;
      case EV_RETRY:
        this.onRetry(q.payload);
        break;
      case EV_TOOL:
        this.onTool(q.payload);
        break;
    }
  }

  /** Applies buffered text now (normally done once per animation frame). */
  flush(): void {
    this.flushQueued = false;
    if (!this.pending.size) return;
    for (const [id, chunk] of this.pending) {
      const m = this.ensureAssistant(id);
      if (chunk.content) m.content += chunk.content;
      if (chunk.reasoning) m.reasoning += chunk.reasoning;
    }
    this.pending.clear();
  }

  private onDelta(e: DeltaEvent): void {
    const m = this.ensureAssistant(e.messageId);
    if (m.retry) m.retry = null;
    const buf = this.pending.get(e.messageId) ?? { content: '', reasoning: '' };
    buf.content += e.content ?? '';
    buf.reasoning += e.reasoning ?? '';
    this.pending.set(e.messageId, buf);
    if (!this.flushQueued) {
      this.flushQueued = true;
      this.schedule(() => this.flush());
    }
  }

  private onDone(e: DoneEvent): void {
    this.flush();
    const m = this.ensureAssistant(e.messageId);
    m.status = e.status;
    m.finishReason = e.finishReason ?? '';
    if (e.usage) m.usage = e.usage;
    m.retry = null;
    closePending(m.toolCalls, e.status === 'stopped');
    this.finish(e);
  }

  private onError(e: ErrorEvent): void {
    this.flush();
    const m = this.ensureAssistant(e.messageId);
    m.status = e.status;
    m.error = { kind: e.kind, message: e.message, requestIdFromServer: e.requestIdFromServer };
    m.retry = null;
    closePending(m.toolCalls, e.status === 'stopped');
    this.finish(e);
  }

  private onTool(e: ToolEvent): void {
    // The text before the call is applied first, so the block lands where the model made it.
    this.flush();
    const m = this.ensureAssistant(e.messageId);
    m.toolCalls = applyToolEvent(m.toolCalls ? [...m.toolCalls] : [], e);
  }

  private onRetry(e: RetryEvent): void {
    const m = this.ensureAssistant(e.messageId);
    m.retry = { attempt: e.attempt, delayMs: e.delayMs, kind: e.kind };
  }

  private finish(e: ChatEventBase): void {
    const gap = this.events.finish(e.requestId);
    if (this.active?.requestId === e.requestId) this.active = null;
    const reload = this.reloadAfter.delete(e.requestId);
    if (reload) void this.reload(e.conversationId);
    else if (gap) void this.resync(e.conversationId, e.messageId);
    this.notices.emit('turnEnded', e.conversationId);
  }

  /** A reply that ended while its conversation was not shown: show Go's copy if it is open again. */
  private finishDetached(e: ChatEventBase): void {
    this.detached.delete(e.requestId);
    this.reloadAfter.delete(e.requestId);
    this.events.finish(e.requestId);
    this.cache.delete(e.conversationId);
    if (this.active?.requestId === e.requestId) this.active = null;
    if (this.conversation?.id === e.conversationId) void this.open(e.conversationId);
    this.notices.emit('turnEnded', e.conversationId);
  }

  /** Some events never arrived: take the stored text from Go, which has all of it. */
  private async resync(conversationId: string, messageId: string): Promise<void> {
    try {
      const c = await this.api.conversation(conversationId);
      const stored = c.messages.find((m) => m.id === messageId);
      const m = this.messages.find((x) => x.id === messageId);
      if (stored && m && stored.content.length >= m.content.length) {
        m.content = stored.content;
        m.reasoning = stored.reasoning;
      }
    } catch {
      // keep what streamed; the next open of the conversation shows the stored text
    }
  }

  private ensureAssistant(id: string): UIMessage {
    let m = this.messages.find((x) => x.id === id);
    if (!m) {
      this.messages.push({
        id,
        role: 'assistant',
        content: '',
        reasoning: '',
        status: 'streaming',
        finishReason: '',
        model: this.modelOf(),
        createdAt: new Date().toISOString(),
      });
      // Read it back through the state proxy so later writes are reactive.
      m = this.messages[this.messages.length - 1];
    }
    return m;
  }
}
