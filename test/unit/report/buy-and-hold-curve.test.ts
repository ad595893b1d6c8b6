import { describe, expect, it } from 'vitest';
import { MutableCandleSeries } from '../../../src/core/candles.js';
import { buyAndHoldCurve } from '../../../src/report/buy-and-hold-curve.js';

describe('the buy-and-hold curve of the terminal chart', () => {
  it("starts at the first traded candle's open, skips the warm-up and ends at the buyAndHoldReturn metric", () => {
    const s = new MutableCandleSeries(60_000);
    const closes = [100, 110, 120, 90, 150];
    closes.forEach((c, i) => s.push(i * 60_000, c - 5, c + 1, c - 6, c, 1));
    // candles 0 and 1 are warm-up: equity starts at candle 2 (open 115)
    const curve = buyAndHoldCurve(s, [120_000, 180_000, 240_000], 1000);
    expect(curve.map((p) => p.time)).toEqual([120_000, 180_000, 240_000]);
    expect(curve[0]!.equity).toBeCloseTo((1000 * 120) / 115, 9);
    expect(curve[2]!.equity).toBeCloseTo(1000 * (1 + (150 / 115 - 1)), 9);
  });

  it('is empty without equity or candles', () => {
    expect(buyAndHoldCurve(new MutableCandleSeries(60_000), [0], 1000)).toEqual([]);
  });
});
