import type { CandleSeries } from '../core/candles.js';

/** At most this many points: the terminal chart has a few hundred dot columns at most. */
const MAX_POINTS = 4000;

/**
 * What the starting equity would be worth held in the base asset from the first traded candle's
 * open (the metric buyAndHoldReturn's definition), at the close of each traded candle: the
 * terminal chart's overlay. Warm-up candles (before the first equity time) are left out.
 */
export function buyAndHoldCurve(series: CandleSeries, equityTime: ArrayLike<number>, startEquity: number): { time: number; equity: number }[] {
  const n = equityTime.length;
  if (n === 0 || series.length === 0) return [];
  let i = lowerBound(series.time, series.length, equityTime[0]!);
  if (i >= series.length) return [];
  const open0 = series.open[i]!;
  if (!(open0 > 0)) return [];
  const stride = Math.max(1, Math.ceil(n / MAX_POINTS));
  const out: { time: number; equity: number }[] = [];
  for (let k = 0; k < n; k++) {
    const t = equityTime[k]!;
    while (i < series.length - 1 && series.time[i]! < t) i++;
    if (k % stride === 0 || k === n - 1) out.push({ time: t, equity: (startEquity * series.close[i]!) / open0 });
  }
  return out;
}

function lowerBound(time: ArrayLike<number>, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
