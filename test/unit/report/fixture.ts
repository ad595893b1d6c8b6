import type { Metrics } from '../../../src/core/metrics.js';
import type { BacktestResult, TradeRecord } from '../../../src/report/result.js';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

export function metrics(overrides: Partial<Metrics> = {}): Metrics {
  return {
    startEquity: 10_000,
    finalEquity: 11_250.5,
    totalReturn: 0.12505,
    cagr: 0.61,
    sharpe: 1.5,
    sortino: 2.1,
    calmar: 3.2,
    maxDrawdown: 0.1,
    maxDrawdownDuration: 3 * 24 * HOUR + 4 * HOUR,
    winRate: 0.6,
    profitFactor: 1.8,
    expectancy: 41.7,
    exposure: 0.35,
    trades: 3,
    openTrades: 1,
    feesPaid: 12.34,
    buyAndHoldReturn: -0.05,
    ...overrides,
  };
}

export function trade(i: number, overrides: Partial<TradeRecord> = {}): TradeRecord {
  const win = i % 2 === 0;
  return {
    symbol: 'BTC/USDT',
    side: 'long',
    entryTime: T0 + i * 24 * HOUR,
    exitTime: T0 + i * 24 * HOUR + 5 * HOUR,
    entryPrice: '42000.5',
    exitPrice: win ? '43000' : '41500.25',
    qty: '0.1',
    fees: '8.45',
    pnl: win ? '91.55' : '-58.48',
    returnPct: win ? 0.0218 : -0.0139,
    exitReason: win ? 'take-profit' : 'stop-loss',
    open: false,
    entries: [{ time: T0 + i * 24 * HOUR, price: '42000.5', qty: '0.1', fee: '4.20005', reason: 'signal' }],
    exits: overrides.open ? [] : [{ time: T0 + i * 24 * HOUR + 5 * HOUR, price: win ? '43000' : '41500.25', qty: '0.1', fee: '4.25', reason: win ? 'take-profit' : 'stop-loss' }],
    ...overrides,
  };
}

export function openTrade(i: number): TradeRecord {
  return trade(i, { exitTime: null, exitPrice: '42500', exitReason: null, open: true, pnl: '45.2', returnPct: 0.0107 });
}

/** A small result: rising equity over 10 days, 3 closed trades and 1 open. */
export function result(overrides: Partial<BacktestResult> = {}): BacktestResult {
  const equityCurve = Array.from({ length: 40 }, (_, i) => ({ time: T0 + i * 6 * HOUR, equity: 10_000 + i * 30 + (i % 5) * 10 }));
  return {
    schemaVersion: 2,
    tradebot: '0.1.0',
    strategy: { name: 'sma-cross', params: { fast: 10, slow: 30 } },
    data: {
      source: 'data/binance/BTC-USDT-1h.csv',
      symbol: 'BTC/USDT',
      candles: 240,
      from: T0,
      to: T0 + 239 * HOUR,
      timeframe: '1h',
      gaps: [{ after: T0 + 10 * HOUR, before: T0 + 13 * HOUR, missing: 2 }],
    },
    settings: { cash: '10000', stake: '0.5', fee: '0.001', slippageBps: 5, risk: { stopLoss: 0.02, takeProfit: 0.04 } },
    metrics: metrics(),
    metricsNotes: {},
    warnings: [],
    trades: [trade(0), trade(1), trade(2), openTrade(3)],
    equityCurve,
    ...overrides,
  };
}
