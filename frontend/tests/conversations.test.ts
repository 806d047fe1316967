import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Sidebar from '../src/components/Sidebar.svelte';
import Toasts from '../src/components/Toasts.svelte';
import { ChatStore } from '../src/lib/chat.svelte';
import { ConversationsStore, bucketOf, groupConversations } from '../src/lib/conversations.svelte';
import { EV_CONVERSATIONS_CHANGED, EV_DONE } from '../src/lib/events';
import { relativeTime } from '../src/lib/i18n';
import { conv, deferred, fakeBackend, page, summary } from './fakes';

// Wednesday 2025-06-11 15:00 local time.
const NOW = new Date(2025, 5, 11, 15, 0, 0).getTime();
const at = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).toISOString();

function setup(list = [summary('a'), summary('b'), summary('c')]) {
  const fb = fakeBackend();
  fb.api.listConversations.mockResolvedValue(page(list));
  fb.api.conversation.mockImplementation(async (id: string) => ({ ...conv, id, title: `Chat ${id}`, messages: [] }));
  const chat = new ChatStore(fb.api, { schedule: (fn) => fn() });
  const conversations = new ConversationsStore(fb.api, chat, { now: () => NOW, saveDelayMs: 500, undoMs: 8000 });
  chat.start();
  conversations.start();
  return { ...fb, chat, conversations };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const ids = (s: ConversationsStore) => s.list.map((c) => c.id);

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('date buckets', () => {
  it.each([
    [at(2025, 6, 11, 0), 'today'],
    [at(2025, 6, 11, 14), 'today'],
    [at(2025, 6, 10, 23), 'yesterday'],
    [at(2025, 6, 10, 0), 'yesterday'],
    [at(2025, 6, 9, 23), 'week'],
    [at(2025, 6, 4, 16), 'week'],
    [at(2025, 6, 3, 12), 'older'],
    [at(2024, 12, 31), 'older'],
    ['not a date', 'older'],
  ] as const)('%s → %s', (iso, want) => {
    expect(bucketOf(iso, NOW)).toBe(want);
  });

  it('keeps the order Go gave and puts pinned ones first in their own group', () => {
    const list = [
      summary('p2', { pinned: true, updatedAt: at(2025, 1, 1) }),
      summary('p1', { pinned: true, updatedAt: at(2025, 6, 11) }),
      summary('t1', { updatedAt: at(2025, 6, 11, 14) }),
      summary('t2', { updatedAt: at(2025, 6, 11, 9) }),
      summary('y1', { updatedAt: at(2025, 6, 10) }),
      summary('w1', { updatedAt: at(2025, 6, 6) }),
      summary('o1', { updatedAt: at(2025, 3, 1) }),
    ];
    const groups = groupConversations(list, NOW);
    expect(groups.map((g) => [g.bucket, g.items.map((c) => c.id)])).toEqual([
      ['pinned', ['p2', 'p1']],
      ['today', ['t1', 't2']],
      ['yesterday', ['y1']],
      ['week', ['w1']],
      ['older', ['o1']],
    ]);
  });

  it('omits empty groups', () => {
    expect(groupConversations([summary('x', { updatedAt: at(2025, 6, 11) })], NOW).map((g) => g.bucket)).toEqual(['today']);
  });

  it('shows relative times in both languages', () => {
    expect(relativeTime(new Date(NOW - 20_000).toISOString(), NOW, 'en')).toBe('just now');
    expect(relativeTime(new Date(NOW - 5 * 60_000).toISOString(), NOW, 'en')).toBe('5 min ago');
    expect(relativeTime(new Date(NOW - 3 * 3600_000).toISOString(), NOW, 'zh')).toBe('3 小时前');
    expect(relativeTime(new Date(NOW - 2 * 86400_000).toISOString(), NOW, 'en')).toBe('2 d ago');
  });
});

describe('conversations store', () => {
  it('loads the list as Go orders it and groups it with the injected clock', async () => {
    const { conversations } = setup([
      summary('a', { pinned: true, updatedAt: at(2025, 5, 1) }),
      summary('b', { updatedAt: at(2025, 6, 11, 10) }),
      summary('c', { updatedAt: at(2025, 6, 10, 10) }),
    ]);
    await conversations.refresh();
    expect(ids(conversations)).toEqual(['a', 'b', 'c']);
    expect(conversations.groups.map((g) => g.bucket)).toEqual(['pinned', 'today', 'yesterday']);
  });

  it('drops a slow list answer that a newer one overtook', async () => {
    const { conversations, api } = setup();
    const slow = deferred<ReturnType<typeof page>>();
    api.listConversations.mockReturnValueOnce(slow.promise).mockResolvedValueOnce(page([summary('new')]));
    const first = conversations.refresh();
    await conversations.refresh();
    slow.resolve(page([summary('old')]));
    await first;
    expect(ids(conversations)).toEqual(['new']);
  });

  it('renames optimistically and keeps the new title', async () => {
    const { conversations, api } = setup();
    await conversations.refresh();
    const saved = deferred<void>();
    api.renameConversation.mockReturnValueOnce(saved.promise);
    const done = conversations.rename('b', '  周报  ');
    expect(conversations.list[1].title).toBe('周报');
    saved.resolve();
    expect(await done).toBe(true);
    expect(api.renameConversation).toHaveBeenCalledWith('b', '周报');
    expect(conversations.list[1].title).toBe('周报');
  });

  it('rolls a failed rename back and says why', async () => {
    const { conversations, api } = setup();
    await conversations.refresh();
    api.renameConversation.mockRejectedValueOnce({ kind: 'internal', message: 'disk I/O error' });
    expect(await conversations.rename('b', 'New name')).toBe(false);
    expect(conversations.list[1].title).toBe('Chat b');
    expect(conversations.notice).toEqual({ kind: 'internal', message: 'disk I/O error', requestIdFromServer: '' });
  });

  it('pins optimistically (the item moves to Pinned at once) and rolls back on failure', async () => {
    const { conversations, api } = setup([summary('a', { updatedAt: at(2025, 6, 11) }), summary('b', { updatedAt: at(2025, 6, 11) })]);
    await conversations.refresh();
    const pending = deferred<void>();
    api.pinConversation.mockReturnValueOnce(pending.promise);
    const done = conversations.pin('b', true);
    expect(conversations.groups[0]).toMatchObject({ bucket: 'pinned', items: [{ id: 'b' }] });
    pending.reject('not_found: no such conversation');
    expect(await done).toBe(false);
    expect(conversations.groups.map((g) => g.bucket)).toEqual(['today']);
    expect(conversations.notice?.kind).toBe('not_found');
  });

  it('deletes at once, offers Undo for 8 s, and Undo restores', async () => {
    vi.useFakeTimers();
    const { conversations, api } = setup();
    await conversations.refresh();
    await conversations.remove('b');
    expect(ids(conversations)).toEqual(['a', 'c']);
    expect(api.deleteConversation).toHaveBeenCalledWith('b');
    expect(conversations.toast).toMatchObject({ kind: 'deleted', id: 'b' });

    api.listConversations.mockResolvedValueOnce(page([summary('a'), summary('b'), summary('c')]));
    expect(await conversations.undo()).toBe(true);
    expect(api.restoreConversation).toHaveBeenCalledWith('b');
    expect(ids(conversations)).toEqual(['a', 'b', 'c']);
    expect(conversations.toast).toBeNull();
  });

  it('the Undo toast goes away by itself', async () => {
    vi.useFakeTimers();
    const { conversations } = setup();
    await conversations.refresh();
    await conversations.remove('a');
    vi.advanceTimersByTime(7900);
    expect(conversations.toast).not.toBeNull();
    vi.advanceTimersByTime(200);
    expect(conversations.toast).toBeNull();
  });

  it('a failed delete puts the item back where it was', async () => {
    const { conversations, api } = setup();
    await conversations.refresh();
    api.deleteConversation.mockRejectedValueOnce({ kind: 'permission', message: 'read-only file' });
    expect(await conversations.remove('b')).toBe(false);
    expect(ids(conversations)).toEqual(['a', 'b', 'c']);
    expect(conversations.toast).toBeNull();
    expect(conversations.notice?.kind).toBe('permission');
  });

  it('deleting the open conversation clears the chat; Undo opens it again', async () => {
    const { conversations, chat, api } = setup();
    await conversations.refresh();
    await conversations.select('b');
    expect(chat.conversation?.id).toBe('b');
    await conversations.remove('b');
    expect(chat.conversation).toBeNull();
    api.listConversations.mockResolvedValueOnce(page([summary('a'), summary('b'), summary('c')]));
    await conversations.undo();
    expect(chat.conversation?.id).toBe('b');
  });

  it('refreshes on conversations:changed, once for a burst of events', async () => {
    const { conversations, api, emit } = setup();
    await conversations.refresh();
    api.listConversations.mockClear();
    api.listConversations.mockResolvedValue(page([summary('z'), summary('a')]));
    emit(EV_CONVERSATIONS_CHANGED, { conversationId: 'z', reason: 'title' });
    emit(EV_CONVERSATIONS_CHANGED, { conversationId: 'z', reason: 'updated' });
    await flush();
    expect(api.listConversations).toHaveBeenCalledTimes(1);
    expect(ids(conversations)).toEqual(['z', 'a']);
  });

  it('a reply ending refreshes the sidebar: the conversation moves up with its new title', async () => {
    const { conversations, chat, api, emit } = setup([summary('a'), summary('c1', { title: '' })]);
    await conversations.refresh();
    await conversations.select('c1');
    render(Sidebar, { conversations, onNewChat: () => {}, onSearch: () => {} });
    chat.draft = 'Hi';
    await chat.send();
    await flush();
    api.listConversations.mockClear();
    api.listConversations.mockResolvedValue(page([summary('c1', { title: 'Greetings' }), summary('a')]));
    emit(EV_DONE, { requestId: 'r1', conversationId: 'c1', messageId: 'a1', seq: 1, status: 'complete', finishReason: 'stop' });
    await flush();
    flushSync();
    expect(api.listConversations).toHaveBeenCalledTimes(1);
    const items = screen.getAllByTestId('conversation');
    expect(items.map((el) => el.dataset.id)).toEqual(['c1', 'a']);
    expect(items[0].textContent).toContain('Greetings');
  });

  it('the first send lists the new conversation in the sidebar as the open one and saves it as the view', async () => {
    vi.useFakeTimers();
    const { conversations, chat, api } = setup([summary('a')]);
    await conversations.refresh();
    render(Sidebar, { conversations, onNewChat: () => {}, onSearch: () => {} });
    api.listConversations.mockResolvedValue(page([summary('c1', { title: 'Hi' }), summary('a')]));
    chat.draft = 'Hi';
    await chat.send();
    await vi.advanceTimersByTimeAsync(600);
    flushSync();
    const items = screen.getAllByTestId('conversation');
    expect(items.map((el) => el.dataset.id)).toEqual(['c1', 'a']);
    expect(items[0].querySelector('[aria-current="page"]')).toBeTruthy();
    expect(items[1].querySelector('[aria-current]')).toBeNull();
    expect(api.saveViewState).toHaveBeenLastCalledWith('c1', 0);
  });

  it('a later send in the same conversation does not announce it as created again', async () => {
    vi.useFakeTimers();
    const { conversations, chat, api, emit } = setup([summary('a')]);
    await conversations.refresh();
    chat.draft = 'Hi';
    await chat.send();
    emit(EV_DONE, { requestId: 'r1', conversationId: 'c1', messageId: 'a1', seq: 1, status: 'complete', finishReason: 'stop' });
    await vi.advanceTimersByTimeAsync(600);
    api.saveViewState.mockClear();
    chat.draft = 'Again';
    await chat.send();
    await vi.advanceTimersByTimeAsync(600);
    expect(api.newConversation).toHaveBeenCalledTimes(1);
    expect(api.saveViewState).not.toHaveBeenCalled();
  });

  it('after dispose, a reply ending no longer refreshes the list', async () => {
    const { conversations, chat, api, emit } = setup();
    chat.draft = 'Hi';
    await chat.send();
    await flush();
    conversations.dispose();
    api.listConversations.mockClear();
    emit(EV_DONE, { requestId: 'r1', conversationId: 'c1', messageId: 'a1', seq: 1, status: 'complete', finishReason: 'stop' });
    await flush();
    expect(api.listConversations).not.toHaveBeenCalled();
  });

  it('import refreshes the list and reports counts; a bad file shows the reason', async () => {
    const { conversations, api } = setup();
    api.importConversations.mockResolvedValueOnce({ conversations: 3, messages: 42, renamed: 0, cancelled: false });
    api.listConversations.mockClear();
    expect(await conversations.importConversations()).toBe(true);
    expect(conversations.toast).toEqual({ kind: 'imported', conversations: 3, messages: 42, renamed: 0 });
    expect(api.listConversations).toHaveBeenCalled();

    conversations.dismissToast();
    api.importConversations.mockRejectedValueOnce({ kind: 'import', message: 'not a QwenDesk export' });
    expect(await conversations.importConversations()).toBe(false);
    expect(conversations.notice).toMatchObject({ kind: 'import', message: 'not a QwenDesk export' });
    expect(conversations.toast).toBeNull();
  });

  it('export shows where it saved, and nothing when cancelled', async () => {
    const { conversations, api } = setup();
    api.exportConversations.mockResolvedValueOnce('/home/me/chat.md');
    await conversations.exportConversations(['a'], 'markdown');
    expect(api.exportConversations).toHaveBeenCalledWith(['a'], 'markdown');
    expect(conversations.toast).toEqual({ kind: 'saved', path: '/home/me/chat.md' });
    conversations.dismissToast();
    api.exportConversations.mockResolvedValueOnce('');
    await conversations.exportConversations([], 'json');
    expect(conversations.toast).toBeNull();
    expect(conversations.notice).toBeNull();
  });
});

describe('view state', () => {
  it('restores the saved conversation and its scroll position', async () => {
    const { conversations, chat, api } = setup();
    api.viewState.mockResolvedValueOnce({ conversationId: 'c', scrollTop: 640 });
    await conversations.restore();
    expect(api.conversation).toHaveBeenCalledWith('c');
    expect(chat.conversation?.id).toBe('c');
    expect(chat.scrollRequest).toEqual({ top: 640 });
  });

  it('falls back to the newest conversation when the saved one is gone', async () => {
    const { conversations, chat, api } = setup([
      summary('pinned-old', { pinned: true, updatedAt: at(2025, 1, 1) }),
      summary('newest', { updatedAt: at(2025, 6, 11) }),
      summary('older', { updatedAt: at(2025, 6, 1) }),
    ]);
    api.viewState.mockResolvedValueOnce({ conversationId: 'deleted-one', scrollTop: 300 });
    await conversations.restore();
    expect(chat.conversation?.id).toBe('newest');
    expect(chat.scrollRequest).toBeNull();
  });

  it('starts a new chat when there are no conversations (or the view state cannot be read)', async () => {
    const { conversations, chat, api } = setup([]);
    api.viewState.mockRejectedValueOnce('internal: boom');
    await conversations.restore();
    expect(chat.conversation).toBeNull();
    expect(chat.messages).toEqual([]);
    expect(api.conversation).not.toHaveBeenCalled();
  });

  it('saves the open conversation and scroll position once things settle', async () => {
    vi.useFakeTimers();
    const { conversations, api } = setup();
    await conversations.refresh();
    await conversations.select('b');
    for (const top of [10, 50, 120, 300]) {
      conversations.noteScroll(top);
      vi.advanceTimersByTime(200);
    }
    expect(api.saveViewState).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(api.saveViewState).toHaveBeenCalledTimes(1);
    expect(api.saveViewState).toHaveBeenCalledWith('b', 300);
  });

  it('saves at once when the window closes, and not again for the same state', async () => {
    vi.useFakeTimers();
    const { conversations, api } = setup();
    await conversations.refresh();
    await conversations.select('a');
    conversations.noteScroll(42.4);
    conversations.flushViewState();
    expect(api.saveViewState).toHaveBeenCalledWith('a', 42);
    vi.advanceTimersByTime(1000);
    conversations.flushViewState();
    expect(api.saveViewState).toHaveBeenCalledTimes(1);
  });

  it('a new chat is saved as no open conversation', async () => {
    vi.useFakeTimers();
    const { conversations, api } = setup();
    await conversations.select('a');
    conversations.newChat();
    vi.advanceTimersByTime(600);
    expect(api.saveViewState).toHaveBeenLastCalledWith('', 0);
  });
});

describe('switching conversations', () => {
  it('shows cached messages at once, then Go’s copy', async () => {
    const { conversations, chat, api } = setup();
    const msg = (id: string, content: string) => ({
      id,
      role: 'user' as const,
      content,
      reasoning: '',
      status: 'complete' as const,
      finishReason: '',
      model: '',
      createdAt: '',
    });
    api.conversation.mockResolvedValueOnce({ ...conv, id: 'a', messages: [msg('m1', 'cached text')] });
    await conversations.select('a');
    await conversations.select('b');
    const fresh = deferred<typeof conv>();
    api.conversation.mockReturnValueOnce(fresh.promise);
    const opening = conversations.select('a');
    expect(chat.messages.map((m) => m.content)).toEqual(['cached text']);
    fresh.resolve({ ...conv, id: 'a', messages: [msg('m1', 'cached text'), msg('m2', 'newer')] });
    await opening;
    expect(chat.messages.map((m) => m.content)).toEqual(['cached text', 'newer']);
  });

  it('a slow answer for a conversation the user already left is dropped', async () => {
    const { conversations, chat, api } = setup();
    const slow = deferred<typeof conv>();
    api.conversation.mockReturnValueOnce(slow.promise);
    const first = conversations.select('a');
    await conversations.select('b');
    slow.resolve({ ...conv, id: 'a' });
    await first;
    expect(chat.conversation?.id).toBe('b');
  });

  it('opening a search hit asks the list to scroll to that message and highlights it', async () => {
    const { conversations, chat } = setup();
    await conversations.select('a', 'm-7');
    expect(chat.scrollRequest).toEqual({ messageId: 'm-7' });
    expect(chat.highlightId).toBe('m-7');
  });
});

describe('sidebar', () => {
  it('marks the open conversation, renames inline (Enter saves, Esc cancels) and deletes with Undo', async () => {
    const { conversations, api } = setup([summary('a', { title: '' }), summary('b', { pinned: true })]);
    await conversations.refresh();
    await conversations.select('a');
    render(Sidebar, { conversations, onNewChat: () => {}, onSearch: () => {} });
    render(Toasts, { conversations });
    flushSync();

    const items = () => screen.getAllByTestId('conversation');
    expect(items().map((el) => el.dataset.id)).toEqual(['b', 'a']);
    expect(items()[1].textContent).toContain('New chat');
    expect(items()[1].querySelector('[aria-current="page"]')).toBeTruthy();
    expect(items()[0].querySelector('[aria-current]')).toBeNull();
    expect(screen.getByText('Pinned')).toBeTruthy();

    // Esc cancels
    await fireEvent.click(items()[0].querySelector('[data-testid="conversation-menu"]')!);
    await fireEvent.click(document.querySelector('[data-action="rename"]')!);
    let input = screen.getByTestId('rename-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'Nope' } });
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(api.renameConversation).not.toHaveBeenCalled();
    expect(items()[0].textContent).toContain('Chat b');

    // Enter saves
    await fireEvent.click(items()[0].querySelector('[data-testid="conversation-menu"]')!);
    await fireEvent.click(document.querySelector('[data-action="rename"]')!);
    input = screen.getByTestId('rename-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '旅行计划' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(api.renameConversation).toHaveBeenCalledWith('b', '旅行计划');
    expect(items()[0].textContent).toContain('旅行计划');

    // Delete, then Undo from the toast
    await fireEvent.click(items()[0].querySelector('[data-testid="conversation-menu"]')!);
    await fireEvent.click(document.querySelector('[data-action="delete"]')!);
    await flush();
    flushSync();
    expect(items().map((el) => el.dataset.id)).toEqual(['a']);
    expect(screen.getByTestId('toast').textContent).toContain('Conversation deleted');
    api.listConversations.mockResolvedValueOnce(page([summary('a', { title: '' }), summary('b', { pinned: true, title: '旅行计划' })]));
    await fireEvent.click(screen.getByTestId('undo'));
    await flush();
    flushSync();
    expect(api.restoreConversation).toHaveBeenCalledWith('b');
    expect(items().map((el) => el.dataset.id)).toEqual(['b', 'a']);
  });
});
