import { describe, expect, it } from 'vitest';
import { formatMoney } from '../src/lib/format';
import { setLanguage } from '../src/lib/lang.svelte';

describe('formatMoney', () => {
  it('shows a tiny real cost as "< ¥0.01" instead of a misleading ¥0.00', () => {
    setLanguage('en');
    expect(formatMoney(0.001)).toBe('< ¥0.01');
    expect(formatMoney(0)).toBe('¥0.00');
    expect(formatMoney(12.345)).toBe('¥12.35');
    expect(formatMoney(null)).toBe('—');
  });
});
