import { beforeEach, describe, expect, it, vi } from 'vitest';

const cancel = vi.fn();
vi.mock('../wailsjs/runtime/runtime', () => ({
  EventsOn: vi.fn(() => cancel),
  EventsOff: vi.fn(),
  BrowserOpenURL: vi.fn(),
}));

import * as runtime from '../wailsjs/runtime/runtime';
import { backend } from '../src/lib/bridge';
import type { BoundApp } from '../src/lib/contract.gen';

// window.go.main.App as Wails installs it: every bound method answers with its own name and
// arguments, so a wrapper that calls the wrong method or drops an argument is seen.
const calls: { method: string; args: unknown[] }[] = [];
const fakeApp = new Proxy({} as BoundApp, {
  get: (_t, method: string) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      return { answeredBy: method };
    },
});

describe('bridge', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    calls.length = 0;
    (window as unknown as { go: unknown }).go = { main: { App: fakeApp } };
  });

  it('onEvent subscribes with EventsOn and returns a working unsubscribe', () => {
    const handler = vi.fn();
    const off = backend.onEvent('chat:delta', handler);
    expect(runtime.EventsOn).toHaveBeenCalledWith('chat:delta', expect.any(Function));

    const cb = vi.mocked(runtime.EventsOn).mock.calls[0][1];
    const payload = { requestId: 'r1', conversationId: 'c', messageId: 'm', seq: 1, content: 'x', reasoning: '' };
    cb(payload);
    expect(handler).toHaveBeenCalledWith(payload);

    off();
    off();
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(runtime.EventsOff).not.toHaveBeenCalled();
  });

  it.each([
    ['send', () => backend.send('c1', '你好'), 'Send', ['c1', '你好']],
    ['sendWithImages', () => backend.sendWithImages('c1', '', ['data:image/png;base64,AA']), 'SendWithImages', ['c1', '', ['data:image/png;base64,AA']]],
    ['stop', () => backend.stop('r9'), 'Stop', ['r9']],
    ['saveKey', () => backend.saveKey('sk-1'), 'SaveKey', ['sk-1']],
    ['testKey', () => backend.testKey(''), 'TestKey', ['']],
    ['setEndpoint', () => backend.setEndpoint('custom', 'https://x/v1'), 'SetEndpoint', ['custom', 'https://x/v1']],
    ['setModel', () => backend.setModel('qwen-max'), 'SetModel', ['qwen-max']],
    ['conversation', () => backend.conversation('c7'), 'Conversation', ['c7']],
    ['status', () => backend.status(), 'Status', []],
    ['deleteKey', () => backend.deleteKey(), 'DeleteKey', []],
    ['models', () => backend.models(), 'Models', []],
    ['newConversation', () => backend.newConversation(), 'NewConversation', []],
    ['regenerate', () => backend.regenerate('c1', 'a1'), 'Regenerate', ['c1', 'a1']],
    ['continueReply', () => backend.continueReply('c1', 'a1'), 'ContinueReply', ['c1', 'a1']],
    ['editMessage', () => backend.editMessage('c1', 'u1', 'new'), 'EditMessage', ['c1', 'u1', 'new']],
    ['selectVersion', () => backend.selectVersion('c1', 'a2'), 'SelectVersion', ['c1', 'a2']],
    ['deleteMessage', () => backend.deleteMessage('c1', 'u1'), 'DeleteMessage', ['c1', 'u1']],
    ['listConversations', () => backend.listConversations('1.2.3', 100), 'ListConversations', ['1.2.3', 100]],
    ['renameConversation', () => backend.renameConversation('c1', '周报'), 'RenameConversation', ['c1', '周报']],
    ['pinConversation', () => backend.pinConversation('c1', true), 'PinConversation', ['c1', true]],
    ['deleteConversation', () => backend.deleteConversation('c1'), 'DeleteConversation', ['c1']],
    ['restoreConversation', () => backend.restoreConversation('c1'), 'RestoreConversation', ['c1']],
    ['search', () => backend.search('协程'), 'Search', ['协程']],
    ['exportConversations', () => backend.exportConversations([], 'json'), 'ExportConversations', [[], 'json']],
    ['importConversations', () => backend.importConversations(), 'ImportConversations', []],
    ['revealDataFolder', () => backend.revealDataFolder(), 'RevealDataFolder', []],
    ['viewState', () => backend.viewState(), 'ViewState', []],
    ['saveViewState', () => backend.saveViewState('c1', 120), 'SaveViewState', ['c1', 120]],
    ['setTitleOptions', () => backend.setTitleOptions(false, 'qwen-turbo'), 'SetTitleOptions', [false, 'qwen-turbo']],
    ['usage', () => backend.usage(7), 'Usage', [7]],
    ['prices', () => backend.prices(), 'Prices', []],
    ['promptPresets', () => backend.promptPresets(), 'PromptPresets', []],
  ] as const)('%s calls the bound method with its arguments and returns its result', async (_name, call, method, args) => {
    const result = await call();
    expect(calls).toEqual([{ method, args }]);
    expect(result).toEqual({ answeredBy: method });
  });

  it('passes a rejection through untouched', async () => {
    (window as unknown as { go: unknown }).go = {
      main: { App: { Send: () => Promise.reject({ kind: 'auth', message: 'invalid api key' }) } },
    };
    await expect(backend.send('c1', 'hi')).rejects.toEqual({ kind: 'auth', message: 'invalid api key' });
  });

  it('openExternal opens the system browser', () => {
    backend.openExternal('https://bailian.console.aliyun.com/');
    expect(runtime.BrowserOpenURL).toHaveBeenCalledWith('https://bailian.console.aliyun.com/');
  });
});
