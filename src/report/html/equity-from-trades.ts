import type { CandleSeries } from '../../core/candles.js';
import type { TradeRecord } from '../result.js';

/**
 * Equity after each candle, rebuilt from a run's trades and its candles: the start equity plus
 * the PnL of the trades closed so far plus the open position marked at the candle's close. For a
 * result file (which keeps only ~400 equity points) and a bot (which keeps none).
 *
 * A fill at time t counts from the candle that contains t, as the engine marks equity after the
 * fills of a bar. Fees are split between entry and exit in proportion to the notional (exact for
 * one fee rate, the only kind a backtest has). Trades of one symbol, long only.
 */
export function equityFromTrades(s: CandleSeries, trades: readonly TradeRecord[], startEquity: number): Float64Array {
  type Step = { time: number; cash: number; qty: number };
  // cash and base quantity after each fill, in time order
  const steps: Step[] = [];
  let realised = 0;
  const sorted = [...trades].sort((a, b) => a.entryTime - b.entryTime);
  for (const t of sorted) {
    const qty = Number(t.qty);
    const pe = Number(t.entryPrice);
    const fees = Number(t.fees);
    const px = t.exitPrice === null ? null : Number(t.exitPrice);
    const entryFee = t.open || px === null ? fees : (fees * pe) / (pe + px);
    const cashBefore = startEquity + realised;
    steps.push({ time: t.entryTime, cash: cashBefore - qty * pe - entryFee, qty });
    if (!t.open && t.exitTime !== null) {
      realised += Number(t.pnl);
      steps.push({ time: t.exitTime, cash: startEquity + realised, qty: 0 });
    }
  }
  steps.sort((a, b) => a.time - b.time);

  const n = s.length;
  const out = new Float64Array(n);
  let cash = startEquity;
  let qty = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const barEnd = s.time[i]! + s.timeframeMs;
    while (k < steps.length && steps[k]!.time < barEnd) {
      cash = steps[k]!.cash;
      qty = steps[k]!.qty;
      k++;
    }
    out[i] = qty === 0 ? cash : cash + qty * s.close[i]!;
  }
  return out;
}

/**
 * The largest relative difference between a rebuilt curve and known points of the real one
 * (a result file's equityCurve): how the report decides whether the rebuilt curve can be trusted.
 * Points whose time is not a candle of `time` count as a full mismatch.
 */
export function curveMismatch(time: Float64Array, rebuilt: Float64Array, known: readonly { time: number; equity: number }[]): number {
  let worst = 0;
  let j = 0;
  for (const p of known) {
    while (j < time.length && time[j]! < p.time) j++;
    if (j >= time.length || time[j] !== p.time) return Infinity;
    const d = Math.abs(rebuilt[j]! - p.equity) / Math.max(Math.abs(p.equity), 1e-12);
    if (d > worst) worst = d;
  }
  return worst;
}
