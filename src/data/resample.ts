import { type CandleSeries, seriesFromArrays, allocateCandles } from '../core/candles.js';
import { UsageError } from '../core/errors.js';
import { bucketOffset, msToTimeframe } from '../core/timeframe.js';

export { bucketOffset };

/**
 * Builds higher-timeframe candles from lower ones, as an exchange builds them from its trades.
 *
 * - Buckets are aligned to the epoch (weeks to Monday 00:00 UTC): a 5m candle covers
 *   [k·5m, (k+1)·5m).
 * - open = the first open, high = the max, low = the min, close = the last close,
 *   volume = the sum.
 * - A bucket with no source candle yields no candle (a gap, as on the exchange).
 * - A bucket that misses source candles inside the source's range (a gap in the source, which on
 *   Binance means no trade happened) is built from the candles present, as the exchange does.
 * - A bucket cut by the start or end of the source range (its first or last source candles are
 *   simply not in the data) is left out unless it is complete: it would be a wrong candle.
 *
 * Pure: `src` is not modified. The target must be a whole multiple of the source timeframe.
 */
export function resampleCandles(src: CandleSeries, targetMs: number): CandleSeries {
  const tf = src.timeframeMs;
  if (!(targetMs > tf) || targetMs % tf !== 0) {
    throw new UsageError(`cannot build ${msToTimeframe(targetMs)} candles from ${msToTimeframe(tf)} ones: the target must be a whole multiple of the source timeframe, larger than it`);
  }
  const n = src.length;
  // buckets are at most one per candle, and at most the span in buckets (plus the two cut ends)
  const cap = n === 0 ? 0 : Math.min(n, Math.floor((src.time[n - 1]! - src.time[0]!) / targetMs) + 2);
  const out = allocateCandles(cap);
  if (n === 0) return seriesFromArrays(out, targetMs, 0);
  const perBucket = targetMs / tf;
  const offset = bucketOffset(targetMs);
  const first = src.time[0]!;
  const end = src.time[n - 1]! + tf; // the source covers [first, end)
  const { time, open, high, low, close, volume } = src;

  let m = 0;
  let i = 0;
  while (i < n) {
    const b = Math.floor((time[i]! - offset) / targetMs) * targetMs + offset;
    const bEnd = b + targetMs;
    const o = open[i]!;
    let h = high[i]!;
    let l = low[i]!;
    let c = close[i]!;
    let v = volume[i]!;
    let count = 1;
    i++;
    for (; i < n && time[i]! < bEnd; i++, count++) {
      if (high[i]! > h) h = high[i]!;
      if (low[i]! < l) l = low[i]!;
      c = close[i]!;
      v += volume[i]!;
    }
    const cut = b < first || bEnd > end;
    if (count < perBucket && cut) continue;
    out.time[m] = b;
    out.open[m] = o;
    out.high[m] = h;
    out.low[m] = l;
    out.close[m] = c;
    out.volume[m] = v;
    m++;
  }
  const sub = (x: Float64Array) => x.subarray(0, m);
  return seriesFromArrays(
    { time: sub(out.time), open: sub(out.open), high: sub(out.high), low: sub(out.low), close: sub(out.close), volume: sub(out.volume) },
    targetMs,
    m,
  );
}
