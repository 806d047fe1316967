import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Composer from '../src/components/Composer.svelte';
import PriceTable from '../src/components/PriceTable.svelte';
import UsageChart from '../src/components/UsageChart.svelte';
import UsagePage from '../src/components/UsagePage.svelte';
import { setLanguage } from '../src/lib/i18n';
import { validatePrices } from '../src/lib/prices';
import type { UsageReport, UsageRow } from '../src/lib/types';
import { daysBetween, perDay, totalsOf, UsageStore } from '../src/lib/usage.svelte';
import { fakeBackend } from './fakes';

afterEach(() => {
  cleanup();
  setLanguage('en');
});

const tick = () => new Promise((r) => setTimeout(r, 0));

function row(over: Partial<UsageRow> = {}): UsageRow {
  return { day: '2025-06-02', model: 'qwen-plus', replies: 1, promptTokens: 100, completionTokens: 50, cachedTokens: 10, reasoningTokens: 0, cost: 0.5, ...over };
}

const report = (rows: UsageRow[]): UsageReport => ({ from: '2025-06-01', to: '2025-06-03', currency: 'CNY', rows });

describe('usage store', () => {
  it('sums totals; a null cost leaves the known costs and marks the total partial', () => {
    const t = totalsOf([row(), row({ model: 'qwq-plus', cost: null, reasoningTokens: 30 }), row({ cost: 0.25 })]);
    expect(t).toEqual({
      replies: 3,
      promptTokens: 300,
      completionTokens: 150,
      cachedTokens: 30,
      reasoningTokens: 30,
      cost: 0.75,
      costPartial: true,
      pricedRows: 2,
    });
    expect(totalsOf([row({ cost: null })]).cost).toBeNull();
    expect(totalsOf([row({ cost: null }), row({ cost: 0.1 })]).cost).toBe(0.1);
    expect(totalsOf([]).cost).toBe(0);
  });

  it('fills every day of the period, including days without usage', () => {
    expect(daysBetween('2025-02-27', '2025-03-02')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    const days = perDay(report([row(), row({ model: 'qwen-max' })]));
    expect(days.map((d) => [d.day, d.promptTokens])).toEqual([
      ['2025-06-01', 0],
      ['2025-06-02', 200],
      ['2025-06-03', 0],
    ]);
  });

  it('reloads when the period changes and groups by model', async () => {
    const fb = fakeBackend();
    fb.api.usage.mockResolvedValue(report([row(), row({ model: 'qwen-max', promptTokens: 900, cost: null })]));
    const store = new UsageStore(fb.api);
    await store.load();
    expect(fb.api.usage).toHaveBeenLastCalledWith(30);
    await store.setDays(7);
    expect(fb.api.usage).toHaveBeenLastCalledWith(7);
    expect(fb.api.usage).toHaveBeenCalledTimes(2);
    expect(store.byModel.map((m) => m.model)).toEqual(['qwen-max', 'qwen-plus']);
    expect(store.unpriced).toEqual(['qwen-max']);
  });
});

describe('price table', () => {
  it('validates models and numbers', () => {
    const { problems, prices } = validatePrices([
      { model: 'qwen-plus*', input: '0.8', output: '2', cachedInput: '0.16' },
      { model: 'qwen max', input: '-1', output: 'abc', cachedInput: '' },
      { model: 'qwen-plus*', input: '1', output: '1', cachedInput: '1' },
    ]);
    expect(prices).toEqual([]);
    expect(problems).toEqual([
      { row: 1, field: 'model', message: 'prices.errModel' },
      { row: 1, field: 'input', message: 'prices.errNumber' },
      { row: 1, field: 'output', message: 'prices.errNumber' },
      { row: 1, field: 'cachedInput', message: 'prices.errNumber' },
      { row: 2, field: 'model', message: 'prices.errDuplicate' },
    ]);
    expect(validatePrices([{ model: ' qwen-max ', input: '2.4', output: '9.6', cachedInput: '0' }]).prices).toEqual([
      { model: 'qwen-max', input: 2.4, output: 9.6, cachedInput: 0 },
    ]);
  });

  it('bad rows never reach the backend; good ones are saved and the report reloads', async () => {
    const fb = fakeBackend();
    const store = new UsageStore(fb.api);
    await store.loadPrices([{ model: 'qwen-plus*', input: 0.8, output: 2, cachedInput: 0.16 }]);
    render(PriceTable, { usage: store, onBack: () => {} });
    await fireEvent.click(screen.getByTestId('price-add'));
    await fireEvent.click(screen.getByTestId('price-save'));
    await tick();
    expect(fb.api.setPrices).not.toHaveBeenCalled();
    expect(screen.getByText('Enter a model id without spaces.')).toBeTruthy();

    const model = screen.getByLabelText('Model 2') as HTMLInputElement;
    await fireEvent.input(model, { target: { value: 'qwq-plus' } });
    await fireEvent.input(screen.getByLabelText('Output 2'), { target: { value: '6' } });
    await fireEvent.click(screen.getByTestId('price-save'));
    await tick();
    expect(fb.api.setPrices).toHaveBeenCalledWith([
      { model: 'qwen-plus*', input: 0.8, output: 2, cachedInput: 0.16 },
      { model: 'qwq-plus', input: 0, output: 6, cachedInput: 0 },
    ]);
    expect(fb.api.usage).toHaveBeenCalled();
    expect(screen.getByText('Prices saved.')).toBeTruthy();
  });
});

describe('usage chart and page', () => {
  it('draws one bar group per day with a title, day labels and a table fallback', () => {
    const days = perDay(report([row(), row({ day: '2025-06-03', promptTokens: 400 })]));
    const { container } = render(UsageChart, { days, mode: 'tokens' });
    const groups = screen.getAllByTestId('bar-group');
    expect(groups).toHaveLength(3);
    expect(groups[1].querySelector('title')?.textContent).toBe('Mon, Jun 2, 2025: 100 input and 50 output tokens');
    expect(groups[0].querySelectorAll('rect:not(.hit)')).toHaveLength(0);
    expect(groups[1].querySelectorAll('rect:not(.hit)')).toHaveLength(2);
    expect(screen.getAllByTestId('day-label').map((l) => l.textContent)).toContain('Jun 1');
    expect(container.querySelectorAll('table.sr-only tbody tr')).toHaveLength(3);
  });

  it('formats dates and money for Chinese', () => {
    setLanguage('zh');
    const days = perDay(report([row()]));
    render(UsageChart, { days, mode: 'cost' });
    expect(screen.getAllByTestId('bar-group')[1].querySelector('title')?.textContent).toMatch(/^2025年6月2日.*：¥0\.50$/);
    expect(screen.getAllByTestId('day-label')[0].textContent).toBe('6月1日');
  });

  it('shows totals with "—" for unknown cost, switches periods and shows the empty state', async () => {
    const fb = fakeBackend();
    fb.api.usage.mockResolvedValue(report([row({ cost: null, promptTokens: 1234 })]));
    const usage = new UsageStore(fb.api);
    render(UsagePage, { usage, onClose: () => {} });
    await tick();
    expect(screen.getByTestId('total-cost').textContent).toContain('—');
    expect(screen.getByTestId('total-input').textContent).toContain('1,234');
    expect(screen.getByTestId('usage-models').textContent).toContain('qwen-plus');

    fb.api.usage.mockResolvedValue(report([]));
    await fireEvent.click(screen.getByTestId('period-90'));
    await tick();
    expect(fb.api.usage).toHaveBeenLastCalledWith(90);
    expect(screen.getByTestId('usage-empty')).toBeTruthy();
  });
});

describe('composer send key', () => {
  function composer(sendKey: 'enter' | 'mod-enter') {
    let sent = 0;
    render(Composer, { value: 'hi', busy: false, model: 'qwen-plus', sendKey, onSend: () => sent++, onStop: () => {} });
    return { ta: screen.getByTestId('composer'), sent: () => sent };
  }

  it('Enter sends by default; Ctrl+Enter does not', async () => {
    const { ta, sent } = composer('enter');
    await fireEvent.keyDown(ta, { key: 'Enter', ctrlKey: true });
    expect(sent()).toBe(0);
    await fireEvent.keyDown(ta, { key: 'Enter' });
    expect(sent()).toBe(1);
  });

  it('with mod-enter, Enter is a new line and Ctrl/Cmd+Enter sends (not during IME composition)', async () => {
    const { ta, sent } = composer('mod-enter');
    await fireEvent.keyDown(ta, { key: 'Enter' });
    await fireEvent.keyDown(ta, { key: 'Enter', ctrlKey: true, isComposing: true });
    expect(sent()).toBe(0);
    await fireEvent.keyDown(ta, { key: 'Enter', ctrlKey: true });
    await fireEvent.keyDown(ta, { key: 'Enter', metaKey: true });
    expect(sent()).toBe(2);
    expect(screen.getByText(/Enter for a new line/)).toBeTruthy();
  });
});
