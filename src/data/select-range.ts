import { findGaps, sliceSeries } from '../core/candles.js';
import { UsageError } from '../core/errors.js';
import { formatTime } from './parse-date.js';
import type { LoadedCandles } from './read-candles.js';

/** First index in sorted `time[0, n)` whose value is >= x (n when none). */
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

/** First index in sorted `time[0, n)` whose value is > x (n when none). */
function upperBound(time: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A time as the user would have typed it: `2024-01-01` at midnight, full ISO otherwise. */
function shortTime(ms: number): string {
  const iso = formatTime(ms);
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/**
 * The candles whose OPEN time t satisfies `from <= t <= to` (epoch ms; either bound may be absent).
 * Both bounds are INCLUSIVE on the candle open time: `--to 2024-01-31` keeps the candle that opens at
 * 2024-01-31T00:00 but not the ones after it that day; pass `--to 2024-01-31T23:59` for the whole day.
 * The slice shares memory with the loaded series; gaps are recomputed for it.
 * `from > to` and an empty selection are UsageErrors (the latter names the file's actual range).
 */
export function selectRange(loaded: LoadedCandles, from?: number, to?: number): LoadedCandles {
  if (from !== undefined && to !== undefined && from > to) {
    throw new UsageError(`--from ${shortTime(from)} is after --to ${shortTime(to)}`);
  }
  const s = loaded.series;
  const start = from === undefined ? 0 : lowerBound(s.time, s.length, from);
  const end = to === undefined ? s.length : upperBound(s.time, s.length, to);
  if (start === 0 && end === s.length) return loaded;
  if (start >= end) {
    const asked = `${from === undefined ? 'the start' : shortTime(from)} to ${to === undefined ? 'the end' : shortTime(to)}`;
    const range =
      s.length > 0 ? `${formatTime(s.time[0]!)} to ${formatTime(s.time[s.length - 1]!)} (candle open times)` : 'no candles';
    throw new UsageError(`no candles in ${loaded.source} from ${asked}: the file covers ${range}`);
  }
  const series = sliceSeries(s, start, end);
  return { series, source: loaded.source, timeframe: loaded.timeframe, gaps: findGaps(series) };
}
