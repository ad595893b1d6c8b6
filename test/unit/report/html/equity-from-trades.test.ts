import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../../src/backtest.js';
import { resolveConfig } from '../../../../src/config/load-config.js';
import { seriesFromArrays } from '../../../../src/core/candles.js';
import { curveMismatch, equityFromTrades } from '../../../../src/report/html/equity-from-trades.js';
import type { TradeRecord } from '../../../../src/report/result.js';

describe('equity rebuilt from trades and candles', () => {
  it.each([
    ['signal exits only', {}],
    ['stop-loss and take-profit exits, with slippage', { risk: { stopLoss: 0.01, takeProfit: 0.015 }, slippage: 5 }],
    ['a trailing stop and a fixed stake', { risk: { trailingStop: 0.01 }, stake: '2500' }],
  ])('equals the engine equity after every candle (%s)', async (_name, extra) => {
    const cfg = resolveConfig({ backtest: { from: '2024-01-01', to: '2024-01-20' }, fee: 0.001, ...extra });
    const run = await runBacktest(cfg, { cwd: process.cwd() });
    expect(run.result.trades.length).toBeGreaterThan(5);
    const rebuilt = equityFromTrades(run.series, run.result.trades, run.result.metrics.startEquity);
    expect(rebuilt).toHaveLength(run.equity.value.length);
    let worst = 0;
    for (let i = 0; i < rebuilt.length; i++) worst = Math.max(worst, Math.abs(rebuilt[i]! / run.equity.value[i]! - 1));
    expect(worst).toBeLessThan(1e-9);
    expect(curveMismatch(run.series.time, rebuilt, run.result.equityCurve)).toBeLessThan(1e-9);
  });

  it('tells candles that are not the run\'s apart', async () => {
    const run = await runBacktest(resolveConfig({ backtest: { from: '2024-01-01', to: '2024-01-10' } }), { cwd: process.cwd() });
    const s = run.series;
    const close = Float64Array.from(s.close, (c) => c * 1.01);
    const other = seriesFromArrays({ time: s.time, open: s.open, high: s.high, low: s.low, close, volume: s.volume }, s.timeframeMs, s.length);
    const rebuilt = equityFromTrades(other, run.result.trades, run.result.metrics.startEquity);
    expect(curveMismatch(other.time, rebuilt, run.result.equityCurve)).toBeGreaterThan(1e-4);
  });

  it('counts a fill from the candle that contains it, and marks the open position at each close', () => {
    const tf = 60_000;
    const time = Float64Array.from([0, 1, 2, 3, 4], (i) => i * tf);
    const close = Float64Array.from([100, 110, 120, 90, 95]);
    const s = seriesFromArrays({ time, open: close, high: close, low: close, close, volume: close }, tf, 5);
    const trade: TradeRecord = {
      symbol: 'X/Y', side: 'long', entryTime: tf, exitTime: 3 * tf, entryPrice: '100', exitPrice: '90', qty: '2', fees: '0', pnl: '-20', returnPct: -0.1, exitReason: 'stop-loss', open: false,
    };
    expect([...equityFromTrades(s, [trade], 1000)]).toEqual([1000, 1000 - 200 + 220, 1000 - 200 + 240, 980, 980]);
  });
});
