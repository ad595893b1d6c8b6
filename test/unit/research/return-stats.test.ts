import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../src/core/metrics.js';
import { objectiveValue } from '../../../src/research/objective.js';
import { blockLayout, perBarReturns, returnStats } from '../../../src/research/return-stats.js';

describe('per-bar return statistics', () => {
  /** an hourly equity curve of so many days, with its metrics and per-period sharpe */
  const hourly = (days: number) => {
    const n = days * 24;
    const equity = new Float64Array(n).map((_, i) => 1000 * (1 + 0.0004 * i + 0.01 * Math.sin(i * 0.7)));
    const time = new Float64Array(n).map((_, i) => i * 3_600_000);
    const m = computeMetrics({ equity, time, timeframeMs: 3_600_000, startEquity: 1000, trades: [], barsInMarket: 0, feesPaid: 0, buyAndHoldReturn: 0 });
    return { m, perPeriod: returnStats(perBarReturns(equity, 1000), 4).sharpe! };
  };

  it('the per-period sharpe is the annualised one without the square root of bars per year', () => {
    const { m, perPeriod } = hourly(40);
    expect(m.sharpe!).toBeCloseTo(perPeriod * Math.sqrt(365 * 24), 9);
    expect(objectiveValue('sharpe', { ...m, sharpePerPeriod: perPeriod })).toBe(m.sharpe);
  });

  it('under 30 days the sharpe objective ranks by the per-period sharpe (the annualised one is null)', () => {
    const { m } = hourly(10);
    expect(m.sharpe).toBeNull();
    expect(objectiveValue('sharpe', { ...m, sharpePerPeriod: 0.05 })).toBe(0.05);
    expect(objectiveValue('sortino', { ...m, sharpePerPeriod: 0.05 })).toBeNull();
  });

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
