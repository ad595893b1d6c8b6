import type { CandleSeries } from '../../core/candles.js';
import { msToTimeframe } from '../../core/timeframe.js';

/** Candles of one resolution for the price chart: the data's own, or aggregated to a coarser bar. */
export interface CandleLevel {
  timeframe: string;
  tfMs: number;
  length: number;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** index in the source series of each bar's last candle: a per-candle line is sampled there */
  last: Int32Array;
}

// Bar sizes to zoom through, each 3-7x the next: 1m 5m 15m 1h 4h 1d 1w. Only multiples of the
// data's own timeframe are used.
const LADDER_MS = [60_000, 300_000, 900_000, 3_600_000, 14_400_000, 86_400_000, 604_800_000];

/** The data's own timeframe, then every coarser ladder step it divides. */
export function levelTimeframes(baseMs: number): number[] {
  return [baseMs, ...LADDER_MS.filter((ms) => ms > baseMs && ms % baseMs === 0)];
}

/** Candles grouped into UTC-aligned buckets of `tfMs` (a gap in the data stays a gap). */
export function aggregateCandles(s: CandleSeries, tfMs: number): CandleLevel {
  const n = s.length;
  const cap = tfMs === s.timeframeMs ? n : Math.min(n, Math.ceil(((n > 0 ? s.time[n - 1]! - s.time[0]! : 0) + tfMs) / tfMs) + 1);
  const out: CandleLevel = {
    timeframe: msToTimeframe(tfMs),
    tfMs,
    length: 0,
    time: new Float64Array(cap),
    open: new Float64Array(cap),
    high: new Float64Array(cap),
    low: new Float64Array(cap),
    close: new Float64Array(cap),
    last: new Int32Array(cap),
  };
  let k = -1;
  let bucket = NaN;
  for (let i = 0; i < n; i++) {
    const b = Math.floor(s.time[i]! / tfMs) * tfMs;
    if (b !== bucket) {
      bucket = b;
      k++;
      out.time[k] = b;
      out.open[k] = s.open[i]!;
      out.high[k] = s.high[i]!;
      out.low[k] = s.low[i]!;
    } else {
      if (s.high[i]! > out.high[k]!) out.high[k] = s.high[i]!;
      if (s.low[i]! < out.low[k]!) out.low[k] = s.low[i]!;
    }
    out.close[k] = s.close[i]!;
    out.last[k] = i;
  }
  out.length = k + 1;
  return out;
}

/**
 * The levels the report can show, finest first, ending with the overview: the first level of at
 * most `overviewBars` bars (or the coarsest there is).
 */
export function candleLevels(s: CandleSeries, overviewBars: number): CandleLevel[] {
  const levels: CandleLevel[] = [];
  for (const tf of levelTimeframes(s.timeframeMs)) {
    const level = aggregateCandles(s, tf);
    levels.push(level);
    if (level.length <= overviewBars) break;
  }
  return levels;
}
