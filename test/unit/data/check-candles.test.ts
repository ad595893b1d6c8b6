import { describe, expect, it } from 'vitest';
import { MutableCandleSeries } from '../../../src/core/candles.js';
import { checkCandles } from '../../../src/data/check-candles.js';

const M1 = 60_000;
const T0 = Date.UTC(2024, 0, 1);

/** rows: [minute, open, high, low, close, volume] */
function cols(rows: [number, number, number, number, number, number][]) {
  const s = new MutableCandleSeries(M1);
  for (const [m, o, h, l, c, v] of rows) s.push(T0 + m * M1, o, h, l, c, v);
  return s;
}
const ok = (m: number, v = 1): [number, number, number, number, number, number] => [m, 10, 11, 9, 10.5, v];

describe('checkCandles', () => {
  it('finds nothing wrong in clean data', () => {
    const r = checkCandles(cols([ok(0), ok(1), ok(2), ok(3)]));
    expect(r.problems).toBe(0);
    expect(r.timeframe).toBe('1m');
    expect(r).toMatchObject({ candles: 4, first: T0, last: T0 + 3 * M1, missing: 0 });
  });

  it('reports gaps with how many candles are missing', () => {
    const r = checkCandles(cols([ok(0), ok(1), ok(5), ok(6), ok(9)]), { timeframeMs: M1 });
    expect(r.gaps).toEqual([
      { after: T0 + M1, before: T0 + 5 * M1, missing: 3 },
      { after: T0 + 6 * M1, before: T0 + 9 * M1, missing: 2 },
    ]);
    expect(r.missing).toBe(5);
    expect(r.problems).toBe(2);
  });

  it('reports duplicates and rows out of order, naming the row', () => {
    const r = checkCandles(cols([ok(0), ok(1), ok(1), ok(3), ok(2), ok(4)]), { timeframeMs: M1, where: (i) => `line ${i + 2}` });
    expect(r.duplicates.map((p) => [p.index, p.where])).toEqual([[2, 'line 4']]);
    expect(r.outOfOrder.map((p) => p.index)).toEqual([4]);
  });

  it('reports timestamps off the timeframe grid', () => {
    const s = cols([ok(0), ok(1)]);
    s.push(T0 + 2 * M1 + 30_000, 10, 11, 9, 10.5, 1);
    const r = checkCandles(s, { timeframeMs: M1 });
    expect(r.offGrid.map((p) => p.index)).toEqual([2]);
  });

  it('reports runs of zero-volume candles', () => {
    const r = checkCandles(cols([ok(0), ok(1, 0), ok(2, 0), ok(3, 0), ok(4), ok(5, 0)]));
    expect(r.zeroVolumeRuns).toEqual([
      { from: T0 + M1, to: T0 + 3 * M1, candles: 3 },
      { from: T0 + 5 * M1, to: T0 + 5 * M1, candles: 1 },
    ]);
  });

  it('reports OHLC violations', () => {
    const r = checkCandles(
      cols([
        ok(0),
        [1, 10, 9.5, 9, 10.5, 1], // high below open and close
        [2, 10, 11, 10.2, 10.5, 1], // low above open
        [3, 10, 11, 12, 10.5, 1], // low above high (and above open and close)
        [4, 0, 11, 9, 10.5, 1], // zero price
        [5, 10, 11, 9, 10.5, -1], // negative volume
        ok(6),
      ]),
    );
    expect(r.ohlcViolations.map((p) => p.index)).toEqual([1, 2, 3, 4, 5]);
    expect(r.ohlcViolations[0]!.message).toMatch(/high/);
  });

  it('infers the timeframe from the most common step', () => {
    const s = new MutableCandleSeries(0);
    for (const m of [0, 5, 10, 15, 25, 30]) s.push(T0 + m * M1, 10, 11, 9, 10, 1);
    const r = checkCandles(s);
    expect(r.timeframe).toBe('5m');
    expect(r.gaps).toEqual([{ after: T0 + 15 * M1, before: T0 + 25 * M1, missing: 1 }]);
  });

  it('handles no candles and one candle', () => {
    expect(checkCandles(cols([])).problems).toBe(0);
    expect(checkCandles(cols([ok(0)])).candles).toBe(1);
  });
});
