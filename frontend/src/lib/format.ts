// Numbers, money and dates for the current UI language (reading getLang() keeps callers reactive).
import { getLang, locale } from './lang.svelte';

export function formatInt(n: number): string {
  return new Intl.NumberFormat(locale(getLang())).format(Math.round(n));
}

/** 1.2K / 3.4M in English, 1.2万 / 340万 in Chinese. */
export function formatCompact(n: number): string {
  return new Intl.NumberFormat(locale(getLang()), { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** An amount in `currency` (CNY) with 2 decimals ("< ¥0.01" for a real but tiny cost); '—' when unknown. */
export function formatMoney(n: number | null | undefined, currency = 'CNY'): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const fmt = (v: number) =>
    new Intl.NumberFormat(locale(getLang()), {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(v);
  return n > 0 && n < 0.005 ? `< ${fmt(0.01)}` : fmt(n);
}

/** A single reply's cost: small amounts keep two significant digits (≈ ¥0.0012). */
export function formatCost(n: number, currency = 'CNY'): string {
  if (n >= 0.01 || n === 0) return formatMoney(n, currency);
  return new Intl.NumberFormat(locale(getLang()), {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    maximumSignificantDigits: 2,
  }).format(n);
}

function parseDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, (m || 1) - 1, d || 1);
}

/** A YYYY-MM-DD day, short ("Jun 3" / "6月3日") or long ("Tue, Jun 3, 2025" / "2025年6月3日星期二"). */
export function formatDay(day: string, style: 'short' | 'long' = 'short'): string {
  const opts: Intl.DateTimeFormatOptions =
    style === 'short' ? { month: 'short', day: 'numeric' } : { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' };
  return new Intl.DateTimeFormat(locale(getLang()), opts).format(parseDay(day));
}
