import { describe, expect, it } from 'vitest';
import { MutableCandleSeries, type CandleSeries } from '../../../src/core/candles.js';
import { UsageError } from '../../../src/core/errors.js';
import { readCandleFile } from '../../../src/data/read-candles.js';
import { resampleCandles } from '../../../src/data/resample.js';
import { describeSharedData, sharedFile } from '../../support/shared-data.js';

const M1 = 60_000;
const M5 = 300_000;
const T0 = Date.UTC(2024, 0, 1); // a multiple of 5 minutes

/** 1m candles at the given minute offsets from T0: open = minute, high = open + 2, low = open - 1, close = open + 1, volume = 1 + minute. */
function minutes(offsets: number[]): CandleSeries {
  const s = new MutableCandleSeries(M1);
  for (const k of offsets) s.push(T0 + k * M1, 100 + k, 102 + k, 99 + k, 101 + k, 1 + k);
  return s;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);
const rows = (s: CandleSeries) => Array.from({ length: s.length }, (_, i) => [s.time[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]]);

describe('resampleCandles', () => {
  it('builds epoch-aligned buckets: first open, max high, min low, last close, summed volume', () => {
    const out = resampleCandles(minutes(range(0, 10)), M5);
    expect(out.timeframeMs).toBe(M5);
    expect(rows(out)).toEqual([
      [T0, 100, 106, 99, 105, 1 + 2 + 3 + 4 + 5],
      [T0 + M5, 105, 111, 104, 110, 6 + 7 + 8 + 9 + 10],
    ]);
  });

  it('leaves out buckets cut by the start or the end of the data unless complete', () => {
    // minutes 3..11: bucket 0 has 3,4 (cut at the start), bucket 1 is complete, bucket 2 has 10,11 (cut at the end)
    const out = resampleCandles(minutes(range(3, 12)), M5);
    expect(out.length).toBe(1);
    expect(out.time[0]).toBe(T0 + M5);
  });

  it('builds a bucket with a gap inside the data from the candles present, as the exchange does', () => {
    // minute 7 is missing (no trade): bucket 1 is built from 5, 6, 8, 9
    const out = resampleCandles(minutes([...range(0, 7), 8, 9, ...range(10, 15)]), M5);
    expect(out.length).toBe(3);
    expect(rows(out)[1]).toEqual([T0 + M5, 105, 111, 104, 110, 6 + 7 + 9 + 10]);
  });

  it('yields no candle for a bucket without any source candle', () => {
    const out = resampleCandles(minutes([...range(0, 5), ...range(10, 15)]), M5);
    expect(Array.from(out.time)).toEqual([T0, T0 + 2 * M5]);
  });

  it('starts weeks on Monday 00:00 UTC', () => {
    const D = 86_400_000;
    const s = new MutableCandleSeries(D);
    const monday = Date.UTC(2024, 0, 1); // 2024-01-01 was a Monday
    for (let d = 0; d < 14; d++) s.push(monday + d * D, 1 + d, 2 + d, d + 0.5, 1.5 + d, 1);
    const out = resampleCandles(s, 7 * D);
    expect(Array.from(out.time)).toEqual([monday, monday + 7 * D]);
    expect(out.volume[0]).toBe(7);
  });

  it('refuses a target that is not a larger whole multiple of the source', () => {
    expect(() => resampleCandles(minutes(range(0, 10)), 90_000)).toThrow(UsageError);
    expect(() => resampleCandles(minutes(range(0, 10)), M1)).toThrow(UsageError);
  });

  it('does not modify its input', () => {
    const s = minutes(range(0, 10));
    const before = rows(s);
    resampleCandles(s, M5);
    expect(rows(s)).toEqual(before);
  });
});

describeSharedData('resampling real Binance candles', () => {
  it("1m resampled to 5m equals Binance's own 5m candles on every overlapping candle", async () => {
    const one = await readCandleFile(sharedFile('binance_BTC_USDT-1m_2025-05-20_2025-08-18.csv'));
    const five = await readCandleFile(sharedFile('binance_BTC_USDT-5m_2024-12-31_2026-02-19.csv'));
    const built = resampleCandles(one.series, M5);
    const byTime = new Map<number, number>();
    for (let i = 0; i < five.series.length; i++) byTime.set(five.series.time[i]!, i);
    const f = five.series;
    const mismatches: string[] = [];
    let compared = 0;
    for (let i = 0; i < built.length; i++) {
      const j = byTime.get(built.time[i]!);
      if (j === undefined) continue;
      compared++;
      const same =
        built.open[i] === f.open[j] && built.high[i] === f.high[j] && built.low[i] === f.low[j] && built.close[i] === f.close[j] && Math.abs(built.volume[i]! - f.volume[j]!) < 1e-6;
      if (!same) mismatches.push(`${new Date(built.time[i]!).toISOString()}: built ${rows(built)[i]!.join(',')} vs ${rows(f)[j]!.join(',')}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // 130,708 one-minute candles make 26,141 five-minute ones (a cut last bucket is left out), all inside the 5m file
    expect(compared).toBe(built.length);
    expect(compared).toBeGreaterThan(26_000);
  });
});
