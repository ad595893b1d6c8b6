import { Dec, type Dec as Decimal } from '../../core/money.js';
import type { MarketInfo } from '../../core/market.js';
import type { Fill, Order } from '../../core/orders.js';
import type { OrderMeta } from './sim-venue.js';

/** Binance writes every decimal as a string with 8 places. */
export function fmt(x: Decimal | number | undefined): string {
  if (x === undefined) return '0.00000000';
  return (typeof x === 'number' ? new Dec(x) : x).toFixed(8);
}

export function marketId(m: MarketInfo): string {
  return `${m.base}${m.quote}`;
}

export function binanceStatus(o: Order, meta: OrderMeta | undefined): string {
  switch (o.status) {
    case 'filled':
      return 'FILLED';
    case 'canceled':
      return meta?.timeInForce === 'IOC' || meta?.timeInForce === 'FOK' ? 'EXPIRED' : 'CANCELED';
    case 'expired':
      return 'EXPIRED';
    case 'rejected':
    case 'not-placed':
      return 'REJECTED';
    default:
      return o.filled.gt(0) ? 'PARTIALLY_FILLED' : 'NEW';
  }
}

/** The Binance order type of an order placed by someone else (a bracket's protective exits). */
export function inferType(o: Order): string {
  if (o.type === 'market') return 'MARKET';
  if (o.type === 'limit') return 'LIMIT';
  return o.price ? 'STOP_LOSS_LIMIT' : 'STOP_LOSS';
}

/**
 * GET /api/v3/order, /openOrders, /allOrders. `triggered`: a conditional order (STOP_LOSS*,
 * TAKE_PROFIT*) has been triggered; Binance reports it as `isWorking` (false until then).
 */
export function orderQueryJson(m: MarketInfo, o: Order, meta: OrderMeta | undefined, triggered = false): Record<string, unknown> {
  const type = meta?.type ?? inferType(o);
  const conditional = type.startsWith('STOP') || type.startsWith('TAKE');
  return {
    symbol: marketId(m),
    orderId: Number(o.exchangeId),
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: fmt(type === 'MARKET' || type === 'STOP_LOSS' || type === 'TAKE_PROFIT' ? undefined : o.price),
    origQty: fmt(o.amount),
    executedQty: fmt(o.filled),
    cummulativeQuoteQty: fmt(o.cost),
    status: binanceStatus(o, meta),
    timeInForce: meta?.timeInForce ?? 'GTC',
    type,
    side: o.side.toUpperCase(),
    stopPrice: fmt(o.stopPrice),
    icebergQty: fmt(undefined),
    time: meta?.created ?? o.createdAt,
    updateTime: o.updatedAt,
    isWorking: !conditional || triggered,
    workingTime: meta?.created ?? o.createdAt,
    origQuoteOrderQty: meta?.quoteOrderQty ?? fmt(undefined),
    selfTradePreventionMode: 'NONE',
  };
}

/** POST /api/v3/order, by newOrderRespType */
export function orderAckJson(m: MarketInfo, o: Order, meta: OrderMeta | undefined, respType: string, fills: Fill[], now: number): Record<string, unknown> {
  const ack = { symbol: marketId(m), orderId: Number(o.exchangeId), orderListId: -1, clientOrderId: o.clientOrderId, transactTime: now };
  if (respType === 'ACK') return ack;
  const q = orderQueryJson(m, o, meta);
  const result: Record<string, unknown> = {
    ...ack,
    price: q.price,
    origQty: q.origQty,
    executedQty: q.executedQty,
    origQuoteOrderQty: q.origQuoteOrderQty,
    cummulativeQuoteQty: q.cummulativeQuoteQty,
    status: q.status,
    timeInForce: q.timeInForce,
    type: q.type,
    side: q.side,
    workingTime: q.workingTime,
    selfTradePreventionMode: 'NONE',
  };
  if (o.stopPrice) result.stopPrice = fmt(o.stopPrice);
  if (respType === 'FULL') {
    result.fills = fills.map((f) => ({ price: fmt(f.price), qty: fmt(f.qty), commission: fmt(f.fee), commissionAsset: f.feeCurrency, tradeId: Number(f.tradeId) }));
  }
  return result;
}

export function cancelJson(m: MarketInfo, o: Order, meta: OrderMeta | undefined, cancelId: string, now: number): Record<string, unknown> {
  const q = orderQueryJson(m, o, meta);
  return {
    symbol: q.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: q.orderId,
    orderListId: -1,
    clientOrderId: cancelId,
    transactTime: now,
    price: q.price,
    origQty: q.origQty,
    executedQty: q.executedQty,
    origQuoteOrderQty: q.origQuoteOrderQty,
    cummulativeQuoteQty: q.cummulativeQuoteQty,
    status: q.status,
    timeInForce: q.timeInForce,
    type: q.type,
    side: q.side,
    ...(o.stopPrice ? { stopPrice: fmt(o.stopPrice) } : {}),
    selfTradePreventionMode: 'NONE',
  };
}

export function tradeJson(m: MarketInfo, f: Fill, o: Order | undefined): Record<string, unknown> {
  return {
    symbol: marketId(m),
    id: Number(f.tradeId),
    orderId: o ? Number(o.exchangeId) : -1,
    orderListId: -1,
    price: fmt(f.price),
    qty: fmt(f.qty),
    quoteQty: fmt(f.cost),
    commission: fmt(f.fee),
    commissionAsset: f.feeCurrency,
    time: f.time,
    isBuyer: f.side === 'buy',
    // an order that rested before it filled added liquidity
    isMaker: o !== undefined && o.type !== 'market' && f.time > o.createdAt,
    isBestMatch: true,
  };
}

export function klineJson(c: { time: number; open: number; high: number; low: number; close: number; volume: number }, intervalMs: number): unknown[] {
  return [c.time, fmt(c.open), fmt(c.high), fmt(c.low), fmt(c.close), fmt(c.volume), c.time + intervalMs - 1, fmt(c.volume * c.close), c.volume > 0 ? 1 : 0, fmt(c.volume / 2), fmt((c.volume / 2) * c.close), '0'];
}

/** decimals of a tick or step, for Binance's precision fields */
export function decimalsOf(x: Decimal | undefined, fallback = 8): number {
  return x ? x.decimalPlaces() : fallback;
}
