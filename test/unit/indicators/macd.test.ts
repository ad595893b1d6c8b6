import { describe, it, expect } from 'vitest';
import { MACD } from '../../../src/indicators/index.js';
import { firstMismatchAbs, randomWalk } from '../../support/reference-series.js';

/**
 * Closed-form SMA-seeded EMA of xs[from..], recomputed from scratch for each index, aligned with xs:
 *   ema[i] = (1-a)^(i-s) * mean(x[from..s]) + sum_{j=s+1..i} a (1-a)^(i-j) x[j],  s = from+p-1
 */
function naiveEma(xs: readonly number[], period: number, from = 0): number[] {
  const a = 2 / (period + 1);
  const pow = xs.map((_, k) => Math.pow(1 - a, k));
  const s = from + period - 1;
  return xs.map((_, i) => {
    if (i < s) return NaN;
    let seed = 0;
    for (let j = from; j <= s; j++) seed += xs[j];
    let e = pow[i - s] * (seed / period);
    for (let j = s + 1; j <= i; j++) e += a * pow[i - j] * xs[j];
    return e;
  });
}

interface Lines {
  macd: number[];
  signal: number[];
  histogram: number[];
}

function naiveMacd(xs: readonly number[], fast: number, slow: number, signal: number): Lines {
  const f = naiveEma(xs, fast);
  const s = naiveEma(xs, slow);
  const macd = xs.map((_, i) => f[i] - s[i]); // NaN until both exist
  const start = Math.max(fast, slow) - 1;
  const sig = naiveEma(macd, signal, start);
  return { macd, signal: sig, histogram: macd.map((m, i) => m - sig[i]) };
}

function run(ind: MACD, xs: readonly number[]): Lines & { out: number[] } {
  const r = { out: [] as number[], macd: [] as number[], signal: [] as number[], histogram: [] as number[] };
  for (const x of xs) {
    r.out.push(ind.update(x));
    r.macd.push(ind.macd);
    r.signal.push(ind.signal);
    r.histogram.push(ind.histogram);
  }
  return r;
}

describe('MACD', () => {
  it('computes macd, signal and histogram on a tiny series (hand-computed)', () => {
    // fast 2 (a = 2/3), slow 3 (a = 1/2), signal 2 (a = 2/3) over 1,3,2,6,4,8
    // EMA2: idx1 seed (1+3)/2 = 2; idx2 2/3 + 2*2/3 = 2; idx3 2/3 + 6*2/3 = 14/3;
    //       idx4 (14/3)/3 + 4*2/3 = 38/9; idx5 (38/9)/3 + 8*2/3 = 182/27
    // EMA3: idx2 seed (1+3+2)/3 = 2; idx3 2/2 + 6/2 = 4; idx4 4/2 + 4/2 = 4; idx5 4/2 + 8/2 = 6
    // macd: idx2 0; idx3 2/3; idx4 2/9; idx5 20/27
    // signal: idx3 seed (0 + 2/3)/2 = 1/3; idx4 (1/3)/3 + (2/9)(2/3) = 7/27;
    //         idx5 (7/27)/3 + (20/27)(2/3) = 47/81
    // histogram: idx3 1/3; idx4 2/9 - 7/27 = -1/27; idx5 20/27 - 47/81 = 13/81
    const r = run(new MACD(2, 3, 2), [1, 3, 2, 6, 4, 8]);
    expect(r.macd[2]).toBeCloseTo(0, 14);
    const expected = [
      [2 / 3, 1 / 3, 1 / 3],
      [2 / 9, 7 / 27, -1 / 27],
      [20 / 27, 47 / 81, 13 / 81],
    ];
    for (let k = 0; k < 3; k++) {
      const i = k + 3;
      expect(r.out[i]).toBeCloseTo(expected[k][0], 14);
      expect(r.macd[i]).toBeCloseTo(expected[k][0], 14);
      expect(r.signal[i]).toBeCloseTo(expected[k][1], 14);
      expect(r.histogram[i]).toBeCloseTo(expected[k][2], 14);
    }
  });

  it('publishes the macd line once the slow EMA is ready, and is ready once the signal is', () => {
    // defaults 12/26/9: macd from update 26 (index 25), signal from update 26 + 9 - 1 = 34 (index 33)
    const m = new MACD();
    expect([m.fastPeriod, m.slowPeriod, m.signalPeriod]).toEqual([12, 26, 9]);
    expect(m.period).toBe(26);
    expect(m.warmup).toBe(34);
    const r = run(m, randomWalk(40, 9));
    expect(r.macd.slice(0, 25).every(Number.isNaN)).toBe(true);
    expect(r.macd.slice(25).every(Number.isFinite)).toBe(true);
    expect(r.signal.slice(0, 33).every(Number.isNaN)).toBe(true);
    expect(r.histogram.slice(0, 33).every(Number.isNaN)).toBe(true);
    expect(r.out.slice(0, 33).every(Number.isNaN)).toBe(true);
    expect(r.signal.slice(33).every(Number.isFinite)).toBe(true);
    expect(r.out.slice(33)).toEqual(r.macd.slice(33));
    expect(m.ready).toBe(true);
    expect(m.value).toBe(m.macd);
  });

  it('is not ready before the signal line exists', () => {
    const m = new MACD(3, 5, 4);
    const xs = randomWalk(7, 2); // 5 + 4 - 1 = 8 updates needed
    for (const x of xs) m.update(x);
    expect(m.ready).toBe(false);
    expect(Number.isNaN(m.value)).toBe(true);
    expect(Number.isFinite(m.macd)).toBe(true);
    m.update(100);
    expect(m.ready).toBe(true);
  });

  it('seeds the signal with the SMA of the first `signal` macd values', () => {
    const m = new MACD(2, 4, 3);
    const xs = randomWalk(20, 4);
    const macds: number[] = [];
    for (let i = 0; i < 6; i++) {
      m.update(xs[i]);
      if (i >= 3) macds.push(m.macd);
    }
    expect(m.signal).toBe((macds[0] + macds[1] + macds[2]) / 3);
  });

  it('is zero on a constant series', () => {
    const r = run(new MACD(), new Array<number>(60).fill(250));
    expect(r.out.slice(33).every((v) => v === 0)).toBe(true);
    expect(r.signal.slice(33).every((v) => v === 0)).toBe(true);
    expect(r.histogram.slice(33).every((v) => v === 0)).toBe(true);
  });

  it('matches EMA(fast) - EMA(slow) and its EMA from closed-form references (1e-9 of price)', () => {
    const xs = randomWalk(3000, 8080);
    for (const [f, s, g] of [
      [12, 26, 9],
      [5, 35, 5],
      [3, 10, 16],
      [1, 2, 1],
    ]) {
      const r = run(new MACD(f, s, g), xs);
      const ref = naiveMacd(xs, f, s, g);
      const tol = 1e-9 * 100; // absolute: the lines are differences of ~100-priced averages, hovering around 0
      expect(firstMismatchAbs(r.macd, ref.macd, tol), `macd ${f}/${s}/${g}`).toBeNull();
      expect(firstMismatchAbs(r.signal, ref.signal, tol), `signal ${f}/${s}/${g}`).toBeNull();
      expect(firstMismatchAbs(r.histogram, ref.histogram, tol), `hist ${f}/${s}/${g}`).toBeNull();
    }
  });

  it('rejects periods that are not integers >= 1', () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => new MACD(bad, 26, 9), `fast ${bad}`).toThrow(RangeError);
      expect(() => new MACD(12, bad, 9), `slow ${bad}`).toThrow(RangeError);
      expect(() => new MACD(12, 26, bad), `signal ${bad}`).toThrow(RangeError);
    }
  });
});
