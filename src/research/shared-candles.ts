import type { BacktestCandles } from '../backtest.js';
import type { CandleSeries } from '../core/candles.js';

/**
 * Candles laid out once in a SharedArrayBuffer: worker threads read the same memory instead of
 * each holding (or parsing) a copy. Six float64 columns of `length` rows, in the CandleSeries order.
 */
export interface SharedCandles {
  buffer: SharedArrayBuffer;
  length: number;
  timeframeMs: number;
  source: string;
  timeframe: string;
  gaps: BacktestCandles['gaps'];
  market?: BacktestCandles['market'];
}

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

export function shareCandles(c: BacktestCandles): SharedCandles {
  const n = c.series.length;
  const buffer = new SharedArrayBuffer(Math.max(8, n * 8 * COLUMNS.length));
  COLUMNS.forEach((col, k) => new Float64Array(buffer, k * n * 8, n).set(c.series[col].subarray(0, n)));
  return { buffer, length: n, timeframeMs: c.series.timeframeMs, source: c.source, timeframe: c.timeframe, gaps: c.gaps, ...(c.market ? { market: c.market } : {}) };
}

/** Views over shared candles: no copy. */
export function candlesFrom(s: SharedCandles): BacktestCandles {
  const n = s.length;
  const col = (k: number) => new Float64Array(s.buffer, k * n * 8, n);
  const series: CandleSeries = { length: n, time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5), timeframeMs: s.timeframeMs };
  return { series, source: s.source, timeframe: s.timeframe, gaps: s.gaps, ...(s.market ? { market: s.market } : {}) };
}
