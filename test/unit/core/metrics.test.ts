import { describe, expect, it } from 'vitest';
import { MIN_ANNUALISED_SPAN_MS, computeMetrics, metricsNotes } from '../../../src/core/metrics.js';

const DAY = 86_400_000;

describe('metrics', () => {
  // Equity over 73 daily bars (a span of 73 days = 0.2 of a 365-day year) from a 100 start:
  // 110, 99, then 121 for the remaining 71 bars. Every expectation below is worked out by hand.
  const equity = new Float64Array(73).fill(121);
  equity[0] = 110;
  equity[1] = 99;
  const m = computeMetrics({
    equity,
    time: Float64Array.from({ length: 73 }, (_, i) => i * DAY),
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
  });

  it('annualises the return over the span: CAGR, and Calmar = CAGR / max drawdown', () => {
    // 1.21 over 0.2 years: 1.21^5 = 2.5937424601, so CAGR = 159.37424601 %
    expect(m.cagr!).toBeCloseTo(1.5937424601, 9);
    // over a 10 % drawdown
    expect(m.calmar!).toBeCloseTo(15.937424601, 8);
  });

  it('annualises Sharpe and Sortino from per-bar returns', () => {
    // returns: +10 %, -10 %, 121/99 - 1 = 2/9, then 70 zeros; 365 daily bars a year
    const n = 73;
    const mean = (0.1 - 0.1 + 2 / 9) / n;
    const sumSq = 0.01 + 0.01 + 4 / 81;
    const sd = Math.sqrt((sumSq - n * mean * mean) / (n - 1));
    const downside = Math.sqrt(0.01 / n);
    expect(m.sharpe!).toBeCloseTo((mean / sd) * Math.sqrt(365), 9);
    expect(m.sortino!).toBeCloseTo((mean / downside) * Math.sqrt(365), 9);
    expect(metricsNotes({ time: Float64Array.from({ length: 73 }, (_, i) => i * DAY), timeframeMs: DAY })).toEqual({});
  });

  it('computes trade statistics over closed trades only', () => {
    expect(m.trades).toBe(3);
    expect(m.openTrades).toBe(1);
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.profitFactor).toBeCloseTo(30 / 5, 12);
    expect(m.expectancy).toBeCloseTo(25 / 3, 12);
    expect(m.exposure).toBeCloseTo(3 / 73, 12);
  });

  it('reports undefined ratios as null rather than Infinity or NaN', () => {
    // 40 days, long enough to annualise: the nulls come from the flat curve, not the span
    const flat = computeMetrics({
      equity: new Float64Array(40).fill(100),
      time: Float64Array.from({ length: 40 }, (_, i) => i * DAY),
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
    expect(flat.cagr).toBe(0);
    expect(JSON.stringify(flat)).not.toMatch(/NaN|Infinity/);
  });

  it('does not annualise a span under 30 days: null, with the reason in the notes', () => {
    // 16 hourly bars up 0.05 % in all: annualised this would be a CAGR of about +31 %
    const HOUR = 3_600_000;
    const input = {
      equity: Float64Array.from({ length: 16 }, (_, i) => 10_000 + (i + 1) * 0.3125),
      time: Float64Array.from({ length: 16 }, (_, i) => i * HOUR),
      timeframeMs: HOUR,
      startEquity: 10_000,
      trades: [],
      barsInMarket: 16,
      feesPaid: 0,
      buyAndHoldReturn: 0,
    };
    const short = computeMetrics(input);
    expect(short.totalReturn).toBeCloseTo(0.0005, 12);
    for (const k of ['cagr', 'calmar', 'sharpe', 'sortino'] as const) expect(short[k], k).toBeNull();
    expect(metricsNotes(input)).toEqual({
      cagr: 'span under 30 days: not annualised',
      calmar: 'span under 30 days: not annualised',
      sharpe: 'span under 30 days: not annualised',
      sortino: 'span under 30 days: not annualised',
    });
  });

  it('annualises from exactly 30 days on', () => {
    const days = (n: number) => ({ time: Float64Array.from({ length: n }, (_, i) => i * DAY), timeframeMs: DAY });
    expect(MIN_ANNUALISED_SPAN_MS).toBe(30 * DAY);
    expect(metricsNotes(days(30))).toEqual({});
    expect(Object.keys(metricsNotes(days(29)))).toEqual(['cagr', 'calmar', 'sharpe', 'sortino']);
  });
});
