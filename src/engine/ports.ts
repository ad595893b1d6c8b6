import type { CandleSeries } from '../core/candles.js';
import type { Dec as Decimal } from '../core/money.js';
import type { MarketInfo } from '../core/market.js';
import type { Fill, Order, OrderRequest, OrderStatus } from '../core/orders.js';

/**
 * The four ports the engine is handed. A mode (backtest, paper, live) is nothing but a choice of
 * adapters for them, made in src/compose.ts.
 */

export interface Clock {
  now(): number;
  /** a simulated clock follows the data: called with each bar's close time */
  onBar?(closeTime: number): void;
}

/** A range of newly closed candles of one instrument, ready for the engine. */
export interface FeedBatch {
  instrument: number;
  start: number;
  end: number;
}

export interface Feed {
  /** one series per instrument, in the engine's instrument order; live feeds append to them */
  readonly series: readonly CandleSeries[];
  /** resolves with the next batch of CLOSED candles, or null when the feed is finished or stopped */
  next(): Promise<FeedBatch | null>;
  /** total bars expected, when known, so the engine can preallocate */
  readonly sizeHint?: number;
}

export type ExchangeEvent =
  | { kind: 'fill'; fill: Fill }
  | { kind: 'status'; clientOrderId: string; status: OrderStatus; time: number; exchangeId?: string; reason?: string }
  /** an order the exchange created on the bot's behalf (a protective exit of a bracket) */
  | { kind: 'order'; order: OrderRequest; exchangeId: string };

export interface SubmitResult {
  exchangeId: string;
  status: OrderStatus;
}

export interface BalanceEntry {
  free: Decimal;
  used: Decimal;
  total: Decimal;
}

export interface ExchangePort {
  /** market data reached the exchange; a simulated exchange matches resting orders against the bar */
  onBar?(symbol: string, series: CandleSeries, i: number): void | Promise<void>;
  market(symbol: string): MarketInfo | undefined;
  /** throws OrderRejectedError for a definitive refusal */
  submit(req: OrderRequest): Promise<SubmitResult>;
  /** the same, answered at once (the simulated exchange): a backtest's orders then cost no promise */
  submitSync?(req: OrderRequest): SubmitResult;
  cancel(clientOrderId: string, symbol: string): Promise<void>;
  fetchOrder(clientOrderId: string, symbol: string): Promise<Order | null>;
  fetchBalances(): Promise<Record<string, BalanceEntry>>;
  /** fills and status changes since the last call, in the order they happened */
  drainEvents(): ExchangeEvent[];
  /**
   * A simulated exchange can fill a market order at a given price at once (paper `panic` closes
   * positions at the last price instead of waiting for a candle that may never come).
   */
  submitAtPrice?(req: OrderRequest, price: number, time: number): Promise<SubmitResult>;
  /** amend an order: `req` (a new client id) replaces the old one, by the exchange's edit or cancel-then-place (`method` says which) */
  replace?(oldClientOrderId: string, req: OrderRequest): Promise<SubmitResult & { method: 'edit' | 'cancel-replace' }>;
  /** keep polling an order the engine cares about (one whose send had an unknown outcome) */
  track?(order: Order): void;
}

export type JournalEntry =
  /**
   * candleTime: the open time of the closed candle the engine decided the order on (absent for an
   * operator's order, and in journals written before it was recorded); parity reads lateness from it
   */
  | { type: 'intent'; time: number; order: OrderRequest; candleTime?: number }
  | { type: 'sent'; time: number; clientOrderId: string; exchangeId: string; status: OrderStatus }
  | { type: 'fill'; time: number; fill: Fill }
  | { type: 'status'; time: number; clientOrderId: string; status: OrderStatus; reason?: string }
  /** money that entered (+) or left (−) the ledger outside its fills, accepted by an operator (reconcile --apply, live --adopt) */
  | { type: 'transfer'; time: number; currency: string; amount: Decimal; reason: string };

export interface Store {
  /** durably record an order intent or outcome before acting on it */
  journal(entry: JournalEntry): void | Promise<void>;
  /** persist the engine state after a batch of bars */
  checkpoint(snapshot: () => unknown): void | Promise<void>;
}
