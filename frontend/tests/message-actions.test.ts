import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ChatView from '../src/components/ChatView.svelte';
import ConversationSettingsPanel from '../src/components/ConversationSettingsPanel.svelte';
import { ChatStore } from '../src/lib/chat.svelte';
import { SettingsStore } from '../src/lib/settings.svelte';
import type { Conversation, ConversationSettings, Message } from '../src/lib/types';
import { conv, fakeBackend } from './fakes';

afterEach(() => cleanup());

const tick = () => new Promise((r) => setTimeout(r, 0));

const msg = (id: string, role: Message['role'], content: string, over: Partial<Message> = {}): Message => ({
  id,
  role,
  content,
  reasoning: '',
  status: 'complete',
  finishReason: role === 'assistant' ? 'stop' : '',
  model: 'qwen-plus',
  createdAt: '',
  ...over,
});

function conversation(settings: ConversationSettings = { model: 'qwen-plus', systemPrompt: '' }, messages?: Message[]): Conversation {
  return {
    ...conv,
    model: settings.model,
    settings,
    messages: messages ?? [
      msg('u1', 'user', 'First?'),
      msg('a1', 'assistant', 'One.', { versions: { index: 1, count: 3, ids: ['a0', 'a1', 'a2'] } }),
      msg('u2', 'user', 'Second?'),
      msg('a2', 'assistant', 'Two.'),
    ],
  };
}

async function view(c: Conversation | null = conversation()) {
  const fb = fakeBackend();
  if (c) fb.api.conversation.mockResolvedValue(structuredClone(c));
  const settings = new SettingsStore(fb.api);
  await settings.refresh();
  const chat = new ChatStore(fb.api, { model: () => settings.model, schedule: (fn) => fn() });
  chat.start();
  if (c) await chat.open('c1');
  render(ChatView, { chat, settings });
  flushSync();
  return { ...fb, chat, settings, composer: screen.getByTestId('composer') as HTMLTextAreaElement };
}

describe('message actions', () => {
  it('labels every action and offers regenerate only on replies, edit only on questions', async () => {
    await view();
    const bars = screen.getAllByTestId('message-actions');
    expect(bars).toHaveLength(4);
    expect(bars[0].getAttribute('aria-label')).toBe('Message actions');
    expect(bars[0].querySelector('[data-testid="action-edit"]')).toBeTruthy();
    expect(bars[0].querySelector('[data-testid="action-regenerate"]')).toBeNull();
    expect(bars[1].querySelector('[data-testid="action-regenerate"]')?.getAttribute('aria-label')).toBe('Regenerate');
    expect(bars[1].querySelector('[data-testid="action-edit"]')).toBeNull();
    expect(screen.getAllByTestId('action-copy')).toHaveLength(4);
  });

  it('the version pager shows 2/3 and selects the neighbouring version', async () => {
    const { api } = await view();
    const pager = screen.getByTestId('version-pager');
    expect(pager.textContent).toContain('2/3');
    expect(pager.getAttribute('aria-label')).toBe('Version 2 of 3');
    api.selectVersion.mockResolvedValueOnce(conversation(undefined, [msg('u1', 'user', 'First?'), msg('a2', 'assistant', 'Three.', { versions: { index: 2, count: 3, ids: ['a0', 'a1', 'a2'] } })]));
    await fireEvent.click(screen.getByTestId('version-next'));
    await tick();
    flushSync();
    expect(api.selectVersion).toHaveBeenCalledWith('c1', 'a2');
    expect(screen.getByTestId('version-pager').textContent).toContain('3/3');
    expect((screen.getByTestId('version-next') as HTMLButtonElement).disabled).toBe(true);
  });

  it('delete asks inline first; No keeps the message, Yes calls DeleteMessage', async () => {
    const { api } = await view();
    await fireEvent.click(screen.getAllByTestId('action-delete')[2]);
    expect(screen.getByTestId('confirm-delete').textContent).toContain('Delete this message and its reply?');
    await fireEvent.click(screen.getByTestId('confirm-no'));
    expect(screen.queryByTestId('confirm-delete')).toBeNull();
    expect(api.deleteMessage).not.toHaveBeenCalled();
    api.deleteMessage.mockResolvedValueOnce(conversation(undefined, [msg('u1', 'user', 'First?'), msg('a1', 'assistant', 'One.')]));
    await fireEvent.click(screen.getAllByTestId('action-delete')[2]);
    await fireEvent.click(screen.getByTestId('confirm-yes'));
    await tick();
    flushSync();
    expect(api.deleteMessage).toHaveBeenCalledWith('c1', 'u2');
    expect(screen.getAllByTestId('message')).toHaveLength(2);
  });

  it('↑ in an empty composer opens the editor of the last question; Esc cancels, Enter sends', async () => {
    const { composer, api } = await view();
    await fireEvent.input(composer, { target: { value: 'draft' } });
    await fireEvent.keyDown(composer, { key: 'ArrowUp' });
    expect(screen.queryByTestId('edit-message')).toBeNull();
    await fireEvent.input(composer, { target: { value: '' } });
    await fireEvent.keyDown(composer, { key: 'ArrowUp' });
    flushSync();
    const input = screen.getByTestId('edit-input') as HTMLTextAreaElement;
    expect(input.value).toBe('Second?');
    expect(document.activeElement).toBe(input);

    await fireEvent.keyDown(input, { key: 'Escape' });
    flushSync();
    expect(screen.queryByTestId('edit-message')).toBeNull();

    await fireEvent.click(screen.getAllByTestId('action-edit')[1]);
    flushSync();
    const again = screen.getByTestId('edit-input') as HTMLTextAreaElement;
    await fireEvent.input(again, { target: { value: 'Second, sharper?' } });
    await fireEvent.keyDown(again, { key: 'Enter', isComposing: true });
    await fireEvent.keyDown(again, { key: 'Enter', shiftKey: true });
    expect(api.editMessage).not.toHaveBeenCalled();
    api.editMessage.mockResolvedValueOnce({ requestId: 'rq1', conversationId: 'c1', userMessageId: 'nu1', assistantMessageId: 'na1' });
    await fireEvent.keyDown(again, { key: 'Enter' });
    await tick();
    flushSync();
    expect(api.editMessage).toHaveBeenCalledWith('c1', 'u2', 'Second, sharper?');
    expect(screen.queryByTestId('edit-message')).toBeNull();
    const msgs = screen.getAllByTestId('message');
    expect(msgs.map((m) => m.dataset.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(msgs[2].textContent).toContain('Second, sharper?');
    expect(msgs[3].dataset.status).toBe('streaming');
  });

  it('a moderation error offers to edit or remove the blocked question', async () => {
    const blocked = conversation(undefined, [
      msg('u1', 'user', 'Bad question'),
      msg('a1', 'assistant', '', { status: 'error', error: { kind: 'moderation', message: 'Input data may contain inappropriate content.', requestIdFromServer: '' } }),
    ]);
    const { api } = await view(blocked);
    expect(screen.getByTestId('error-notice').dataset.kind).toBe('moderation');
    await fireEvent.click(screen.getByTestId('error-edit'));
    flushSync();
    expect((screen.getByTestId('edit-input') as HTMLTextAreaElement).value).toBe('Bad question');
    api.deleteMessage.mockResolvedValueOnce(conversation(undefined, []));
    await fireEvent.click(screen.getByTestId('error-remove'));
    await tick();
    flushSync();
    expect(api.deleteMessage).toHaveBeenCalledWith('c1', 'u1');
  });

  it('a busy rejection shows a notice', async () => {
    const { api } = await view();
    api.regenerate.mockRejectedValueOnce({ kind: 'busy', message: 'A reply is still streaming.' });
    await fireEvent.click(screen.getAllByTestId('action-regenerate')[1]);
    await tick();
    flushSync();
    expect(screen.getByTestId('error-notice').dataset.kind).toBe('busy');
    expect(screen.getAllByTestId('message')).toHaveLength(4);
  });
});

describe('conversation settings', () => {
  it('the top-bar button is disabled with a hint until the conversation exists', async () => {
    await view(null);
    const btn = screen.getByTestId('open-conv-settings');
    expect(btn.getAttribute('aria-disabled')).toBe('true');
    expect(btn.getAttribute('title')).toContain('send a message first');
    await fireEvent.click(btn);
    expect(screen.queryByTestId('conv-settings')).toBeNull();
  });

  it('the top-bar picker changes the open conversation’s model, not the default', async () => {
    const { api } = await view();
    await fireEvent.click(screen.getByTestId('model-picker'));
    flushSync();
    await fireEvent.click(screen.getByText('qwen-max'));
    await tick();
    flushSync();
    expect(api.updateConversationSettings).toHaveBeenCalledWith('c1', { model: 'qwen-max', systemPrompt: '' });
    expect(api.setModel).not.toHaveBeenCalled();
    expect(screen.getByTestId('model-picker').textContent).toContain('qwen-max');
  });

  it('with no conversation the picker sets the default model', async () => {
    const { api } = await view(null);
    await fireEvent.click(screen.getByTestId('model-picker'));
    flushSync();
    await fireEvent.click(screen.getByText('qwen-max'));
    await tick();
    expect(api.setModel).toHaveBeenCalledWith('qwen-max');
    expect(api.updateConversationSettings).not.toHaveBeenCalled();
  });

  async function panel(s: ConversationSettings) {
    const fb = fakeBackend();
    fb.api.conversation.mockResolvedValue(conversation(s));
    const chat = new ChatStore(fb.api, { schedule: (fn) => fn() });
    await chat.open('c1');
    let closed = 0;
    render(ConversationSettingsPanel, { chat, list: { models: ['qwen-plus', 'qwq-plus'], live: true, problem: '' }, onClose: () => closed++ });
    flushSync();
    return { ...fb, chat, closed: () => closed };
  }

  it('out-of-range values show an error and do not call the backend', async () => {
    const { api, closed } = await panel({ model: 'qwen-plus', systemPrompt: '', temperature: 0.5 });
    await fireEvent.input(screen.getByTestId('conv-temperature'), { target: { value: '2' } });
    await fireEvent.click(screen.getByTestId('conv-max-default'));
    await fireEvent.input(screen.getByTestId('conv-max'), { target: { value: '0' } });
    flushSync();
    expect(screen.getByTestId('err-temperature').textContent).toBe('Temperature must be at least 0 and below 2.');
    expect(screen.getByTestId('err-maxTokens')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('conv-save'));
    await tick();
    expect(api.updateConversationSettings).not.toHaveBeenCalled();
    expect(closed()).toBe(0);
  });

  it('valid values are saved, with undefined for "default"', async () => {
    const { api, chat, closed } = await panel({ model: 'qwen-plus', systemPrompt: 'Be brief.', temperature: 0.5, topP: 0.9 });
    await fireEvent.input(screen.getByTestId('conv-system'), { target: { value: '  Be very brief.  ' } });
    await fireEvent.input(screen.getByTestId('conv-temperature'), { target: { value: '1.2' } });
    await fireEvent.click(screen.getByTestId('conv-topp-default'));
    await fireEvent.click(screen.getByTestId('conv-search'));
    await fireEvent.click(screen.getByTestId('conv-save'));
    await tick();
    expect(api.updateConversationSettings).toHaveBeenCalledTimes(1);
    const sent = api.updateConversationSettings.mock.calls[0][1];
    expect(sent).toEqual({ model: 'qwen-plus', systemPrompt: 'Be very brief.', temperature: 1.2, enableSearch: true });
    expect(sent.topP).toBeUndefined();
    expect(sent.maxTokens).toBeUndefined();
    expect(closed()).toBe(1);
    expect(chat.settings?.temperature).toBe(1.2);
  });

  it("shows Go's message when it still refuses", async () => {
    const { api, closed } = await panel({ model: 'qwen-plus', systemPrompt: '' });
    api.updateConversationSettings.mockRejectedValueOnce({ kind: 'invalid_input', message: 'Top-p must be above 0 and at most 1.' });
    await fireEvent.click(screen.getByTestId('conv-save'));
    await tick();
    flushSync();
    expect(screen.getByTestId('error-notice').textContent).toContain('Top-p must be above 0 and at most 1.');
    expect(closed()).toBe(0);
  });

  it('shows the thinking switch per model: a switch, always on, or hidden', async () => {
    await panel({ model: 'qwen3-max', systemPrompt: '' });
    let sw = screen.getByTestId('conv-thinking') as HTMLInputElement;
    expect(sw.disabled).toBe(false);
    expect(sw.checked).toBe(false);
    expect(screen.queryByTestId('conv-budget')).toBeNull();
    await fireEvent.click(sw);
    flushSync();
    expect(screen.getByTestId('conv-budget')).toBeTruthy();
    cleanup();

    await panel({ model: 'qwq-plus', systemPrompt: '' });
    sw = screen.getByTestId('conv-thinking') as HTMLInputElement;
    expect(sw.disabled).toBe(true);
    expect(sw.checked).toBe(true);
    expect(screen.getByText('This model always thinks.')).toBeTruthy();
    cleanup();

    await panel({ model: 'qwen-max', systemPrompt: '' });
    expect(screen.queryByTestId('conv-thinking')).toBeNull();
  });
});
