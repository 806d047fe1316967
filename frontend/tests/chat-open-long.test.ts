// A long conversation opens with its latest messages first, then the rest.
import { describe, expect, it, vi } from 'vitest';
import { ChatStore } from '../src/lib/chat.svelte';
import type { Conversation, Message } from '../src/lib/types';
import { conv, deferred, fakeBackend, turn } from './fakes';

const messages = (n: number): Message[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 ? 'assistant' : 'user',
    content: `message ${i}`,
    reasoning: '',
    status: 'complete',
    finishReason: 'stop',
    model: 'qwen-plus',
    createdAt: '',
  }));

function setup(total: number) {
  const fb = fakeBackend();
  const all = messages(total);
  const rest = deferred<Conversation>();
  const conversationLatest = vi.fn(async (_id: string, limit: number): Promise<Conversation> => ({
    ...conv,
    messages: all.slice(-limit),
    earlier: Math.max(0, total - limit),
  }));
  fb.api.conversation.mockImplementation(() => rest.promise);
  const api = Object.assign(fb.api, { conversationLatest });
  const chat = new ChatStore(api, { model: () => 'qwen-plus', schedule: (fn) => fn() });
  chat.start();
  return { ...fb, chat, all, rest, conversationLatest };
}

describe('opening a long conversation', () => {
  // Fails if the window waits for all 5,000 messages before showing any, or renders the
  // latest again when the rest arrives (new objects), or loses the older ones.
  it('shows the latest at once and keeps them when the rest arrives', async () => {
    const { chat, api, all, rest, conversationLatest } = setup(5000);
    const opened = chat.open('c1');
    await vi.waitFor(() => expect(chat.messages.length).toBeGreaterThan(0));
    expect(conversationLatest).toHaveBeenCalledWith('c1', expect.any(Number));
    const latest = chat.messages.length;
    expect(latest).toBeLessThan(200);
    expect(chat.messages.at(-1)!.id).toBe('m4999');
    const newest = chat.messages.at(-1);
    rest.resolve({ ...conv, messages: all });
    expect(await opened).toBe(true);
    expect(api.conversation).toHaveBeenCalledTimes(1);
    expect(chat.messages.length).toBe(5000);
    expect(chat.messages[0].id).toBe('m0');
    expect(chat.messages.at(-1)).toBe(newest); // the same object: nothing to render again
  });

  it('a short conversation takes one call', async () => {
    const { chat, api } = setup(8);
    expect(await chat.open('c1')).toBe(true);
    expect(chat.messages.map((m) => m.id)).toEqual(messages(8).map((m) => m.id));
    expect(api.conversation).not.toHaveBeenCalled();
  });

  // Fails if a question sent in the moment between the two loads disappears when the rest
  // of the conversation replaces the list.
  it('a question sent while the rest is on its way stays', async () => {
    const { chat, api, all, rest } = setup(300);
    const opened = chat.open('c1');
    await vi.waitFor(() => expect(chat.messages.length).toBeGreaterThan(0));
    api.send.mockResolvedValueOnce(turn(1));
    chat.draft = 'one more';
    expect(await chat.send()).toBe(true);
    rest.resolve({ ...conv, messages: all });
    await opened;
    expect(chat.messages.length).toBe(302);
    expect(chat.messages.at(-2)!.content).toBe('one more');
    expect(chat.messages.at(-1)!.role).toBe('assistant');
  });
});
