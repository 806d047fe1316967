// A recording fake of the bridge, at the edge the stores talk to.
import { vi } from 'vitest';
import type { Backend } from '../src/lib/bridge';
import type { EventName, EventPayloads } from '../src/lib/events';
import type { StartupState } from '../src/lib/contract.gen';
import type { AttachResult, Attachment, ContextBudget, DocumentPreview, DocumentRef, PageImages } from '../src/lib/types';
import type { AppStatus, Conversation, ConversationPage, ConversationSettings, ConversationSummary, ImportResult, KeyStatus, SearchGroup, Turn, ViewState, Preferences, Price, UsageReport } from '../src/lib/types';

export function attachment(over: Partial<Attachment> = {}): Attachment {
  return { hash: 'a'.repeat(64), name: 'contract.pdf', mode: 'text', type: 'pdf', pages: 12, chars: 24_000, tokens: 9_000, ...over };
}

export function contextBudget(over: { model?: string; tokens?: number; used?: number; upload?: boolean } = {}): ContextBudget {
  const tokens = over.tokens ?? 131_072;
  return {
    window: { model: over.model ?? 'qwen-plus', tokens, family: 'qwen-plus', known: true, replyReserve: Math.min(8192, tokens / 8) },
    usedTokens: over.used ?? 0,
    uploadModel: over.upload === false ? '' : 'qwen-long',
  };
}

export function keyStatus(over: Partial<KeyStatus> = {}): KeyStatus {
  return {
    hasKey: true,
    source: 'keychain',
    last4: 'abcd',
    keychainAvailable: true,
    keychainProblem: '',
    dotEnvPath: '',
    envKeyPresent: false,
    rejected: [],
    ...over,
  };
}

export function appStatus(over: Partial<AppStatus> = {}): AppStatus {
  return {
    key: keyStatus(),
    endpoint: { region: 'beijing', baseURL: 'https://dashscope.aliyuncs.com/compatible-mode/v1', overriddenByEnv: false },
    regions: [
      { id: 'beijing', name: 'China (Beijing)', baseURL: 'https://dashscope.aliyuncs.com/compatible-mode/v1' },
      { id: 'singapore', name: 'Singapore', baseURL: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1' },
    ],
    model: 'qwen-plus',
    dataDir: '/tmp/qwendesk',
    build: {
      product: 'QwenDesk',
      version: '1.2.3',
      commit: 'abcdef123456',
      commitTime: '2026-11-25T12:00:00Z',
      modified: false,
      goVersion: 'go1.26.0',
      wails: 'v2.16.0',
      platform: 'linux/amd64',
      summary: 'QwenDesk 1.2.3 (commit abcdef123456, go1.26.0, Wails v2.16.0, linux/amd64)',
    },
    problems: [],
    titles: { enabled: true, model: 'qwen-flash' },
    preferences: preferences(),
    prices: [],
    ...over,
  };
}

export function preferences(over: Partial<Preferences> = {}): Preferences {
  return { theme: 'system', language: 'system', fontSize: 15, sendKey: 'enter', proxyMode: 'system', proxyURL: '', ...over };
}

export const conv: Conversation = { id: 'c1', title: '', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, messages: [] };

export function summary(id: string, over: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id,
    title: `Chat ${id}`,
    model: 'qwen-plus',
    pinned: false,
    titleAuto: true,
    createdAt: '2025-06-01T08:00:00Z',
    updatedAt: '2025-06-01T08:00:00Z',
    messageCount: 2,
    ...over,
  };
}

/** One page of the sidebar list as Go answers it; `next` '' means the end. */
export function page(conversations: ConversationSummary[], next = ''): ConversationPage {
  return { conversations, next };
}

export function turn(n = 1): Turn {
  return { requestId: `r${n}`, conversationId: 'c1', userMessageId: `u${n}`, assistantMessageId: `a${n}` };
}

export function fakeBackend() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let turns = 0;
  const api = {
    startup: vi.fn(async (): Promise<StartupState> => ({ ready: true, failed: '', version: '0.2.0', progress: { phase: 'checking', fromVersion: 0, toVersion: 0, version: 0, step: '', done: 0, total: 0 } })),
    status: vi.fn(async () => appStatus()),
    saveKey: vi.fn(async () => keyStatus()),
    testKey: vi.fn(async () => ({ ok: true, kind: '', message: '', requestId: '' })),
    deleteKey: vi.fn(async () => keyStatus({ hasKey: false, source: '', last4: '' })),
    setEndpoint: vi.fn(async (region: string, url: string) => ({ region, baseURL: url, overriddenByEnv: false })),
    models: vi.fn(async () => ({ models: ['qwen-plus', 'qwen-max'], live: true, problem: '' })),
    setModel: vi.fn(async (m: string) => m),
    newConversation: vi.fn(async (): Promise<Conversation> => ({ ...conv, messages: [] })),
    conversation: vi.fn(async (_id: string): Promise<Conversation> => ({ ...conv, messages: [] })),
    send: vi.fn(async () => turn(++turns)),
    sendWithImages: vi.fn(async () => turn(++turns)),
    sendWithAttachments: vi.fn(async (_c: string, _t: string, _i: string[], _d: DocumentRef[]) => turn(++turns)),
    attachFiles: vi.fn(async (): Promise<AttachResult[]> => []),
    attachData: vi.fn(async (name: string, _b64: string): Promise<AttachResult> => ({ name, document: attachment({ name }) })),
    previewDocument: vi.fn(async (_h: string, name: string): Promise<DocumentPreview> => ({ text: `=== ${name} ===\ntext`, chars: 10, shortened: false })),
    budget: vi.fn(async (_c: string, model: string): Promise<ContextBudget> => contextBudget({ model })),
    uploadDocument: vi.fn(async (hash: string, name: string): Promise<Attachment> => attachment({ hash, name, mode: 'file', fileId: 'file-fe-1' })),
    documentPagesAsImages: vi.fn(async (_h: string, maxPages: number): Promise<PageImages> => ({
      images: Array.from({ length: Math.min(maxPages, 2) }, (_, i) => `data:image/png;base64,cGFnZQ${i}`),
      totalPages: 2,
    })),
    promptPresets: vi.fn(async () => [{ name: 'Translator', prompt: 'Translate.' }]),
    setPromptPresets: vi.fn(async (p: { name: string; prompt: string }[]) => p),
    stop: vi.fn(async () => {}),
    regenerate: vi.fn(async (_c: string, _replyId: string) => turn(++turns)),
    continueReply: vi.fn(async (_c: string, replyId: string) => ({ ...turn(++turns), assistantMessageId: replyId })),
    editMessage: vi.fn(async (_c: string, _messageId: string, _text: string) => turn(++turns)),
    selectVersion: vi.fn(async (_c: string, _messageId: string): Promise<Conversation> => ({ ...conv, messages: [] })),
    deleteMessage: vi.fn(async (_c: string, _messageId: string): Promise<Conversation> => ({ ...conv, messages: [] })),
    updateConversationSettings: vi.fn(async (_c: string, s: ConversationSettings): Promise<ConversationSettings> => s),
    listConversations: vi.fn(async (_cursor: string, _limit: number): Promise<ConversationPage> => ({ conversations: [], next: '' })),
    renameConversation: vi.fn(async (_id: string, _title: string) => {}),
    pinConversation: vi.fn(async (_id: string, _pinned: boolean) => {}),
    deleteConversation: vi.fn(async (_id: string) => {}),
    restoreConversation: vi.fn(async (_id: string) => {}),
    search: vi.fn(async (_q: string): Promise<SearchGroup[]> => []),
    exportConversations: vi.fn(async (_ids: string[], _format: string) => '/home/me/QwenDesk export.md'),
    importConversations: vi.fn(async (): Promise<ImportResult> => ({ conversations: 0, messages: 0, renamed: 0, cancelled: true })),
    revealDataFolder: vi.fn(async () => {}),
    viewState: vi.fn(async (): Promise<ViewState> => ({ conversationId: '', scrollTop: 0 })),
    saveViewState: vi.fn(async (_id: string, _top: number) => {}),
    setTitleOptions: vi.fn(async (enabled: boolean, model: string) => ({ enabled, model })),
    preferences: vi.fn(async (): Promise<Preferences> => preferences()),
    setPreferences: vi.fn(async (p: Preferences): Promise<Preferences> => p),
    usage: vi.fn(async (_days: number): Promise<UsageReport> => ({ from: '2025-06-01', to: '2025-06-01', currency: 'CNY', rows: [] })),
    prices: vi.fn(async (): Promise<Price[]> => []),
    setPrices: vi.fn(async (p: Price[]): Promise<Price[]> => p),
    onEvent: vi.fn((name: string, handler: (p: never) => void) => {
      const set = listeners.get(name) ?? new Set();
      const h = handler as (p: unknown) => void;
      set.add(h);
      listeners.set(name, set);
      return () => set.delete(h);
    }),
    openExternal: vi.fn(),
  };
  function emit<K extends EventName>(name: K, payload: EventPayloads[K]) {
    for (const h of listeners.get(name) ?? []) h(payload);
  }
  function listenerCount(name: string) {
    return listeners.get(name)?.size ?? 0;
  }
  return { api: api as typeof api & Backend, emit, listenerCount };
}

export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
