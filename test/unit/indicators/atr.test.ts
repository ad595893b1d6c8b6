import { describe, it, expect } from 'vitest';
import { ATR } from '../../../src/indicators/index.js';
import { type Bar, firstMismatch, randomBars } from '../../support/reference-series.js';

/**
 * Reference ATR (TA-Lib / backtrader seeding), closed form, recomputed for each index:
 *   TR[j] = max(high[j], close[j-1]) - min(low[j], close[j-1])          (j >= 1)
 *   ATR[i] = q^(i-p) * mean(TR[1..p]) + sum_{j=p+1..i} q^(i-j) TR[j] / p,   q = (p-1)/p
 */
function naiveAtr(bars: readonly Bar[], period: number): number[] {
  const q = (period - 1) / period;
  const pow = bars.map((_, k) => Math.pow(q, k));
  const tr = bars.map((b, j) =>
    j === 0 ? NaN : Math.max(b.high, bars[j - 1].close) - Math.min(b.low, bars[j - 1].close),
  );
  return bars.map((_, i) => {
    if (i < period) return NaN;
    let seed = 0;
    for (let j = 1; j <= period; j++) seed += tr[j];
    let atr = pow[i - period] * (seed / period);
    for (let j = period + 1; j <= i; j++) atr += (pow[i - j] * tr[j]) / period;
    return atr;
  });
}

function run(ind: ATR, bars: readonly Bar[]): number[] {
  return bars.map((b) => ind.update(b.high, b.low, b.close));
}

// bar 0: h 10  l 8    c 9     TR = 10-8 = 2 (no previous close; not part of the seed)
// bar 1: h 12  l 11   c 11.5  gap up from 9:    TR = max(1, |12-9|=3, |11-9|=2)          = 3
// bar 2: h 11  l 10   c 10.5  inside:           TR = max(1, |11-11.5|=.5, |10-11.5|=1.5) = 1.5
// bar 3: h 7   l 6    c 6.5   gap down from 10.5: TR = max(1, |7-10.5|=3.5, |6-10.5|=4.5) = 4.5
//        seed ATR(3) = (3 + 1.5 + 4.5) / 3 = 3
// bar 4: h 7   l 6.5  c 7     TR = max(.5, |7-6.5|=.5, |6.5-6.5|=0) = 0.5
//        ATR = (3*2 + 0.5) / 3 = 6.5/3
const GAP_BARS: Bar[] = [
  { high: 10, low: 8, close: 9 },
  { high: 12, low: 11, close: 11.5 },
  { high: 11, low: 10, close: 10.5 },
  { high: 7, low: 6, close: 6.5 },
  { high: 7, low: 6.5, close: 7 },
];

describe('ATR', () => {
  it('uses the previous close across gaps and seeds with the mean of TRs from bar 2 (hand-computed)', () => {
    const atr = new ATR(3);
    const trs: number[] = [];
    const out: number[] = [];
    for (const b of GAP_BARS) {
      out.push(atr.update(b.high, b.low, b.close));
      trs.push(atr.trueRange);
    }
    expect(trs).toEqual([2, 3, 1.5, 4.5, 0.5]);
    expect(out.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(out[3]).toBe(3); // not (2 + 3 + 1.5) / 3 at bar 2, as Wilder's book would seed
    expect(out[4]).toBeCloseTo(6.5 / 3, 14);
  });

  it('needs period+1 bars: NaN and not ready before, first value on bar period+1', () => {
    const atr = new ATR(3);
    expect(atr.period).toBe(3);
    expect(atr.warmup).toBe(4);
    expect(Number.isNaN(atr.trueRange)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const b = GAP_BARS[i];
      expect(Number.isNaN(atr.update(b.high, b.low, b.close))).toBe(true);
      expect(atr.ready).toBe(false);
      expect(Number.isNaN(atr.value)).toBe(true);
    }
    atr.update(GAP_BARS[3].high, GAP_BARS[3].low, GAP_BARS[3].close);
    expect(atr.ready).toBe(true);
    expect(atr.value).toBe(3);
  });

  it('defaults to period 14', () => {
    expect(new ATR().period).toBe(14);
  });

  it('is the constant range of identical bars', () => {
    const atr = new ATR(5);
    let v = NaN;
    for (let i = 0; i < 30; i++) v = atr.update(101, 99, 100);
    expect(v).toBe(2);
  });

  it('with period 1 is the latest true range', () => {
    const bars = randomBars(300, 5);
    const atr = new ATR(1);
    for (let i = 0; i < bars.length; i++) {
      const v = atr.update(bars[i].high, bars[i].low, bars[i].close);
      if (i === 0) expect(Number.isNaN(v)).toBe(true);
      else expect(v).toBe(atr.trueRange);
    }
  });

  it('matches the closed-form reference on 3000 gappy random bars (1e-9 relative)', () => {
    const bars = randomBars(3000, 2718);
    for (const p of [1, 2, 3, 14, 50, 200]) {
      expect(firstMismatch(run(new ATR(p), bars), naiveAtr(bars, p), 1e-9), `period ${p}`).toBeNull();
    }
  });

  it('rejects periods that are not integers >= 1', () => {
    for (const bad of [0, -1, 7.5, NaN, Infinity]) {
      expect(() => new ATR(bad), String(bad)).toThrow(RangeError);
    }
  });
});
