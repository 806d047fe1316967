import { describe, expect, it } from 'vitest';
import { formatCost } from '../src/lib/format';
import { setLanguage } from '../src/lib/lang.svelte';
import { costOf, matchPrice } from '../src/lib/prices';

const table = [
  { model: 'qwen-plus*', input: 0.8, output: 2, cachedInput: 0.32 },
  { model: 'qwen-plus-latest', input: 1, output: 3, cachedInput: 0 },
  { model: 'qwen*', input: 5, output: 5, cachedInput: 5 },
];

describe('reply cost', () => {
  it('matches prices the way Go does: exact id, then the longest prefix', () => {
    expect(matchPrice(table, 'qwen-plus-latest')?.input).toBe(1);
    expect(matchPrice(table, 'qwen-plus-2025-07-28')?.input).toBe(0.8);
    expect(matchPrice(table, 'qwen-max')?.input).toBe(5);
    expect(matchPrice(table, 'deepseek-v3')).toBeNull();
  });

  it('charges cached prompt tokens at the cached rate and is unknown without a price', () => {
    const u = { prompt_tokens: 1_000_000, completion_tokens: 1_000_000, prompt_tokens_details: { cached_tokens: 500_000 } };
    expect(costOf(table, 'qwen-plus', u)).toBeCloseTo(0.4 + 0.16 + 2, 9);
    expect(costOf(table, 'deepseek-v3', u)).toBeNull();
  });

  it('shows small reply costs with two significant digits', () => {
    setLanguage('en');
    expect(formatCost(0.0012)).toBe('¥0.0012');
    expect(formatCost(1.5)).toBe('¥1.50');
  });
});
