// Validation of the editable price table, mirrored from what Go accepts, so bad rows never reach it.
import type { MessageKey } from './i18n';
import type { Price, Usage } from './types';

export const MAX_PRICE_ROWS = 200;

/** A row as edited: numbers are the text in the inputs. */
export interface PriceDraft {
  model: string;
  input: string;
  output: string;
  cachedInput: string;
}

export type PriceField = keyof PriceDraft;

export interface PriceProblem {
  row: number;
  field: PriceField;
  message: MessageKey;
}

export function toDraft(p: Price): PriceDraft {
  return { model: p.model, input: String(p.input), output: String(p.output), cachedInput: String(p.cachedInput) };
}

function parseNumber(s: string): number | null {
  const v = s.trim();
  if (v === '' || !/^\d*\.?\d+$|^\d+\.$/.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Every problem in the table (empty when it can be saved) and, when there are none, the rows to save. */
export function validatePrices(rows: PriceDraft[]): { problems: PriceProblem[]; prices: Price[] } {
  const problems: PriceProblem[] = [];
  const prices: Price[] = [];
  const seen = new Set<string>();
  rows.forEach((r, row) => {
    const model = r.model.trim();
    if (!model || /\s/.test(model) || (model.includes('*') && (!model.endsWith('*') || model.indexOf('*') !== model.length - 1)))
      problems.push({ row, field: 'model', message: 'prices.errModel' });
    else if (seen.has(model)) problems.push({ row, field: 'model', message: 'prices.errDuplicate' });
    seen.add(model);
    const nums = { input: parseNumber(r.input), output: parseNumber(r.output), cachedInput: parseNumber(r.cachedInput) };
    for (const f of ['input', 'output', 'cachedInput'] as const)
      if (nums[f] === null) problems.push({ row, field: f, message: 'prices.errNumber' });
    if (nums.input !== null && nums.output !== null && nums.cachedInput !== null)
      prices.push({ model, input: nums.input, output: nums.output, cachedInput: nums.cachedInput });
  });
  return { problems, prices: problems.length ? [] : prices };
}

/** The price for a model, as Go picks it: an exact row first, then the longest `prefix*`. */
export function matchPrice(prices: Price[], model: string): Price | null {
  let best: Price | null = null;
  let bestLen = -1;
  for (const p of prices) {
    if (p.model === model) return p;
    if (p.model.endsWith('*')) {
      const prefix = p.model.slice(0, -1);
      if (model.startsWith(prefix) && prefix.length > bestLen) {
        best = p;
        bestLen = prefix.length;
      }
    }
  }
  return best;
}

/** Estimated cost of one reply's usage (CNY); null when no price matches the model. */
export function costOf(prices: Price[], model: string, u: Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'prompt_tokens_details'>): number | null {
  const p = matchPrice(prices, model);
  if (!p) return null;
  const cached = Math.min(u.prompt_tokens_details?.cached_tokens ?? 0, u.prompt_tokens);
  return ((u.prompt_tokens - cached) * p.input + cached * p.cachedInput + u.completion_tokens * p.output) / 1e6;
}
