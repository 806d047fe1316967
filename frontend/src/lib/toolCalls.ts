// The tool calls of a reply as the UI keeps them: built from chat:tool events while a turn
// streams (the stored ToolCall shape, so a live reply and one loaded from history look the
// same), closed when the turn ends, and placed in the reply's text by their byte offsets.
import type { ToolCall, ToolEvent } from './contract.gen';

/** A call as shown: the stored fields plus whether this copy of the result was shortened for the event. */
export interface UIToolCall extends ToolCall {
  resultCut?: boolean;
}

const byPlace = (a: ToolCall, b: ToolCall) => a.step - b.step || a.index - b.index;

/** Applies one chat:tool event to a reply's calls (in place); returns the list. */
export function applyToolEvent(calls: UIToolCall[], e: ToolEvent): UIToolCall[] {
  const now = new Date().toISOString();
  let c = calls.find((x) => x.callId === e.callId);
  if (!c) {
    c = {
      messageId: e.messageId,
      callId: e.callId,
      step: e.step,
      index: e.index,
      textOffset: e.textOffset,
      apiName: e.name,
      server: e.server,
      tool: e.tool,
      arguments: '',
      state: e.state,
      outcome: '',
      result: '',
      truncated: false,
      durationMs: 0,
      createdAt: now,
      updatedAt: now,
    };
    calls.push(c);
    calls.sort(byPlace);
    c = calls.find((x) => x.callId === e.callId)!;
  }
  // A "requested" event may repeat an earlier state's fields with less (arguments still
  // streaming): never go back from done, and keep what is already known.
  if (c.state === 'done' && e.state !== 'done') return calls;
  c.state = e.state;
  c.server = e.server || c.server;
  c.tool = e.tool || c.tool;
  c.apiName = e.name || c.apiName;
  if (e.arguments) c.arguments = e.arguments;
  c.textOffset = e.textOffset;
  if (e.state === 'done') {
    c.outcome = e.outcome ?? '';
    c.result = e.result ?? '';
    c.truncated = e.truncated;
    c.durationMs = e.durationMs;
    c.resultCut = e.resultCut;
  }
  c.updatedAt = now;
  return calls;
}

/**
 * The turn ended: a call that never got its "done" (the stream broke while its arguments
 * were arriving, or Stop came first) is closed so it does not spin forever. Go recorded it
 * the same way; the history has the final word when the reply is opened again.
 */
export function closePending(calls: UIToolCall[] | undefined, stopped: boolean): void {
  for (const c of calls ?? []) {
    if (c.state === 'done') continue;
    c.state = 'done';
    c.outcome = stopped ? 'cancelled' : 'interrupted';
  }
}

/** Converts a UTF-8 byte offset into `text` to a UTF-16 index (what JS strings use). */
export function byteToIndex(text: string, bytes: number): number {
  let b = 0;
  let i = 0;
  while (i < text.length && b < bytes) {
    const cp = text.codePointAt(i)!;
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

export type Segment = { kind: 'text'; text: string; key: string } | { kind: 'calls'; calls: UIToolCall[]; key: string };

/**
 * Splits a reply into its text and its tool calls, each step's calls where the model made
 * them. Calls of one step share an offset and form one group.
 */
export function segments(content: string, calls: UIToolCall[] | undefined): Segment[] {
  if (!calls?.length) return [{ kind: 'text', text: content, key: 't0' }];
  const out: Segment[] = [];
  let at = 0;
  const sorted = [...calls].sort(byPlace);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j].step === sorted[i].step) j++;
    const idx = Math.max(at, Math.min(byteToIndex(content, sorted[i].textOffset), content.length));
    if (idx > at) out.push({ kind: 'text', text: content.slice(at, idx), key: `t${at}` });
    out.push({ kind: 'calls', calls: sorted.slice(i, j), key: `c${sorted[i].callId}` });
    at = idx;
    i = j;
  }
  if (at < content.length) out.push({ kind: 'text', text: content.slice(at), key: `t${at}` });
  return out;
}

/** The first `lines` lines of a result, and whether more was left out. */
export function firstLines(text: string, lines: number): { head: string; more: boolean } {
  const parts = text.split('\n');
  if (parts.length <= lines && text.length <= 600) return { head: text, more: false };
  return { head: parts.slice(0, lines).join('\n').slice(0, 600), more: true };
}

/** Arguments as indented JSON when they parse (the model sends one line), else as sent. */
export function prettyArguments(args: string): string {
  if (!args.trim()) return '';
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}
