import { UsageError } from '../core/errors.js';
import { timeframeToMs } from '../core/timeframe.js';
import type { CandleSeries } from '../core/candles.js';

/** A walk-forward window as candle indices: train [trainStart, testStart), test [testStart, testEnd). */
export interface Window {
  trainStart: number;
  testStart: number;
  testEnd: number;
}

/** `--train 90d`: a span of time, written like a timeframe (h, d, w; m for minutes). */
export function parseSpan(text: string, flag: string): number {
  try {
    return timeframeToMs(text);
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a span of time (expected e.g. 90d, 12h, 4w)`);
  }
}

/**
 * The windows of a walk-forward, by candle open time: training spans of `trainMs` (from the first
 * candle when anchored, else sliding by `stepMs`), each followed by a test span of `testMs`. Only
 * windows whose test span the data covers in full are kept. Throws when none fits.
 */
export function planWindows(s: CandleSeries, p: { trainMs: number; testMs: number; stepMs: number; anchored: boolean }): Window[] {
  const n = s.length;
  const first = s.time[0]!;
  const end = s.time[n - 1]! + s.timeframeMs; // the data covers [first, end)
  const span = end - first;
  const days = (ms: number) => `${(ms / 86_400_000).toFixed(ms % 86_400_000 === 0 ? 0 : 1)} days`;
  if (p.trainMs >= span) throw new UsageError(`--train ${days(p.trainMs)} is not shorter than the data (${days(span)}): no test span can follow it`);
  if (p.trainMs + p.testMs > span) throw new UsageError(`--train plus --test (${days(p.trainMs + p.testMs)}) is longer than the data (${days(span)})`);
  const windows: Window[] = [];
  for (let k = 0; ; k++) {
    const trainFrom = p.anchored ? first : first + k * p.stepMs;
    const testFrom = first + k * p.stepMs + p.trainMs;
    const testTo = testFrom + p.testMs;
    if (testTo > end) break;
    const w = { trainStart: lowerBound(s.time, n, trainFrom), testStart: lowerBound(s.time, n, testFrom), testEnd: lowerBound(s.time, n, testTo) };
    if (w.testStart > w.trainStart && w.testEnd > w.testStart) windows.push(w);
  }
  if (windows.length === 0) throw new UsageError('no walk-forward window has candles in both its train and its test span');
  return windows;
}

function lowerBound(time: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
