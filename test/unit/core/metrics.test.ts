import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../src/core/metrics.js';

const DAY = 86_400_000;

describe('metrics', () => {
  // Equity over 4 daily bars from a 100 start: 110, 99, 121, 121 (hand-computed below).
  const m = computeMetrics({
    equity: new Float64Array([110, 99, 121, 121]),
    time: new Float64Array([0, DAY, 2 * DAY, 3 * DAY]),
    timeframeMs: DAY,
    startEquity: 100,
    trades: [
      { pnl: 10, open: false },
      { pnl: -5, open: false },
      { pnl: 20, open: false },
      { pnl: 3, open: true },
    ],
    barsInMarket: 3,
    feesPaid: 1.5,
    buyAndHoldReturn: 0.3,
  });

  it('computes returns, drawdown and its duration from the equity curve', () => {
    expect(m.finalEquity).toBe(121);
    expect(m.totalReturn).toBeCloseTo(0.21, 12);
    // peak 110 at the end of day 1, trough 99: 10% drawdown, recovered at the end of day 3 (1 day under water)
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdownDuration).toBe(DAY);
    // 4 days span: (1.21)^(365/4) - 1
    expect(m.cagr!).toBeCloseTo(Math.pow(1.21, 365 / 4) - 1, 6);
    expect(m.calmar!).toBeCloseTo(m.cagr! / 0.1, 6);
  });

  it('annualises Sharpe and Sortino from per-bar returns', () => {
    const r = [0.1, -0.1, 121 / 99 - 1, 0];
    const mean = r.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    const dd = Math.sqrt((0.1 * 0.1) / 4);
    expect(m.sharpe!).toBeCloseTo((mean / sd) * Math.sqrt(365), 9);
    expect(m.sortino!).toBeCloseTo((mean / dd) * Math.sqrt(365), 9);
  });

  it('computes trade statistics over closed trades only', () => {
    expect(m.trades).toBe(3);
    expect(m.openTrades).toBe(1);
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.profitFactor).toBeCloseTo(30 / 5, 12);
    expect(m.expectancy).toBeCloseTo(25 / 3, 12);
    expect(m.exposure).toBeCloseTo(0.75, 12);
  });

  it('reports undefined ratios as null rather than Infinity or NaN', () => {
    const flat = computeMetrics({
      equity: new Float64Array([100, 100]),
      time: new Float64Array([0, DAY]),
      timeframeMs: DAY,
      startEquity: 100,
      trades: [{ pnl: 1, open: false }],
      barsInMarket: 0,
      feesPaid: 0,
      buyAndHoldReturn: 0,
    });
    expect(flat.sharpe).toBeNull();
    expect(flat.sortino).toBeNull();
    expect(flat.profitFactor).toBeNull();
    expect(flat.calmar).toBeNull();
    expect(JSON.stringify(flat)).not.toMatch(/NaN|Infinity/);
  });
});
