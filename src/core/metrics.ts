import { YEAR_MS } from './timeframe.js';

/** A closed or still-open round trip, in float form for the statistics (the ledger keeps Decimals). */
export interface TradeStat {
  pnl: number;
  open: boolean;
}

export interface MetricsInput {
  /** equity after each bar, in quote currency */
  equity: Float64Array;
  /** open time of each bar */
  time: Float64Array;
  timeframeMs: number;
  startEquity: number;
  trades: readonly TradeStat[];
  /** bars during which a position was held (at the bar's close) */
  barsInMarket: number;
  feesPaid: number;
  buyAndHoldReturn: number;
}

/**
 * Metrics of a run. Ratios are fractions (0.25 = 25 %). Values that are undefined for the run
 * (no losing trade for profitFactor, zero volatility for sharpe) are null, never Infinity or NaN,
 * so the JSON document stays valid.
 */
export interface Metrics {
  startEquity: number;
  finalEquity: number;
  totalReturn: number;
  cagr: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdown: number;
  /** the longest time spent below a previous equity peak, in ms */
  maxDrawdownDuration: number;
  winRate: number | null;
  profitFactor: number | null;
  /** mean PnL per closed trade, in quote currency */
  expectancy: number | null;
  /** fraction of bars with a position open */
  exposure: number;
  /** closed round trips */
  trades: number;
  openTrades: number;
  feesPaid: number;
  buyAndHoldReturn: number;
}

/**
 * Below this span, figures scaled to a year (CAGR, Calmar, Sharpe, Sortino) say more about the
 * scaling than about the strategy (16 hours of +0.05 % is a CAGR of +30 %): they are null, with
 * a note saying why.
 */
export const MIN_ANNUALISED_SPAN_MS = 30 * 86_400_000;
export const ANNUALISED_METRICS = ['cagr', 'calmar', 'sharpe', 'sortino'] as const satisfies readonly (keyof Metrics)[];

/** Why a metric is null when that is not its usual meaning ("no losing trade"): metric -> reason. */
export type MetricsNotes = Partial<Record<keyof Metrics, string>>;

/** The time the run covers: from the first bar's open to the last bar's close. */
export function metricsSpanMs(m: Pick<MetricsInput, 'time' | 'timeframeMs'>): number {
  const n = m.time.length;
  return n > 0 ? m.time[n - 1]! - m.time[0]! + m.timeframeMs : 0;
}

export function metricsNotes(m: Pick<MetricsInput, 'time' | 'timeframeMs'>): MetricsNotes {
  if (metricsSpanMs(m) >= MIN_ANNUALISED_SPAN_MS) return {};
  const reason = `span under ${MIN_ANNUALISED_SPAN_MS / 86_400_000} days: not annualised`;
  return Object.fromEntries(ANNUALISED_METRICS.map((k) => [k, reason]));
}

export function computeMetrics(m: MetricsInput): Metrics {
  const n = m.equity.length;
  const finalEquity = n > 0 ? m.equity[n - 1]! : m.startEquity;
  const totalReturn = finalEquity / m.startEquity - 1;
  const spanMs = metricsSpanMs(m);
  const annualise = spanMs >= MIN_ANNUALISED_SPAN_MS;
  const years = spanMs / YEAR_MS;
  const cagr = !annualise ? null : years > 0 && finalEquity > 0 ? Math.pow(finalEquity / m.startEquity, 1 / years) - 1 : finalEquity <= 0 ? -1 : null;

  // Per-bar simple returns, annualised by bars per year (crypto trades 24/7).
  const barsPerYear = YEAR_MS / m.timeframeMs;
  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  let prev = m.startEquity;
  for (let i = 0; i < n; i++) {
    const e = m.equity[i]!;
    const r = prev !== 0 ? e / prev - 1 : 0;
    sum += r;
    sumSq += r * r;
    if (r < 0) downSq += r * r;
    prev = e;
  }
  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (n > 1 && annualise) {
    const mean = sum / n;
    const variance = (sumSq - n * mean * mean) / (n - 1);
    const sd = Math.sqrt(Math.max(variance, 0));
    if (sd > 1e-15) sharpe = (mean / sd) * Math.sqrt(barsPerYear);
    const dd = Math.sqrt(downSq / n);
    if (dd > 1e-15) sortino = (mean / dd) * Math.sqrt(barsPerYear);
  }

  let peak = m.startEquity;
  let peakTime = n > 0 ? m.time[0]! : 0;
  let maxDrawdown = 0;
  let maxDrawdownDuration = 0;
  for (let i = 0; i < n; i++) {
    const e = m.equity[i]!;
    const t = m.time[i]! + m.timeframeMs;
    if (e >= peak) {
      peak = e;
      peakTime = t;
    } else {
      const dd = 1 - e / peak;
      if (dd > maxDrawdown) maxDrawdown = dd;
      if (t - peakTime > maxDrawdownDuration) maxDrawdownDuration = t - peakTime;
    }
  }
  const calmar = cagr !== null && maxDrawdown > 0 ? cagr / maxDrawdown : null;

  let wins = 0;
  let closed = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let pnlSum = 0;
  for (const t of m.trades) {
    if (t.open) continue;
    closed++;
    pnlSum += t.pnl;
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
    } else grossLoss -= t.pnl;
  }

  return {
    startEquity: m.startEquity,
    finalEquity,
    totalReturn,
    cagr,
    sharpe,
    sortino,
    calmar,
    maxDrawdown,
    maxDrawdownDuration,
    winRate: closed > 0 ? wins / closed : null,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancy: closed > 0 ? pnlSum / closed : null,
    exposure: n > 0 ? m.barsInMarket / n : 0,
    trades: closed,
    openTrades: m.trades.length - closed,
    feesPaid: m.feesPaid,
    buyAndHoldReturn: m.buyAndHoldReturn,
  };
}

/** Which way is better, for --baseline regression checks. */
export const METRIC_DIRECTION: Record<keyof Metrics, 'higher' | 'lower' | 'neutral'> = {
  startEquity: 'neutral',
  finalEquity: 'higher',
  totalReturn: 'higher',
  cagr: 'higher',
  sharpe: 'higher',
  sortino: 'higher',
  calmar: 'higher',
  maxDrawdown: 'lower',
  maxDrawdownDuration: 'lower',
  winRate: 'higher',
  profitFactor: 'higher',
  expectancy: 'higher',
  exposure: 'neutral',
  trades: 'neutral',
  openTrades: 'neutral',
  feesPaid: 'lower',
  buyAndHoldReturn: 'neutral',
};

export const METRIC_NAMES = Object.keys(METRIC_DIRECTION) as (keyof Metrics)[];
