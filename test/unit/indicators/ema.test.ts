import { describe, it, expect } from 'vitest';
import { EMA } from '../../../src/indicators/index.js';
import { firstMismatch, randomWalk, runSeries } from '../../support/reference-series.js';

/**
 * Closed-form SMA-seeded EMA, recomputed from scratch for every index (no recursion):
 *   ema[i] = (1-a)^(i-p+1) * mean(x[0..p-1]) + sum_{j=p..i} a * (1-a)^(i-j) * x[j]
 */
function naiveEma(xs: readonly number[], period: number): number[] {
  const a = 2 / (period + 1);
  const pow = xs.map((_, k) => Math.pow(1 - a, k)); // pow[k] = (1-a)^k
  return xs.map((_, i) => {
    if (i < period - 1) return NaN;
    let seed = 0;
    for (let j = 0; j < period; j++) seed += xs[j];
    seed /= period;
    let e = pow[i - period + 1] * seed;
    for (let j = period; j <= i; j++) e += a * pow[i - j] * xs[j];
    return e;
  });
}

describe('EMA', () => {
  it('is seeded with the SMA of the first n closes (hand-computed)', () => {
    // period 3, alpha = 2/4 = 0.5 over 2,4,6,8,12:
    //   seed (index 2) = (2+4+6)/3 = 4
    //   index 3: 4*0.5 + 8*0.5  = 6
    //   index 4: 6*0.5 + 12*0.5 = 9
    const out = runSeries(new EMA(3), [2, 4, 6, 8, 12]);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out.slice(2)).toEqual([4, 6, 9]);
  });

  it('emits its first value on the period-th update and is NaN / not ready before', () => {
    const ema = new EMA(5);
    expect(ema.period).toBe(5);
    expect(ema.warmup).toBe(5);
    const xs = [3, 1, 4, 1, 5, 9, 2, 6];
    for (let i = 0; i < 4; i++) {
      expect(Number.isNaN(ema.update(xs[i]))).toBe(true);
      expect(ema.ready).toBe(false);
      expect(Number.isNaN(ema.value)).toBe(true);
    }
    // (3+1+4+1+5)/5 = 2.8
    expect(ema.update(xs[4])).toBeCloseTo(2.8, 14);
    expect(ema.ready).toBe(true);
    // alpha = 2/6 = 1/3: 2.8*2/3 + 9/3 = 1.8666.. + 3 = 4.8666..
    expect(ema.update(xs[5])).toBeCloseTo(2.8 * (2 / 3) + 9 / 3, 12);
    expect(ema.value).toBeCloseTo(73 / 15, 12);
  });

  it("uses backtrader's expression prev * (1 - alpha) + x * alpha bit for bit", () => {
    // Spelled out with literals: seed = (0.1 + 0.7 + 0.3 + 0.9) / 4, alpha = 2/5.
    const ema = new EMA(4);
    for (const x of [0.1, 0.7, 0.3]) ema.update(x);
    const seed = (0.1 + 0.7 + 0.3 + 0.9) / 4;
    expect(ema.update(0.9)).toBe(seed);
    const alpha = 2 / (4 + 1);
    const alpha1 = 1 - alpha;
    const e1 = seed * alpha1 + 0.11 * alpha;
    const e2 = e1 * alpha1 + 1.37 * alpha;
    expect(ema.update(0.11)).toBe(e1);
    expect(ema.update(1.37)).toBe(e2);
    expect(ema.alpha).toBe(0.4);
    expect(ema.alpha1).toBe(0.6);
  });

  it('with period 1 returns each input unchanged', () => {
    const xs = randomWalk(200, 3);
    expect(firstMismatch(runSeries(new EMA(1), xs), xs, 0)).toBeNull();
  });

  it('converges to a constant input and stays exactly on it', () => {
    const out = runSeries(new EMA(10), new Array<number>(50).fill(42.5));
    expect(out.slice(9).every((v) => v === 42.5)).toBe(true);
  });

  it('matches the closed-form weighted sum on a 3000-point random walk (1e-9 relative)', () => {
    const xs = randomWalk(3000, 424242);
    for (const p of [2, 3, 9, 12, 26, 50, 200]) {
      expect(firstMismatch(runSeries(new EMA(p), xs), naiveEma(xs, p), 1e-9), `period ${p}`).toBeNull();
    }
  });

  it('rejects periods that are not integers >= 1', () => {
    for (const bad of [0, -3, 2.5, NaN, Infinity]) {
      expect(() => new EMA(bad), String(bad)).toThrow(RangeError);
    }
  });
});
