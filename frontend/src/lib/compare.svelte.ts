// A comparison: one question, two or three models answering side by side. Go streams each
// answer as an ordinary turn (its own request id and seq); this store follows those turns, times
// them (first token, duration) and, when the user picks one, asks Go to continue with it and
// hands the conversation back to the chat store. The other answers stay as versions of the turn.
import { getContext, setContext } from 'svelte';
import type { Backend } from './bridge';
import type { Conversation, ConversationSettings, DeltaEvent, DoneEvent, ErrorEvent, Price, Turn, TurnError, Usage } from './contract.gen';
import { EV_DELTA, EV_DONE, EV_ERROR } from './contract.gen';
import { toTurnError } from './errors';
import { costOf } from './prices';
import { TurnEvents, type ChatEvent } from './turnEvents';

export type CompareBackend = Pick<Backend, 'compare' | 'stop' | 'pickReply' | 'newConversation' | 'onEvent'>;

export type ColumnStatus = 'waiting' | 'streaming' | 'complete' | 'stopped' | 'error';

export interface CompareColumn {
  model: string;
  requestId: string;
  messageId: string;
  content: string;
  reasoning: string;
  status: ColumnStatus;
  error: TurnError | null;
  usage: Usage | null;
  /** ms since the question was sent; 0 until known. */
  firstTokenMs: number;
  durationMs: number;
}

export class CompareStore {
  conversationId = $state('');
  question = $state('');
  columns = $state<CompareColumn[]>([]);
  notice = $state<TurnError | null>(null);
  starting = $state(false);

  private events = new TurnEvents();
  private early: ChatEvent[] = [];
  private holding = false;
  private startedAt = 0;
  private unsubs: Array<() => void> = [];

  constructor(
    private readonly api: CompareBackend,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A comparison is on screen (running or waiting for a pick). */
  get active(): boolean {
    return this.columns.length > 0;
  }

  get running(): boolean {
    return this.columns.some((c) => c.status === 'waiting' || c.status === 'streaming');
  }

  start(): void {
    if (this.unsubs.length) return;
    this.unsubs = [
      this.api.onEvent(EV_DELTA, (p) => this.receive({ name: EV_DELTA, payload: p })),
      this.api.onEvent(EV_DONE, (p) => this.receive({ name: EV_DONE, payload: p })),
      this.api.onEvent(EV_ERROR, (p) => this.receive({ name: EV_ERROR, payload: p })),
    ];
  }

  dispose(): void {
    for (const u of this.unsubs) u();
    this.unsubs = [];
  }

  /** Asks every model in `settings` (2–3) the question; a new conversation is made when there is none. */
  async run(conversationId: string, text: string, settings: ConversationSettings[]): Promise<boolean> {
    if (this.running || this.starting || !text.trim()) return false;
    this.notice = null;
    this.starting = true;
    this.early = [];
    this.holding = true; // the first events can arrive before the call returns the request ids
    try {
      const convId = conversationId || (await this.api.newConversation()).id;
      this.startedAt = this.now();
      const turns: Turn[] = await this.api.compare(convId, text, settings);
      this.conversationId = convId;
      this.question = text.trim();
      this.columns = turns.map((t, i) => ({
        model: settings[i].model,
        requestId: t.requestId,
        messageId: t.assistantMessageId,
        content: '',
        reasoning: '',
        status: 'waiting',
        error: null,
        usage: null,
        firstTokenMs: 0,
        durationMs: 0,
      }));
      for (const t of turns) this.events.register(t.requestId);
      const held = this.early;
      this.early = [];
      this.holding = false;
      for (const e of held) this.receive(e);
      return true;
    } catch (err) {
      this.notice = toTurnError(err);
      return false;
    } finally {
      this.holding = false;
      this.starting = false;
    }
  }

  /** Stop stops every column still streaming; one that cannot be stopped does not keep the
   *  others running. */
  async stopAll(): Promise<void> {
    await Promise.allSettled(this.columns.filter((c) => c.status === 'waiting' || c.status === 'streaming').map((c) => this.api.stop(c.requestId)));
  }

  /** Continues the conversation with one column's answer; resolves with the conversation as now shown. */
  async pick(index: number): Promise<Conversation | null> {
    const col = this.columns[index];
    if (!col || this.running) return null;
    try {
      const conv = await this.api.pickReply(this.conversationId, col.messageId);
      this.columns = [];
      return conv;
    } catch (err) {
      this.notice = toTurnError(err);
      return null;
    }
  }

  /** Closes the answers without picking (e.g. every model failed); the first stays shown. */
  dismiss(): string {
    const id = this.conversationId;
    if (!this.running) this.columns = [];
    return id;
  }

  /** The estimated cost of a column's answer, or null without a usage or a price. */
  cost(col: CompareColumn, prices: Price[]): number | null {
    return col.usage ? costOf(prices, col.model, col.usage) : null;
  }

  private receive(e: ChatEvent): void {
    if (!this.columns.some((c) => c.requestId === e.payload.requestId)) {
      if (this.holding && this.early.length < 2000) this.early.push(e);
      return;
    }
    if (!this.events.accept(e)) return;
    const i = this.columns.findIndex((c) => c.requestId === e.payload.requestId);
    const col = this.columns[i];
    const at = Math.round(this.now() - this.startedAt);
    if (e.name === EV_DELTA) {
      const d = e.payload as DeltaEvent;
      col.content += d.content;
      col.reasoning += d.reasoning;
      if (!col.firstTokenMs) col.firstTokenMs = Math.max(1, at);
      col.status = 'streaming';
    } else if (e.name === EV_DONE) {
      const d = e.payload as DoneEvent;
      col.status = d.status === 'stopped' ? 'stopped' : 'complete';
      col.usage = d.usage ?? null;
      col.durationMs = at;
      this.events.finish(d.requestId);
    } else if (e.name === EV_ERROR) {
      const d = e.payload as ErrorEvent;
      col.status = d.status === 'stopped' ? 'stopped' : 'error';
      col.error = { kind: d.kind, message: d.message, requestIdFromServer: d.requestIdFromServer };
      col.durationMs = at;
      this.events.finish(d.requestId);
    }
  }
}

const KEY = Symbol('qwendesk.compare');

/** Exported for tests, which provide a store through render's context option. */
export const COMPARE_KEY = KEY;

export function provideCompare(c: CompareStore): void {
  setContext(KEY, c);
}

/** The store, or undefined where none was provided (then the chat view offers no comparison). */
export function useCompare(): CompareStore | undefined {
  return getContext<CompareStore | undefined>(KEY);
}
