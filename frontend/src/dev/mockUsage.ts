// Dev-only: preferences, usage rows over the last 30 days for 3 models, and a price table for the mock.
// URL parameters: &theme=light|dark, &lang=en|zh, &font=12..22, &sendkey=mod-enter, &nousage (empty state).
import type { Preferences, Price, UsageReport, UsageRow } from '../lib/types';

export function mockPreferences(): Preferences {
  const q = new URLSearchParams(location.search);
  return {
    theme: (q.get('theme') as Preferences['theme']) || 'system',
    language: (q.get('lang') as Preferences['language']) || 'system',
    fontSize: Number(q.get('font')) || 15,
    sendKey: q.get('sendkey') === 'mod-enter' ? 'mod-enter' : 'enter',
    proxyMode: 'system',
    proxyURL: '',
  };
}

export const mockPrices: Price[] = [
  { model: 'qwen-plus*', input: 0.8, output: 2, cachedInput: 0.16 },
  { model: 'qwen-max*', input: 2.4, output: 9.6, cachedInput: 0.48 },
  { model: 'qwen-flash*', input: 0.15, output: 1.5, cachedInput: 0.03 },
];

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** Deterministic pseudo-random usage for the last 30 days; qwq-plus has no price (cost null). */
function allRows(prices: Price[]): UsageRow[] {
  const rows: UsageRow[] = [];
  const models = ['qwen-plus', 'qwen3-max', 'qwq-plus', 'qwen-flash'];
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const now = new Date();
  for (let i = 29; i >= 0; i--) {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - i);
    if (d.getDay() === 0 && i % 3 === 0) continue; // a few quiet days
    for (const [mi, model] of models.entries()) {
      if (mi === 3 && i % 4 !== 0) continue;
      if (mi === 2 && i % 2 !== 0) continue;
      const replies = Math.round(2 + rnd() * (mi === 0 ? 24 : 9));
      const promptTokens = Math.round(replies * (900 + rnd() * 2600));
      const completionTokens = Math.round(replies * (300 + rnd() * 900));
      const cachedTokens = Math.round(promptTokens * rnd() * 0.4);
      const reasoningTokens = mi === 2 ? Math.round(completionTokens * 0.6) : 0;
      const p = prices.find((x) => (x.model.endsWith('*') ? model.startsWith(x.model.slice(0, -1)) : x.model === model));
      const cost = p
        ? ((promptTokens - cachedTokens) * p.input + cachedTokens * p.cachedInput + completionTokens * p.output) / 1e6
        : null;
      rows.push({ day: dayOf(d), model, replies, promptTokens, completionTokens, cachedTokens, reasoningTokens, cost });
    }
  }
  return rows;
}

export function mockUsage(days: number, prices: Price[]): UsageReport {
  const now = new Date();
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  const empty = new URLSearchParams(location.search).has('nousage');
  const rows = empty ? [] : allRows(prices).filter((r) => r.day >= dayOf(from));
  return { from: dayOf(from), to: dayOf(now), currency: 'CNY', rows };
}
