import { MutableCandleSeries, type CandleSeries } from '../../src/core/candles.js';

/** A series from [open, high, low, close] rows (volume 1000), 1-minute bars from t0. */
export function bars(rows: readonly (readonly [number, number, number, number])[], t0 = 1_700_000_000_000, volume = 1000): CandleSeries {
  const s = new MutableCandleSeries(60_000, rows.length);
  rows.forEach(([o, h, l, c], i) => s.push(t0 + i * 60_000, o, h, l, c, volume));
  return s;
}
