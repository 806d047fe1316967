import { beforeEach, describe, expect, it, vi } from 'vitest';

const cancel = vi.fn();
vi.mock('../wailsjs/runtime/runtime', () => ({
  EventsOn: vi.fn(() => cancel),
  EventsOff: vi.fn(),
  BrowserOpenURL: vi.fn(),
}));
vi.mock('../wailsjs/go/main/App', () => ({
  Status: vi.fn(async () => ({ model: 'qwen-plus' })),
  SaveKey: vi.fn(async () => ({ hasKey: true })),
  TestKey: vi.fn(async () => ({ ok: true })),
  DeleteKey: vi.fn(async () => ({ hasKey: false })),
  SetEndpoint: vi.fn(async () => ({ region: 'custom' })),
  Models: vi.fn(async () => ({ models: [] })),
  SetModel: vi.fn(async (m: string) => m),
  ModelInfo: vi.fn(async () => ({})),
  NewConversation: vi.fn(async () => ({ id: 'c1' })),
  Conversation: vi.fn(async (id: string) => ({ id })),
  Send: vi.fn(async () => ({ requestId: 'r1' })),
  Stop: vi.fn(async () => {}),
  ListConversations: vi.fn(async () => [{ id: 'c1' }]),
  RenameConversation: vi.fn(async () => {}),
  PinConversation: vi.fn(async () => {}),
  DeleteConversation: vi.fn(async () => {}),
  RestoreConversation: vi.fn(async () => {}),
  Search: vi.fn(async () => [{ conversationId: 'c1', hits: [] }]),
  ExportConversations: vi.fn(async () => '/tmp/x.md'),
  ImportConversations: vi.fn(async () => ({ conversations: 1, messages: 2, renamed: 0, cancelled: false })),
  RevealDataFolder: vi.fn(async () => {}),
  ViewState: vi.fn(async () => ({ conversationId: 'c1', scrollTop: 5 })),
  SaveViewState: vi.fn(async () => {}),
  SetTitleOptions: vi.fn(async (enabled: boolean, model: string) => ({ enabled, model })),
}));

import * as App from '../wailsjs/go/main/App';
import * as runtime from '../wailsjs/runtime/runtime';
import * as bridge from '../src/lib/bridge';

describe('bridge', () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it('onEvent subscribes with EventsOn and returns a working unsubscribe', () => {
    const handler = vi.fn();
    const off = bridge.onEvent('chat:delta', handler);
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
    ['send', () => bridge.send('c1', '你好'), App.Send, ['c1', '你好']],
    ['stop', () => bridge.stop('r9'), App.Stop, ['r9']],
    ['saveKey', () => bridge.saveKey('sk-1'), App.SaveKey, ['sk-1']],
    ['testKey', () => bridge.testKey(''), App.TestKey, ['']],
    ['setEndpoint', () => bridge.setEndpoint('custom', 'https://x/v1'), App.SetEndpoint, ['custom', 'https://x/v1']],
    ['setModel', () => bridge.setModel('qwen-max'), App.SetModel, ['qwen-max']],
    ['conversation', () => bridge.conversation('c7'), App.Conversation, ['c7']],
    ['status', () => bridge.status(), App.Status, []],
    ['deleteKey', () => bridge.deleteKey(), App.DeleteKey, []],
    ['models', () => bridge.models(), App.Models, []],
    ['modelInfo', () => bridge.modelInfo(), App.ModelInfo, []],
    ['newConversation', () => bridge.newConversation(), App.NewConversation, []],
    ['listConversations', () => bridge.listConversations(), App.ListConversations, []],
    ['renameConversation', () => bridge.renameConversation('c1', '周报'), App.RenameConversation, ['c1', '周报']],
    ['pinConversation', () => bridge.pinConversation('c1', true), App.PinConversation, ['c1', true]],
    ['deleteConversation', () => bridge.deleteConversation('c1'), App.DeleteConversation, ['c1']],
    ['restoreConversation', () => bridge.restoreConversation('c1'), App.RestoreConversation, ['c1']],
    ['search', () => bridge.search('协程'), App.Search, ['协程']],
    ['exportConversations', () => bridge.exportConversations([], 'json'), App.ExportConversations, [[], 'json']],
    ['importConversations', () => bridge.importConversations(), App.ImportConversations, []],
    ['revealDataFolder', () => bridge.revealDataFolder(), App.RevealDataFolder, []],
    ['viewState', () => bridge.viewState(), App.ViewState, []],
    ['saveViewState', () => bridge.saveViewState('c1', 120), App.SaveViewState, ['c1', 120]],
    ['setTitleOptions', () => bridge.setTitleOptions(false, 'qwen-turbo'), App.SetTitleOptions, [false, 'qwen-turbo']],
  ] as const)('%s passes its arguments through and returns the result', async (_name, call, fn, args) => {
    const result = await call();
    expect(fn).toHaveBeenCalledWith(...args);
    expect(result).toEqual(await vi.mocked(fn).mock.results[0].value);
  });

  it('passes a rejection through untouched', async () => {
    vi.mocked(App.Send).mockRejectedValueOnce('auth: invalid api key');
    await expect(bridge.send('c1', 'hi')).rejects.toBe('auth: invalid api key');
  });

  it('openExternal opens the system browser', () => {
    bridge.openExternal('https://bailian.console.aliyun.com/');
    expect(runtime.BrowserOpenURL).toHaveBeenCalledWith('https://bailian.console.aliyun.com/');
  });
});
