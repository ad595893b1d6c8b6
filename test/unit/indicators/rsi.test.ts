import { describe, it, expect } from 'vitest';
import { RSI } from '../../../src/indicators/index.js';
import { firstMismatch, randomWalk, runSeries } from '../../support/reference-series.js';

/**
 * Textbook Wilder RSI, recomputed from scratch for each index in closed form (no recursion):
 *   avg[i] = q^(i-p) * mean(c[1..p]) + sum_{j=p+1..i} (1/p) * q^(i-j) * c[j],  q = (p-1)/p
 * where c[j] is the gain (or loss) of the change into x[j]; RSI = 100 * G / (G + L).
 */
function naiveRsi(xs: readonly number[], period: number): number[] {
  const q = (period - 1) / period;
  const pow = xs.map((_, k) => Math.pow(q, k));
  const gain = xs.map((x, j) => (j === 0 ? 0 : Math.max(x - xs[j - 1], 0)));
  const loss = xs.map((x, j) => (j === 0 ? 0 : Math.max(xs[j - 1] - x, 0)));
  const smooth = (c: number[], i: number): number => {
    let seed = 0;
    for (let j = 1; j <= period; j++) seed += c[j];
    let avg = pow[i - period] * (seed / period);
    for (let j = period + 1; j <= i; j++) avg += (pow[i - j] * c[j]) / period;
    return avg;
  };
  return xs.map((_, i) => {
    if (i < period) return NaN;
    const g = smooth(gain, i);
    const l = smooth(loss, i);
    if (g + l === 0) return 50;
    return (100 * g) / (g + l);
  });
}

describe('RSI', () => {
  it('reproduces the classic Wilder / StockCharts RSI(14) example', () => {
    const closes = [
      44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28,
      46.0,
    ];
    const out = runSeries(new RSI(14), closes);
    expect(out.slice(0, 14).every(Number.isNaN)).toBe(true);
    // 14 changes: gains .06+.72+.50+.27+.32+.42+.24+.14+.67 = 3.34, losses .25+.54+.19+.42 = 1.40
    // RS = 3.34/1.40, RSI = 100 - 100/(1 + RS) = 100 * 3.34 / 4.74 = 70.46413502...
    expect(out[14]).toBeCloseTo(70.46413502109705, 9);
    // next change -0.28: G = (3.34/14*13 + 0)/14 = 43.42/196, L = (1.40/14*13 + 0.28)/14 = 22.12/196
    // RSI = 100 * 43.42 / (43.42 + 22.12) = 66.24961855...
    expect(out[15]).toBeCloseTo(66.24961855355508, 9);
    // StockCharts' published table (70.53, 66.32) rounds the averages to 2 decimals first.
    expect(Math.abs(out[14] - 70.53)).toBeLessThan(0.1);
    expect(Math.abs(out[15] - 66.32)).toBeLessThan(0.1);
  });

  it('applies Wilder smoothing after an SMA seed (hand-computed, period 2)', () => {
    // 1,2,1,3: changes +1, -1, +2
    // index 2: G = (1+0)/2 = 0.5, L = (0+1)/2 = 0.5 -> RS 1 -> 50
    // index 3: G = (0.5*1 + 2)/2 = 1.25, L = (0.5*1 + 0)/2 = 0.25 -> RS 5 -> 100 - 100/6 = 83.333...
    const rsi = new RSI(2);
    const out = runSeries(rsi, [1, 2, 1, 3]);
    expect(Number.isNaN(out[0]) && Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBe(50);
    expect(out[3]).toBeCloseTo(250 / 3, 12);
    expect(rsi.avgGain).toBe(1.25);
    expect(rsi.avgLoss).toBe(0.25);
  });

  it('needs period+1 inputs: NaN and not ready before, first value on update period+1', () => {
    const rsi = new RSI(5);
    expect(rsi.period).toBe(5);
    expect(rsi.warmup).toBe(6);
    const xs = randomWalk(10, 1);
    for (let i = 0; i < 5; i++) {
      expect(Number.isNaN(rsi.update(xs[i]))).toBe(true);
      expect(rsi.ready).toBe(false);
      expect(Number.isNaN(rsi.value)).toBe(true);
    }
    const v = rsi.update(xs[5]);
    expect(Number.isFinite(v)).toBe(true);
    expect(rsi.ready).toBe(true);
    expect(rsi.value).toBe(v);
  });

  it('defaults to period 14', () => {
    expect(new RSI().period).toBe(14);
  });

  it('is 100 when every change is a gain', () => {
    const out = runSeries(new RSI(14), Array.from({ length: 40 }, (_, i) => 100 + i * 0.5));
    expect(out.slice(14).every((v) => v === 100)).toBe(true);
  });

  it('is 0 when every change is a loss', () => {
    const out = runSeries(new RSI(14), Array.from({ length: 40 }, (_, i) => 100 - i * 0.5));
    expect(out.slice(14).every((v) => v === 0)).toBe(true);
  });

  it('is 50 on a flat series (no gains and no losses)', () => {
    const out = runSeries(new RSI(14), new Array<number>(30).fill(7));
    expect(out.slice(14).every((v) => v === 50)).toBe(true);
  });

  it('stays at 100 when rises are followed by a flat stretch (no loss ever)', () => {
    const xs = [1, 2, 3, 4, 5, 5, 5, 5, 5, 5];
    const out = runSeries(new RSI(3), xs);
    expect(out.slice(3).every((v) => v === 100)).toBe(true);
  });

  it('matches the closed-form Wilder reference on a 3000-point random walk (1e-9 relative)', () => {
    const xs = randomWalk(3000, 777);
    for (const p of [1, 2, 5, 14, 30, 100]) {
      expect(firstMismatch(runSeries(new RSI(p), xs), naiveRsi(xs, p), 1e-9), `period ${p}`).toBeNull();
    }
  });

  it('stays within [0, 100]', () => {
    const out = runSeries(new RSI(3), randomWalk(2000, 31337));
    expect(out.slice(3).every((v) => v >= 0 && v <= 100)).toBe(true);
  });

  it('rejects periods that are not integers >= 1', () => {
    for (const bad of [0, -14, 14.2, NaN, Infinity]) {
      expect(() => new RSI(bad), String(bad)).toThrow(RangeError);
    }
  });
});
