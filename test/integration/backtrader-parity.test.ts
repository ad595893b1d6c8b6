import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { readCandleFile } from '../../src/data/read-candles.js';
import { describeSharedData, sharedFile } from '../support/shared-data.js';

/**
 * The reference run from ../shared/data/README.md (backtrader 1.9.78): EMA(12)/EMA(26) cross,
 * long only, cash 10,000, fee 0.1% per side, stake 99% of cash at the signal close, fill at the
 * next open, no force-close at the end.
 */
const REFERENCE = [
  { file: 'binance_BTC_USDT-5m_2024-01-01_2024-09-06.csv', roundTrips: 1322, finalEquity: 979.5639772492352 },
  { file: 'binance_BTC_USDT-1m_2025-05-20_2025-08-18.csv', roundTrips: 2249, finalEquity: 120.14740013662924 },
];

/**
 * An independent, deliberately naive float implementation of the same semantics, written from
 * the README's description and not from the engine: it gives the entry and exit times that the
 * engine must reproduce trade for trade.
 */
function naiveEmaCross(close: Float64Array, open: Float64Array, time: Float64Array) {
  const ema = (n: number) => {
    const out = new Float64Array(close.length).fill(NaN);
    let sum = 0;
    for (let i = 0; i < close.length; i++) {
      if (i < n) {
        sum += close[i]!;
        if (i === n - 1) out[i] = sum / n;
      } else out[i] = out[i - 1]! * (1 - 2 / (n + 1)) + close[i]! * (2 / (n + 1));
    }
    return out;
  };
  const fast = ema(12);
  const slow = ema(26);
  let cash = 10_000;
  let qty = 0;
  let pending: { side: 'buy' | 'sell'; qty: number } | null = null;
  let lastNonZero = NaN;
  const trades: { entryTime: number; exitTime: number | null }[] = [];
  for (let t = 0; t < close.length; t++) {
    if (pending) {
      const px = open[t]!;
      if (pending.side === 'buy') {
        const cost = pending.qty * px;
        if (cost * 1.001 <= cash) {
          cash -= cost * 1.001;
          qty = pending.qty;
          trades.push({ entryTime: time[t]!, exitTime: null });
        }
      } else {
        cash += qty * px * 0.999;
        qty = 0;
        trades[trades.length - 1]!.exitTime = time[t]!;
      }
      pending = null;
    }
    if (Number.isNaN(slow[t]!)) continue;
    const d = fast[t]! - slow[t]!;
    const before = lastNonZero;
    if (d !== 0 || Number.isNaN(before)) lastNonZero = d;
    if (Number.isNaN(before)) continue;
    const up = before < 0 && d > 0;
    const down = before > 0 && d < 0;
    if (qty === 0 && up) pending = { side: 'buy', qty: (0.99 * cash) / close[t]! };
    else if (qty > 0 && down) pending = { side: 'sell', qty };
  }
  return { trades, finalEquity: cash + qty * close[close.length - 1]! };
}

describeSharedData('parity with backtrader on real Binance candles', () => {
  for (const ref of REFERENCE) {
    it(`reproduces backtrader's ema-cross(12,26) on ${ref.file}: round trips, entry and exit times, final equity to 1e-9`, async () => {
      const cfg = resolveConfig({
        strategy: { name: 'ema-cross', params: { fast: 12, slow: 26 } },
        cash: 10_000,
        stake: '99%',
        fee: 0.001,
        slippage: 0,
        backtest: { data: sharedFile(ref.file) },
      });
      const { result } = await runBacktest(cfg, { cwd: process.cwd() });

      expect(result.trades.length).toBe(ref.roundTrips);
      expect(Math.abs(result.metrics.finalEquity / ref.finalEquity - 1)).toBeLessThan(1e-9);

      const { series } = await readCandleFile(sharedFile(ref.file));
      const naive = naiveEmaCross(series.close, series.open, series.time);
      expect(naive.trades.length).toBe(ref.roundTrips);
      expect(Math.abs(naive.finalEquity / ref.finalEquity - 1)).toBeLessThan(1e-9);
      expect(result.trades.map((t) => [t.entryTime, t.exitTime])).toEqual(naive.trades.map((t) => [t.entryTime, t.exitTime]));
    }, 60_000);
  }
});
