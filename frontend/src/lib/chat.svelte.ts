// The chat store: the open conversation, its messages, the in-flight turn and the
// chat:* event stream that fills it.
import type { Backend } from './bridge';
import {
  EV_DELTA,
  EV_DONE,
  EV_ERROR,
  EV_RETRY,
  type ChatEventBase,
  type ChatEventName,
  type DeltaEvent,
  type DoneEvent,
  type ErrorEvent,
  type EventPayloads,
  type RetryEvent,
} from './events';
import { toTurnError } from './errors';
import type { Conversation, Message, Turn, TurnError } from './types';

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  kind: string;
}

/** A message as the UI shows it: the stored fields plus the live retry notice. */
export interface UIMessage extends Message {
  retry?: RetryInfo | null;
}

export type ChatBackend = Pick<Backend, 'newConversation' | 'conversation' | 'send' | 'stop' | 'onEvent'>;

export interface ChatOptions {
  /** The model new assistant messages are labelled with until the server says otherwise. */
  model?: () => string;
  /** Runs `fn` soon, once; by default on the next animation frame. */
  schedule?: (fn: () => void) => void;
}

type Queued = { [K in ChatEventName]: { name: K; payload: EventPayloads[K] } }[ChatEventName];

/** Events that arrive between Send being called and it resolving; bounded so a stray stream can't grow it. */
const MAX_EARLY = 2000;

function nextFrame(fn: () => void): void {
  let ran = false;
  const run = () => {
    if (ran) return;
    ran = true;
    fn();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  // Hidden windows may never paint: don't let the text wait for a frame forever.
  setTimeout(run, 100);
}

let tempIds = 0;

export class ChatStore {
  conversation = $state<Conversation | null>(null);
  messages = $state<UIMessage[]>([]);
  /** What is in the composer. */
  draft = $state('');
  /** The turn whose reply is streaming, if any. */
  active = $state<Turn | null>(null);
  /** True from pressing Send until Go has registered the turn (or refused it). */
  sending = $state(false);
  /** An error not attached to a message (Send or Stop failed). */
  notice = $state<TurnError | null>(null);
  loading = $state(false);

  readonly busy = $derived(this.sending || this.active !== null);
  readonly canSend = $derived(!this.busy && this.draft.trim() !== '');

  private api: ChatBackend;
  private modelOf: () => string;
  private schedule: (fn: () => void) => void;

  private known = new Set<string>();
  private finished = new Set<string>();
  private lastSeq = new Map<string, number>();
  private gaps = new Set<string>();
  private early: Queued[] = [];
  private stopWanted = false;
  private pending = new Map<string, { content: string; reasoning: string }>();
  private flushQueued = false;
  private unsubs: Array<() => void> = [];

  constructor(api: ChatBackend, opts: ChatOptions = {}) {
    this.api = api;
    this.modelOf = opts.model ?? (() => this.conversation?.model ?? '');
    this.schedule = opts.schedule ?? nextFrame;
  }

  /** Subscribes to the chat events; safe to call more than once. */
  start(): void {
    if (this.unsubs.length) return;
    this.unsubs = [
      this.api.onEvent(EV_DELTA, (p) => this.receive({ name: EV_DELTA, payload: p })),
      this.api.onEvent(EV_DONE, (p) => this.receive({ name: EV_DONE, payload: p })),
      this.api.onEvent(EV_ERROR, (p) => this.receive({ name: EV_ERROR, payload: p })),
      this.api.onEvent(EV_RETRY, (p) => this.receive({ name: EV_RETRY, payload: p })),
    ];
  }

  dispose(): void {
    for (const u of this.unsubs) u();
    this.unsubs = [];
  }

  /** Clears the view; the conversation itself is created on the first send. */
  newChat(): void {
    if (this.busy) return;
    this.conversation = null;
    this.messages = [];
    this.notice = null;
  }

  async open(id: string): Promise<void> {
    if (this.busy) return;
    this.loading = true;
    try {
      const c = await this.api.conversation(id);
      this.conversation = c;
      this.messages = c.messages.map((m) => ({ ...m }));
      this.notice = null;
    } catch (err) {
      this.notice = toTurnError(err);
    } finally {
      this.loading = false;
    }
  }

  /** Sends the draft. Returns false (and keeps the text in the composer) when it could not. */
  async send(): Promise<boolean> {
    const original = this.draft;
    const text = original.trim();
    if (!text || this.busy) return false;

    this.sending = true;
    this.stopWanted = false;
    this.notice = null;
    this.early = [];
    this.draft = '';
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
    });

    let turn: Turn;
    try {
      if (!this.conversation) this.conversation = await this.api.newConversation();
      turn = await this.api.send(this.conversation.id, text);
    } catch (err) {
      this.messages = this.messages.filter((m) => m.id !== tempId);
      this.draft = this.draft ? `${original}\n${this.draft}` : original;
      this.notice = toTurnError(err);
      this.early = [];
      this.sending = false;
      return false;
    }

    const user = this.messages.find((m) => m.id === tempId);
    if (user) user.id = turn.userMessageId;
    this.known.add(turn.requestId);
    this.active = turn;
    this.sending = false;
    this.ensureAssistant(turn.assistantMessageId);

    const early = this.early;
    this.early = [];
    for (const q of early) if (q.payload.requestId === turn.requestId) this.receive(q);

    if (this.stopWanted) void this.stop();
    return true;
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

  /** Applies one chat event: duplicates, stale or foreign events are dropped. */
  receive(q: Queued): void {
    const p: ChatEventBase = q.payload;
    if (!this.known.has(p.requestId)) {
      if (this.sending && this.early.length < MAX_EARLY) this.early.push(q);
      return;
    }
    if (this.finished.has(p.requestId)) return;
    const last = this.lastSeq.get(p.requestId);
    if (last !== undefined) {
      if (p.seq <= last) return;
      if (p.seq > last + 1) this.gaps.add(p.requestId);
    }
    this.lastSeq.set(p.requestId, p.seq);

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
    this.finish(e);
  }

  private onError(e: ErrorEvent): void {
    this.flush();
    const m = this.ensureAssistant(e.messageId);
    m.status = e.status;
    m.error = { kind: e.kind, message: e.message, requestIdFromServer: e.requestIdFromServer };
    m.retry = null;
    this.finish(e);
  }

  private onRetry(e: RetryEvent): void {
    const m = this.ensureAssistant(e.messageId);
    m.retry = { attempt: e.attempt, delayMs: e.delayMs, kind: e.kind };
  }

  private finish(e: ChatEventBase): void {
    this.finished.add(e.requestId);
    this.lastSeq.delete(e.requestId);
    if (this.active?.requestId === e.requestId) this.active = null;
    if (this.gaps.delete(e.requestId)) void this.resync(e.conversationId, e.messageId);
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
