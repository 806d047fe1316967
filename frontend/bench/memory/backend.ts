// Bench-only stand-in for the Go side, for the memory benchmark (cmd/benchapp): it lets the
// app's unchanged production bundle (frontend/dist, what the binary embeds) run in Debian's
// Chromium the way an Electron port of QwenDesk would, with this script in place of Go.
// cmd/benchapp serves frontend/dist as it is and a copy of dist/index.html with one classic
// <script> that loads this file before the bundle's module script, so window.go and
// window.runtime exist when the app starts. Nothing here reaches the app's build.
//
// It answers like a fresh QwenDesk with the key in the environment and an empty history (the
// state cmd/benchapp measures QwenDesk in), and streams a reply the way Go does: the fake
// server's text for the question (its 1 MiB #bigline answer, or its short default reply),
// cut into delta events by the same coalescing rules as internal/chat/coalesce.go, each
// payload serialised to JSON and parsed again as Wails does. Events for cmd/benchapp (the
// turn's end, calls this stand-in does not know) are POSTed to /bench-memory/event.
import type {
  AppStatus,
  BoundApp,
  Conversation,
  ConversationSummary,
  DeltaEvent,
  DoneEvent,
  Message,
  StartupState,
  Turn,
} from '../../src/lib/contract.gen';

type Handler = (...data: unknown[]) => void;

function report(kind: string, data: Record<string, unknown> = {}): void {
  void fetch('/bench-memory/event', { method: 'POST', body: JSON.stringify({ kind, ...data }) }).catch(() => {});
}

// internal/chat/coalesce.go: FlushInterval, BacklogInterval, MaxPayloadBytes.
const FLUSH_MS = 30; // internal/chat.FlushInterval
const BACKLOG_MS = 16;
const MAX_PAYLOAD_BYTES = 6 * 1024;

// internal/fakedashscope/scenarios.go: the #bigline pieces and defaultReply.
function replyFor(question: string): string[] {
  if (question.includes('#bigline')) {
    return ['Here comes one very long line (1 MiB):\n', '0123456789abcdef'.repeat((1 << 20) / 16), '\n这一行结束了。The long line is over.'];
  }
  let q = question.trim();
  if ([...q].length > 200) q = [...q].slice(0, 200).join('') + '…';
  return [
    `你好！You asked: ${q}. 这是本地测试服务器的回答。This reply comes from fakedashscope, ` +
      'streamed in small pieces that mix 中文 and English, so the client can show both. 祝你今天愉快！',
  ];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Splits off at most n bytes of b, backing off to a UTF-8 boundary (coalesce.go's cut). */
function cut(b: Uint8Array, n: number): [string, Uint8Array] {
  if (b.length <= n) return [decoder.decode(b), b.subarray(b.length)];
  let i = n;
  while (i > 0 && (b[i] & 0xc0) === 0x80) i--;
  return [decoder.decode(b.subarray(0, i)), b.subarray(i)];
}

const regions = [
  { id: 'beijing', name: 'China (Beijing)', baseURL: 'https://dashscope.aliyuncs.com/compatible-mode/v1' },
  { id: 'singapore', name: 'Singapore', baseURL: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1' },
  { id: 'us', name: 'US (Virginia)', baseURL: 'https://dashscope-us.aliyuncs.com/compatible-mode/v1' },
  { id: 'hongkong', name: 'China (Hong Kong)', baseURL: 'https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1' },
];

// internal/qwen FallbackModels, what the fake server lists.
const models = ['qwen-plus', 'qwen3-max', 'qwen-max', 'qwen-plus-latest', 'qwen-flash', 'qwen-turbo', 'qwen3-coder-plus'];

// internal/settings DefaultPresets.
const presets = [
  { name: 'Concise assistant · 简洁助手', prompt: 'Answer briefly and directly. Use lists only when they help. Reply in the language of the question.' },
  { name: 'Translator · 翻译', prompt: "Translate the user's text between Chinese and English (into the other language). Keep meaning, tone and formatting; output only the translation." },
  { name: 'Code reviewer · 代码审查', prompt: 'You are a senior engineer reviewing code. Point out bugs, risks and unclear parts first, then suggest concrete improvements with short code examples.' },
  { name: 'Writing editor · 润色', prompt: "Improve the clarity, grammar and flow of the user's text without changing its meaning. Show the edited text, then a short list of the main changes." },
];

const ready: StartupState = {
  ready: true,
  failed: '',
  version: 'bench',
  progress: { phase: 'checking', fromVersion: 0, toVersion: 0, version: 0, step: '', done: 0, total: 0 },
};

let status: AppStatus = {
  key: {
    hasKey: true,
    source: 'env:DASHSCOPE_API_KEY',
    last4: 'ench',
    keychainAvailable: true,
    keychainProblem: '',
    dotEnvPath: '',
    envKeyPresent: true,
    rejected: [],
  },
  endpoint: { region: 'custom', baseURL: 'http://127.0.0.1/compatible-mode/v1', overriddenByEnv: true },
  regions,
  model: 'qwen-plus',
  dataDir: '/tmp/qwendesk-bench',
  build: {
    product: 'QwenDesk',
    version: 'bench',
    commit: '',
    commitTime: '',
    modified: false,
    goVersion: '',
    wails: '',
    platform: 'linux/amd64',
    summary: 'QwenDesk production bundle in Chromium (memory benchmark)',
  },
  problems: [],
  titles: { enabled: true, model: 'qwen-flash' },
  preferences: { theme: 'system', language: 'system', fontSize: 15, sendKey: 'enter', proxyMode: 'system', proxyURL: '' },
  // internal/pricing Defaults.
  prices: [
    { model: 'qwen3-max*', input: 6, output: 24, cachedInput: 2.4 },
    { model: 'qwen-max*', input: 2.4, output: 9.6, cachedInput: 0.96 },
    { model: 'qwen-plus*', input: 0.8, output: 2, cachedInput: 0.32 },
    { model: 'qwen-flash*', input: 0.15, output: 1.5, cachedInput: 0.06 },
    { model: 'qwen-turbo*', input: 0.3, output: 0.6, cachedInput: 0.12 },
    { model: 'qwq-plus*', input: 1.6, output: 4, cachedInput: 0.64 },
    { model: 'qwen3-coder-plus*', input: 4, output: 16, cachedInput: 1.6 },
    { model: 'qwen3-coder-flash*', input: 1, output: 4, cachedInput: 0.4 },
    { model: 'qwen3-vl-plus*', input: 1, output: 10, cachedInput: 0.4 },
    { model: 'qwen-vl-max*', input: 1.6, output: 4, cachedInput: 0.64 },
    { model: 'qwen-vl-plus*', input: 0.8, output: 2, cachedInput: 0.32 },
  ],
};

interface Stored extends Conversation {
  createdAt: string;
  updatedAt: string;
  titleAuto: boolean;
}

const conversations = new Map<string, Stored>();
const listeners = new Map<string, Set<Handler>>();
let ids = 0;
const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(++ids).toString(36)}`;

/** Delivers an event as Wails does: the payload crosses as JSON text and is parsed again. */
function emit(name: string, payload: unknown): void {
  const text = JSON.stringify(payload);
  for (const h of [...(listeners.get(name) ?? [])]) h(JSON.parse(text));
}

/** Bound calls answer with a copy, as a JSON round trip through Wails would. */
const answer = <T>(v: T): Promise<T> => Promise.resolve(v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

const message = (id: string, role: 'user' | 'assistant', content: string, state: Message['status']): Message => ({
  id,
  role,
  content,
  reasoning: '',
  status: state,
  finishReason: '',
  model: role === 'assistant' ? status.model : '',
  createdAt: new Date().toISOString(),
});

const streams = new Map<string, () => void>();

function send(conversationId: string, text: string): Promise<Turn> {
  const c = conversations.get(conversationId);
  if (!c) return Promise.reject({ kind: 'not_found', message: `conversation ${conversationId} not found` });
  const turn: Turn = { requestId: newId('req'), conversationId, userMessageId: newId('msg'), assistantMessageId: newId('msg') };
  const reply = message(turn.assistantMessageId, 'assistant', '', 'streaming');
  c.messages.push(message(turn.userMessageId, 'user', text, 'complete'), reply);
  if (!c.title) c.title = [...text].slice(0, 40).join('');
  c.updatedAt = new Date().toISOString();
  emit('conversations:changed', { conversationId, reason: 'updated' });
  report('send', { text });

  const header = { requestId: turn.requestId, conversationId, messageId: turn.assistantMessageId };
  let seq = 0;
  let pending: Uint8Array = new Uint8Array(0);
  const pieces = replyFor(text);
  let flushedAt = 0;
  let timer = 0;
  let sentBytes = 0;
  let deltas = 0;
  const add = (s: string) => {
    const b = encoder.encode(s);
    const merged = new Uint8Array(pending.length + b.length);
    merged.set(pending);
    merged.set(b, pending.length);
    pending = merged;
  };
  const finish = (how: 'complete' | 'stopped') => {
    clearTimeout(timer);
    streams.delete(turn.requestId);
    reply.status = how;
    reply.finishReason = how === 'complete' ? 'stop' : '';
    // The fake server's usage: about one token per two runes (fakedashscope usageFor).
    const prompt = Math.floor([...text].length / 2) + 4;
    const completion = Math.floor([...reply.content].length / 2) + 1;
    const done: DoneEvent = {
      ...header,
      seq: ++seq,
      status: how,
      finishReason: reply.finishReason,
      usage:
        how === 'complete'
          ? { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: 0 } }
          : null,
    };
    emit('chat:done', done);
    report('done', { status: how, bytes: sentBytes, chars: reply.content.length, deltas });
    if (how === 'complete' && c.titleAuto) {
      // Go names the conversation afterwards with a second, short request (internal/chat/title.go).
      setTimeout(() => {
        c.title = [...text.replace(/#\w+/g, '')].slice(0, 40).join('').trim();
        emit('conversations:changed', { conversationId, reason: 'title' });
      }, 50);
    }
  };
  const flush = () => {
    const [content, rest] = cut(pending, MAX_PAYLOAD_BYTES);
    pending = rest;
    flushedAt = performance.now();
    if (content) {
      reply.content += content;
      sentBytes += encoder.encode(content).length;
      deltas++;
      const d: DeltaEvent = { ...header, seq: ++seq, content, reasoning: '' };
      emit('chat:delta', d);
    }
  };
  // The fake server's pieces arrive one after another; the coalescer flushes at once the
  // first time, then every 30 ms, or every 16 ms while a full payload is waiting.
  const step = () => {
    if (pieces.length) add(pieces.splice(0).join(''));
    if (pending.length === 0) return finish('complete');
    const interval = pending.length >= MAX_PAYLOAD_BYTES ? BACKLOG_MS : FLUSH_MS;
    timer = window.setTimeout(
      () => {
        flush();
        step();
      },
      Math.max(0, flushedAt + interval - performance.now()),
    );
  };
  // The first piece goes out alone (it arrives first); the rest follows right after.
  timer = window.setTimeout(() => {
    add(pieces.shift() ?? '');
    flush();
    step();
  }, 20);
  streams.set(turn.requestId, () => finish('stopped'));
  return answer(turn);
}

const app: Partial<BoundApp> = {
  Startup: () => answer(ready),
  Status: () => answer(status),
  Models: () => answer({ models, live: true, problem: '' }),
  SetModel: (m) => answer((status = { ...status, model: m }).model),
  PromptPresets: () => answer(presets),
  Prices: () => answer(status.prices),
  ViewState: () => answer({ conversationId: '', scrollTop: 0 }),
  SaveViewState: () => answer(undefined),
  ToolsOverview: () => answer({ config: { path: '/tmp/qwendesk-bench/mcp.json', problem: null }, servers: [] }),
  PendingToolApprovals: () => answer([]),
  Budget: (_id, model) =>
    answer({
      window: { model: model || status.model, tokens: 131072, family: 'qwen-plus', known: true, replyReserve: 8192 },
      usedTokens: 0,
      uploadModel: '',
    }),
  ListConversations: (cursor, limit) => {
    const all: ConversationSummary[] = [...conversations.values()]
      .filter((c) => c.messages.length > 0 || c.title)
      .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt.localeCompare(a.updatedAt))
      .map((c) => ({ id: c.id, title: c.title, model: c.model, pinned: c.pinned, titleAuto: c.titleAuto, createdAt: c.createdAt, updatedAt: c.updatedAt, messageCount: c.messages.length }));
    const from = Number(cursor) || 0;
    return answer({ conversations: all.slice(from, from + limit), next: from + limit < all.length ? String(from + limit) : '' });
  },
  NewConversation: () => {
    const now = new Date().toISOString();
    const c: Stored = { id: newId('conv'), title: '', titleAuto: true, model: status.model, pinned: false, settings: { model: status.model, systemPrompt: '' }, messages: [], createdAt: now, updatedAt: now };
    conversations.set(c.id, c);
    emit('conversations:changed', { conversationId: c.id, reason: 'created' });
    const { createdAt: _c, updatedAt: _u, titleAuto: _t, ...plain } = c;
    return answer(plain);
  },
  Conversation: (id) => {
    const c = conversations.get(id);
    if (!c) return Promise.reject({ kind: 'not_found', message: `conversation ${id} not found` });
    const { createdAt: _c, updatedAt: _u, titleAuto: _t, ...plain } = c;
    return answer(plain);
  },
  Send: (id, text) => send(id, text),
  SendWithImages: (id, text) => send(id, text),
  SendWithAttachments: (id, text) => send(id, text),
  Stop: (requestId) => {
    streams.get(requestId)?.();
    return answer(undefined);
  },
};

// A call this stand-in does not answer is reported (cmd/benchapp lists them) and fails the way
// an unknown Go error would, so a gap shows instead of passing silently.
const bound = new Proxy(app as BoundApp, {
  get(target, name: string) {
    const f = (target as unknown as Record<string, unknown>)[name];
    if (f) return f;
    return () => {
      report('unmocked', { method: name });
      return Promise.reject({ kind: 'internal', message: `${name} is not part of the memory benchmark's stand-in` });
    };
  },
});

const w = window as unknown as Record<string, unknown>;
w.go = { main: { App: bound } };
w.runtime = {
  EventsOnMultiple: (name: string, cb: Handler, max = -1) => {
    const set = listeners.get(name) ?? new Set<Handler>();
    let left = max;
    const h: Handler = (...data) => {
      if (left === 0) return;
      if (left > 0 && --left === 0) set.delete(h);
      cb(...data);
    };
    set.add(h);
    listeners.set(name, set);
    return () => set.delete(h);
  },
  EventsOff: (name: string, ...more: string[]) => [name, ...more].forEach((n) => listeners.delete(n)),
  EventsOffAll: () => listeners.clear(),
  EventsEmit: (name: string, ...data: unknown[]) => listeners.get(name)?.forEach((h) => h(...data)),
  BrowserOpenURL: (url: string) => report('open-url', { url }),
};
window.addEventListener('error', (e) => report('page-error', { message: String(e.message) }));
window.addEventListener('unhandledrejection', (e) => report('page-error', { message: String((e.reason as { message?: string })?.message ?? e.reason) }));
report('installed');
