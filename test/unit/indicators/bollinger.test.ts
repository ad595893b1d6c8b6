import { describe, it, expect } from 'vitest';
import { Bollinger } from '../../../src/indicators/index.js';
import { firstMismatch, lcg, randomWalk } from '../../support/reference-series.js';

interface Bands {
  middle: number[];
  upper: number[];
  lower: number[];
  sd: number[];
}

/** Textbook two-pass mean and population standard deviation, recomputed for every window. */
function naiveBands(xs: readonly number[], period: number, k: number): Bands {
  const r: Bands = { middle: [], upper: [], lower: [], sd: [] };
  for (let i = 0; i < xs.length; i++) {
    if (i < period - 1) {
      r.middle.push(NaN);
      r.upper.push(NaN);
      r.lower.push(NaN);
      r.sd.push(NaN);
      continue;
    }
    let s = 0;
    for (let j = i - period + 1; j <= i; j++) s += xs[j];
    const mean = s / period;
    let ss = 0;
    for (let j = i - period + 1; j <= i; j++) ss += (xs[j] - mean) * (xs[j] - mean);
    const sd = Math.sqrt(ss / period);
    r.middle.push(mean);
    r.upper.push(mean + k * sd);
    r.lower.push(mean - k * sd);
    r.sd.push(sd);
  }
  return r;
}

function run(ind: Bollinger, xs: readonly number[]): Bands & { out: number[] } {
  const r = { out: [] as number[], middle: [] as number[], upper: [] as number[], lower: [] as number[], sd: [] as number[] };
  for (const x of xs) {
    r.out.push(ind.update(x));
    r.middle.push(ind.middle);
    r.upper.push(ind.upper);
    r.lower.push(ind.lower);
    r.sd.push(ind.stdDev);
  }
  return r;
}

describe('Bollinger', () => {
  it('uses the population standard deviation (hand-computed)', () => {
    // period 3, k 2 over 1,2,3,4,10
    // idx2 window 1,2,3: mean 2, var (1+0+1)/3 = 2/3 (sample variance would be 1)
    // idx4 window 3,4,10: mean 17/3, deviations -8/3,-5/3,13/3, squares sum 258/9, var 86/9,
    //      sd sqrt(86)/3
    const r = run(new Bollinger(3, 2), [1, 2, 3, 4, 10]);
    expect(Number.isNaN(r.out[0]) && Number.isNaN(r.out[1])).toBe(true);
    expect(r.middle[2]).toBe(2);
    expect(r.sd[2]).toBeCloseTo(Math.sqrt(2 / 3), 14);
    expect(r.upper[2]).toBeCloseTo(2 + 2 * Math.sqrt(2 / 3), 14);
    expect(r.lower[2]).toBeCloseTo(2 - 2 * Math.sqrt(2 / 3), 14);
    expect(r.middle[3]).toBe(3);
    expect(r.middle[4]).toBeCloseTo(17 / 3, 14);
    expect(r.sd[4]).toBeCloseTo(Math.sqrt(86) / 3, 14);
    expect(r.upper[4]).toBeCloseTo(17 / 3 + (2 * Math.sqrt(86)) / 3, 13);
    expect(r.lower[4]).toBeCloseTo(17 / 3 - (2 * Math.sqrt(86)) / 3, 13);
    expect(r.out[4]).toBe(r.middle[4]);
  });

  it('is NaN and not ready for the first period-1 updates', () => {
    const b = new Bollinger(5, 1.5);
    expect(b.period).toBe(5);
    expect(b.k).toBe(1.5);
    expect(b.warmup).toBe(5);
    for (const x of [1, 2, 3, 4]) {
      expect(Number.isNaN(b.update(x))).toBe(true);
      expect(b.ready).toBe(false);
      expect(Number.isNaN(b.value) && Number.isNaN(b.upper) && Number.isNaN(b.lower)).toBe(true);
    }
    expect(b.update(5)).toBe(3);
    expect(b.ready).toBe(true);
    expect(b.value).toBe(3);
  });

  it('defaults to period 20 and k 2', () => {
    const b = new Bollinger();
    expect([b.period, b.k]).toEqual([20, 2]);
  });

  it('has zero width on a constant series: upper === middle === lower', () => {
    const r = run(new Bollinger(20, 2), new Array<number>(100).fill(0.1));
    for (let i = 19; i < 100; i++) {
      expect(r.sd[i]).toBe(0);
      expect(r.upper[i]).toBe(r.middle[i]);
      expect(r.lower[i]).toBe(r.middle[i]);
    }
    expect(r.middle[99]).toBeCloseTo(0.1, 15);
  });

  it('returns to exactly zero width once a spike has left a window that is otherwise flat', () => {
    // sliding variance updates cancel catastrophically here; the error bound forces a recompute
    const xs = [...new Array<number>(30).fill(100), 1e6, ...new Array<number>(40).fill(100)];
    const r = run(new Bollinger(10, 2), xs);
    expect(r.sd[39]).toBeGreaterThan(0); // window 30..39 still holds the spike at index 30
    for (let i = 40; i < xs.length; i++) {
      expect(r.sd[i]).toBe(0);
      expect(r.upper[i]).toBe(r.lower[i]);
    }
  });

  it('bands are symmetric around the middle and 2k standard deviations wide', () => {
    const xs = randomWalk(2000, 55);
    const r = run(new Bollinger(20, 2.5), xs);
    for (let i = 19; i < xs.length; i++) {
      const up = r.upper[i] - r.middle[i];
      const down = r.middle[i] - r.lower[i];
      expect(Math.abs(up - down)).toBeLessThanOrEqual(1e-12 * r.middle[i]);
      expect(Math.abs(r.upper[i] - r.lower[i] - 5 * r.sd[i])).toBeLessThanOrEqual(1e-12 * r.middle[i]);
    }
  });

  it('matches a textbook two-pass computation on a 5000-point random walk (1e-9 relative)', () => {
    const xs = randomWalk(5000, 9001);
    for (const [p, k] of [
      [1, 2],
      [2, 2],
      [5, 1],
      [20, 2],
      [50, 3],
      [500, 2],
    ]) {
      const r = run(new Bollinger(p, k), xs);
      const ref = naiveBands(xs, p, k);
      expect(firstMismatch(r.middle, ref.middle, 1e-9), `middle ${p}`).toBeNull();
      expect(firstMismatch(r.upper, ref.upper, 1e-9), `upper ${p}`).toBeNull();
      expect(firstMismatch(r.lower, ref.lower, 1e-9), `lower ${p}`).toBeNull();
      if (p > 1) expect(firstMismatch(r.sd, ref.sd, 1e-9), `sd ${p}`).toBeNull();
    }
  });

  it('keeps the standard deviation accurate when it is tiny next to the price (1e6 ± 1e-3)', () => {
    // E[x²] - E[x]² would lose all ~18 significant digits here
    const rnd = lcg(17);
    const xs = Array.from({ length: 3000 }, () => 1e6 + (rnd() - 0.5) * 2e-3);
    const r = run(new Bollinger(20, 2), xs);
    const ref = naiveBands(xs, 20, 2);
    expect(firstMismatch(r.sd, ref.sd, 1e-9)).toBeNull();
    expect(firstMismatch(r.upper, ref.upper, 1e-9)).toBeNull();
  });

  it('follows volatility regime changes (calm → wild → calm) accurately', () => {
    const calm = randomWalk(1000, 1, 100, 1e-6);
    const wild = randomWalk(1000, 2, calm[999], 0.5);
    const calm2 = randomWalk(1000, 3, wild[999], 1e-6);
    const xs = [...calm, ...wild, ...calm2];
    const r = run(new Bollinger(30, 2), xs);
    const ref = naiveBands(xs, 30, 2);
    expect(firstMismatch(r.sd, ref.sd, 1e-9)).toBeNull();
    expect(firstMismatch(r.middle, ref.middle, 1e-9)).toBeNull();
  });

  it('rejects periods that are not integers >= 1 and k that is negative or not finite', () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => new Bollinger(bad, 2), `period ${bad}`).toThrow(RangeError);
    }
    for (const bad of [-0.5, NaN, Infinity, -Infinity]) {
      expect(() => new Bollinger(20, bad), `k ${bad}`).toThrow(RangeError);
    }
    expect(() => new Bollinger(20, 0)).not.toThrow();
  });
});
