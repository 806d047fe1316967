// Dev-only stand-in for the Go side, so the UI can be run in a plain browser:
// `npm run dev`, then open /?mock=chat (also: setup, env, nokeychain, error, stream, demo, settings, picker, history, search, menu, data,
// usage, prices; see mockUsage.ts for &theme=, &lang=, &font=, &sendkey=, &nousage).
// main.ts only imports it when import.meta.env.DEV, so it never reaches the production bundle.
import type { AppStatus, Conversation, KeyStatus, Message, SearchGroup, SearchPart } from '../lib/types';
import { installBranches } from './mockBranches';
import { mockPreferences, mockPrices, mockUsage } from './mockUsage';

type Handler = (...data: unknown[]) => void;

const regions = [
  { id: 'beijing', name: 'China (Beijing)', baseURL: 'https://dashscope.aliyuncs.com/compatible-mode/v1' },
  { id: 'singapore', name: 'Singapore', baseURL: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1' },
  { id: 'us', name: 'US (Virginia)', baseURL: 'https://dashscope-us.aliyuncs.com/compatible-mode/v1' },
  { id: 'hongkong', name: 'China (Hong Kong)', baseURL: 'https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1' },
];


const H = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const msg = (id: string, role: 'user' | 'assistant', content: string, status: Message['status'] = 'complete'): Message => ({
  id,
  role,
  content,
  reasoning: '',
  status,
  finishReason: role === 'assistant' && status === 'complete' ? 'stop' : '',
  model: role === 'assistant' ? 'qwen-plus' : '',
  createdAt: '',
});

interface Stored extends Conversation {
  updatedAt: string;
  createdAt: string;
  deleted?: boolean;
}

/** A few conversations for the sidebar and search (only with ?mock=chat, history, search). */
function sampleConversations(): Stored[] {
  const long = Array.from({ length: 8 }, (_, i) => [
    msg(`g${i}u`, 'user', i === 5 ? 'How do goroutines and channels fit together? 协程和通道怎么配合？' : `Question ${i + 1} about Go concurrency.`),
    msg(`g${i}a`, 'assistant', `Answer ${i + 1}. A goroutine is a lightweight thread managed by the Go runtime. Channels let goroutines pass values safely.\n\nThis paragraph makes the message long enough to scroll.`),
  ]).flat();
  return [
    { id: 'p1', title: '周末杭州行程', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: true, createdAt: ago(300 * H), updatedAt: ago(200 * H), messages: [msg('p1u', 'user', '规划一次轻松的杭州三日游'), msg('p1a', 'assistant', '第一天：西湖、断桥、雷峰塔。第二天：灵隐寺和龙井村喝茶。第三天：西溪湿地。')] },
    { id: 'c-go', title: 'Go concurrency basics', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, createdAt: ago(2 * H), updatedAt: ago(0.2 * H), messages: long },
    { id: 'c-mail', title: 'Polite email to move a meeting', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, createdAt: ago(3 * H), updatedAt: ago(3 * H), messages: [msg('m1u', 'user', 'Write a polite email asking to move a meeting to next week'), msg('m1a', 'assistant', 'Subject: Request to reschedule our meeting\n\nHi Anna, would it be possible to move our meeting to next week?', 'incomplete')] },
    { id: 'c-q', title: '量子纠缠的通俗解释', model: 'qwen-max', settings: { model: 'qwen-max', systemPrompt: '' }, pinned: false, createdAt: ago(27 * H), updatedAt: ago(26 * H), messages: [msg('q1u', 'user', '用通俗的语言解释量子纠缠'), msg('q1a', 'assistant', '想象一对魔法骰子：无论相隔多远，掷出的点数总是相关的。')] },
    { id: 'c-empty', title: '', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, createdAt: ago(50 * H), updatedAt: ago(50 * H), messages: [msg('e1u', 'user', 'hi')] },
    { id: 'c-long', title: 'A conversation with a very long title that has to be truncated with an ellipsis', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, createdAt: ago(80 * H), updatedAt: ago(80 * H), messages: [msg('l1u', 'user', 'Long?'), msg('l1a', 'assistant', 'Yes.')] },
    { id: 'c-md', title: 'Binary search with code, a table and math', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, createdAt: ago(60 * H), updatedAt: ago(60 * H), messages: [msg('md1u', 'user', 'Explain binary search with code, a table and the math'), { ...msg('md1a', 'assistant', richReply('Explain binary search with code, a table and the math')), reasoning: MOCK_REASONING }] },
    { id: 'c-old', title: 'Translate a proverb', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, createdAt: ago(40 * 24 * H), updatedAt: ago(40 * 24 * H), messages: [msg('o1u', 'user', 'Translate “The early bird catches the worm” into Chinese'), msg('o1a', 'assistant', '早起的鸟儿有虫吃。')] },
  ];
}

function parts(text: string, q: string): SearchPart[] | null {
  const i = text.toLowerCase().indexOf(q.toLowerCase());
  if (i < 0) return null;
  const from = Math.max(0, i - 30);
  const to = Math.min(text.length, i + q.length + 60);
  return [
    { text: (from > 0 ? '…' : '') + text.slice(from, i), match: false },
    { text: text.slice(i, i + q.length), match: true },
    { text: text.slice(i + q.length, to) + (to < text.length ? '…' : ''), match: false },
  ].filter((p) => p.text);
}

const MOCK_REASONING =
  'The user wants an example. I should show **Markdown** features: a list, a `code` block, a table and some math like $E = mc^2$.\n\n1. Start with a heading\n2. Then code, then a table';

function richReply(text: string): string {
  return [
    `You said: “${text}”.`,
    '## Binary search in Go',
    'Binary search finds an item in a **sorted** slice in $O(\\log n)$ steps — far fewer than a linear scan. It costs $5 and $10 in CPU-cents, which is *not* math.',
    '```go\n// Search returns the index of x in xs, or -1.\nfunc Search(xs []int, x int) int {\n\tlo, hi := 0, len(xs)-1\n\tfor lo <= hi {\n\t\tmid := lo + (hi-lo)/2\n\t\tswitch {\n\t\tcase xs[mid] == x:\n\t\t\treturn mid\n\t\tcase xs[mid] < x:\n\t\t\tlo = mid + 1\n\t\tdefault:\n\t\t\thi = mid - 1\n\t\t}\n\t}\n\treturn -1\n}\n```',
    '| Algorithm | Time | Space | 备注 |\n|---|:-:|:-:|---|\n| Linear scan | $O(n)$ | $O(1)$ | 无需排序 |\n| Binary search | $O(\\log n)$ | $O(1)$ | 需要有序 |\n| Hash lookup | $O(1)$ | $O(n)$ | 额外内存 |',
    'The number of steps satisfies\n\n$$\nT(n) = T\\left(\\frac{n}{2}\\right) + 1 \\implies T(n) = \\lceil \\log_2 (n+1) \\rceil\n$$',
    '- [x] Sorted input\n- [ ] Handle duplicates\n  - return the *first* match\n  - or the last one',
    '> Tip: see the [Go documentation](https://pkg.go.dev/sort#Search) — and this image is not loaded: ![diagram](https://example.com/diagram.png)',
    '这是一段中文说明：二分查找每一步都把搜索范围缩小一半，所以非常快。',
  ].join('\n\n');
}

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
    rejected: [],
  };
  const status: AppStatus = {
    key,
    endpoint: { region: 'beijing', baseURL: regions[0].baseURL, overriddenByEnv: false },
    regions,
    model: 'qwen-plus',
    dataDir: '~/.config/QwenDesk',
    build: {
      product: 'QwenDesk',
      version: '0.1.0',
      commit: '5781c96e0a1b',
      commitTime: '2026-11-25T19:52:00Z',
      modified: false,
      goVersion: 'go1.26.0',
      wails: 'v2.16.0',
      platform: 'linux/amd64',
      summary: 'QwenDesk 1.2.3 (commit abcdef123456, go1.26.0, Wails v2.16.0, linux/amd64)',
    },
    problems: [],
    titles: { enabled: true, model: 'qwen-flash' },
    preferences: mockPreferences(),
    prices: [...mockPrices],
  };
  const withHistory = ['chat', 'history', 'search', 'data', 'menu', 'delete', 'usage', 'prices'].includes(scenario);
  const store: Stored[] = withHistory ? sampleConversations() : [];
  const find = (id: string) => store.find((c) => c.id === id && !c.deleted);
  const touch = (id: string) => {
    const c = store.find((x) => x.id === id);
    if (c) c.updatedAt = new Date().toISOString();
  };
  const changed = (conversationId: string, reason: string) =>
    setTimeout(() => emit('conversations:changed', { conversationId, reason }), 30);
  let nextId = 0;
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
        NewConversation: async () => {
          const now = new Date().toISOString();
          const c: Stored = { id: `new-${++nextId}`, title: '', model: status.model, settings: { model: status.model, systemPrompt: '' }, pinned: false, createdAt: now, updatedAt: now, messages: [] };
          store.push(c);
          changed(c.id, 'created');
          return { ...c, messages: [] };
        },
        Conversation: async (id: string) => {
          await sleep(80);
          const c = find(id);
          if (!c) throw { kind: 'not_found', message: `conversation ${id} not found` };
          return { ...c, messages: c.messages.map((m) => ({ ...m })) };
        },
        // The cursor is an offset here: the mock's lists are small and change only by hand.
        ListConversations: async (cursor: string, limit: number) => {
          const all = store
            .filter((c) => !c.deleted && (c.messages.length > 0 || c.title))
            .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt.localeCompare(a.updatedAt))
            .map((c) => ({ id: c.id, title: c.title, model: c.model, pinned: c.pinned, titleAuto: true, createdAt: c.createdAt, updatedAt: c.updatedAt, messageCount: c.messages.length }));
          const from = Number(cursor) || 0;
          return { conversations: all.slice(from, from + limit), next: from + limit < all.length ? String(from + limit) : '' };
        },
        RenameConversation: async (id: string, title: string) => {
          const c = find(id);
          if (c) c.title = title;
          changed(id, 'title');
        },
        PinConversation: async (id: string, pinned: boolean) => {
          const c = find(id);
          if (c) c.pinned = pinned;
          changed(id, 'updated');
        },
        DeleteConversation: async (id: string) => {
          const c = find(id);
          if (c) c.deleted = true;
          changed(id, 'deleted');
        },
        RestoreConversation: async (id: string) => {
          const c = store.find((x) => x.id === id);
          if (c) c.deleted = false;
          changed(id, 'restored');
        },
        Search: async (q: string): Promise<SearchGroup[]> => {
          await sleep(60);
          const groups: SearchGroup[] = [];
          for (const c of store) {
            if (c.deleted) continue;
            const titleMatch = parts(c.title, q);
            const hits = c.messages
              .map((m) => ({ m, p: parts(m.content, q) }))
              .filter((x) => x.p)
              .slice(0, 3)
              .map(({ m, p }) => ({ conversationId: c.id, messageId: m.id, role: m.role, snippet: p!, createdAt: m.createdAt, inToolResult: false, toolCallId: '' }));
            if (titleMatch || hits.length) groups.push({ conversationId: c.id, title: c.title, updatedAt: c.updatedAt, titleMatch, hits });
          }
          return groups;
        },
        ExportConversations: async (ids: string[], format: string) => {
          await sleep(300);
          const name = ids.length === 1 ? find(ids[0])?.title || 'conversation' : 'QwenDesk export';
          return `/home/me/Documents/${name}.${format === 'json' ? 'json' : 'md'}`;
        },
        ImportConversations: async () => {
          await sleep(300);
          if (scenario === 'data') throw { kind: 'import', message: 'line 3: this is not a QwenDesk export (missing "format": "qwendesk")' };
          return { conversations: 3, messages: 42, renamed: 0, cancelled: false };
        },
        RevealDataFolder: async () => {},
        ViewState: async () => {
          // ?open=<id> picks the conversation to restore (c-go, c-mail, c-q, p1…).
          const wanted = new URLSearchParams(location.search).get('open');
          if (wanted !== null) return { conversationId: wanted, scrollTop: 100000 };
          const saved = localStorage.getItem('qd-mock-view');
          return saved ? JSON.parse(saved) : { conversationId: scenario === 'chat' ? 'c-go' : '', scrollTop: 100000 };
        },
        SaveViewState: async (conversationId: string, scrollTop: number) => {
          localStorage.setItem('qd-mock-view', JSON.stringify({ conversationId, scrollTop }));
        },
        SetTitleOptions: async (enabled: boolean, model: string) => (status.titles = { enabled, model }),
        Preferences: async () => status.preferences,
        SetPreferences: async (p: NonNullable<AppStatus['preferences']>) => {
          await sleep(150);
          if (p.proxyMode === 'custom' && !/^(https?|socks5h?):\/\/[^\s/]+/.test(p.proxyURL))
            throw { kind: 'invalid_input', message: `proxy URL "${p.proxyURL}" must start with http://, https:// or socks5://` };
          return (status.preferences = { ...p });
        },
        Usage: async (days: number) => {
          await sleep(120);
          return mockUsage(days, status.prices ?? []);
        },
        Prices: async () => status.prices ?? [],
        SetPrices: async (p: NonNullable<AppStatus['prices']>) => (status.prices = p.map((x) => ({ ...x }))),
        Send: async (conversationId: string, text: string) => {
          await sleep(150);
          if (scenario === 'error') throw 'network: dial tcp: lookup dashscope.aliyuncs.com: no such host';
          const i = ++n;
          const t = { requestId: `r${i}`, conversationId, userMessageId: `u-${i}`, assistantMessageId: `a-${i}` };
          const stored = find(conversationId);
          const answer = msg(t.assistantMessageId, 'assistant', '', 'streaming');
          stored?.messages.push(msg(t.userMessageId, 'user', text), answer);
          touch(conversationId);
          const plain = `You said: “${text}”.\n\nThis is a mock reply streamed in small pieces so the caret, auto-scroll and Stop can be tried without DashScope. 这是一段模拟回复，用来检查中文排版是否正常。`;
          // A rich answer (markdown, code, table, math) after a short thinking phase; `demo` keeps the plain one.
          const reply = scenario === 'demo' ? plain : richReply(text);
          const thought = scenario === 'demo' ? '' : MOCK_REASONING;
          let thoughtPos = 0;
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
              answer.content = reply;
              answer.status = 'complete';
              if (stored && !stored.title) {
                stored.title = text.slice(0, 40);
                changed(conversationId, 'title');
              }
              emit('chat:done', { ...base, seq: ++seq, status: 'complete', finishReason: 'stop', usage: { prompt_tokens: 20, completion_tokens: 60, total_tokens: 80 } });
              timers.delete(t.requestId);
              return;
            }
            if (thoughtPos < thought.length) {
              const piece = thought.slice(thoughtPos, thoughtPos + 8);
              thoughtPos += 8;
              answer.reasoning += piece;
              emit('chat:delta', { ...base, seq: ++seq, content: '', reasoning: piece });
              timers.set(t.requestId, window.setTimeout(tick, scenario === 'stream' ? 400 : 40));
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
            answer.content = reply.slice(0, pos);
            answer.status = 'stopped';
            emit('chat:done', { ...base, seq: ++seq, status: 'stopped', finishReason: '' });
          });
          return t;
        },
        Stop: async (requestId: string) => stoppers.get(requestId)?.(),
      },
    },
  };

  // &send=<text> types a prompt and sends it once the app is up (any scenario), e.g. to watch the
  // rich mock reply stream: /?mock=chat&send=hi
  const autoSend = new URLSearchParams(location.search).get('send');
  if (autoSend) {
    setTimeout(() => {
      const ta = document.querySelector<HTMLTextAreaElement>('[data-testid="composer"]');
      if (!ta) return;
      ta.value = autoSend;
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      setTimeout(() => document.querySelector<HTMLButtonElement>('[data-testid="send"]')?.click(), 50);
    }, 300);
  }

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

  if (scenario === 'search') {
    // Open the palette and type a query, like a user pressing Ctrl+K.
    setTimeout(() => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true }));
      setTimeout(() => {
        const input = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
        if (!input) return;
        input.value = new URLSearchParams(location.search).get('q') ?? 'goroutine';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        // &pick=N: move down N times and press Enter (jumps to the message and highlights it).
        const pick = new URLSearchParams(location.search).get('pick');
        if (pick !== null)
          setTimeout(() => {
            for (let i = 0; i < Number(pick); i++) input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
            input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
          }, 400);
      }, 100);
    }, 400);
  }

  if (scenario === 'menu') {
    setTimeout(() => document.querySelector<HTMLButtonElement>('.current [data-testid="conversation-menu"]')?.click(), 500);
  }

  if (scenario === 'delete') {
    setTimeout(() => {
      document.querySelector<HTMLButtonElement>('.current [data-testid="conversation-menu"]')?.click();
      setTimeout(() => document.querySelector<HTMLButtonElement>('[data-action="delete"]')?.click(), 100);
    }, 500);
  }

  if (scenario === 'data') {
    setTimeout(() => {
      document.querySelector<HTMLButtonElement>('[data-testid="open-settings"]')?.click();
      setTimeout(() => {
        document.querySelector<HTMLButtonElement>('[data-testid="import"]')?.click();
        setTimeout(() => document.querySelector('[data-testid="settings-data"]')?.scrollIntoView({ block: 'end' }), 500);
      }, 200);
    }, 400);
  }

  if (scenario === 'usage' || scenario === 'prices') {
    setTimeout(() => {
      document.querySelector<HTMLButtonElement>('[data-testid="open-usage"]')?.click();
      if (scenario === 'prices') setTimeout(() => document.querySelector<HTMLButtonElement>('[data-testid="edit-prices"]')?.click(), 300);
      if (new URLSearchParams(location.search).get('chart') === 'cost')
        setTimeout(() => document.querySelector<HTMLButtonElement>('[data-testid="chart-cost"]')?.click(), 400);
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

  // Regenerate / edit / versions / delete and per-conversation settings (./mockBranches.ts).
  installBranches({
    app: (w.go as { main: { App: Parameters<typeof installBranches>[0]['app'] } }).main.App,
    store,
    emit,
    onEvent: (name, cb) => listeners.set(name, (listeners.get(name) ?? new Set<Handler>()).add(cb as Handler)),
  });
}
