import { describe, expect, it } from 'vitest';
import { blockLayout, perBarReturns, returnStats } from '../../../src/research/return-stats.js';

describe('per-bar return statistics', () => {
  it('returns, sample sd, population skewness and ordinary kurtosis as computed by hand', () => {
    const r = perBarReturns(new Float64Array([110, 99, 121, 121]), 100);
    expect([...r].map((x) => +x.toFixed(12))).toEqual([0.1, -0.1, +(121 / 99 - 1).toFixed(12), 0]);
    const s = returnStats(r, 2);
    const xs = [...r];
    const mean = xs.reduce((a, b) => a + b) / 4;
    const m2 = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
    const m3 = xs.reduce((a, b) => a + (b - mean) ** 3, 0) / 4;
    const m4 = xs.reduce((a, b) => a + (b - mean) ** 4, 0) / 4;
    expect(s.mean).toBeCloseTo(mean, 15);
    expect(s.sd).toBeCloseTo(Math.sqrt((m2 * 4) / 3), 15);
    expect(s.sharpe!).toBeCloseTo(mean / Math.sqrt((m2 * 4) / 3), 12);
    expect(s.skew!).toBeCloseTo(m3 / m2 ** 1.5, 12);
    expect(s.kurtosis!).toBeCloseTo(m4 / m2 ** 2, 12);
    expect(s.blockSum[0]).toBeCloseTo(r[0]! + r[1]!, 15);
    expect(s.blockSumSq[1]).toBeCloseTo(r[2]! ** 2 + r[3]! ** 2, 15);
  });

  it('leaves out the first T mod S returns so the blocks are equal', () => {
    expect(blockLayout(103, 10)).toEqual({ skip: 3, size: 10 });
    const s = returnStats(Float64Array.from({ length: 13 }, (_, i) => i), 4);
    // blocks of 3 from index 1: [1,2,3] [4,5,6] [7,8,9] [10,11,12]
    expect(s.blockSum).toEqual([6, 15, 24, 33]);
  });

  it('a flat equity curve has no Sharpe ratio, skewness or kurtosis', () => {
    const s = returnStats(perBarReturns(new Float64Array([100, 100, 100]), 100), 2);
    expect(s.sharpe).toBeNull();
    expect(s.skew).toBeNull();
    expect(s.kurtosis).toBeNull();
  });
});
