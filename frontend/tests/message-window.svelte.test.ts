// A long conversation renders from the bottom: the last messages first, older ones on demand.
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MessageList, { EARLIER_BATCH, FIRST_SHOWN, RENDERED_AHEAD } from '../src/components/MessageList.svelte';
import type { UIMessage } from '../src/lib/chat.svelte';

afterEach(cleanup);

const conversation = (n: number, prefix = 'm'): UIMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    role: i % 2 ? ('assistant' as const) : ('user' as const),
    content: `message number ${i}`,
    reasoning: '',
    status: 'complete' as const,
    finishReason: 'stop',
    model: 'qwen-plus',
    createdAt: '',
  }));

const renderedIds = () => [...document.querySelectorAll<HTMLElement>('[data-message-id]')].map((e) => e.dataset.messageId);

describe('a long conversation', () => {
  it('opens with only its last messages rendered, the newest included', () => {
    render(MessageList, { messages: conversation(5000), conversationId: 'long' });
    const ids = renderedIds();
    expect(ids.length).toBe(FIRST_SHOWN);
    expect(ids.at(-1)).toBe('m4999');
    expect(ids[0]).toBe(`m${5000 - FIRST_SHOWN}`);
    expect(screen.getByTestId('show-earlier').textContent).toContain((5000 - FIRST_SHOWN).toLocaleString('en-US'));
  });

  it('renders older messages when asked, and keeps them while replies are appended', async () => {
    const props = $state({ messages: conversation(500), conversationId: 'c' });
    render(MessageList, props);
    await fireEvent.click(screen.getByTestId('show-earlier'));
    await tick();
    expect(renderedIds().length).toBe(2 * FIRST_SHOWN);
    props.messages = [...props.messages, ...conversation(2, 'new')];
    flushSync();
    const ids = renderedIds();
    expect(ids[0]).toBe(`m${500 - 2 * FIRST_SHOWN}`); // appending did not drop the older ones
    expect(ids.at(-1)).toBe('new1');
  });

  // Fails if scrolling up never renders older messages, renders all of them at once, or
  // lets the view jump (WebKit has no scroll anchoring: the list must put it back).
  it('scrolling near the top renders the next older batch and keeps the view in place', async () => {
    render(MessageList, { messages: conversation(500), conversationId: 's' });
    const scroller = document.querySelector<HTMLElement>('.scroller')!;
    // The layout jsdom lacks: 800 px visible, 100 px per rendered message.
    let top = 0;
    Object.defineProperty(scroller, 'clientHeight', { configurable: true, value: 800 });
    Object.defineProperty(scroller, 'scrollHeight', { configurable: true, get: () => 100 * renderedIds().length });
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, get: () => top, set: (v: number) => (top = v) });
    top = 1100; // within the 1,200 px margin of the top
    await fireEvent.scroll(scroller);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      await tick();
    }
    const added = renderedIds().length - FIRST_SHOWN;
    expect(added).toBeGreaterThanOrEqual(EARLIER_BATCH);
    expect(added).toBeLessThan(500 - FIRST_SHOWN); // batches, not everything at once
    expect(top).toBe(1100 + 100 * added); // the same message is still under the viewport
  });

  it('a search hit older than what is rendered is rendered and scrolled to', async () => {
    let done = 0;
    render(MessageList, {
      messages: conversation(3000),
      conversationId: 'h',
      scrollRequest: { messageId: 'm12' },
      onScrollDone: () => done++,
    });
    await tick();
    flushSync();
    const ids = renderedIds();
    expect(ids).toContain('m12');
    expect(ids.length).toBeLessThanOrEqual(FIRST_SHOWN + 3); // a range around it, not all 2,988 below
    expect(done).toBe(1);
    await fireEvent.click(screen.getByTestId('show-later'));
    await tick();
    expect(renderedIds().length).toBe(ids.length + FIRST_SHOWN);
  });

  // Fails if a question sent while an old range (a search hit) is on screen stays out of view.
  it('sending while reading an old range goes back to the newest', async () => {
    const props = $state({ messages: conversation(3000), conversationId: 'back', scrollRequest: { messageId: 'm12' } as { messageId: string } | null });
    render(MessageList, props);
    await tick();
    flushSync();
    expect(renderedIds()).not.toContain('m2999');
    props.scrollRequest = null;
    props.messages = [...props.messages, ...conversation(1, 'q').map((m) => ({ ...m, role: 'user' as const }))];
    flushSync();
    const ids = renderedIds();
    expect(ids.at(-1)).toBe('q0');
    expect(ids).toContain('m2999');
    expect(ids).not.toContain('m12');
  });

  // Fails if nothing is rendered ahead while idle (scrolling up would meet a batch per frame),
  // or if rendering ahead does not stop.
  it('renders older messages ahead while idle, up to a bound', async () => {
    render(MessageList, { messages: conversation(500), conversationId: 'ahead' });
    const scroller = document.querySelector<HTMLElement>('.scroller')!;
    let top = 0;
    Object.defineProperty(scroller, 'clientHeight', { configurable: true, value: 800 });
    Object.defineProperty(scroller, 'scrollHeight', { configurable: true, get: () => 1000 * renderedIds().length });
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, get: () => top, set: (v: number) => (top = v) });
    top = 1000 * FIRST_SHOWN - 800; // at the bottom, far from the top
    await fireEvent.scroll(scroller);
    await vi.waitFor(() => expect(renderedIds().length).toBeGreaterThanOrEqual(RENDERED_AHEAD), { timeout: 3000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(renderedIds().length).toBeLessThan(RENDERED_AHEAD + 2 * EARLIER_BATCH);
  });
});
