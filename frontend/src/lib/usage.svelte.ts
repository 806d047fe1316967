// The usage page's store: the report for the chosen period, totals per day and per model, and the
// price table that turns tokens into an estimated cost.
import type { Backend } from './bridge';
import { toTurnError } from './errors';
import { MAX_PRICE_ROWS, validatePrices, type PriceDraft, type PriceProblem } from './prices';
import type { Price, TurnError, UsageReport, UsageRow } from './types';

export type UsageBackend = Pick<Backend, 'usage' | 'prices' | 'setPrices'>;

export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];

export interface Totals {
  replies: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Sum of the known costs; null when there are rows but none has a price. */
  cost: number | null;
  /** Some rows had no price: `cost` leaves them out. */
  costPartial: boolean;
  /** Rows with a price. */
  pricedRows: number;
}

export interface DayTotals extends Totals {
  day: string;
}

export interface ModelTotals extends Totals {
  model: string;
}

function emptyTotals(): Totals {
  return { replies: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, cost: 0, costPartial: false, pricedRows: 0 };
}

function add(t: Totals, r: UsageRow): void {
  t.replies += r.replies;
  t.promptTokens += r.promptTokens;
  t.completionTokens += r.completionTokens;
  t.cachedTokens += r.cachedTokens;
  t.reasoningTokens += r.reasoningTokens;
  if (r.cost === null || r.cost === undefined) {
    t.costPartial = true;
    if (t.pricedRows === 0) t.cost = null;
  } else {
    t.cost = (t.cost ?? 0) + r.cost;
    t.pricedRows++;
  }
}

export function totalsOf(rows: UsageRow[]): Totals {
  const t = emptyTotals();
  for (const r of rows) add(t, r);
  return t;
}

/** Every day from `from` to `to` (YYYY-MM-DD, inclusive), so days without usage show as gaps. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const parse = (s: string) => {
    const [y, m, d] = s.split('-').map(Number);
    return Date.UTC(y, m - 1, d);
  };
  const a = parse(from);
  const b = parse(to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) return out;
  for (let t = a; t <= b && out.length < 400; t += 86400000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export function perDay(report: UsageReport): DayTotals[] {
  const days = daysBetween(report.from, report.to);
  const map = new Map<string, DayTotals>(days.map((day) => [day, { day, ...emptyTotals() }]));
  for (const r of report.rows) {
    let d = map.get(r.day);
    if (!d) map.set(r.day, (d = { day: r.day, ...emptyTotals() }));
    add(d, r);
  }
  return [...map.values()].sort((x, y) => x.day.localeCompare(y.day));
}

/** Most tokens first. */
export function perModel(rows: UsageRow[]): ModelTotals[] {
  const map = new Map<string, ModelTotals>();
  for (const r of rows) {
    let m = map.get(r.model);
    if (!m) map.set(r.model, (m = { model: r.model, ...emptyTotals() }));
    add(m, r);
  }
  return [...map.values()].sort(
    (a, b) => b.promptTokens + b.completionTokens - (a.promptTokens + a.completionTokens) || a.model.localeCompare(b.model),
  );
}

export class UsageStore {
  days = $state<number>(30);
  report = $state<UsageReport | null>(null);
  loading = $state(false);
  error = $state<TurnError | null>(null);

  prices = $state<Price[]>([]);
  pricesLoaded = $state(false);
  savingPrices = $state(false);
  priceError = $state<TurnError | null>(null);
  priceProblems = $state<PriceProblem[]>([]);

  readonly totals = $derived<Totals>(totalsOf(this.report?.rows ?? []));
  readonly byDay = $derived<DayTotals[]>(this.report ? perDay(this.report) : []);
  readonly byModel = $derived<ModelTotals[]>(perModel(this.report?.rows ?? []));
  readonly empty = $derived(!!this.report && this.report.rows.every((r) => r.replies === 0 && r.promptTokens + r.completionTokens === 0));
  /** Models whose rows have no price. */
  readonly unpriced = $derived(this.byModel.filter((m) => m.costPartial).map((m) => m.model));

  private api: UsageBackend;
  private seq = 0;

  constructor(api: UsageBackend) {
    this.api = api;
  }

  /** Loads the report for the current period (the newest request wins). */
  async load(): Promise<void> {
    const n = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const r = await this.api.usage(this.days);
      if (n === this.seq) this.report = { ...r, rows: r.rows ?? [] };
    } catch (err) {
      if (n === this.seq) this.error = toTurnError(err);
    } finally {
      if (n === this.seq) this.loading = false;
    }
  }

  async setDays(days: number): Promise<void> {
    if (days === this.days && this.report) return;
    this.days = days;
    await this.load();
  }

  /** `initial` is what Status() returned; otherwise the table is asked for. */
  async loadPrices(initial?: Price[]): Promise<void> {
    this.priceError = null;
    if (initial && !this.pricesLoaded) {
      this.prices = initial;
      this.pricesLoaded = true;
      return;
    }
    try {
      this.prices = (await this.api.prices()) ?? [];
      this.pricesLoaded = true;
    } catch (err) {
      this.priceError = toTurnError(err);
    }
  }

  /** Validates and saves; invalid tables never reach Go. Reloads the report so costs follow. */
  async savePrices(rows: PriceDraft[]): Promise<boolean> {
    this.priceError = null;
    const { problems, prices } = validatePrices(rows);
    this.priceProblems = problems;
    if (problems.length || rows.length > MAX_PRICE_ROWS) return false;
    this.savingPrices = true;
    try {
      this.prices = (await this.api.setPrices(prices)) ?? prices;
    } catch (err) {
      this.priceError = toTurnError(err);
      return false;
    } finally {
      this.savingPrices = false;
    }
    await this.load();
    return true;
  }
}
