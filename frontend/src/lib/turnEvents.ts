// Which chat:* events a store should apply, and when: Go emits each turn's events with a
// sequence number, Wails may deliver one twice, and the first ones can arrive before the bound
// Send call has returned the request id they belong to.
import type { ChatEventName, EventPayloads } from './events';

/** One chat event with its name, so a queue of mixed events stays typed. */
export type ChatEvent = { [K in ChatEventName]: { name: K; payload: EventPayloads[K] } }[ChatEventName];

/** Events held between a Send call and its answer; bounded so a stray stream can't grow it. */
export const MAX_EARLY = 2000;

interface TurnState {
  /** The seq of the last event let through; undefined before the first. */
  lastSeq?: number;
  /** An event was skipped: the streamed text is missing a piece. */
  gap: boolean;
  finished: boolean;
}

/**
 * The ordering gate in front of a chat store. Events of a registered turn pass once each, in
 * seq order (older or repeated seqs are dropped, a skipped seq is remembered as a gap); events
 * of a finished turn are dropped; events of an unknown request are held while a Send call is in
 * flight and handed back when that call names their turn.
 */
export class TurnEvents {
  private turns = new Map<string, TurnState>();
  private early: ChatEvent[] = [];
  private holding = false;

  /** A bound call that starts a turn is in flight: hold events of requests not yet known. */
  expect(): void {
    this.early = [];
    this.holding = true;
  }

  /** The call failed: nothing it would have registered is coming, so the held events go. */
  cancel(): void {
    this.early = [];
    this.holding = false;
  }

  /**
   * The call answered with this turn. Returns the events held for it, in arrival order, for the
   * caller to pass through `accept` like any other; held events of other requests are dropped.
   */
  register(requestId: string): ChatEvent[] {
    if (!this.turns.has(requestId)) this.turns.set(requestId, { gap: false, finished: false });
    const held = this.early.filter((e) => e.payload.requestId === requestId);
    this.cancel();
    return held;
  }

  /** True when the event should be applied now; false when it is held, repeated, stale or foreign. */
  accept(e: ChatEvent): boolean {
    const { requestId, seq } = e.payload;
    const turn = this.turns.get(requestId);
    if (!turn) {
      if (this.holding && this.early.length < MAX_EARLY) this.early.push(e);
      return false;
    }
    if (turn.finished) return false;
    if (turn.lastSeq !== undefined) {
      if (seq <= turn.lastSeq) return false;
      if (seq > turn.lastSeq + 1) turn.gap = true;
    }
    turn.lastSeq = seq;
    return true;
  }

  /** The turn ended: its later events are dropped. Returns true when some of its events never arrived. */
  finish(requestId: string): boolean {
    const turn = this.turns.get(requestId);
    if (!turn) return false;
    const gap = turn.gap;
    // Only the finished mark is kept, so a late duplicate of the last event is still dropped.
    this.turns.set(requestId, { gap: false, finished: true });
    return gap;
  }
}
