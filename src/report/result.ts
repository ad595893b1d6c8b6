import type { Metrics, MetricsNotes } from '../core/metrics.js';
import type { Dec } from '../core/money.js';
import { roundTripPnl, type RoundTrip } from '../core/portfolio.js';
import type { Gap } from '../core/candles.js';
import type { MonteCarloResult } from '../research/monte-carlo.js';

/**
 * The backtest result document (--json, --out). A public interface: bump RESULT_SCHEMA_VERSION
 * on any incompatible change. Money and quantities are decimal strings; times are epoch ms.
 */
export const RESULT_SCHEMA_VERSION = 2;

export type ExitReason = 'signal' | 'stop-loss' | 'take-profit' | 'trailing-stop' | 'roi' | `ladder-${number}` | 'reentry' | 'manual' | 'panic';
export type EntryReason = 'signal' | 'dca' | 'reentry' | 'manual';
export type LegReason = ExitReason | EntryReason;

const FIXED_REASONS: ReadonlySet<string> = new Set(['signal', 'stop-loss', 'take-profit', 'trailing-stop', 'roi', 'reentry', 'manual', 'panic', 'dca']);

/** Is `r` a reason a leg can carry (schemaVersion 2)? */
export function isLegReason(r: unknown): r is LegReason {
  return typeof r === 'string' && (FIXED_REASONS.has(r) || /^ladder-[1-9]\d*$/.test(r));
}

/**
 * Why a round trip closed: the reason of its last exit. State files of older versions kept the
 * purpose of the last exit order instead, where a strategy's exit ('exit') is a signal.
 */
export function exitReasonOf(reason: string | null): ExitReason | null {
  if (reason === null) return null;
  return isLegReason(reason) && reason !== 'dca' ? (reason as ExitReason) : 'signal';
}

/** One entry or exit of a trade: the fills of one order. */
export interface TradeLeg {
  time: number;
  price: string;
  qty: string;
  /** quote currency */
  fee: string;
  reason: LegReason;
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
  /** schemaVersion 2: every entry (the first, DCA adds, a re-entry) and every exit (partial or last) */
  entries: TradeLeg[];
  exits: TradeLeg[];
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
  /** a backtest of several pairs as one portfolio: a row per pair, in the order given; absent for one pair */
  pairs?: PairSummary[];
}

/** One pair of a several-pair backtest: its candles and its share of the portfolio's trades. */
export interface PairSummary {
  symbol: string;
  source: string;
  candles: number;
  trades: number;
  /** round trips closed with a positive pnl */
  wins: number;
  /** net of fees, open trades marked at the pair's last close; quote currency */
  pnl: string;
  fees: string;
  /** last close over first open, minus 1 */
  buyAndHoldReturn: number;
}

/** A leg of the ledger (Decimals) or of a state file (decimal strings) as the result document shows it. */
export function toTradeLeg(l: { time: number; price: { toFixed(): string } | string; qty: { toFixed(): string } | string; fee: { toFixed(): string } | string; reason: string }): TradeLeg {
  const str = (x: { toFixed(): string } | string) => (typeof x === 'string' ? x : x.toFixed());
  return { time: l.time, price: str(l.price), qty: str(l.qty), fee: str(l.fee), reason: isLegReason(l.reason) ? l.reason : l.reason === 'entry' ? 'signal' : (exitReasonOf(l.reason) ?? 'signal') };
}

/**
 * A round trip of the ledger as the result document's trade: exact money as decimal strings; an
 * open trade is marked at `lastClose` (its pair's last close) and has no exit.
 */
export function tradeRecord(rt: RoundTrip, open: boolean, lastClose?: Dec): TradeRecord {
  const pnl = roundTripPnl(rt, open ? lastClose : undefined);
  return {
    symbol: rt.symbol,
    side: 'long',
    entryTime: rt.entryTime,
    exitTime: open ? null : rt.exitTime,
    entryPrice: rt.entryPrice.toFixed(),
    exitPrice: open || rt.exitPrice === null ? null : rt.exitPrice.toFixed(),
    qty: rt.entryQty.toFixed(),
    fees: rt.fees.toFixed(),
    pnl: pnl.toFixed(),
    returnPct: rt.entryCost.isZero() ? 0 : pnl.div(rt.entryCost).toNumber(),
    exitReason: open ? null : exitReasonOf(rt.exitReason),
    open,
    entries: rt.entries.map(toTradeLeg),
    exits: rt.exits.map(toTradeLeg),
  };
}
