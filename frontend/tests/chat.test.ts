import { describe, expect, it } from 'vitest';
import { ChatStore } from '../src/lib/chat.svelte';
import { EV_DELTA, EV_DONE, EV_ERROR, EV_RETRY } from '../src/lib/events';
import { deferred, fakeBackend, turn } from './fakes';

function setup() {
  const fb = fakeBackend();
  const chat = new ChatStore(fb.api, { model: () => 'qwen-plus', schedule: (fn) => fn() });
  chat.start();
  return { ...fb, chat };
}

const base = { requestId: 'r1', conversationId: 'c1', messageId: 'a1' };
const delta = (seq: number, content: string, extra: Partial<typeof base> = {}) => ({
  ...base,
  ...extra,
  seq,
  content,
  reasoning: '',
});

async function sendHello(chat: ChatStore, text = 'Hello') {
  chat.draft = text;
  expect(await chat.send()).toBe(true);
}

const assistant = (chat: ChatStore) => chat.messages.find((m) => m.role === 'assistant')!;

describe('chat store', () => {
  it('shows the user message and a streaming assistant message after Send', async () => {
    const { chat, api } = setup();
    await sendHello(chat, '  你好  ');
    expect(api.send).toHaveBeenCalledWith('c1', '你好');
    expect(chat.draft).toBe('');
    expect(chat.messages.map((m) => [m.role, m.id, m.status])).toEqual([
      ['user', 'u1', 'complete'],
      ['assistant', 'a1', 'streaming'],
    ]);
    expect(chat.messages[0].content).toBe('你好');
    expect(assistant(chat).model).toBe('qwen-plus');
    expect(chat.busy).toBe(true);
  });

  it('appends deltas in order', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'Hel'));
    emit(EV_DELTA, delta(2, 'lo, '));
    emit(EV_DELTA, delta(3, '世界'));
    expect(assistant(chat).content).toBe('Hello, 世界');
  });

  it('keeps reasoning apart from the answer', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, { ...delta(1, ''), reasoning: 'Let me think. ' });
    emit(EV_DELTA, delta(2, 'Answer'));
    expect(assistant(chat).reasoning).toBe('Let me think. ');
    expect(assistant(chat).content).toBe('Answer');
  });

  it('applies a duplicated event (same seq) once', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'A'));
    emit(EV_DELTA, delta(1, 'A'));
    emit(EV_DELTA, delta(2, 'B'));
    emit(EV_DELTA, delta(2, 'B'));
    expect(assistant(chat).content).toBe('AB');
  });

  it('ignores an out-of-order older seq', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'one '));
    emit(EV_DELTA, delta(2, 'two '));
    emit(EV_DELTA, delta(1, 'late '));
    emit(EV_DELTA, delta(3, 'three'));
    expect(assistant(chat).content).toBe('one two three');
  });

  it('ignores events for another requestId', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'mine'));
    emit(EV_DELTA, delta(2, 'theirs', { requestId: 'other', messageId: 'x9' }));
    emit(EV_DONE, { ...base, requestId: 'other', seq: 3, status: 'complete', finishReason: 'stop' });
    expect(assistant(chat).content).toBe('mine');
    expect(assistant(chat).status).toBe('streaming');
    expect(chat.messages.some((m) => m.id === 'x9')).toBe(false);
  });

  it('applies events that arrive before Send resolves', async () => {
    const { chat, api, emit } = setup();
    const d = deferred<ReturnType<typeof turn>>();
    api.send.mockReturnValueOnce(d.promise);
    chat.draft = 'Hi';
    const sent = chat.send();
    await Promise.resolve();
    await Promise.resolve();
    emit(EV_DELTA, delta(1, 'early '));
    emit(EV_DELTA, delta(1, 'early '));
    emit(EV_DELTA, delta(1, 'stranger', { requestId: 'r-other' }));
    d.resolve(turn(1));
    await sent;
    emit(EV_DELTA, delta(2, 'bird'));
    expect(assistant(chat).content).toBe('early bird');
  });

  it('done sets the status, finish reason and usage, and frees the composer', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'Hi!'));
    const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 };
    emit(EV_DONE, { ...base, seq: 2, status: 'complete', finishReason: 'stop', usage });
    const m = assistant(chat);
    expect(m.status).toBe('complete');
    expect(m.finishReason).toBe('stop');
    expect(m.usage).toEqual(usage);
    expect(chat.busy).toBe(false);
  });

  it('ignores events after the turn has ended', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'Hi'));
    emit(EV_DONE, { ...base, seq: 2, status: 'complete', finishReason: 'stop' });
    emit(EV_DELTA, delta(3, ' extra'));
    expect(assistant(chat).content).toBe('Hi');
    expect(assistant(chat).status).toBe('complete');
  });

  it('an error keeps the partial text and sets the error', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'Partial ans'));
    emit(EV_ERROR, {
      ...base,
      seq: 2,
      status: 'error',
      kind: 'network',
      message: 'connection reset',
      requestIdFromServer: 'req-123',
    });
    const m = assistant(chat);
    expect(m.content).toBe('Partial ans');
    expect(m.status).toBe('error');
    expect(m.error).toEqual({ kind: 'network', message: 'connection reset', requestIdFromServer: 'req-123' });
    expect(chat.busy).toBe(false);
  });

  it('a truncated stream keeps the text and is marked truncated', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'Half'));
    emit(EV_ERROR, { ...base, seq: 2, status: 'truncated', kind: 'truncated', message: '', requestIdFromServer: '' });
    expect(assistant(chat).status).toBe('truncated');
    expect(assistant(chat).content).toBe('Half');
  });

  it('shows a retry notice until text arrives', async () => {
    const { chat, emit } = setup();
    await sendHello(chat);
    emit(EV_RETRY, { ...base, seq: 1, attempt: 2, delayMs: 1000, kind: 'rate_limit' });
    expect(assistant(chat).retry?.attempt).toBe(2);
    emit(EV_DELTA, delta(2, 'ok'));
    expect(assistant(chat).retry).toBeFalsy();
  });

  it('stop calls the bridge with the requestId; done marks it stopped and keeps the text', async () => {
    const { chat, api, emit } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'Some'));
    await chat.stop();
    expect(api.stop).toHaveBeenCalledWith('r1');
    emit(EV_DONE, { ...base, seq: 2, status: 'stopped', finishReason: '' });
    expect(assistant(chat).status).toBe('stopped');
    expect(assistant(chat).content).toBe('Some');
  });

  it('a stop pressed before Send resolves is sent once the turn exists', async () => {
    const { chat, api } = setup();
    const d = deferred<ReturnType<typeof turn>>();
    api.send.mockReturnValueOnce(d.promise);
    chat.draft = 'Hi';
    const sent = chat.send();
    await chat.stop();
    expect(api.stop).not.toHaveBeenCalled();
    d.resolve(turn(1));
    await sent;
    await Promise.resolve();
    expect(api.stop).toHaveBeenCalledWith('r1');
  });

  it('a failed Send restores the draft text and shows the error', async () => {
    const { chat, api } = setup();
    api.send.mockRejectedValueOnce('busy: a reply is already streaming');
    chat.draft = 'Keep this text\nplease';
    expect(await chat.send()).toBe(false);
    expect(chat.draft).toBe('Keep this text\nplease');
    expect(chat.messages).toHaveLength(0);
    expect(chat.notice).toEqual({ kind: 'busy', message: 'a reply is already streaming', requestIdFromServer: '' });
    expect(chat.busy).toBe(false);
  });

  it('a failed conversation creation also restores the draft', async () => {
    const { chat, api } = setup();
    api.newConversation.mockRejectedValueOnce(new Error('disk full'));
    chat.draft = 'Hello';
    expect(await chat.send()).toBe(false);
    expect(chat.draft).toBe('Hello');
    expect(chat.notice?.message).toBe('disk full');
    expect(api.send).not.toHaveBeenCalled();
  });

  it('cannot send while streaming, nor empty or whitespace-only text', async () => {
    const { chat, api } = setup();
    chat.draft = '   \n  ';
    expect(chat.canSend).toBe(false);
    expect(await chat.send()).toBe(false);
    expect(api.send).not.toHaveBeenCalled();

    await sendHello(chat);
    chat.draft = 'second';
    expect(chat.canSend).toBe(false);
    expect(await chat.send()).toBe(false);
    expect(api.send).toHaveBeenCalledTimes(1);
    expect(chat.draft).toBe('second');
  });

  it('reuses the conversation for the next turn', async () => {
    const { chat, api, emit } = setup();
    await sendHello(chat);
    emit(EV_DONE, { ...base, seq: 1, status: 'complete', finishReason: 'stop' });
    await sendHello(chat, 'Again');
    expect(api.newConversation).toHaveBeenCalledTimes(1);
    expect(api.send).toHaveBeenLastCalledWith('c1', 'Again');
    expect(chat.messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });

  it('after a gap in seq, takes the stored text when the turn ends', async () => {
    const { chat, api, emit } = setup();
    await sendHello(chat);
    api.conversation.mockResolvedValueOnce({
      id: 'c1',
      title: '',
      settings: { model: 'qwen-plus', systemPrompt: '' },
      model: 'qwen-plus',
      pinned: false,
      messages: [
        { id: 'a1', role: 'assistant', content: 'A B C', reasoning: '', status: 'complete', finishReason: 'stop', model: 'qwen-plus', createdAt: '' },
      ],
    });
    emit(EV_DELTA, delta(1, 'A '));
    emit(EV_DELTA, delta(3, 'C'));
    emit(EV_DONE, { ...base, seq: 4, status: 'complete', finishReason: 'stop' });
    await new Promise((r) => setTimeout(r, 0));
    expect(api.conversation).toHaveBeenCalledWith('c1');
    expect(assistant(chat).content).toBe('A B C');
  });

  it('batches deltas until the scheduled flush', async () => {
    const fb = fakeBackend();
    const queued: Array<() => void> = [];
    const chat = new ChatStore(fb.api, { schedule: (fn) => queued.push(fn) });
    chat.start();
    await sendHello(chat);
    fb.emit(EV_DELTA, delta(1, 'a'));
    fb.emit(EV_DELTA, delta(2, 'b'));
    expect(queued).toHaveLength(1);
    expect(assistant(chat).content).toBe('');
    queued[0]();
    expect(assistant(chat).content).toBe('ab');
  });

  it('dispose unsubscribes from every chat event', () => {
    const { chat, listenerCount } = setup();
    chat.start();
    expect(listenerCount(EV_DELTA)).toBe(1);
    chat.dispose();
    for (const n of [EV_DELTA, EV_DONE, EV_ERROR, EV_RETRY]) expect(listenerCount(n)).toBe(0);
  });

  it('switching away while a reply streams keeps its text out of the other conversation', async () => {
    const { chat, emit, api } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'Hel'));
    api.conversation.mockResolvedValueOnce({ id: 'c2', title: 'Other', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, messages: [] });
    expect(await chat.open('c2')).toBe(true);
    emit(EV_DELTA, delta(2, 'lo'));
    expect(chat.conversation?.id).toBe('c2');
    expect(chat.messages).toEqual([]);
    expect(chat.busy).toBe(true);
    emit(EV_DONE, { ...base, seq: 3, status: 'complete', finishReason: 'stop' });
    expect(chat.busy).toBe(false);
    expect(chat.messages).toEqual([]);
  });

  it('coming back to a conversation whose reply finished elsewhere shows Go’s stored text', async () => {
    const { chat, emit, api } = setup();
    await sendHello(chat);
    emit(EV_DELTA, delta(1, 'Hel'));
    api.conversation.mockResolvedValueOnce({ id: 'c2', title: '', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, messages: [] });
    await chat.open('c2');
    const stored = {
      id: 'c1',
      title: '',
      model: 'qwen-plus',
      settings: { model: 'qwen-plus', systemPrompt: '' },
      pinned: false,
      messages: [
        { id: 'u1', role: 'user' as const, content: 'Hello', reasoning: '', status: 'complete' as const, finishReason: '', model: '', createdAt: '' },
        { id: 'a1', role: 'assistant' as const, content: 'Hello there', reasoning: '', status: 'complete' as const, finishReason: 'stop', model: 'qwen-plus', createdAt: '' },
      ],
    };
    api.conversation.mockResolvedValue(stored);
    await chat.open('c1');
    emit(EV_DELTA, delta(2, 'lo there'));
    emit(EV_DONE, { ...base, seq: 3, status: 'complete', finishReason: 'stop' });
    await new Promise((r) => setTimeout(r, 0));
    expect(assistant(chat).content).toBe('Hello there');
    expect(assistant(chat).status).toBe('complete');
  });
});
