import { describe, it, expect } from 'vitest';
import { SMA } from '../../../src/indicators/index.js';
import { firstMismatch, lcg, randomWalk, runSeries } from '../../support/reference-series.js';

// --- independent reference (series generation and comparisons live in test/support) ---

/** Textbook SMA: re-sum the whole window for every index. */
function naiveSma(xs: readonly number[], period: number): number[] {
  return xs.map((_, i) => {
    if (i < period - 1) return NaN;
    let s = 0;
    for (let j = i - period + 1; j <= i; j++) s += xs[j];
    return s / period;
  });
}

describe('SMA', () => {
  it('averages the last n inputs of a tiny series (hand-computed)', () => {
    // period 3 over 1,2,3,4,5: (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4
    const out = runSeries(new SMA(3), [1, 2, 3, 4, 5]);
    expect(out.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(out.slice(2)).toEqual([2, 3, 4]);
  });

  it('is NaN and not ready for the first period-1 updates, then ready on the period-th', () => {
    const sma = new SMA(4);
    expect(sma.period).toBe(4);
    expect(sma.warmup).toBe(4);
    expect(sma.ready).toBe(false);
    expect(Number.isNaN(sma.value)).toBe(true);
    for (const x of [10, 20, 30]) {
      expect(Number.isNaN(sma.update(x))).toBe(true);
      expect(sma.ready).toBe(false);
      expect(Number.isNaN(sma.value)).toBe(true);
    }
    // (10+20+30+40)/4 = 25
    expect(sma.update(40)).toBe(25);
    expect(sma.ready).toBe(true);
    expect(sma.value).toBe(25);
    // (20+30+40+50)/4 = 35
    expect(sma.update(50)).toBe(35);
    expect(sma.value).toBe(35);
  });

  it('with period 1 returns each input unchanged', () => {
    const xs = randomWalk(500, 7);
    expect(firstMismatch(runSeries(new SMA(1), xs), xs, 0)).toBeNull();
  });

  it('first value is the left-to-right sum of the first n inputs divided by n, bit for bit', () => {
    const xs = [0.1, 0.2, 0.3, 0.7, 1e-3];
    const sma = new SMA(5);
    let out = NaN;
    for (const x of xs) out = sma.update(x);
    expect(out).toBe((0.1 + 0.2 + 0.3 + 0.7 + 1e-3) / 5);
  });

  it('matches a from-scratch window sum on a 5000-point random walk (1e-9 relative)', () => {
    const xs = randomWalk(5000, 12345);
    for (const p of [1, 2, 3, 7, 20, 50, 200, 500]) {
      expect(firstMismatch(runSeries(new SMA(p), xs), naiveSma(xs, p), 1e-9), `period ${p}`).toBeNull();
    }
  });

  it('does not drift after a huge value leaves the window (running-sum cancellation)', () => {
    // 1e12-sized values followed by values near 1: a naive running sum keeps an error of
    // ~1e12 * 2^-52 ≈ 2e-4 in a sum of ~10, i.e. 1e-5 relative. Spike lengths are chosen so the
    // window clears at every phase relative to the ring buffer.
    for (const spikeLen of [95, 97, 100, 103]) {
      const small = randomWalk(300, spikeLen, 1);
      const xs = [...randomWalk(spikeLen, 99, 1e12), ...small];
      expect(firstMismatch(runSeries(new SMA(10), xs), naiveSma(xs, 10), 1e-9), `spike ${spikeLen}`).toBeNull();
    }
  });

  it('stays accurate over a long run of 300k updates', () => {
    const xs = randomWalk(300_000, 2024, 30_000);
    const out = runSeries(new SMA(50), xs);
    const ref = naiveSma(xs.slice(-5_000), 50);
    expect(firstMismatch(out.slice(-4_951), ref.slice(49), 1e-9)).toBeNull();
  });

  it('handles series that cross zero', () => {
    const rnd = lcg(5);
    const xs = Array.from({ length: 3000 }, () => (rnd() - 0.5) * 10);
    const out = runSeries(new SMA(15), xs);
    const ref = naiveSma(xs, 15);
    // relative to the input scale (sums near 0 have no meaningful relative error)
    for (let i = 14; i < xs.length; i++) expect(Math.abs(out[i] - ref[i])).toBeLessThan(1e-12);
  });

  it('rejects periods that are not integers >= 1', () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity, -Infinity]) {
      expect(() => new SMA(bad), String(bad)).toThrow(RangeError);
    }
  });
});
