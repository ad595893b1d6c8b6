import type { Dec as Decimal } from './money.js';
import { Dec, ZERO } from './money.js';
import { InternalError } from './errors.js';

export type Side = 'buy' | 'sell';
/** `stop` is a stop-market order: it becomes a market order once the price trades through stopPrice. */
export type OrderType = 'market' | 'limit' | 'stop';
/** Why an order exists: an entry, or which kind of exit. */
export type OrderPurpose = 'entry' | 'exit' | 'stop-loss' | 'take-profit' | 'trailing-stop' | 'manual';

/**
 * Order lifecycle. `pending` = journaled, not yet acknowledged. `unknown` = the send's outcome is
 * not known (timeout, dropped connection) and must be resolved by querying, never by resending.
 * `pending-cancel` = a cancel was sent; a fill may still arrive (the cancel/fill race).
 */
export type OrderStatus =
  | 'pending'
  | 'open'
  | 'pending-cancel'
  | 'filled'
  | 'canceled'
  | 'rejected'
  | 'expired'
  | 'unknown'
  | 'not-placed'
  | 'lost';

/** The explicit transition table, including the cancel-then-fill race. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['open', 'filled', 'rejected', 'canceled', 'expired', 'unknown', 'not-placed'],
  open: ['open', 'filled', 'pending-cancel', 'canceled', 'expired', 'unknown', 'lost'],
  'pending-cancel': ['pending-cancel', 'canceled', 'filled', 'expired', 'open', 'unknown'],
  unknown: ['open', 'filled', 'canceled', 'rejected', 'expired', 'not-placed', 'lost', 'unknown'],
  filled: [],
  canceled: [],
  rejected: [],
  expired: [],
  'not-placed': [],
  lost: ['open', 'filled', 'canceled', 'expired'],
};

/** finished: nothing more is expected (a lost order is reported, and no longer counted as open) */
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['filled', 'canceled', 'rejected', 'expired', 'not-placed', 'lost']);

export function isTerminal(s: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(s);
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Protective exits attached to an entry; resolved into stop/limit orders once the entry fills. */
export interface Protection {
  /** fraction below the entry price */
  stopLoss?: number;
  /** fraction above the entry price */
  takeProfit?: number;
  /** fraction below the highest price since entry */
  trailingStop?: number;
}

export interface OrderRequest {
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  amount: Decimal;
  /** limit price */
  price?: Decimal;
  /** trigger price of a stop order */
  stopPrice?: Decimal;
  /** trailing distance as a fraction; the stop price follows the high-water mark */
  trailing?: number;
  purpose: OrderPurpose;
  protection?: Protection;
  /** the entry this protective exit belongs to; siblings are one-cancels-other */
  parentId?: string;
  /** time the decision was taken (the signal bar's close), epoch ms */
  createdAt: number;
  /**
   * Why the engine sent it, kept with the fills of the trade: 'signal' (the strategy), 'roi',
   * 'ladder-N', 'dca', 'reentry', 'panic'. Absent: the purpose says ('entry'/'exit' are signals).
   */
  cause?: string;
  /** the strategy's free-form label (ctx.buy/ctx.sell `tag`) */
  tag?: string;
}

export interface Order extends OrderRequest {
  status: OrderStatus;
  exchangeId?: string;
  filled: Decimal;
  /** quote value of the filled part */
  cost: Decimal;
  fee: Decimal;
  feeCurrency?: string;
  tradeIds: string[];
  updatedAt: number;
  /** why it was rejected / lost, for status and reports */
  reason?: string;
}

export interface Fill {
  tradeId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: Decimal;
  price: Decimal;
  /** qty * price, computed once where the fill is made */
  cost: Decimal;
  fee: Decimal;
  feeCurrency: string;
  time: number;
}

/** Built field by field: object spread with extra keys drops V8 into slow dictionary objects. */
export function newOrder(req: OrderRequest): Order {
  return {
    clientOrderId: req.clientOrderId,
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    amount: req.amount,
    price: req.price,
    stopPrice: req.stopPrice,
    trailing: req.trailing,
    purpose: req.purpose,
    protection: req.protection,
    parentId: req.parentId,
    createdAt: req.createdAt,
    cause: req.cause,
    tag: req.tag,
    status: 'pending',
    exchangeId: undefined,
    filled: ZERO,
    cost: ZERO,
    fee: ZERO,
    feeCurrency: undefined,
    tradeIds: [],
    updatedAt: req.createdAt,
    reason: undefined,
  };
}

export function transition(order: Order, to: OrderStatus, time: number, reason?: string): void {
  if (order.status === to) return;
  if (!canTransition(order.status, to)) {
    throw new InternalError(`order ${order.clientOrderId}: illegal transition ${order.status} -> ${to}`);
  }
  order.status = to;
  order.updatedAt = time;
  if (reason !== undefined) order.reason = reason;
}

export type FillOutcome = 'applied' | 'duplicate' | 'overfill';

/**
 * Apply a fill to an order. A trade id seen before is a duplicate and changes nothing;
 * a fill beyond the order's amount is refused (RELIABILITY rows 9).
 */
export function applyFillToOrder(order: Order, fill: Fill): FillOutcome {
  if (order.tradeIds.includes(fill.tradeId)) return 'duplicate';
  const filled = order.filled.plus(fill.qty);
  if (filled.gt(order.amount)) return 'overfill';
  order.filled = filled;
  order.cost = order.cost.plus(fill.cost);
  order.fee = order.fee.plus(fill.fee);
  order.feeCurrency = fill.feeCurrency;
  order.tradeIds.push(fill.tradeId);
  order.updatedAt = fill.time;
  if (filled.eq(order.amount) && order.status !== 'filled') order.status = 'filled';
  return 'applied';
}

/** The reason a fill of this order gives its trade's leg (see RoundTrip.entries / exits). */
export function legReason(o: OrderRequest): string {
  if (o.cause !== undefined) return o.cause;
  return o.purpose === 'entry' || o.purpose === 'exit' ? 'signal' : o.purpose;
}

export function remaining(order: Order): Decimal {
  return order.amount.minus(order.filled);
}

export function averagePrice(order: Order): Decimal | undefined {
  return order.filled.isZero() ? undefined : order.cost.div(order.filled);
}

/** An order as stored in state files: Decimals as strings. */
export type SerializedOrder = Omit<Order, 'amount' | 'price' | 'stopPrice' | 'filled' | 'cost' | 'fee'> & {
  amount: string;
  price?: string;
  stopPrice?: string;
  filled: string;
  cost: string;
  fee: string;
};

export function serializeOrder(o: Order): SerializedOrder {
  const { amount, price, stopPrice, filled, cost, fee, ...rest } = o;
  const out: Record<string, unknown> = { ...rest, amount: amount.toFixed(), filled: filled.toFixed(), cost: cost.toFixed(), fee: fee.toFixed() };
  if (price) out.price = price.toFixed();
  if (stopPrice) out.stopPrice = stopPrice.toFixed();
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as SerializedOrder;
}

export function restoreOrder(s: SerializedOrder): Order {
  const o = newOrder({
    clientOrderId: s.clientOrderId,
    symbol: s.symbol,
    side: s.side,
    type: s.type,
    amount: new Dec(s.amount),
    price: s.price !== undefined ? new Dec(s.price) : undefined,
    stopPrice: s.stopPrice !== undefined ? new Dec(s.stopPrice) : undefined,
    trailing: s.trailing,
    purpose: s.purpose,
    protection: s.protection,
    parentId: s.parentId,
    createdAt: s.createdAt,
    ...(s.cause !== undefined ? { cause: s.cause } : {}),
    ...(s.tag !== undefined ? { tag: s.tag } : {}),
  });
  o.status = s.status;
  o.exchangeId = s.exchangeId;
  o.filled = new Dec(s.filled);
  o.cost = new Dec(s.cost);
  o.fee = new Dec(s.fee);
  o.feeCurrency = s.feeCurrency;
  o.tradeIds = [...s.tradeIds];
  o.updatedAt = s.updatedAt;
  o.reason = s.reason;
  return o;
}

export interface SerializedFill {
  tradeId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: string;
  price: string;
  cost: string;
  fee: string;
  feeCurrency: string;
  time: number;
}

export function serializeFill(f: Fill): SerializedFill {
  return { ...f, qty: f.qty.toFixed(), price: f.price.toFixed(), cost: f.cost.toFixed(), fee: f.fee.toFixed() };
}

export function restoreFill(f: SerializedFill): Fill {
  return { ...f, qty: new Dec(f.qty), price: new Dec(f.price), cost: new Dec(f.cost), fee: new Dec(f.fee) };
}
