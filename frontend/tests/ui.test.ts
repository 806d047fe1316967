import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../src/App.svelte';
import ChatView from '../src/components/ChatView.svelte';
import SetupScreen from '../src/components/SetupScreen.svelte';
import { ChatStore } from '../src/lib/chat.svelte';
import { EV_DELTA, EV_DONE, EV_ERROR } from '../src/lib/events';
import { SettingsStore } from '../src/lib/settings.svelte';
import { appStatus, fakeBackend, keyStatus } from './fakes';

afterEach(() => cleanup());

const tick = () => new Promise((r) => setTimeout(r, 0));

async function chatView() {
  const fb = fakeBackend();
  const settings = new SettingsStore(fb.api);
  await settings.refresh();
  const chat = new ChatStore(fb.api, { model: () => settings.model, schedule: (fn) => fn() });
  chat.start();
  render(ChatView, { chat, settings });
  const composer = screen.getByTestId('composer') as HTMLTextAreaElement;
  return { ...fb, chat, settings, composer };
}

const base = { requestId: 'r1', conversationId: 'c1', messageId: 'a1' };

describe('chat view', () => {
  it('focuses the composer and shows the empty state with the key badge', async () => {
    const { composer } = await chatView();
    expect(document.activeElement).toBe(composer);
    expect(screen.getByTestId('key-badge').textContent).toContain('····abcd');
    expect(screen.getAllByTestId('example')).toHaveLength(4);
    expect((screen.getByTestId('send') as HTMLButtonElement).disabled).toBe(true);
  });

  it('an example prompt fills the input', async () => {
    const { composer } = await chatView();
    await fireEvent.click(screen.getAllByTestId('example')[0]);
    expect(composer.value).not.toBe('');
  });

  it('Enter sends, Shift+Enter and IME composition do not', async () => {
    const { composer, api } = await chatView();
    await fireEvent.input(composer, { target: { value: '你好' } });
    await fireEvent.keyDown(composer, { key: 'Enter', isComposing: true });
    await fireEvent.keyDown(composer, { key: 'Enter', keyCode: 229 });
    await fireEvent.keyDown(composer, { key: 'Enter', shiftKey: true });
    expect(api.send).not.toHaveBeenCalled();
    await fireEvent.keyDown(composer, { key: 'Enter' });
    await tick();
    expect(api.send).toHaveBeenCalledWith('c1', '你好');
  });

  it('streams into the message list, shows Stop, and Esc stops', async () => {
    const { composer, api, emit } = await chatView();
    await fireEvent.input(composer, { target: { value: 'Hi' } });
    await fireEvent.click(screen.getByTestId('send'));
    await tick();
    emit(EV_DELTA, { ...base, seq: 1, content: 'Hello\nthere', reasoning: '' });
    flushSync();

    const msgs = screen.getAllByTestId('message');
    expect(msgs.map((m) => [m.dataset.role, m.dataset.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'streaming'],
    ]);
    expect(msgs[1].textContent).toContain('Hello\nthere');
    expect(screen.queryByTestId('send')).toBeNull();

    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(api.stop).toHaveBeenCalledWith('r1');
    emit(EV_DONE, { ...base, seq: 2, status: 'stopped', finishReason: '' });
    flushSync();
    expect(screen.getAllByTestId('message')[1].dataset.status).toBe('stopped');
    expect(screen.getByText('Stopped — partial answer kept')).toBeTruthy();
    expect(screen.getByTestId('send')).toBeTruthy();
  });

  it('shows usage under a complete answer and an error notice with the request id', async () => {
    const { composer, emit } = await chatView();
    await fireEvent.input(composer, { target: { value: 'Hi' } });
    await fireEvent.click(screen.getByTestId('send'));
    await tick();
    emit(EV_DELTA, { ...base, seq: 1, content: 'Part', reasoning: '' });
    emit(EV_ERROR, { ...base, seq: 2, status: 'error', kind: 'auth', message: 'Incorrect API key provided.', requestIdFromServer: 'req-42' });
    flushSync();
    const notice = screen.getByTestId('error-notice');
    expect(notice.dataset.kind).toBe('auth');
    expect(notice.textContent).toContain('req-42');
    expect(notice.textContent).toContain('Incorrect API key provided.');
    expect(screen.getByText('Open settings')).toBeTruthy();
    expect(screen.getAllByTestId('message')[1].textContent).toContain('Part');
  });

  it('a failed Send puts the text back and shows why', async () => {
    const { composer, api } = await chatView();
    api.send.mockRejectedValueOnce('busy: already streaming');
    await fireEvent.input(composer, { target: { value: 'Do not lose me' } });
    await fireEvent.keyDown(composer, { key: 'Enter' });
    await tick();
    flushSync();
    expect(composer.value).toBe('Do not lose me');
    expect(screen.getByTestId('error-notice').dataset.kind).toBe('busy');
  });
});

describe('app', () => {
  it('shows setup without a key, with the keychain warning', async () => {
    const fb = fakeBackend();
    fb.api.status.mockResolvedValue(
      appStatus({ key: keyStatus({ hasKey: false, source: '', last4: '', keychainAvailable: false }) }),
    );
    const settings = new SettingsStore(fb.api);
    await settings.refresh();
    render(SetupScreen, { settings });
    expect(screen.getByText('Welcome to QwenDesk')).toBeTruthy();
    expect(screen.getByTestId('keychain-missing')).toBeTruthy();
    expect((screen.getByTestId('setup-key') as HTMLInputElement).type).toBe('password');
  });

  it('setup: an auth failure on Test says keys are bound to a region', async () => {
    const fb = fakeBackend();
    fb.api.status.mockResolvedValue(appStatus({ key: keyStatus({ hasKey: false, source: '', last4: '' }) }));
    fb.api.testKey.mockResolvedValueOnce({ ok: false, kind: 'auth', message: 'Invalid API-key', requestId: 'rq-1' });
    const settings = new SettingsStore(fb.api);
    await settings.refresh();
    render(SetupScreen, { settings });
    await fireEvent.input(screen.getByTestId('setup-key'), { target: { value: 'sk-abc' } });
    await fireEvent.change(screen.getByTestId('region'), { target: { value: 'singapore' } });
    await fireEvent.click(screen.getByTestId('setup-test'));
    await tick();
    flushSync();
    expect(fb.api.setEndpoint).toHaveBeenCalledWith('singapore', '');
    expect(fb.api.testKey).toHaveBeenCalledWith('sk-abc');
    expect(screen.getByText('Keys are bound to a region — check the region.')).toBeTruthy();
    expect(screen.getByTestId('error-notice').textContent).toContain('rq-1');
  });

  it('mounts through the real bridge against a mocked window.go', async () => {
    const w = window as unknown as Record<string, unknown>;
    const status = appStatus();
    w.go = {
      main: {
        App: {
          // The history is open: the app goes straight on to Status.
          Startup: async () => ({ ready: true, failed: '', version: '0.2.0', progress: { phase: 'checking', fromVersion: 5, toVersion: 5, version: 0, step: '', done: 0, total: 0 } }),
          Status: async () => status,
          Models: async () => ({ models: ['qwen-plus'], live: true, problem: '' }),
          ListConversations: async () => [],
          ViewState: async () => ({ conversationId: '', scrollTop: 0 }),
        },
      },
    };
    w.runtime = { EventsOnMultiple: () => () => {}, EventsOff: () => {}, BrowserOpenURL: () => {} };
    render(App);
    await tick();
    await tick();
    flushSync();
    expect(screen.getByTestId('composer')).toBeTruthy();
    expect(screen.getByTestId('model-picker').textContent).toContain('qwen-plus');
    delete w.go;
    delete w.runtime;
  });
});
