import { describe, expect, it } from 'vitest';
import { seriesFromArrays } from '../../../../src/core/candles.js';
import { aggregateCandles, candleLevels, levelTimeframes } from '../../../../src/report/html/candle-levels.js';
import { packLevel } from '../../../../src/report/html/pack-level.js';
import { unpackInts } from '../../../../src/report/html/pack-ints.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 1, 0, 0);

function series(times: number[], price: (i: number) => number) {
  const n = times.length;
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return seriesFromArrays(
    { time: Float64Array.from(times), open: col(price), high: col((i) => price(i) + 2), low: col((i) => price(i) - 3), close: col((i) => price(i) + 1), volume: col(() => 1) },
    MIN,
    n,
  );
}

describe('candle levels', () => {
  it('steps through 1m 5m 15m 1h 4h 1d 1w from 1m data, and only multiples of 5m from 5m data', () => {
    expect(levelTimeframes(MIN).map((ms) => ms / MIN)).toEqual([1, 5, 15, 60, 240, 1440, 10080]);
    expect(levelTimeframes(5 * MIN).map((ms) => ms / MIN)).toEqual([5, 15, 60, 240, 1440, 10080]);
    expect(levelTimeframes(3 * MIN).map((ms) => ms / MIN)).toEqual([3, 15, 60, 240, 1440, 10080]);
  });

  it('aggregates into UTC-aligned buckets: first open, highest high, lowest low, last close', () => {
    // 1m candles from 00:03 to 00:11: 5m buckets 00:00 (3..4), 00:05 (5..9), 00:10 (10..11)
    const times = Array.from({ length: 9 }, (_, i) => T0 + (i + 3) * MIN);
    const s = series(times, (i) => 100 + i * 10);
    const lv = aggregateCandles(s, 5 * MIN);
    expect(lv.length).toBe(3);
    expect([...lv.time.subarray(0, 3)]).toEqual([T0, T0 + 5 * MIN, T0 + 10 * MIN]);
    expect([...lv.open.subarray(0, 3)]).toEqual([100, 120, 170]);
    expect([...lv.high.subarray(0, 3)]).toEqual([112, 162, 182]);
    expect([...lv.low.subarray(0, 3)]).toEqual([97, 117, 167]);
    expect([...lv.close.subarray(0, 3)]).toEqual([111, 161, 181]);
    expect([...lv.last.subarray(0, 3)]).toEqual([1, 6, 8]);
  });

  it('leaves a gap in the data a gap', () => {
    const times = [T0, T0 + MIN, T0 + 30 * MIN, T0 + 31 * MIN];
    const lv = aggregateCandles(series(times, () => 100), 5 * MIN);
    expect([...lv.time.subarray(0, lv.length)]).toEqual([T0, T0 + 30 * MIN]);
  });

  it('stops at the first level small enough for the overview', () => {
    const times = Array.from({ length: 3000 }, (_, i) => T0 + i * MIN);
    const levels = candleLevels(series(times, (i) => 100 + (i % 7)), 1000);
    expect(levels.map((l) => l.timeframe)).toEqual(['1m', '5m']);
  });

  it('packs a level so that the page can rebuild every price and the equity at each bar close', () => {
    const times = Array.from({ length: 20 }, (_, i) => T0 + i * MIN);
    const s = series(times, (i) => 50_000 + i * 1.25);
    const lv = aggregateCandles(s, 5 * MIN);
    const equity = Float64Array.from({ length: 20 }, (_, i) => 10_000 + i * 0.5);
    const p = packLevel(lv, 100, { values: equity, scale: 1000 });
    const ints = unpackInts(p.candles);
    let t = p.t0;
    let prevClose = 0;
    for (let i = 0; i < lv.length; i++) {
      const [dt, dOpen, body, wickUp, wickDown] = ints.slice(i * 5, i * 5 + 5) as [number, number, number, number, number];
      t += dt * p.tfMs;
      const o = prevClose + dOpen;
      const c = o + body;
      expect(t).toBe(lv.time[i]);
      expect(o / 100).toBe(lv.open[i]);
      expect(c / 100).toBe(lv.close[i]);
      expect((Math.max(o, c) + wickUp) / 100).toBe(lv.high[i]);
      expect((Math.min(o, c) - wickDown) / 100).toBe(lv.low[i]);
      prevClose = c;
    }
    let e = 0;
    expect(unpackInts(p.equity!).map((d) => (e += d) / 1000)).toEqual([...lv.last.subarray(0, lv.length)].map((i) => equity[i]));
  });
});
