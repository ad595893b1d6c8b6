import type { OrderPurpose, OrderStatus, Side } from '../core/orders.js';

/**
 * What the engine decided and what came of it, one event per step, for whoever listens (the bot's
 * log, notifications, metrics). Money is in decimal strings, times in epoch ms. The engine builds
 * an event only when a sink is set: a backtest has none and pays nothing for them.
 */
export type EngineEvent =
  /** the strategy asked for an order on a closed candle (it may still be denied) */
  | { kind: 'signal'; time: number; symbol: string; side: Side; type: string; close: number }
  /** the engine refused an intent before sending it: a risk limit, paused, dust, back-off */
  | { kind: 'risk-denied'; time: number; symbol: string; side: Side; code: string; message: string }
  /** journaled, about to be sent */
  | { kind: 'order-intent'; time: number; clientOrderId: string; symbol: string; side: Side; type: string; amount: string; price: string | null; purpose: OrderPurpose }
  | { kind: 'order-sent'; time: number; clientOrderId: string; symbol: string; side: Side; exchangeId: string; status: OrderStatus }
  | { kind: 'fill'; time: number; clientOrderId: string; symbol: string; side: Side; price: string; qty: string; fee: string; feeCurrency: string; tradeId: string; purpose: OrderPurpose }
  /** a round trip ended: `purpose` is the reason of its last exit (signal, stop-loss, roi, ladder-N, manual, panic, …; see exitReasonOf) */
  | {
      kind: 'trade-closed';
      time: number;
      symbol: string;
      entryTime: number;
      entryPrice: string;
      exitPrice: string;
      qty: string;
      fees: string;
      pnl: string;
      /** pnl over the entry cost, a fraction */
      pnlPct: number;
      purpose: string | null;
    }
  | { kind: 'order-canceled'; time: number; clientOrderId: string; symbol: string; side: Side; purpose: OrderPurpose }
  | { kind: 'order-expired'; time: number; clientOrderId: string; symbol: string; side: Side; purpose: OrderPurpose; reason: string | null }
  /** refused by the exchange, or held back by it (rate limit, ban) */
  | { kind: 'order-rejected'; time: number; clientOrderId: string; symbol: string; side: Side; purpose: OrderPurpose; code: string | null; message: string }
  /** the send got no answer: the order is queried, never re-sent */
  | { kind: 'order-unknown'; time: number; clientOrderId: string; symbol: string; side: Side; purpose: OrderPurpose; message: string }
  /** an order of unknown outcome found out: open, filled, not placed, lost ... */
  | { kind: 'order-resolved'; time: number; clientOrderId: string; symbol: string; status: OrderStatus }
  | { kind: 'halt'; time: number; code: string; message: string }
  | { kind: 'halt-lifted'; time: number }
  /** an order request failed on the exchange side; `failure` is the error's kind */
  | { kind: 'exchange-error'; time: number; failure: string; message: string }
  /** orders are held back (rate limit, ban, circuit breaker) */
  | { kind: 'exchange-degraded'; time: number; source: 'orders'; message: string }
  | { kind: 'exchange-recovered'; time: number; source: 'orders' };

export type EngineEventKind = EngineEvent['kind'];

/** Where the engine's events go. Called synchronously: a sink queues, it never blocks trading. */
export interface EngineEventSink {
  emit(event: EngineEvent): void;
}
