import { describe, expect, it } from 'vitest';
import { ChatStore } from '../src/lib/chat.svelte';
import { fromForm, modelTakesThinking, thinkingMode, toForm, validate } from '../src/lib/convSettings';
import { EV_DELTA, EV_DONE, EV_ERROR } from '../src/lib/events';
import type { Conversation, Message } from '../src/lib/types';
import { conv, deferred, fakeBackend } from './fakes';

const msg = (id: string, role: Message['role'], content: string, over: Partial<Message> = {}): Message => ({
  id,
  role,
  content,
  reasoning: '',
  status: 'complete',
  finishReason: role === 'assistant' ? 'stop' : '',
  model: role === 'assistant' ? 'qwen-plus' : '',
  createdAt: '',
  ...over,
});

const shown: Conversation = {
  ...conv,
  settings: { model: 'qwen-plus', systemPrompt: '' },
  messages: [msg('u1', 'user', 'First?'), msg('a1', 'assistant', 'One.'), msg('u2', 'user', 'Second?'), msg('a2', 'assistant', 'Two.')],
};

async function opened() {
  const fb = fakeBackend();
  fb.api.conversation.mockResolvedValue(structuredClone(shown));
  const chat = new ChatStore(fb.api, { model: () => 'default-model', schedule: (fn) => fn() });
  chat.start();
  expect(await chat.open('c1')).toBe(true);
  return { ...fb, chat };
}

const ids = (chat: ChatStore) => chat.messages.map((m) => m.id);
const turnOf = (n: number, over = {}) => ({ requestId: `rq${n}`, conversationId: 'c1', userMessageId: `nu${n}`, assistantMessageId: `na${n}`, ...over });
const busy = { kind: 'busy', message: 'A reply is still streaming in this conversation.' };

describe('regenerate', () => {
  it('streams the new answer in place of the shown reply and reloads from Go at the end', async () => {
    const { chat, api, emit } = await opened();
    api.regenerate.mockResolvedValueOnce(turnOf(1, { userMessageId: 'u1' }));
    expect(await chat.regenerate('a1')).toBe(true);
    expect(api.regenerate).toHaveBeenCalledWith('c1', 'a1');
    // The old reply and everything after it leave the view; the new one streams where it was.
    expect(ids(chat)).toEqual(['u1', 'na1']);
    expect(chat.messages[1]).toMatchObject({ role: 'assistant', status: 'streaming', content: '', model: 'qwen-plus' });
    expect(chat.messages[1].versions).toEqual({ index: 1, count: 2, ids: ['a1', 'na1'] });
    expect(chat.busy).toBe(true);

    const stored: Conversation = {
      ...shown,
      messages: [shown.messages[0], msg('na1', 'assistant', 'Uno.', { versions: { index: 1, count: 2, ids: ['a1', 'na1'] } })],
    };
    api.conversation.mockResolvedValueOnce(stored);
    const base = { requestId: 'rq1', conversationId: 'c1', messageId: 'na1' };
    emit(EV_DELTA, { ...base, seq: 1, content: 'Uno', reasoning: '' });
    expect(chat.messages[1].content).toBe('Uno');
    const callsBefore = api.conversation.mock.calls.length;
    emit(EV_DONE, { ...base, seq: 2, status: 'complete', finishReason: 'stop' });
    expect(chat.busy).toBe(false);
    await new Promise((r) => setTimeout(r, 0));
    expect(api.conversation.mock.calls.length).toBe(callsBefore + 1);
    expect(chat.messages[1].content).toBe('Uno.');
    expect(chat.messages[1].versions?.count).toBe(2);
  });

  it('applies events that arrive before Regenerate resolves', async () => {
    const { chat, api, emit } = await opened();
    const d = deferred<ReturnType<typeof turnOf>>();
    api.regenerate.mockReturnValueOnce(d.promise);
    const p = chat.regenerate('a2');
    emit(EV_DELTA, { requestId: 'rq1', conversationId: 'c1', messageId: 'na1', seq: 1, content: 'Early', reasoning: '' });
    d.resolve(turnOf(1, { userMessageId: 'u2' }));
    await p;
    expect(ids(chat)).toEqual(['u1', 'a1', 'u2', 'na1']);
    expect(chat.messages[3].content).toBe('Early');
  });

  it('a busy rejection shows a notice and changes nothing', async () => {
    const { chat, api } = await opened();
    api.regenerate.mockRejectedValueOnce(busy);
    expect(await chat.regenerate('a2')).toBe(false);
    expect(chat.notice?.kind).toBe('busy');
    expect(ids(chat)).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(chat.busy).toBe(false);
  });

  it('does not start while a reply streams', async () => {
    const { chat, api } = await opened();
    chat.draft = 'Third?';
    await chat.send();
    expect(await chat.regenerate('a1')).toBe(false);
    expect(api.regenerate).not.toHaveBeenCalled();
    expect(chat.notice?.kind).toBe('busy');
  });
});

describe('edit', () => {
  it('shows the messages up to the parent, the new question and the streaming reply; reloads at the end', async () => {
    const { chat, api, emit } = await opened();
    chat.startEdit('u2');
    expect(chat.editingId).toBe('u2');
    api.editMessage.mockResolvedValueOnce(turnOf(1));
    expect(await chat.editMessage('u2', '  Second, better?  ')).toBe(true);
    expect(api.editMessage).toHaveBeenCalledWith('c1', 'u2', 'Second, better?');
    expect(ids(chat)).toEqual(['u1', 'a1', 'nu1', 'na1']);
    expect(chat.messages[2]).toMatchObject({ role: 'user', content: 'Second, better?', versions: { index: 1, count: 2, ids: ['u2', 'nu1'] } });
    expect(chat.messages[3].status).toBe('streaming');
    expect(chat.editingId).toBe('');

    const base = { requestId: 'rq1', conversationId: 'c1', messageId: 'na1' };
    emit(EV_DELTA, { ...base, seq: 1, content: 'Better.', reasoning: '' });
    expect(chat.messages[3].content).toBe('Better.');
    const calls = api.conversation.mock.calls.length;
    emit(EV_ERROR, { ...base, seq: 2, status: 'error', kind: 'moderation', message: 'blocked', requestIdFromServer: '' });
    await new Promise((r) => setTimeout(r, 0));
    expect(api.conversation.mock.calls.length).toBe(calls + 1);
  });

  it('editing the first question keeps nothing above it', async () => {
    const { chat, api } = await opened();
    api.editMessage.mockResolvedValueOnce(turnOf(1));
    await chat.editMessage('u1', 'Zero?');
    expect(ids(chat)).toEqual(['nu1', 'na1']);
  });

  it('a busy rejection keeps the view and the open editor', async () => {
    const { chat, api } = await opened();
    chat.startEdit('u2');
    api.editMessage.mockRejectedValueOnce(busy);
    expect(await chat.editMessage('u2', 'Changed')).toBe(false);
    expect(chat.notice?.kind).toBe('busy');
    expect(ids(chat)).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(chat.editingId).toBe('u2');
  });

  it('↑ (editLast) opens the editor of the last user message', async () => {
    const { chat } = await opened();
    expect(chat.editLast()).toBe(true);
    expect(chat.editingId).toBe('u2');
    chat.cancelEdit();
    expect(chat.editingId).toBe('');
    chat.newChat();
    expect(chat.editLast()).toBe(false);
  });
});

describe('versions and delete', () => {
  it('selecting a version replaces the messages with the returned conversation', async () => {
    const { chat, api } = await opened();
    const other: Conversation = { ...shown, messages: [shown.messages[0], msg('a1b', 'assistant', 'Another one.', { versions: { index: 0, count: 2, ids: ['a1b', 'a1'] } })] };
    api.selectVersion.mockResolvedValueOnce(other);
    expect(await chat.selectVersion('a1b')).toBe(true);
    expect(api.selectVersion).toHaveBeenCalledWith('c1', 'a1b');
    expect(ids(chat)).toEqual(['u1', 'a1b']);
    expect(chat.messages[1].versions?.index).toBe(0);
  });

  it('delete replaces the messages with the returned conversation', async () => {
    const { chat, api } = await opened();
    api.deleteMessage.mockResolvedValueOnce({ ...shown, messages: shown.messages.slice(0, 2) });
    expect(await chat.deleteMessage('u2')).toBe(true);
    expect(api.deleteMessage).toHaveBeenCalledWith('c1', 'u2');
    expect(ids(chat)).toEqual(['u1', 'a1']);
  });

  it('busy rejections surface as a notice and change nothing', async () => {
    const { chat, api } = await opened();
    api.selectVersion.mockRejectedValueOnce(busy);
    api.deleteMessage.mockRejectedValueOnce(JSON.stringify(busy));
    expect(await chat.selectVersion('a1')).toBe(false);
    expect(chat.notice?.kind).toBe('busy');
    chat.dismissNotice();
    expect(await chat.deleteMessage('a1')).toBe(false);
    expect(chat.notice).toMatchObject(busy);
    expect(ids(chat)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });
});

describe('conversation settings', () => {
  it('saves through UpdateConversationSettings and the model follows', async () => {
    const { chat, api } = await opened();
    expect(chat.settings?.model).toBe('qwen-plus');
    expect(await chat.setConversationModel('qwen3-max')).toBe(true);
    expect(api.updateConversationSettings).toHaveBeenCalledWith('c1', { model: 'qwen3-max', systemPrompt: '' });
    expect(chat.settings?.model).toBe('qwen3-max');
    expect(chat.conversation?.model).toBe('qwen3-max');
  });

  it("Go's refusal of a model change is shown as a notice", async () => {
    const { chat, api } = await opened();
    api.updateConversationSettings.mockRejectedValueOnce({ kind: 'invalid_input', message: 'A model id is one word, like qwen-plus.' });
    expect(await chat.setConversationModel('bad id')).toBe(false);
    expect(chat.notice?.message).toContain('one word');
    expect(chat.settings?.model).toBe('qwen-plus');
  });

  it('new replies are labelled with the conversation model', async () => {
    const { chat, api } = await opened();
    await chat.setConversationModel('qwen-max');
    api.send.mockResolvedValueOnce(turnOf(9));
    chat.draft = 'Hi';
    await chat.send();
    expect(chat.messages.at(-1)?.model).toBe('qwen-max');
  });
});

describe('convSettings', () => {
  it('knows which models take thinking', () => {
    expect(thinkingMode('qwen3-max')).toBe('switch');
    expect(thinkingMode('qwen-plus-latest')).toBe('switch');
    expect(thinkingMode('qwen-flash')).toBe('switch');
    expect(thinkingMode('qwen-turbo')).toBe('switch');
    expect(thinkingMode('qwq-plus')).toBe('always');
    expect(thinkingMode('qvq-max')).toBe('always');
    expect(thinkingMode('qwen3-235b-a22b-thinking-2507')).toBe('always');
    expect(thinkingMode('qwen-max')).toBe('hidden');
    expect(thinkingMode('qwen3-coder-plus')).toBe('hidden');
    expect(thinkingMode('qwen3-235b-a22b-instruct-2507')).toBe('hidden');
    expect(modelTakesThinking('qwen-vl-max')).toBe(false);
  });

  it('validates with the same ranges as Go', () => {
    const ok = toForm({ model: 'qwen3-max', systemPrompt: '' });
    expect(validate(ok)).toEqual({});
    expect(validate({ ...ok, temperature: 2 })).toEqual({ temperature: 'conv.err.temperature' });
    expect(validate({ ...ok, temperature: 0 })).toEqual({});
    expect(validate({ ...ok, temperature: 1.99 })).toEqual({});
    expect(validate({ ...ok, temperature: Number.NaN })).toEqual({ temperature: 'conv.err.temperature' });
    expect(validate({ ...ok, topP: 0 })).toEqual({ topP: 'conv.err.topP' });
    expect(validate({ ...ok, topP: 1 })).toEqual({});
    expect(validate({ ...ok, maxTokens: 0 })).toEqual({ maxTokens: 'conv.err.maxTokens' });
    expect(validate({ ...ok, maxTokens: 131072 })).toEqual({});
    expect(validate({ ...ok, maxTokens: 131073 })).toEqual({ maxTokens: 'conv.err.maxTokens' });
    expect(validate({ ...ok, maxTokens: 1.5 })).toEqual({ maxTokens: 'conv.err.maxTokens' });
    expect(validate({ ...ok, thinkingBudget: 0 })).toEqual({ thinkingBudget: 'conv.err.thinkingBudget' });
    expect(validate({ ...ok, systemPrompt: '字'.repeat(20000) })).toEqual({});
    expect(validate({ ...ok, systemPrompt: '字'.repeat(20001) })).toEqual({ systemPrompt: 'conv.err.systemPrompt' });
    expect(validate({ ...ok, model: 'two words' })).toEqual({ model: 'conv.err.model' });
  });

  it('sends undefined for defaults and leaves out switches the model does not offer', () => {
    const before = { model: 'qwen-plus', systemPrompt: '' };
    const f = { ...toForm(before), temperature: 0.3, thinking: true, thinkingBudget: 512 };
    expect(fromForm(f, before)).toEqual({ model: 'qwen-plus', systemPrompt: '', temperature: 0.3, enableThinking: true, thinkingBudget: 512 });
    expect(fromForm({ ...f, model: 'qwen-max' }, before)).toEqual({ model: 'qwen-max', systemPrompt: '', temperature: 0.3 });
    // A switch turned off after being on is sent as false, not dropped.
    expect(fromForm({ ...toForm(before), search: false }, { ...before, enableSearch: true })).toEqual({ ...before, enableSearch: false });
  });
});

describe('continue', () => {
  it('streams the continuation into the same reply and keeps what was there', async () => {
    const { chat, api, emit } = await opened();
    chat.messages[3].finishReason = 'length';
    expect(await chat.continueReply('a2')).toBe(true);
    expect(api.continueReply).toHaveBeenCalledWith('c1', 'a2');
    const turn = await api.continueReply.mock.results[0].value;
    expect(ids(chat)).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(chat.messages[3]).toMatchObject({ status: 'streaming', content: 'Two.', finishReason: '' });
    emit(EV_DELTA, { requestId: turn.requestId, conversationId: 'c1', messageId: 'a2', seq: 1, content: ' And three.', reasoning: '' });
    expect(chat.messages[3].content).toBe('Two. And three.');
  });
});
