// The comparison view and store against a fake bridge (the edge): three columns stream side by
// side from their own turns' events, Stop stops each, one failing leaves the others going, and
// picking continues with that answer.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import CompareView from '../src/components/CompareView.svelte';
import { CompareStore, type CompareBackend } from '../src/lib/compare.svelte';
import { EV_DELTA, EV_DONE, EV_ERROR, type Conversation, type Turn } from '../src/lib/contract.gen';

afterEach(() => cleanup());

type Handler = (p: unknown) => void;

function fakeBackend() {
  const handlers = new Map<string, Handler[]>();
  const turns: Turn[] = ['a', 'b', 'c'].map((x) => ({ requestId: 'req_' + x, conversationId: 'conv_1', userMessageId: 'msg_q', assistantMessageId: 'msg_' + x }));
  const api = {
    compare: vi.fn(async () => {
      // An event can arrive before the call returns: it must not be lost.
      emit(EV_DELTA, { requestId: 'req_a', conversationId: 'conv_1', messageId: 'msg_a', seq: 1, content: 'Early ', reasoning: '' });
      return turns;
    }),
    stop: vi.fn(async (_requestId: string) => {}),
    pickReply: vi.fn(async (conversationId: string) => ({ id: conversationId }) as Conversation),
    newConversation: vi.fn(async () => ({ id: 'conv_new' }) as Conversation),
    onEvent: vi.fn((name: string, h: Handler) => {
      handlers.set(name, [...(handlers.get(name) ?? []), h]);
      return () => {};
    }),
  };
  function emit(name: string, payload: unknown) {
    for (const h of handlers.get(name) ?? []) h(payload);
  }
  return { api: api as unknown as CompareBackend & typeof api, emit };
}

const header = (x: string, seq: number) => ({ requestId: 'req_' + x, conversationId: 'conv_1', messageId: 'msg_' + x, seq });

describe('compare models', () => {
  it('renders three columns that stream their own answers; Stop all stops each; an error stays in its column', async () => {
    const { api, emit } = fakeBackend();
    const store = new CompareStore(api);
    store.start();
    const settings = ['qwen-flash', 'qwen-missing', 'qwen3-max'].map((model) => ({ model, systemPrompt: 'be brief' }));
    expect(await store.run('conv_1', 'Which is cheapest?', settings)).toBe(true);
    expect(api.compare).toHaveBeenCalledWith('conv_1', 'Which is cheapest?', settings);

    render(CompareView, { compare: store, mode: 'answers', models: [], base: { model: 'qwen-plus', systemPrompt: '' }, onPicked: () => {} });
    const cols = screen.getAllByTestId('compare-column');
    expect(cols).toHaveLength(3);
    expect(cols.map((c) => c.getAttribute('aria-label'))).toEqual(['qwen-flash', 'qwen-missing', 'qwen3-max']);

    emit(EV_DELTA, { ...header('a', 2), content: 'flash answer', reasoning: '' });
    emit(EV_DELTA, { ...header('a', 2), content: 'DUPLICATE', reasoning: '' }); // a repeated event is applied once
    emit(EV_ERROR, { ...header('b', 1), status: 'error', kind: 'model_not_found', message: 'The model does not exist.', requestIdFromServer: '' });
    emit(EV_DELTA, { ...header('c', 1), content: 'max answer', reasoning: '' });
    await Promise.resolve();
    expect(within(cols[0]).getByTestId('markdown').textContent?.trim()).toBe('Early flash answer');
    expect(within(cols[1]).getByRole('alert').textContent).toContain('The model does not exist.');
    expect(within(cols[2]).getByTestId('markdown').textContent).toContain('max answer');
    expect(store.running).toBe(true);
    // Nobody can pick while answers are still coming.
    for (const b of screen.getAllByTestId('compare-pick')) expect((b as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('compare-stop'));
    // The failed column has ended: only the two still streaming are stopped.
    expect(api.stop.mock.calls.map((c) => c[0]).sort()).toEqual(['req_a', 'req_c']);

    emit(EV_DONE, { ...header('a', 3), status: 'stopped', finishReason: '', usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 } });
    emit(EV_DONE, { ...header('c', 2), status: 'complete', finishReason: 'stop', usage: { prompt_tokens: 10, completion_tokens: 9, total_tokens: 19 } });
    await Promise.resolve();
    expect(store.running).toBe(false);
    expect(within(cols[2]).getByText(/9 tokens/)).toBeTruthy();
    expect(within(cols[2]).getByText(/first token/).textContent).not.toContain('—');
    const picks = screen.getAllByTestId('compare-pick') as HTMLButtonElement[];
    expect(picks.map((b) => b.disabled)).toEqual([false, true, false]); // a failed answer cannot be continued
    // Once nothing runs, the answers can also be left without a pick (every model may have failed).
    expect(store.dismiss()).toBe('conv_1');
    expect(store.active).toBe(false);
  });

  it('picking continues with that answer and closes the comparison', async () => {
    const { api, emit } = fakeBackend();
    const store = new CompareStore(api);
    store.start();
    await store.run('', 'Q', [{ model: 'a', systemPrompt: '' }, { model: 'b', systemPrompt: '' }, { model: 'c', systemPrompt: '' }]);
    expect(api.newConversation).toHaveBeenCalled(); // a new chat gets a conversation first
    for (const x of ['a', 'b', 'c']) emit(EV_DONE, { ...header(x, x === 'a' ? 2 : 1), status: 'complete', finishReason: 'stop' });
    const conv = await store.pick(2);
    expect(api.pickReply).toHaveBeenCalledWith('conv_new', 'msg_c');
    expect(conv?.id).toBe('conv_new');
    expect(store.active).toBe(false);
  });

  it('the setup asks the chosen models with the conversation settings, each with its own model', async () => {
    const { api } = fakeBackend();
    const store = new CompareStore(api);
    const onAsked = vi.fn();
    render(CompareView, {
      compare: store,
      mode: 'setup',
      models: ['qwen-plus', 'qwen-flash', 'qwen3-max'],
      base: { model: 'qwen-plus', systemPrompt: 'sys', temperature: 0.3 },
      question: 'Hello?',
      conversationId: 'conv_1',
      onAsked,
      onPicked: () => {},
    });
    const ask = screen.getByTestId('compare-ask') as HTMLButtonElement;
    expect(ask.textContent).toContain('Ask 3 models');
    await fireEvent.click(ask);
    await vi.waitFor(() => expect(onAsked).toHaveBeenCalled());
    expect(api.compare).toHaveBeenCalledWith('conv_1', 'Hello?', [
      { model: 'qwen-plus', systemPrompt: 'sys', temperature: 0.3 },
      { model: 'qwen-flash', systemPrompt: 'sys', temperature: 0.3 },
      { model: 'qwen3-max', systemPrompt: 'sys', temperature: 0.3 },
    ]);
  });
});
