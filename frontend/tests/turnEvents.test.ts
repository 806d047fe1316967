import { describe, expect, it } from 'vitest';
import { EV_DELTA, EV_DONE } from '../src/lib/events';
import { MAX_EARLY, TurnEvents, type ChatEvent } from '../src/lib/turnEvents';

const delta = (seq: number, content = `#${seq}`, requestId = 'r1'): ChatEvent => ({
  name: EV_DELTA,
  payload: { requestId, conversationId: 'c1', messageId: 'a1', seq, content, reasoning: '' },
});
const done = (seq: number, requestId = 'r1'): ChatEvent => ({
  name: EV_DONE,
  payload: { requestId, conversationId: 'c1', messageId: 'a1', seq, status: 'complete', finishReason: 'stop' },
});

/** The contents the gate lets through, in the order it lets them. */
function passed(gate: TurnEvents, events: ChatEvent[]): string[] {
  return events.filter((e) => gate.accept(e)).map((e) => (e.name === EV_DELTA ? e.payload.content : e.name));
}

function registered(requestId = 'r1'): TurnEvents {
  const gate = new TurnEvents();
  gate.expect();
  gate.register(requestId);
  return gate;
}

describe('turn events', () => {
  it('lets a registered turn’s events through in order, with no gap', () => {
    const gate = registered();
    expect(passed(gate, [delta(1), delta(2), delta(3), done(4)])).toEqual(['#1', '#2', '#3', EV_DONE]);
    expect(gate.finish('r1')).toBe(false);
  });

  it('drops a repeated event and one older than the last let through', () => {
    const gate = registered();
    expect(passed(gate, [delta(1), delta(1), delta(2), delta(1, 'late'), delta(2), delta(3)])).toEqual(['#1', '#2', '#3']);
    expect(gate.finish('r1')).toBe(false);
  });

  it('lets an event after a skipped seq through and reports the gap when the turn ends', () => {
    const gate = registered();
    expect(passed(gate, [delta(1), delta(3), done(4)])).toEqual(['#1', '#3', EV_DONE]);
    expect(gate.finish('r1')).toBe(true);
  });

  it('holds events that arrive before the call returns and hands back only that turn’s', () => {
    const gate = new TurnEvents();
    gate.expect();
    expect(passed(gate, [delta(1, 'early'), delta(1, 'early'), delta(1, 'stranger', 'r-other'), delta(2, 'bird')])).toEqual([]);
    const held = gate.register('r1');
    expect(held.map((e) => e.payload.requestId)).toEqual(['r1', 'r1', 'r1']);
    // The held ones go through the same gate: the duplicate is dropped there.
    expect(passed(gate, held)).toEqual(['early', 'bird']);
    expect(passed(gate, [delta(3, 'next')])).toEqual(['next']);
  });

  it('holds nothing when no call is in flight, and drops what it held when the call failed', () => {
    const idle = new TurnEvents();
    expect(idle.accept(delta(1))).toBe(false);
    expect(idle.register('r1')).toEqual([]);

    const failed = new TurnEvents();
    failed.expect();
    failed.accept(delta(1));
    failed.cancel();
    failed.accept(delta(2));
    failed.expect();
    expect(failed.register('r1')).toEqual([]);
  });

  it('holds at most MAX_EARLY events, so a stray stream cannot grow without bound', () => {
    const gate = new TurnEvents();
    gate.expect();
    for (let i = 1; i <= MAX_EARLY + 10; i++) gate.accept(delta(i));
    expect(gate.register('r1')).toHaveLength(MAX_EARLY);
  });

  it('drops every event of a finished turn, and of a turn it never registered', () => {
    const gate = registered();
    expect(passed(gate, [delta(1), done(2)])).toEqual(['#1', EV_DONE]);
    gate.finish('r1');
    expect(passed(gate, [delta(3, 'extra'), done(2), delta(1, 'replay')])).toEqual([]);
    expect(passed(gate, [delta(1, 'theirs', 'other')])).toEqual([]);
  });

  it('keeps a finished turn finished when a new call is in flight', () => {
    const gate = registered();
    gate.accept(delta(1));
    gate.finish('r1');
    gate.expect();
    expect(passed(gate, [delta(2, 'late')])).toEqual([]);
    expect(gate.register('r2')).toEqual([]);
  });

  it('tracks turns apart: one turn’s seq does not affect another’s', () => {
    const gate = registered('r1');
    gate.expect();
    gate.register('r2');
    expect(passed(gate, [delta(1, 'a', 'r1'), delta(1, 'b', 'r2'), delta(2, 'c', 'r1'), delta(2, 'd', 'r2')])).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.finish('r1')).toBe(false);
    expect(gate.finish('r2')).toBe(false);
  });
});
