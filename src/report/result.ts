import type { Metrics, MetricsNotes } from '../core/metrics.js';
import type { Gap } from '../core/candles.js';
import type { MonteCarloResult } from '../research/monte-carlo.js';

/**
 * The backtest result document (--json, --out). A public interface: bump RESULT_SCHEMA_VERSION
 * on any incompatible change. Money and quantities are decimal strings; times are epoch ms.
 */
export const RESULT_SCHEMA_VERSION = 1;

export type ExitReason = 'signal' | 'stop-loss' | 'take-profit' | 'trailing-stop' | 'manual';

/** Why a round trip closed, from the purpose of its last exit order: a strategy's exit is a signal. */
export function exitReasonOf(purpose: string | null): ExitReason | null {
  switch (purpose) {
    case 'stop-loss':
    case 'take-profit':
    case 'trailing-stop':
    case 'manual':
      return purpose;
    case null:
      return null;
    default:
      return 'signal';
  }
}

export interface TradeRecord {
  symbol: string;
  side: 'long';
  entryTime: number;
  /** null while the position is still open at the end of the run */
  exitTime: number | null;
  entryPrice: string;
  exitPrice: string | null;
  qty: string;
  /** entry plus exit fees, quote currency */
  fees: string;
  /** net of fees; for an open trade, marked at the last close */
  pnl: string;
  /** pnl over the entry cost */
  returnPct: number;
  exitReason: ExitReason | null;
  open: boolean;
}

export interface BacktestResult {
  schemaVersion: number;
  tradebot: string;
  strategy: { name: string; params: Record<string, unknown> };
  data: {
    source: string;
    symbol: string;
    candles: number;
    from: number;
    to: number;
    timeframe: string;
    gaps: Gap[];
  };
  settings: {
    cash: string;
    stake: string;
    fee: string;
    slippageBps: number;
    risk: Record<string, unknown>;
  };
  metrics: Metrics;
  /** why a metric is null beyond its usual meaning: {cagr: "span under 30 days: not annualised"} */
  metricsNotes: MetricsNotes;
  /** what may make the run differ from what was asked (a stake the cash cannot pay, buys that expired) */
  warnings: string[];
  trades: TradeRecord[];
  /** equity after each bar is too large for the document; a downsampled curve for charts */
  equityCurve: { time: number; equity: number }[];
  /** `--monte-carlo N`: bands of final return and max drawdown; absent otherwise */
  monteCarlo?: MonteCarloResult;
}
