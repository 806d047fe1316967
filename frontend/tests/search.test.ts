import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MessageBubble from '../src/components/MessageBubble.svelte';
import SearchPalette from '../src/components/SearchPalette.svelte';
import Snippet from '../src/components/Snippet.svelte';
import { SearchStore } from '../src/lib/search.svelte';
import type { SearchGroup } from '../src/lib/types';
import { deferred, fakeBackend } from './fakes';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function group(id: string, hits: string[], title = `Chat ${id}`): SearchGroup {
  return {
    conversationId: id,
    title,
    updatedAt: '',
    titleMatch: null,
    hits: hits.map((m) => ({
      conversationId: id,
      messageId: m,
      role: 'assistant',
      snippet: [
        { text: 'about ', match: false },
        { text: '协程', match: true },
      ],
      createdAt: '',
      inToolResult: false,
      toolCallId: '',
    })),
  };
}

function setup() {
  const fb = fakeBackend();
  const search = new SearchStore(fb.api, { debounceMs: 150 });
  return { ...fb, search };
}

describe('search store', () => {
  it('waits until typing pauses, then searches once with the last query', async () => {
    vi.useFakeTimers();
    const { search, api } = setup();
    api.search.mockResolvedValue([group('a', ['m1'])]);
    for (const q of ['g', 'go', 'gor', '协程']) {
      search.setQuery(q);
      vi.advanceTimersByTime(100);
    }
    expect(api.search).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60);
    expect(api.search).toHaveBeenCalledTimes(1);
    expect(api.search).toHaveBeenCalledWith('协程');
    expect(search.items.map((i) => i.messageId)).toEqual(['m1']);
    expect(search.resultQuery).toBe('协程');
    expect(search.searching).toBe(false);
  });

  it('drops a slow answer for an older query', async () => {
    vi.useFakeTimers();
    const { search, api } = setup();
    const slow = deferred<SearchGroup[]>();
    api.search.mockReturnValueOnce(slow.promise).mockResolvedValueOnce([group('new', ['n1'])]);
    search.setQuery('old');
    await vi.advanceTimersByTimeAsync(150);
    search.setQuery('new');
    await vi.advanceTimersByTimeAsync(150);
    expect(search.groups.map((g) => g.conversationId)).toEqual(['new']);
    slow.resolve([group('old', ['o1'])]);
    await vi.advanceTimersByTimeAsync(0);
    expect(search.groups.map((g) => g.conversationId)).toEqual(['new']);
    expect(search.resultQuery).toBe('new');
  });

  it('clearing the query clears the results and ignores what is still on its way', async () => {
    vi.useFakeTimers();
    const { search, api } = setup();
    const slow = deferred<SearchGroup[]>();
    api.search.mockReturnValueOnce(slow.promise);
    search.setQuery('x');
    await vi.advanceTimersByTimeAsync(150);
    search.setQuery('');
    slow.resolve([group('a', ['m1'])]);
    await vi.advanceTimersByTimeAsync(0);
    expect(search.groups).toEqual([]);
    expect(search.searching).toBe(false);
  });

  it('arrow selection wraps at both ends, across groups; a title-only group is one item', async () => {
    vi.useFakeTimers();
    const { search, api } = setup();
    api.search.mockResolvedValueOnce([group('a', ['m1', 'm2']), group('b', [], 'Title only')]);
    search.setQuery('q');
    await vi.advanceTimersByTimeAsync(150);
    expect(search.items.map((i) => i.key)).toEqual(['m:a:m1', 'm:a:m2', 'c:b']);
    expect(search.selected).toBe(0);
    search.move(-1);
    expect(search.current?.key).toBe('c:b');
    search.move(1);
    expect(search.current?.key).toBe('m:a:m1');
    search.move(1);
    search.move(1);
    search.move(1);
    expect(search.current?.key).toBe('m:a:m1');
  });
});

describe('snippet', () => {
  it('marks only the matches and renders everything as text', () => {
    const { container } = render(Snippet, {
      parts: [
        { text: 'before <img src=x onerror=alert(1)> ', match: false },
        { text: '<b>hit</b>', match: true },
        { text: ' after', match: false },
      ],
    });
    const marks = container.querySelectorAll('mark');
    expect(marks).toHaveLength(1);
    expect(marks[0].textContent).toBe('<b>hit</b>');
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(screen.getByTestId('snippet').textContent).toBe('before <img src=x onerror=alert(1)> <b>hit</b> after');
  });
});

describe('search palette', () => {
  it('shows hints, results grouped by conversation, and opens the chosen hit with Enter', async () => {
    vi.useFakeTimers();
    const { search, api } = setup();
    search.open();
    const onChoose = vi.fn();
    render(SearchPalette, { search, onChoose });
    expect(screen.getByText('Type to search all conversations')).toBeTruthy();

    api.search.mockResolvedValueOnce([group('a', ['m1', 'm2'], 'Go notes'), group('b', ['m3'], '杭州')]);
    const input = screen.getByTestId('search-input');
    await fireEvent.input(input, { target: { value: '协程' } });
    await vi.advanceTimersByTimeAsync(150);
    flushSync();
    expect(screen.getAllByTestId('search-group').map((g) => g.getAttribute('aria-label'))).toEqual(['Go notes', '杭州']);
    expect(screen.getAllByTestId('search-hit')).toHaveLength(3);
    expect(screen.getAllByTestId('search-hit')[0].querySelector('mark')?.textContent).toBe('协程');

    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(screen.getAllByTestId('search-hit')[2].getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(onChoose).toHaveBeenCalledWith(expect.objectContaining({ conversationId: 'b', messageId: 'm3' }));
    expect(search.isOpen).toBe(false);
  });

  it('says when nothing matched, and Esc closes', async () => {
    vi.useFakeTimers();
    const { search, api } = setup();
    search.open();
    render(SearchPalette, { search, onChoose: () => {} });
    api.search.mockResolvedValueOnce([]);
    const input = screen.getByTestId('search-input');
    await fireEvent.input(input, { target: { value: 'zzz' } });
    await vi.advanceTimersByTimeAsync(150);
    flushSync();
    expect(screen.getByTestId('search-none').textContent).toBe('No results for “zzz”');
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(search.isOpen).toBe(false);
  });
});

describe('message status', () => {
  it('an interrupted reply says so and keeps its text', () => {
    render(MessageBubble, {
      message: {
        id: 'a1',
        role: 'assistant',
        content: 'Partial answer',
        reasoning: '',
        status: 'incomplete',
        finishReason: '',
        model: 'qwen-plus',
        createdAt: '',
      },
    });
    expect(screen.getByText('Partial answer')).toBeTruthy();
    expect(screen.getByTestId('incomplete').textContent).toBe(
      'Interrupted — QwenDesk closed while this reply was streaming; the text received is kept',
    );
    expect(document.querySelector('[data-message-id="a1"]')).toBeTruthy();
  });
});
