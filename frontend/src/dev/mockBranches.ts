// Dev-only: conversation branches (regenerate, edit, versions, delete) and per-conversation
// settings for the mock in ./mock.ts, kept apart from it. Like Go, a conversation is a tree; what is
// shown is the path from the root to the active leaf. Extra scenarios: `&open=c-branch` (a reply
// with versions), `&open=c-mod` (a blocked question), `&act=edit|delete|conv|regen` (clicks one action).
import type { Conversation, ConversationSettings, Message } from '../lib/types';

type App = Record<string, (...args: never[]) => Promise<unknown>>;
interface Node extends Conversation {
  updatedAt: string;
  createdAt: string;
  deleted?: boolean;
}

const busyErr = { kind: 'busy', message: 'A reply is still streaming in this conversation.' };
const gone = { kind: 'not_found', message: 'That message no longer exists.' };

const m = (id: string, role: Message['role'], content: string, over: Partial<Message> = {}): Message => ({
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

export function installBranches(opts: {
  app: App;
  store: Node[];
  emit: (name: string, payload: unknown) => void;
  onEvent: (name: string, cb: (p: { conversationId: string }) => void) => void;
}): void {
  const { app, store } = opts;
  const parent = new Map<string, string>();
  const leaf = new Map<string, string>();
  const settings = new Map<string, ConversationSettings>();
  const busy = new Set<string>();
  const now = new Date().toISOString();

  if (store.length) {
    const q = m('b1u', 'user', 'Give me a name for a grey cat.');
    const a1 = m('b1a', 'assistant', 'How about **Smoky**?');
    const a2 = m('b1b', 'assistant', 'Try **Ash** — short and easy to call.');
    const a3 = m('b1c', 'assistant', '**Earl Grey**, for a cat with some dignity.');
    const q2 = m('b2u', 'user', 'Something in Chinese?');
    const a4 = m('b2a', 'assistant', '可以叫 **灰灰** 或者 **雾雾**。');
    store.push({ id: 'c-branch', title: 'Naming a grey cat', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, createdAt: now, updatedAt: now, messages: [q, a1, a2, a3, q2, a4] });
    parent.set(a1.id, q.id).set(a2.id, q.id).set(a3.id, q.id).set(q2.id, a2.id).set(a4.id, q2.id);
    leaf.set('c-branch', a4.id);
    const bad = m('mod1u', 'user', 'Tell me something the content filter will block.');
    const err = m('mod1a', 'assistant', '', {
      status: 'error',
      finishReason: '',
      error: { kind: 'moderation', message: 'Input data may contain inappropriate content.', requestIdFromServer: '5c1d0f1e-aaaa-bbbb-cccc-0123456789ab' },
    });
    store.push({ id: 'c-mod', title: 'A blocked question', model: 'qwen-plus', settings: { model: 'qwen-plus', systemPrompt: '' }, pinned: false, createdAt: now, updatedAt: now, messages: [m('mod0u', 'user', 'Hi!'), m('mod0a', 'assistant', 'Hello! How can I help?'), bad, err] });
  }

  const find = (id: string) => store.find((c) => c.id === id && !c.deleted);
  const parentOf = (c: Node, id: string): string => {
    if (parent.has(id)) return parent.get(id)!;
    const i = c.messages.findIndex((x) => x.id === id);
    return i > 0 ? c.messages[i - 1].id : '';
  };
  const children = (c: Node, id: string) => c.messages.filter((x) => parentOf(c, x.id) === id);
  const deepest = (c: Node, id: string): string => {
    for (;;) {
      const kids = children(c, id);
      if (!kids.length) return id;
      id = kids[kids.length - 1].id;
    }
  };
  const settingsOf = (c: Node): ConversationSettings => settings.get(c.id) ?? { model: c.model, systemPrompt: '' };
  const view = (c: Node): Conversation => {
    const byId = new Map(c.messages.map((x) => [x.id, x]));
    let id = leaf.get(c.id);
    if (!id || !byId.has(id)) id = c.messages[c.messages.length - 1]?.id ?? '';
    const path: Message[] = [];
    for (let x = byId.get(id); x; x = byId.get(parentOf(c, x.id))) path.unshift(x);
    const messages = path.map((x) => {
      const sibs = children(c, parentOf(c, x.id)).filter((s) => s.role === x.role);
      const out: Message = { ...x };
      delete out.versions;
      if (sibs.length > 1) out.versions = { index: sibs.findIndex((s) => s.id === x.id), count: sibs.length, ids: sibs.map((s) => s.id) };
      return out;
    });
    return { id: c.id, title: c.title, model: settingsOf(c).model, pinned: c.pinned, settings: settingsOf(c), messages };
  };

  opts.onEvent('chat:done', (p) => busy.delete(p.conversationId));
  opts.onEvent('chat:error', (p) => busy.delete(p.conversationId));

  const send = app.Send as unknown as (c: string, text: string) => Promise<{ requestId: string; conversationId: string; userMessageId: string; assistantMessageId: string }>;
  const conversation = app.Conversation as unknown as (id: string) => Promise<Conversation>;
  const leafNow = (c: Node) => view(c).messages.at(-1)?.id ?? '';

  /** Streams a reply through the mock's Send, then hangs the new messages where they belong. */
  async function turn(convId: string, text: string, place: (c: Node, user: string, reply: string) => void) {
    const c = find(convId);
    if (!c) throw { kind: 'not_found', message: `conversation ${convId} not found` };
    if (busy.has(convId)) throw busyErr;
    busy.add(convId);
    try {
      const t = await send(convId, text);
      place(c, t.userMessageId, t.assistantMessageId);
      return t;
    } catch (e) {
      busy.delete(convId);
      throw e;
    }
  }

  Object.assign(app, {
    Conversation: async (id: string) => {
      await conversation(id);
      return view(find(id)!);
    },
    Send: (convId: string, text: string) => {
      const c = find(convId);
      const before = c ? leafNow(c) : '';
      return turn(convId, text, (c, user, reply) => {
        parent.set(user, before).set(reply, user);
        leaf.set(c.id, reply);
      });
    },
    Regenerate: (convId: string, replyId: string) => {
      const c = find(convId);
      const question = c && c.messages.find((x) => x.id === parentOf(c, replyId));
      if (!c || !question) return Promise.reject(gone);
      return turn(convId, question.content, (c, user, reply) => {
        c.messages = c.messages.filter((x) => x.id !== user);
        parent.set(reply, question.id);
        leaf.set(c.id, reply);
      }).then((t) => ({ ...t, userMessageId: question.id }));
    },
    EditMessage: (convId: string, messageId: string, text: string) => {
      const c = find(convId);
      if (!c || !c.messages.some((x) => x.id === messageId)) return Promise.reject(gone);
      const above = parentOf(c, messageId);
      return turn(convId, text, (c, user, reply) => {
        parent.set(user, above).set(reply, user);
        leaf.set(c.id, reply);
      });
    },
    SelectVersion: async (convId: string, messageId: string) => {
      const c = find(convId);
      if (busy.has(convId)) throw busyErr;
      if (!c || !c.messages.some((x) => x.id === messageId)) throw gone;
      leaf.set(convId, deepest(c, messageId));
      return view(c);
    },
    DeleteMessage: async (convId: string, messageId: string) => {
      const c = find(convId);
      if (busy.has(convId)) throw busyErr;
      const target = c?.messages.find((x) => x.id === messageId);
      if (!c || !target) throw gone;
      const up = parentOf(c, messageId);
      const doomed = new Set([messageId]);
      if (target.role === 'user') for (const k of children(c, messageId)) if (k.role === 'assistant') doomed.add(k.id);
      for (const x of c.messages) if (!doomed.has(x.id) && doomed.has(parentOf(c, x.id))) parent.set(x.id, up);
      const shown = leafNow(c);
      c.messages = c.messages.filter((x) => !doomed.has(x.id));
      if (doomed.has(shown)) leaf.set(convId, up ? deepest(c, up) : (c.messages.at(-1)?.id ?? ''));
      return view(c);
    },
    UpdateConversationSettings: async (convId: string, s: ConversationSettings) => {
      const c = find(convId);
      if (!c) throw { kind: 'not_found', message: `conversation ${convId} not found` };
      const model = (s.model ?? '').trim();
      if (!model || /\s/.test(model)) throw { kind: 'invalid_input', message: 'A model id is one word, like qwen-plus.' };
      if (s.temperature != null && !(s.temperature >= 0 && s.temperature < 2))
        throw { kind: 'invalid_input', message: 'Temperature must be at least 0 and below 2.' };
      const saved = { ...s, model, systemPrompt: (s.systemPrompt ?? '').trim() };
      settings.set(convId, saved);
      c.model = model;
      return saved;
    },
  });

  const act = new URLSearchParams(location.search).get('act');
  if (act) {
    setTimeout(() => {
      const click = (sel: string) => {
        const all = document.querySelectorAll<HTMLElement>(sel);
        all[all.length - 1]?.click();
      };
      if (act === 'edit') click('[data-testid="action-edit"]');
      else if (act === 'delete') click('[data-testid="action-delete"]');
      else if (act === 'regen') click('[data-testid="action-regenerate"]');
      else if (act === 'conv') click('[data-testid="open-conv-settings"]');
      else if (act === 'focus') document.querySelectorAll<HTMLElement>('[data-testid="action-copy"]')[1]?.focus();
    }, 900);
  }
}
