// Dev-only stand-in for the Go side, so the UI can be run in a plain browser:
// `npm run dev`, then open /?mock=chat (also: setup, env, nokeychain, error, stream, demo, settings, picker).
// main.ts only imports it when import.meta.env.DEV, so it never reaches the production bundle.
import type { AppStatus, Conversation, KeyStatus } from '../lib/types';

type Handler = (...data: unknown[]) => void;

const regions = [
  { id: 'beijing', name: 'China (Beijing)', baseURL: 'https://dashscope.aliyuncs.com/compatible-mode/v1' },
  { id: 'singapore', name: 'Singapore', baseURL: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1' },
  { id: 'us', name: 'US (Virginia)', baseURL: 'https://dashscope-us.aliyuncs.com/compatible-mode/v1' },
  { id: 'hongkong', name: 'China (Hong Kong)', baseURL: 'https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1' },
];



export function installMock(scenario: string): void {
  const listeners = new Map<string, Set<Handler>>();
  const emit = (name: string, payload: unknown) => listeners.get(name)?.forEach((h) => h(payload));
  const w = window as unknown as Record<string, unknown>;

  let key: KeyStatus = {
    hasKey: scenario !== 'setup',
    source: scenario === 'env' ? 'env:DASHSCOPE_API_KEY' : scenario === 'setup' ? '' : 'keychain',
    last4: scenario === 'setup' ? '' : 'abcd',
    keychainAvailable: scenario !== 'nokeychain',
    keychainProblem: scenario === 'nokeychain' ? 'no Secret Service on the session bus' : '',
    dotEnvPath: '',
    envKeyPresent: scenario === 'env',
  };
  const status: AppStatus = {
    key,
    endpoint: { region: 'beijing', baseURL: regions[0].baseURL, overriddenByEnv: false },
    regions,
    model: 'qwen-plus',
    dataDir: '~/.config/QwenDesk',
    version: 'dev',
    problems: [],
  };
  const conv: Conversation = { id: 'c1', title: '', model: 'qwen-plus', messages: [] };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const timers = new Map<string, number>();
  const stoppers = new Map<string, () => void>();
  let n = 0;

  w.go = {
    main: {
      App: {
        Status: async () => ({ ...status, key }),
        SaveKey: async (k: string) => {
          await sleep(400);
          if (!k.startsWith('sk-')) throw 'invalid_input: an API key starts with sk-';
          key = { ...key, hasKey: true, source: 'keychain', last4: k.slice(-4) };
          return key;
        },
        TestKey: async (k: string) => {
          await sleep(600);
          return k.endsWith('bad')
            ? { ok: false, kind: 'auth', message: 'Incorrect API key provided.', requestId: 'a1b2c3d4-0000-1111-2222-333344445555' }
            : { ok: true, kind: '', message: '', requestId: '' };
        },
        DeleteKey: async () => (key = { ...key, hasKey: false, source: '', last4: '' }),
        SetEndpoint: async (region: string, url: string) =>
          (status.endpoint = { region, baseURL: region === 'custom' ? url : regions.find((r) => r.id === region)?.baseURL ?? '', overriddenByEnv: false }),
        Models: async () => ({ models: ['qwen3-max', 'qwen-max', 'qwen-plus', 'qwen-flash', 'qwen-turbo', 'qwq-plus', 'qwen3-coder-plus'], live: true, problem: '' }),
        SetModel: async (m: string) => (status.model = m),
        ModelInfo: async () => ({ model: status.model, baseURL: status.endpoint.baseURL, region: status.endpoint.region }),
        NewConversation: async () => conv,
        Conversation: async () => conv,
        Send: async (conversationId: string, text: string) => {
          await sleep(150);
          if (scenario === 'error') throw 'network: dial tcp: lookup dashscope.aliyuncs.com: no such host';
          const i = ++n;
          const t = { requestId: `r${i}`, conversationId, userMessageId: `u-${i}`, assistantMessageId: `a-${i}` };
          const reply = `You said: “${text}”.\n\nThis is a mock reply streamed in small pieces so the caret, auto-scroll and Stop can be tried without DashScope. 这是一段模拟回复，用来检查中文排版是否正常。`;
          let seq = 0;
          let pos = 0;
          const base = { requestId: t.requestId, conversationId, messageId: t.assistantMessageId };
          const tick = () => {
            if (pos >= reply.length && scenario === 'demo' && i === 1) {
              emit('chat:error', { ...base, seq: ++seq, status: 'error', kind: 'auth', message: 'Incorrect API key provided.', requestIdFromServer: '7f1c2f4e-9d7b-4a3c-8e0f-5b2a1d3c4e5f' });
              timers.delete(t.requestId);
              return;
            }
            if (pos >= reply.length) {
              emit('chat:done', { ...base, seq: ++seq, status: 'complete', finishReason: 'stop', usage: { prompt_tokens: 20, completion_tokens: 60, total_tokens: 80 } });
              timers.delete(t.requestId);
              return;
            }
            const chunk = reply.slice(pos, pos + 6);
            pos += 6;
            emit('chat:delta', { ...base, seq: ++seq, content: chunk, reasoning: '' });
            timers.set(t.requestId, window.setTimeout(tick, scenario === 'stream' ? 400 : 60));
          };
          timers.set(t.requestId, window.setTimeout(tick, 300));
          stoppers.set(t.requestId, () => {
            clearTimeout(timers.get(t.requestId));
            timers.delete(t.requestId);
            emit('chat:done', { ...base, seq: ++seq, status: 'stopped', finishReason: '' });
          });
          return t;
        },
        Stop: async (requestId: string) => stoppers.get(requestId)?.(),
      },
    },
  };

  if (scenario === 'demo' || scenario === 'stream') {
    // Act like a user: type a prompt and press Send once the app is up.
    setTimeout(() => {
      const ta = document.querySelector<HTMLTextAreaElement>('[data-testid="composer"]');
      if (!ta) return;
      ta.value = 'Explain what a goroutine is, in two short paragraphs.';
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      setTimeout(() => document.querySelector<HTMLButtonElement>('[data-testid="send"]')?.click(), 50);
    }, 300);
  }

  if (scenario === 'settings' || scenario === 'picker') {
    const id = scenario === 'settings' ? 'open-settings' : 'model-picker';
    setTimeout(() => document.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)?.click(), 300);
  }

  w.runtime = {
    EventsOnMultiple: (name: string, cb: Handler) => {
      const set = listeners.get(name) ?? new Set<Handler>();
      set.add(cb);
      listeners.set(name, set);
      return () => set.delete(cb);
    },
    EventsOff: (name: string) => listeners.delete(name),
    BrowserOpenURL: (url: string) => window.open(url, '_blank', 'noopener'),
  };
}
