import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Sidebar from '../src/components/Sidebar.svelte';
import { ChatStore } from '../src/lib/chat.svelte';
import { ConversationsStore } from '../src/lib/conversations.svelte';
import { EV_CONVERSATIONS_CHANGED } from '../src/lib/events';
import type { ConversationSummary } from '../src/lib/types';
import { conv, deferred, fakeBackend, page, summary } from './fakes';

const NOW = new Date(2025, 5, 11, 15, 0, 0).getTime();
const PAGE = 10;

/**
 * Go's paging as the store implements it: pinned first, newest first, and a cursor that is a
 * position (the last row's pinned, updatedAt and id), so a row that moves up is not repeated.
 */
function pagedGo(rows: ConversationSummary[]) {
  const key = (c: ConversationSummary) => [c.pinned ? 1 : 0, c.updatedAt, c.id] as const;
  const before = (a: readonly [number, string, string], b: readonly [number, string, string]) =>
    a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
  return async (cursor: string, limit: number) => {
    const sorted = [...rows].sort((x, y) => (before(key(x), key(y)) ? 1 : -1));
    const from = cursor ? sorted.filter((c) => before(key(c), JSON.parse(cursor))) : sorted;
    const out = from.slice(0, limit);
    return page(out, from.length > limit ? JSON.stringify(key(out[out.length - 1])) : '');
  };
}

/** Conversation n was updated n minutes before NOW, so c0 is the newest. */
function history(n: number): ConversationSummary[] {
  return Array.from({ length: n }, (_, i) => summary(`c${i}`, { updatedAt: new Date(NOW - i * 60_000).toISOString() }));
}

function setup(rows: ConversationSummary[]) {
  const fb = fakeBackend();
  fb.api.listConversations.mockImplementation(pagedGo(rows));
  fb.api.conversation.mockImplementation(async (id: string) => ({ ...conv, id, messages: [] }));
  const chat = new ChatStore(fb.api, { schedule: (fn) => fn() });
  const conversations = new ConversationsStore(fb.api, chat, { now: () => NOW, pageSize: PAGE });
  chat.start();
  conversations.start();
  return { ...fb, chat, conversations };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const ids = (s: ConversationsStore) => s.list.map((c) => c.id);

/**
 * Gives the sidebar's list the layout jsdom lacks: `height` px visible, 50 px per row shown
 * (so it grows as pages arrive, as in a window), scrolled to `top`.
 */
function layout(el: HTMLElement, height: number, top: number) {
  Object.defineProperty(el, 'clientHeight', { configurable: true, value: height });
  Object.defineProperty(el, 'scrollHeight', { configurable: true, get: () => 50 * el.querySelectorAll('li').length });
  Object.defineProperty(el, 'scrollTop', { configurable: true, value: top });
}

afterEach(() => cleanup());

describe('sidebar paging', () => {
  // Fails if the first screen asks Go for more than a page (the 5,000-row load this replaces),
  // or if scrolling near the end asks for the next page more than once, or not at all.
  it('loads one page first and the next one once when scrolled near the end', async () => {
    const { conversations, api } = setup(history(35));
    render(Sidebar, { conversations, onNewChat: () => {}, onSearch: () => {} });
    await conversations.refresh();
    expect(api.listConversations).toHaveBeenCalledTimes(1);
    expect(api.listConversations).toHaveBeenLastCalledWith('', PAGE);
    expect(ids(conversations)).toEqual(history(PAGE).map((c) => c.id));

    const list = screen.getByTestId('sidebar-list');
    layout(list, 300, 0); // 500 px of rows, 300 shown: 200 px from the end
    expect(api.listConversations).toHaveBeenCalledTimes(1);
    layout(list, 100, 0); // a shorter window: 400 px from the end, not near it
    await fireEvent.scroll(list);
    expect(api.listConversations).toHaveBeenCalledTimes(1);
    expect(api.listConversations).toHaveBeenCalledTimes(1);

    layout(list, 300, 100); // 100 px from the end
    await fireEvent.scroll(list);
    await fireEvent.scroll(list); // a second scroll event while the page is on its way
    await flush();
    // 1,000 px of rows now, 100 scrolled: far from the end again, so no third page.
    expect(api.listConversations).toHaveBeenCalledTimes(2);
    expect(api.listConversations.mock.calls[1][0]).not.toBe('');
    expect(ids(conversations)).toEqual(history(2 * PAGE).map((c) => c.id));
    expect(screen.getAllByRole('listitem')).toHaveLength(2 * PAGE);
  });

  // Fails if a conversation that gets a new reply while later pages are loaded is shown twice
  // (once at the top, once where it was), stays where it was, or if the reload drops the rows
  // the user had scrolled to.
  it('moves a conversation updated while paged to the top without duplicates', async () => {
    const rows = history(35);
    const { conversations, api, emit } = setup(rows);
    await conversations.refresh();
    await conversations.loadMore();
    expect(conversations.list).toHaveLength(2 * PAGE);

    rows[15] = { ...rows[15], updatedAt: new Date(NOW + 60_000).toISOString(), title: 'new reply' };
    emit(EV_CONVERSATIONS_CHANGED, { conversationId: 'c15', reason: 'updated' });
    await flush();
    expect(api.listConversations).toHaveBeenLastCalledWith('', 2 * PAGE);
    expect(conversations.list[0]).toMatchObject({ id: 'c15', title: 'new reply' });
    expect(new Set(ids(conversations)).size).toBe(conversations.list.length);
    expect(conversations.list).toHaveLength(2 * PAGE);

    // The next page continues after the reloaded rows: every conversation once, in order.
    await conversations.loadMore();
    await conversations.loadMore();
    expect(conversations.hasMore).toBe(false);
    expect(ids(conversations)).toEqual(['c15', ...rows.filter((c) => c.id !== 'c15').map((c) => c.id)]);
  });

  // Fails if a page that was on its way when the list was reloaded is appended to the
  // reloaded list (its cursor belongs to the old one: rows could repeat or go missing).
  it('drops a next page that a reload overtook', async () => {
    const rows = history(35);
    const { conversations, api } = setup(rows);
    await conversations.refresh();
    const slow = deferred<ReturnType<typeof page>>();
    api.listConversations.mockReturnValueOnce(slow.promise);
    const more = conversations.loadMore();
    await conversations.refresh();
    slow.resolve(page([summary('stale')], 'x'));
    await more;
    expect(ids(conversations)).toEqual(history(PAGE).map((c) => c.id));
    expect(ids(conversations)).not.toContain('stale');
  });

  // Fails if the conversation open at the last close is not reopened because it is further
  // down than the first page.
  it('reopens the saved conversation even when it is not on the first page', async () => {
    const { conversations, chat, api } = setup(history(35));
    api.viewState.mockResolvedValue({ conversationId: 'c30', scrollTop: 0 });
    await conversations.restore();
    expect(chat.conversation?.id).toBe('c30');
    expect(conversations.list).toHaveLength(PAGE);
  });
});
