import type { Gap } from '../core/candles.js';
import { msToTimeframe } from '../core/timeframe.js';
import { inferTimeframe } from './read-candles.js';

/** Candle columns in file order: possibly unsorted, duplicated or inconsistent (that is what is checked). */
export interface CandleColumns {
  readonly time: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
  readonly length: number;
}

export interface RowProblem {
  /** row index in the input */
  index: number;
  /** where the row is in its file (`line 12`), when known */
  where?: string;
  time: number;
  message: string;
}

export interface ZeroVolumeRun {
  /** open time of the first and last zero-volume candle of the run */
  from: number;
  to: number;
  candles: number;
}

export interface CandleCheckReport {
  candles: number;
  timeframe: string;
  timeframeMs: number;
  /** open time of the first and last candle (by time), null when there are none */
  first: number | null;
  last: number | null;
  gaps: Gap[];
  /** candles missing in all gaps */
  missing: number;
  duplicates: RowProblem[];
  outOfOrder: RowProblem[];
  /** timestamps that are not a whole number of bars after the previous one */
  offGrid: RowProblem[];
  zeroVolumeRuns: ZeroVolumeRun[];
  ohlcViolations: RowProblem[];
  /** how many problems of all kinds (each gap, duplicate, … and zero-volume run counts one) */
  problems: number;
}

export interface CheckOptions {
  /** the bar interval; inferred from the data (the most common step) when absent */
  timeframeMs?: number;
  /** names row i for messages (`line 12`) */
  where?: (i: number) => string;
}

/**
 * Everything questionable in a run of candles, in one pass: gaps, duplicate timestamps, rows out
 * of order or off the timeframe grid, runs of zero-volume candles, and OHLC violations (high below
 * open or close, low above them, high below low, non-positive or non-finite prices, negative or
 * non-finite volume). Pure: reports, never fixes.
 */
export function checkCandles(c: CandleColumns, opts: CheckOptions = {}): CandleCheckReport {
  const n = c.length;
  const tf = opts.timeframeMs ?? (n >= 2 ? inferTimeframe(Float64Array.from(c.time), n) : 0);
  const at = (i: number, message: string): RowProblem => ({ index: i, ...(opts.where ? { where: opts.where(i) } : {}), time: c.time[i]!, message });

  const gaps: Gap[] = [];
  const duplicates: RowProblem[] = [];
  const outOfOrder: RowProblem[] = [];
  const offGrid: RowProblem[] = [];
  const zeroVolumeRuns: ZeroVolumeRun[] = [];
  const ohlcViolations: RowProblem[] = [];
  let missing = 0;
  let first = n > 0 ? c.time[0]! : null;
  let last = n > 0 ? c.time[0]! : null;
  let run: ZeroVolumeRun | null = null;

  for (let i = 0; i < n; i++) {
    const t = c.time[i]!;
    const o = c.open[i]!;
    const h = c.high[i]!;
    const l = c.low[i]!;
    const cl = c.close[i]!;
    const v = c.volume[i]!;

    if (i > 0) {
      const prev = c.time[i - 1]!;
      if (t === prev) duplicates.push(at(i, `duplicate timestamp (same as the previous row)`));
      else if (t < last!) outOfOrder.push(at(i, `before the previous row's time`));
      else if (tf > 0) {
        const d = t - last!;
        if (d % tf !== 0) offGrid.push(at(i, `${msToTimeframe(d)} after the previous candle, not a whole number of ${msToTimeframe(tf)} bars`));
        else if (d > tf) {
          const gap = { after: last!, before: t, missing: d / tf - 1 };
          gaps.push(gap);
          missing += gap.missing;
        }
      }
    }
    if (t > last!) last = t;
    if (t < first!) first = t;

    const bad: string[] = [];
    if (![o, h, l, cl].every((x) => Number.isFinite(x) && x > 0)) bad.push('a price is not a positive finite number');
    if (!(Number.isFinite(v) && v >= 0)) bad.push('volume is not a non-negative finite number');
    if (h < o || h < cl) bad.push(`high ${h} is below max(open, close) ${Math.max(o, cl)}`);
    if (l > o || l > cl) bad.push(`low ${l} is above min(open, close) ${Math.min(o, cl)}`);
    if (h < l) bad.push(`high ${h} is below low ${l}`);
    if (bad.length > 0) ohlcViolations.push(at(i, bad.join('; ')));

    if (v === 0) {
      if (run) {
        run.to = t;
        run.candles++;
      } else {
        run = { from: t, to: t, candles: 1 };
      }
    } else if (run) {
      zeroVolumeRuns.push(run);
      run = null;
    }
  }
  if (run) zeroVolumeRuns.push(run);

  return {
    candles: n,
    timeframe: tf > 0 ? msToTimeframe(tf) : 'unknown',
    timeframeMs: tf,
    first,
    last,
    gaps,
    missing,
    duplicates,
    outOfOrder,
    offGrid,
    zeroVolumeRuns,
    ohlcViolations,
    problems: gaps.length + duplicates.length + outOfOrder.length + offGrid.length + zeroVolumeRuns.length + ohlcViolations.length,
  };
}
