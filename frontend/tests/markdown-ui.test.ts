import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MessageBubble from '../src/components/MessageBubble.svelte';
import type { UIMessage } from '../src/lib/chat.svelte';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function message(over: Partial<UIMessage> = {}): UIMessage {
  return {
    id: 'a1',
    role: 'assistant',
    content: '',
    reasoning: '',
    status: 'complete',
    finishReason: 'stop',
    model: 'qwen-plus',
    createdAt: '',
    ...over,
  };
}

describe('links in answers', () => {
  const text = 'Open [the docs](https://example.com/docs?a=1), [mail](mailto:team@example.com), [bad](javascript:alert(1)) and <a href="vbscript:x">vb</a>.';

  function clickLink(name: string): MouseEvent {
    const a = screen.getByText(name);
    const ev = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    a.dispatchEvent(ev);
    return ev;
  }

  it('an http link calls onOpenLink with the URL and does not navigate', () => {
    const onOpenLink = vi.fn();
    render(MessageBubble, { message: message({ content: text }), onOpenLink });
    const link = screen.getByText('the docs');
    expect(link.tagName).toBe('A');
    expect(link.getAttribute('href')).toBeNull();
    expect(link.getAttribute('title')).toBe('https://example.com/docs?a=1');
    const ev = clickLink('the docs');
    expect(ev.defaultPrevented).toBe(true);
    expect(onOpenLink).toHaveBeenCalledWith('https://example.com/docs?a=1');
  });

  it('mailto is allowed; javascript: and vbscript: links do nothing', () => {
    const onOpenLink = vi.fn();
    render(MessageBubble, { message: message({ content: text }), onOpenLink });
    clickLink('mail');
    expect(onOpenLink).toHaveBeenCalledWith('mailto:team@example.com');
    onOpenLink.mockClear();
    expect(clickLink('bad').defaultPrevented).toBe(true);
    clickLink('vb');
    expect(onOpenLink).not.toHaveBeenCalled();
  });

  it('Enter on a focused link opens it too', async () => {
    const onOpenLink = vi.fn();
    render(MessageBubble, { message: message({ content: text }), onOpenLink });
    await fireEvent.keyDown(screen.getByText('the docs'), { key: 'Enter' });
    expect(onOpenLink).toHaveBeenCalledWith('https://example.com/docs?a=1');
  });

  it('a remote image becomes a link that offers to open it in the browser', () => {
    const onOpenLink = vi.fn();
    render(MessageBubble, { message: message({ content: '![chart](https://img.example.com/c.png)' }), onOpenLink });
    expect(document.querySelector('img')).toBeNull();
    clickLink('[image: chart] (img.example.com)');
    expect(onOpenLink).toHaveBeenCalledWith('https://img.example.com/c.png');
  });

  it('the code block Copy button copies the code and says Copied', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(MessageBubble, { message: message({ content: '```sh\necho hi\n```' }) });
    const button = document.querySelector<HTMLButtonElement>('button.md-copy')!;
    await fireEvent.click(button);
    await Promise.resolve();
    expect(writeText).toHaveBeenCalledWith('echo hi');
    await vi.waitFor(() => expect(button.textContent).toBe('Copied'));
  });

  it('user messages stay plain text', () => {
    render(MessageBubble, { message: message({ role: 'user', content: '**not bold** <b>x</b>' }) });
    const el = screen.getByTestId('message');
    expect(el.querySelector('strong, b')).toBeNull();
    expect(el.textContent).toContain('**not bold** <b>x</b>');
  });

  it('keeps the data attributes, status lines and caret', () => {
    render(MessageBubble, { message: message({ content: 'Hello **there**', status: 'streaming' }) });
    const el = screen.getByTestId('message');
    expect(el.dataset.status).toBe('streaming');
    expect(el.dataset.role).toBe('assistant');
    expect(el.dataset.messageId).toBe('a1');
    expect(el.querySelector('strong')?.textContent).toBe('there');
    expect(el.querySelectorAll('.md-caret')).toHaveLength(1);
  });
});

describe('thinking section', () => {
  it('is open while only reasoning streams, folds when the answer starts, and the toggle works', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date', 'setTimeout'] });
    const m = message({ status: 'streaming', content: '', reasoning: '' });
    const { rerender } = render(MessageBubble, { message: m });
    await rerender({ message: { ...m, reasoning: 'Let me think about **this**.' } });
    const section = screen.getByTestId('thinking');
    expect(section.dataset.open).toBe('true');
    expect(screen.getByTestId('thinking-label').textContent).toBe('Thinking…');
    expect(section.querySelector('strong')?.textContent).toBe('this');

    vi.advanceTimersByTime(3200);
    await rerender({ message: { ...m, reasoning: 'Let me think about **this**.', content: 'The answer' } });
    expect(screen.getByTestId('thinking').dataset.open).toBe('false');
    expect(screen.getByTestId('thinking-label').textContent).toBe('Thought for 3 s');
    expect(screen.getByTestId('thinking').querySelector('.md')).toBeNull();

    await fireEvent.click(screen.getByTestId('thinking-toggle'));
    expect(screen.getByTestId('thinking').dataset.open).toBe('true');
    expect(screen.getByTestId('thinking-toggle').getAttribute('aria-expanded')).toBe('true');
    // The user's choice sticks as the answer keeps streaming.
    await rerender({ message: { ...m, reasoning: 'Let me think about **this**.', content: 'The answer goes on' } });
    expect(screen.getByTestId('thinking').dataset.open).toBe('true');
    await fireEvent.click(screen.getByTestId('thinking-toggle'));
    expect(screen.getByTestId('thinking').dataset.open).toBe('false');
  });

  it('a message from history is folded and says just "Thinking" (no invented duration)', () => {
    render(MessageBubble, { message: message({ reasoning: 'Old thoughts', content: 'Answer' }) });
    expect(screen.getByTestId('thinking').dataset.open).toBe('false');
    expect(screen.getByTestId('thinking-label').textContent).toBe('Thinking');
  });
});
