import { randomBytes } from 'node:crypto';
import { Dec, ZERO, type Dec as Decimal } from '../../core/money.js';
import type { MarketInfo } from '../../core/market.js';
import { OrderRejectedError } from '../../core/errors.js';
import { isTerminal, type Fill, type Order, type OrderRequest } from '../../core/orders.js';
import type { SubmitAtOptions } from '../sim-exchange.js';
import { BinanceError, binanceErrors as E, fromRejection } from './binance-errors.js';
import { cancelJson, decimalsOf, fmt, klineJson, marketId, orderAckJson, orderQueryJson, tradeJson } from './binance-format.js';
import { KLINE_INTERVALS, aggregateKlines } from './price-source.js';
import type { SimVenue } from './sim-venue.js';

export interface RouteContext {
  venue: SimVenue;
  params: URLSearchParams;
  /** sim time, after the venue was brought up to it */
  now: number;
}

export type Route = (ctx: RouteContext) => unknown;

const ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];
const CLIENT_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;

// ------------------------------------------------------------------ parameters

function marketOf(ctx: RouteContext, required = true): MarketInfo | undefined {
  const id = ctx.params.get('symbol');
  if (!id) {
    if (required) throw E.mandatory('symbol');
    return undefined;
  }
  for (const m of ctx.venue.exchange.options.markets) if (marketId(m) === id) return m;
  throw E.badSymbol();
}

function marketsOf(ctx: RouteContext): MarketInfo[] {
  const one = marketOf(ctx, false);
  if (one) return [one];
  const all = ctx.venue.exchange.options.markets;
  const many = ctx.params.get('symbols');
  if (!many) return all;
  let ids: unknown;
  try {
    ids = JSON.parse(many);
  } catch {
    throw E.badParam('symbols');
  }
  if (!Array.isArray(ids)) throw E.badParam('symbols');
  return ids.map((id) => {
    const m = all.find((x) => marketId(x) === id);
    if (!m) throw E.badSymbol();
    return m;
  });
}

function decParam(ctx: RouteContext, name: string): Decimal | undefined {
  const v = ctx.params.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(v)) throw E.illegalChars(name, '^([0-9]{1,20})(\\.[0-9]{1,20})?$');
  return new Dec(v);
}

/** Binance's integers are 1 to 20 digits: a sign or anything else is -1100. */
function intParam(ctx: RouteContext, name: string): number | undefined {
  const v = ctx.params.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[0-9]{1,20}$/.test(v)) throw E.illegalChars(name, '^[0-9]{1,20}$');
  return Number(v);
}

/** limit: 0 is -1130, as on Binance; above the endpoint's maximum, the maximum. */
function limitParam(ctx: RouteContext, def: number, max: number): number {
  const n = intParam(ctx, 'limit') ?? def;
  if (n < 1) throw E.invalidData('limit');
  return Math.min(max, n);
}

function findOrder(ctx: RouteContext, m: MarketInfo, op: 'cancel' | 'query'): Order {
  const ex = ctx.venue.exchange;
  const coid = ctx.params.get('origClientOrderId');
  const oid = ctx.params.get('orderId');
  let o: Order | undefined;
  if (oid) o = ex.orderByExchangeId(oid);
  else if (coid) o = ex.orderByClientId(coid);
  else throw E.mandatory('orderId');
  if (!o || o.symbol !== m.symbol || (coid && o.clientOrderId !== coid)) throw op === 'cancel' ? E.cancelUnknown() : E.noSuchOrder();
  return o;
}

// ------------------------------------------------------------------ public

function exchangeInfo(ctx: RouteContext): unknown {
  return {
    timezone: 'UTC',
    serverTime: ctx.now,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
    ],
    exchangeFilters: [],
    symbols: marketsOf(ctx).map((m) => ({
      symbol: marketId(m),
      status: 'TRADING',
      baseAsset: m.base,
      baseAssetPrecision: 8,
      quoteAsset: m.quote,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 8,
      orderTypes: ORDER_TYPES,
      icebergAllowed: false,
      ocoAllowed: false,
      otoAllowed: false,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: false,
      cancelReplaceAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: fmt(m.priceTick ?? new Dec('0.00000001')), maxPrice: fmt(m.maxPrice ?? new Dec('1000000000')), tickSize: fmt(m.priceTick ?? new Dec('0.00000001')) },
        { filterType: 'LOT_SIZE', minQty: fmt(m.minAmount ?? m.amountStep ?? new Dec('0.00000001')), maxQty: fmt(m.maxAmount ?? new Dec('9000000000')), stepSize: fmt(m.amountStep ?? new Dec('0.00000001')) },
        { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: fmt(m.maxMarketAmount ?? new Dec('9000000000')), stepSize: '0.00000000' },
        { filterType: 'NOTIONAL', minNotional: fmt(m.minNotional ?? ZERO), applyMinToMarket: true, maxNotional: fmt(m.maxNotional ?? new Dec('9000000000')), applyMaxToMarket: false, avgPriceMins: 0 },
        { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'NONE',
      allowedSelfTradePreventionModes: ['NONE'],
      // informational: the precision the filters imply
      pricePrecisionDecimals: decimalsOf(m.priceTick),
    })),
  };
}

function ticker24(ctx: RouteContext, m: MarketInfo): Record<string, unknown> {
  const src = ctx.venue.sources.get(m.symbol)!;
  const s = src.series;
  const last = src.price();
  const from = ctx.now - 86_400_000;
  let open = last;
  let high = last;
  let low = last;
  let volume = 0;
  let quote = 0;
  for (let i = src.closed - 1; i >= 0 && s.time[i]! >= from; i--) {
    open = s.open[i]!;
    high = Math.max(high, s.high[i]!);
    low = Math.min(low, s.low[i]!);
    volume += s.volume[i]!;
    quote += s.volume[i]! * s.close[i]!;
  }
  const prev = open;
  return {
    symbol: marketId(m),
    priceChange: fmt(last - open),
    priceChangePercent: (((last - open) / open) * 100).toFixed(3),
    weightedAvgPrice: fmt(volume > 0 ? quote / volume : last),
    prevClosePrice: fmt(prev),
    lastPrice: fmt(last),
    lastQty: fmt(0),
    bidPrice: fmt(last),
    bidQty: fmt(1),
    askPrice: fmt(last),
    askQty: fmt(1),
    openPrice: fmt(open),
    highPrice: fmt(high),
    lowPrice: fmt(low),
    volume: fmt(volume),
    quoteVolume: fmt(quote),
    openTime: from,
    closeTime: ctx.now,
    firstId: -1,
    lastId: -1,
    count: 0,
  };
}

function klines(ctx: RouteContext): unknown {
  const m = marketOf(ctx)!;
  const interval = ctx.params.get('interval');
  if (!interval) throw E.mandatory('interval');
  const ms = KLINE_INTERVALS[interval];
  const src = ctx.venue.sources.get(m.symbol)!;
  if (ms === undefined || ms % src.series.timeframeMs !== 0) throw E.badInterval();
  const rows = aggregateKlines(src, ms, intParam(ctx, 'startTime'), intParam(ctx, 'endTime'), limitParam(ctx, 500, 1000));
  return rows.map((c) => klineJson(c, ms));
}

function depth(ctx: RouteContext): unknown {
  const m = marketOf(ctx)!;
  const n = limitParam(ctx, 100, 5000);
  const px = new Dec(ctx.venue.price(m.symbol));
  const tick = m.priceTick ?? new Dec('0.01');
  // a synthetic book: one unit at the price and every tick away from it
  const bids: string[][] = [];
  const asks: string[][] = [];
  for (let k = 0; k < n; k++) {
    const b = px.minus(tick.mul(k));
    if (b.gt(0)) bids.push([fmt(b), fmt(1)]);
    asks.push([fmt(px.plus(tick.mul(k))), fmt(1)]);
  }
  return { lastUpdateId: ctx.now, bids, asks };
}

export const publicRoutes: Record<string, Route> = {
  'GET /api/v3/ping': () => ({}),
  'GET /api/v3/time': (ctx) => ({ serverTime: ctx.now }),
  'GET /api/v3/exchangeInfo': exchangeInfo,
  'GET /api/v3/ticker/24hr': (ctx) => {
    const ms = marketsOf(ctx);
    return ctx.params.get('symbol') ? ticker24(ctx, ms[0]!) : ms.map((m) => ticker24(ctx, m));
  },
  'GET /api/v3/ticker/price': (ctx) => {
    const rows = marketsOf(ctx).map((m) => ({ symbol: marketId(m), price: fmt(ctx.venue.price(m.symbol)) }));
    return ctx.params.get('symbol') ? rows[0] : rows;
  },
  'GET /api/v3/ticker/bookTicker': (ctx) => {
    const rows = marketsOf(ctx).map((m) => {
      const p = fmt(ctx.venue.price(m.symbol));
      return { symbol: marketId(m), bidPrice: p, bidQty: fmt(1), askPrice: p, askQty: fmt(1) };
    });
    return ctx.params.get('symbol') ? rows[0] : rows;
  },
  'GET /api/v3/avgPrice': (ctx) => ({ mins: 5, price: fmt(ctx.venue.price(marketOf(ctx)!.symbol)), closeTime: ctx.now }),
  'GET /api/v3/depth': depth,
  'GET /api/v3/klines': klines,
  'GET /api/v3/uiKlines': klines,
};

// ------------------------------------------------------------------ signed

function account(ctx: RouteContext): unknown {
  const rate = fmt(ctx.venue.feeRate);
  const bps = ctx.venue.feeRate.mul(10_000).toNumber();
  const omitZero = ctx.params.get('omitZeroBalances') === 'true';
  const balances = Object.entries(ctx.venue.exchange.balancesSync())
    .filter(([, b]) => !omitZero || !b.total.isZero())
    .map(([asset, b]) => ({ asset, free: fmt(b.free), locked: fmt(b.used) }));
  return {
    makerCommission: bps,
    takerCommission: bps,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: rate, taker: rate, buyer: fmt(0), seller: fmt(0) },
    canTrade: true,
    canWithdraw: false,
    canDeposit: false,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: ctx.now,
    accountType: 'SPOT',
    balances,
    permissions: ['SPOT'],
    uid: 1,
  };
}

/** The exchange filters, checked as Binance checks them, before the order reaches the book. */
function checkFilters(m: MarketInfo, qty: Decimal | undefined, prices: (Decimal | undefined)[], notionalPrice: Decimal | undefined, quoteQty: Decimal | undefined): void {
  for (const p of prices) {
    if (p === undefined) continue;
    if (p.lte(0) || (m.priceTick && !p.mod(m.priceTick).isZero())) throw E.filter('PRICE_FILTER');
  }
  if (qty !== undefined) {
    if (qty.lte(0) || (m.minAmount && qty.lt(m.minAmount)) || (m.amountStep && !qty.mod(m.amountStep).isZero())) throw E.filter('LOT_SIZE');
  }
  if (m.minNotional) {
    const notional = quoteQty ?? (qty && notionalPrice ? qty.mul(notionalPrice) : undefined);
    if (notional !== undefined && notional.lt(m.minNotional)) throw E.filter('NOTIONAL');
  }
}

function newOrder(ctx: RouteContext): unknown {
  const { venue, params, now } = ctx;
  const m = marketOf(ctx)!;
  const side = params.get('side');
  if (!side) throw E.mandatory('side');
  if (side !== 'BUY' && side !== 'SELL') throw E.badSide();
  const type = params.get('type');
  if (!type) throw E.mandatory('type');
  if (!ORDER_TYPES.includes(type)) throw E.badOrderType();
  const s = side === 'BUY' ? 'buy' : 'sell';
  const qty = decParam(ctx, 'quantity');
  const quoteQty = decParam(ctx, 'quoteOrderQty');
  const price = decParam(ctx, 'price');
  const stopPrice = decParam(ctx, 'stopPrice');
  const isLimitLike = type === 'LIMIT' || type === 'LIMIT_MAKER' || type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
  const isConditional = type.startsWith('STOP_LOSS') || type.startsWith('TAKE_PROFIT');
  let tif = params.get('timeInForce') ?? '';
  if (type === 'LIMIT' || type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT') {
    if (!tif) throw E.mandatory('timeInForce');
    if (!['GTC', 'IOC', 'FOK'].includes(tif)) throw new BinanceError(400, -1115, 'Invalid timeInForce.');
  } else {
    tif = 'GTC';
  }
  if (isLimitLike && !price) throw E.mandatory('price');
  if (isConditional && !stopPrice) throw E.mandatory('stopPrice');
  if (type === 'MARKET') {
    if (!qty && !quoteQty) throw new BinanceError(400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
    if (qty && quoteQty) throw new BinanceError(400, -1106, "Parameter 'quoteOrderQty' sent when not required.");
  } else if (!qty) {
    throw E.mandatory('quantity');
  } else if (quoteQty) {
    throw new BinanceError(400, -1106, "Parameter 'quoteOrderQty' sent when not required.");
  }
  const coid = params.get('newClientOrderId') || `sim_${randomBytes(11).toString('hex')}`;
  if (!CLIENT_ID_RE.test(coid)) throw E.badParam('newClientOrderId');

  const current = venue.price(m.symbol);
  const currentD = new Dec(current);
  checkFilters(m, qty, [price, stopPrice], type === 'MARKET' ? currentD : (price ?? stopPrice), quoteQty);

  if (type === 'LIMIT_MAKER' && (s === 'buy' ? price!.toNumber() >= current : price!.toNumber() <= current)) {
    throw E.rejected('Order would immediately match and take.');
  }
  if (isConditional) {
    const sp = stopPrice!.toNumber();
    const lossSide = type.startsWith('STOP_LOSS');
    // a stop-loss triggers when the price moves against the order, a take-profit when it moves for it
    const triggered = lossSide === (s === 'sell') ? current <= sp : current >= sp;
    if (triggered) throw E.rejected('Stop price would trigger immediately.');
  }

  const req: OrderRequest = {
    clientOrderId: coid,
    symbol: m.symbol,
    side: s,
    type: type === 'MARKET' ? 'market' : type === 'LIMIT' || type === 'LIMIT_MAKER' ? 'limit' : 'stop',
    amount: qty ?? quoteQty!,
    ...(price && isLimitLike ? { price } : {}),
    ...(stopPrice && isConditional ? { stopPrice } : {}),
    purpose: 'manual',
    createdAt: now,
  };
  const opts: SubmitAtOptions = {};
  if (quoteQty) opts.quoteQty = quoteQty;
  if (isConditional) {
    opts.trigger = { kind: type.startsWith('STOP_LOSS') ? 'stop-loss' : 'take-profit', ...(isLimitLike ? { limitPrice: price!, timeInForce: tif as 'GTC' | 'IOC' | 'FOK' } : {}) };
  }

  const ex = venue.exchange;
  const tradesBefore = ex.trades(m.symbol).length;
  let exchangeId: string;
  try {
    exchangeId = ex.submitAt(req, { price: current, time: now }, opts).exchangeId;
  } catch (err) {
    if (err instanceof OrderRejectedError) throw fromRejection(err, 'new');
    throw err;
  }
  venue.meta.set(coid, { type, timeInForce: tif, created: now, ...(quoteQty ? { quoteOrderQty: fmt(quoteQty) } : {}) });
  let o = ex.orderByExchangeId(exchangeId)!;
  if ((tif === 'IOC' || tif === 'FOK') && !isTerminal(o.status) && !isConditional) {
    ex.cancelSync(coid, m.symbol); // what did not fill at once expires
    o = ex.orderByExchangeId(exchangeId)!;
  }
  const fills: Fill[] = ex.trades(m.symbol).slice(tradesBefore).filter((f) => f.clientOrderId === coid);
  const respType = params.get('newOrderRespType') ?? (type === 'MARKET' || type === 'LIMIT' ? 'FULL' : 'ACK');
  return orderAckJson(m, o, venue.meta.get(coid), respType, fills, now);
}

function cancelOrder(ctx: RouteContext): unknown {
  const m = marketOf(ctx)!;
  const o = findOrder(ctx, m, 'cancel');
  try {
    ctx.venue.exchange.cancelSync(o.clientOrderId, m.symbol);
  } catch (err) {
    if (err instanceof OrderRejectedError) throw fromRejection(err, 'cancel');
    throw err;
  }
  const cancelId = ctx.params.get('newClientOrderId') || ctx.venue.nextCancelId();
  return cancelJson(m, o, ctx.venue.meta.get(o.clientOrderId), cancelId, ctx.now);
}

/**
 * POST /api/v3/order/cancelReplace (what ccxt's editOrder sends for spot), STOP_ON_FAILURE only:
 * cancel the order named by cancelOrderId / cancelOrigClientOrderId, then place the new one.
 * A failed cancel places nothing.
 */
function cancelReplace(ctx: RouteContext): unknown {
  const mode = ctx.params.get('cancelReplaceMode');
  if (!mode) throw E.mandatory('cancelReplaceMode');
  if (mode !== 'STOP_ON_FAILURE') throw new BinanceError(400, -1102, 'This simulator supports cancelReplaceMode STOP_ON_FAILURE only.');
  const cancelParams = new URLSearchParams(ctx.params);
  for (const k of ['orderId', 'origClientOrderId', 'newClientOrderId']) cancelParams.delete(k);
  const byId = ctx.params.get('cancelOrderId');
  const byCoid = ctx.params.get('cancelOrigClientOrderId');
  if (byId) cancelParams.set('orderId', byId);
  if (byCoid) cancelParams.set('origClientOrderId', byCoid);
  const cancelResponse = cancelOrder({ ...ctx, params: cancelParams });
  const newOrderResponse = newOrder(ctx);
  return { cancelResult: 'SUCCESS', newOrderResult: 'SUCCESS', cancelResponse, newOrderResponse };
}

function cancelOpenOrders(ctx: RouteContext): unknown {
  const m = marketOf(ctx)!;
  const ex = ctx.venue.exchange;
  const open = ex.openOrders(m.symbol);
  if (open.length === 0) throw E.cancelUnknown();
  return open.map((o) => {
    ex.cancelSync(o.clientOrderId, m.symbol);
    return cancelJson(m, o, ctx.venue.meta.get(o.clientOrderId), ctx.venue.nextCancelId(), ctx.now);
  });
}

function listOrders(ctx: RouteContext, open: boolean): unknown {
  const m = marketOf(ctx, !open); // openOrders takes no symbol for the whole account; allOrders needs one
  const ex = ctx.venue.exchange;
  let rows = open ? ex.openOrders(m?.symbol) : ex.allOrders(m!.symbol);
  if (!open) {
    const fromId = intParam(ctx, 'orderId');
    const start = intParam(ctx, 'startTime');
    const end = intParam(ctx, 'endTime');
    rows = rows.filter((o) => (fromId === undefined || Number(o.exchangeId) >= fromId) && (start === undefined || o.createdAt >= start) && (end === undefined || o.createdAt <= end));
    const limit = limitParam(ctx, 500, 1000);
    rows = fromId === undefined && start === undefined ? rows.slice(-limit) : rows.slice(0, limit);
  }
  const markets = new Map(ex.options.markets.map((x) => [x.symbol, x]));
  return rows.map((o) => orderQueryJson(markets.get(o.symbol)!, o, ctx.venue.meta.get(o.clientOrderId), ctx.venue.triggered(o.clientOrderId)));
}

function myTrades(ctx: RouteContext): unknown {
  const m = marketOf(ctx)!;
  const ex = ctx.venue.exchange;
  const orderId = ctx.params.get('orderId');
  const start = intParam(ctx, 'startTime');
  const end = intParam(ctx, 'endTime');
  const fromId = intParam(ctx, 'fromId');
  const limit = limitParam(ctx, 500, 1000);
  const orderOf = (f: Fill) => ex.orderByClientId(f.clientOrderId);
  let rows = ex.trades(m.symbol);
  if (orderId) {
    const o = ex.orderByExchangeId(orderId);
    rows = o ? rows.filter((f) => f.clientOrderId === o.clientOrderId) : [];
  }
  rows = rows.filter((f) => (fromId === undefined || Number(f.tradeId) >= fromId) && (start === undefined || f.time >= start) && (end === undefined || f.time <= end));
  rows = fromId === undefined && start === undefined ? rows.slice(-limit) : rows.slice(0, limit);
  const byCoid = new Map<string, Order | undefined>();
  return rows.map((f) => {
    if (!byCoid.has(f.clientOrderId)) byCoid.set(f.clientOrderId, orderOf(f));
    return tradeJson(m, f, byCoid.get(f.clientOrderId));
  });
}

export const signedRoutes: Record<string, Route> = {
  'GET /api/v3/account': account,
  'POST /api/v3/order': newOrder,
  'GET /api/v3/order': (ctx) => {
    const m = marketOf(ctx)!;
    const o = findOrder(ctx, m, 'query');
    return orderQueryJson(m, o, ctx.venue.meta.get(o.clientOrderId), ctx.venue.triggered(o.clientOrderId));
  },
  'DELETE /api/v3/order': cancelOrder,
  'POST /api/v3/order/cancelReplace': cancelReplace,
  'DELETE /api/v3/openOrders': cancelOpenOrders,
  'GET /api/v3/openOrders': (ctx) => listOrders(ctx, true),
  'GET /api/v3/allOrders': (ctx) => listOrders(ctx, false),
  'GET /api/v3/myTrades': myTrades,
};
