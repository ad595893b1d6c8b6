import type { Exchange, Market as CcxtMarket, Order as CcxtOrder, Trade as CcxtTrade } from 'ccxt';
import { Dec, ZERO, type Dec as Decimal } from '../core/money.js';
import { checkPrecision, type MarketInfo } from '../core/market.js';
import { marketInfoFromCcxt } from './ccxt-market.js';
import { ExchangeError, OrderRejectedError } from '../core/errors.js';
import type { Fill, Order, OrderRequest, OrderStatus } from '../core/orders.js';
import type { BalanceEntry, ExchangeEvent, ExchangePort, SubmitResult } from '../engine/ports.js';
import { classifyCcxtError, ClockSkewError, type CcxtOperation } from './ccxt-errors.js';
import { withReadRetries, type ReadRetry } from './read-retry.js';

// ccxt's precisionMode values
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

interface Tracked {
  req: OrderRequest;
  exchangeId: string;
  status: OrderStatus;
  filled: Decimal;
  tradeIds: Set<string>;
  /** quote value of the fills, and fees taken in the base currency */
  cost: Decimal;
  baseFees: Decimal;
  /** lookups that found nothing, for an order whose send had no answer */
  misses?: number;
}

/** lookups by client order id before an unanswered order is declared never placed */
const NOT_FOUND_POLLS = 3;

/**
 * The ExchangePort over a ccxt exchange instance (live trading, and the loopback simulator in
 * tests). ccxt cannot push fills, so `onBar` polls the orders this adapter placed and turns what
 * changed into events. Errors are classified into ours (src/exchange/ccxt-errors.ts); an order
 * whose answer was lost surfaces as UnknownOutcomeError and is never re-sent here.
 */
export class CcxtExchange implements ExchangePort {
  private readonly markets = new Map<string, MarketInfo>();
  private readonly tracked = new Map<string, Tracked>();
  private events: ExchangeEvent[] = [];
  /** filled entries whose protective exit still has to be placed */
  private protect: Tracked[] = [];
  private readRetry: ReadRetry | null = null;

  private constructor(readonly ex: Exchange) {}

  /**
   * Loads markets (and, with syncTime, the exchange's clock offset) and returns the adapter. With
   * retryReads, reads that fail for a passing reason are asked again (see retryReads).
   */
  static async connect(ex: Exchange, opts: { syncTime?: boolean; retryReads?: ReadRetry } = {}): Promise<CcxtExchange> {
    const port = new CcxtExchange(ex);
    port.readRetry = opts.retryReads ?? null;
    if (opts.syncTime) await port.syncTime();
    await port.loadMarkets(false);
    for (const m of Object.values((ex.markets ?? {}) as Record<string, NonNullable<CcxtMarket>>)) {
      if (m && m.spot !== false) port.markets.set(m.symbol, marketInfoFromCcxt(ex, m));
    }
    return port;
  }

  /**
   * Reload the markets: an exchange may change a pair's precision or minimums while a bot runs.
   * The MarketInfo objects are updated in place, so the engine, which holds them, sees the new
   * rules on its next order. Returns the symbols whose rules changed.
   */
  async refreshMarkets(): Promise<string[]> {
    await this.loadMarkets(true);
    const changed: string[] = [];
    for (const m of Object.values((this.ex.markets ?? {}) as Record<string, NonNullable<CcxtMarket>>)) {
      if (!m || m.spot === false) continue;
      const fresh = marketInfoFromCcxt(this.ex, m);
      const held = this.markets.get(m.symbol);
      if (!held) {
        this.markets.set(m.symbol, fresh);
        continue;
      }
      let diff = false;
      for (const k of ['amountStep', 'priceTick', 'minAmount', 'minNotional', 'maxAmount', 'maxMarketAmount', 'maxNotional', 'maxPrice'] as const) {
        const a = held[k];
        const b = fresh[k];
        if ((a === undefined) !== (b === undefined) || (a && b && !a.eq(b))) diff = true;
        if (b === undefined) delete held[k];
        else held[k] = b;
      }
      if (diff) changed.push(m.symbol);
    }
    return changed;
  }

  /**
   * ccxt keeps the promise of its last market load, and every call awaits it: a load that failed
   * once would fail every later call. Forgotten on failure, the next call uses the markets already
   * loaded (or loads them, when there are none yet).
   */
  private loadMarkets(reload: boolean): Promise<unknown> {
    return this.call('read', async () => {
      try {
        return await this.ex.loadMarkets(reload);
      } catch (err) {
        (this.ex as unknown as { marketsLoading?: unknown }).marketsLoading = undefined;
        throw err;
      }
    });
  }

  /** Measures the exchange clock's offset so that signed requests carry its time. */
  async syncTime(): Promise<void> {
    await this.call('read', () => this.ex.loadTimeDifference());
  }

  market(symbol: string): MarketInfo | undefined {
    return this.markets.get(symbol);
  }

  /**
   * Reads that fail for a passing reason are asked again with back-off (a starting bot, a
   * one-shot command), or not at all (null: a running bot asks again on its next poll).
   */
  retryReads(policy: ReadRetry | null): void {
    this.readRetry = policy;
  }

  private call<T>(op: CcxtOperation, fn: () => Promise<T>): Promise<T> {
    const retry = this.readRetry;
    return op === 'read' && retry ? withReadRetries(() => this.callOnce(op, fn), retry) : this.callOnce(op, fn);
  }

  /** Runs a ccxt call; classifies its errors. A refused timestamp is re-synced and retried once: the exchange did not act on it. */
  private async callOnce<T>(op: CcxtOperation, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = classifyCcxtError(err, { operation: op, headers: this.ex.last_response_headers as Record<string, string> | undefined });
      if (!(e instanceof ClockSkewError)) throw e;
      try {
        await this.ex.loadTimeDifference();
        return await fn();
      } catch (err2) {
        throw classifyCcxtError(err2, { operation: op, headers: this.ex.last_response_headers as Record<string, string> | undefined });
      }
    }
  }

  // ---------------------------------------------------------------- orders

  async submit(req: OrderRequest): Promise<SubmitResult> {
    const m = this.markets.get(req.symbol);
    if (!m) throw new OrderRejectedError('unknown-symbol', `unknown symbol ${req.symbol}`);
    // off-step amounts and off-tick prices are refused, as the simulated exchange refuses them (ccxt would round them silently)
    checkPrecision(m, req);
    if (req.trailing !== undefined || (req.protection && (req.protection.trailingStop !== undefined || (req.protection.stopLoss !== undefined && req.protection.takeProfit !== undefined)))) {
      throw new OrderRejectedError('invalid-order', 'live trading places one protective exit per entry (a stop-loss or a take-profit); trailing stops and stop+target pairs are not supported');
    }
    const params: Record<string, unknown> = { clientOrderId: req.clientOrderId };
    let type: 'market' | 'limit' = req.type === 'limit' || (req.type === 'stop' && req.price !== undefined) ? 'limit' : 'market';
    if (req.type === 'stop') {
      if (!req.stopPrice) throw new OrderRejectedError('invalid-order', 'a stop order needs a stop price');
      params.stopLossPrice = num(req.stopPrice);
    } else if (req.type === 'limit' && !req.price) {
      throw new OrderRejectedError('invalid-order', 'a limit order needs a price');
    }
    if (req.type === 'market') type = 'market';
    const o = await this.call('submit', () => this.ex.createOrder(req.symbol, type, req.side, num(req.amount), req.price ? num(req.price) : undefined, params));
    const t: Tracked = { req, exchangeId: String(o.id), status: 'open', filled: ZERO, tradeIds: new Set(), cost: ZERO, baseFees: ZERO };
    this.tracked.set(req.clientOrderId, t);
    this.absorb(t, o, o.trades ?? []);
    return { exchangeId: t.exchangeId, status: t.status };
  }

  /**
   * Amend an order: the exchange's own edit (ccxt `editOrder`, Binance's cancelReplace) where it
   * has one, else cancel then place `req`. Either way `req` is a new order with its own client
   * id; the old one ends cancelled. `method` says which was used.
   */
  async replace(oldClientOrderId: string, req: OrderRequest): Promise<SubmitResult & { method: 'edit' | 'cancel-replace' }> {
    const m = this.markets.get(req.symbol);
    if (!m) throw new OrderRejectedError('unknown-symbol', `unknown symbol ${req.symbol}`);
    checkPrecision(m, req);
    const cancelThenPlace = async () => {
      await this.cancel(oldClientOrderId, req.symbol);
      return { ...(await this.submit(req)), method: 'cancel-replace' as const };
    };
    if (!this.ex.has.editOrder) return cancelThenPlace();
    const old = this.tracked.get(oldClientOrderId);
    const oldId = old?.exchangeId || (await this.fetchOrder(oldClientOrderId, req.symbol))?.exchangeId;
    if (!oldId) throw new OrderRejectedError('order-not-found', `order ${oldClientOrderId} is not on the exchange`);
    const type = req.type === 'market' ? 'market' : 'limit';
    const params: Record<string, unknown> = { clientOrderId: req.clientOrderId };
    if (req.type === 'stop') params.stopLossPrice = num(req.stopPrice!);
    let o: CcxtOrder;
    try {
      o = await this.call('submit', () => this.ex.editOrder(oldId, req.symbol, type, req.side, num(req.amount), req.price ? num(req.price) : undefined, params));
    } catch (err) {
      // the exchange does not offer the edit here (Binance -1020): it did nothing, so cancel, then place
      if (err instanceof OrderRejectedError && err.code === 'not-supported') return cancelThenPlace();
      throw err;
    }
    if (old && !isDone(old.status)) {
      old.status = 'canceled';
      this.events.push({ kind: 'status', clientOrderId: oldClientOrderId, status: 'canceled', time: o.timestamp ?? Date.now(), exchangeId: oldId, reason: `replaced by ${req.clientOrderId}` });
    }
    const t: Tracked = { req, exchangeId: String(o.id), status: 'open', filled: ZERO, tradeIds: new Set(), cost: ZERO, baseFees: ZERO };
    this.tracked.set(req.clientOrderId, t);
    this.absorb(t, o, o.trades ?? []);
    return { exchangeId: t.exchangeId, status: t.status, method: 'edit' };
  }

  async cancel(clientOrderId: string, symbol: string): Promise<void> {
    const t = this.tracked.get(clientOrderId);
    const o = await this.call('cancel', () => this.ex.cancelOrder(t?.exchangeId ?? '', symbol, { clientOrderId }));
    if (t) this.absorb(t, o, []);
  }

  async fetchOrder(clientOrderId: string, symbol: string): Promise<Order | null> {
    let o: CcxtOrder;
    try {
      o = await this.call('read', () => this.ex.fetchOrder('', symbol, { clientOrderId }));
    } catch (err) {
      if (err instanceof OrderRejectedError && err.code === 'order-not-found') return null;
      throw err;
    }
    const trades = Number(o.filled ?? 0) > 0 ? await this.call('read', () => this.ex.fetchMyTrades(symbol, undefined, undefined, { orderId: o.id })) : [];
    const t = this.tracked.get(clientOrderId);
    if (t) this.absorb(t, o, trades);
    return this.toOrder(clientOrderId, symbol, o, trades, t?.req);
  }

  async fetchBalances(): Promise<Record<string, BalanceEntry>> {
    const b = await this.call('read', () => this.ex.fetchBalance());
    const out: Record<string, BalanceEntry> = {};
    const raw = (b.info as { balances?: { asset: string; free: string; locked: string }[] } | undefined)?.balances;
    if (Array.isArray(raw)) {
      // Binance's own decimal strings: exact, unlike ccxt's floats
      for (const r of raw) {
        const free = new Dec(r.free);
        const used = new Dec(r.locked);
        out[this.ex.safeCurrencyCode(r.asset) ?? r.asset] = { free, used, total: free.plus(used) };
      }
      return out;
    }
    const free = b.free as unknown as Record<string, number>;
    const used = b.used as unknown as Record<string, number>;
    for (const c of Object.keys(b.total ?? {})) {
      const f = new Dec(String(free[c] ?? 0));
      const u = new Dec(String(used[c] ?? 0));
      out[c] = { free: f, used: u, total: f.plus(u) };
    }
    return out;
  }

  /** Market data moved: poll this symbol's orders that can still change, and queue what changed. */
  async onBar(symbol: string): Promise<void> {
    for (const [coid, t] of this.tracked) {
      if (t.req.symbol !== symbol || isDone(t.status)) continue;
      let found: Order | null;
      try {
        found = await this.fetchOrder(coid, symbol);
      } catch (err) {
        // a failed poll changes nothing: the order is asked about again on the next candle
        if (err instanceof ExchangeError && err.failure !== 'auth') continue;
        throw err;
      }
      if (found === null && (t.status === 'unknown' || t.status === 'pending')) {
        // sent with no answer, and the exchange keeps saying it has no such order: never placed
        t.misses = (t.misses ?? 0) + 1;
        if (t.misses >= NOT_FOUND_POLLS) {
          t.status = 'not-placed';
          this.events.push({ kind: 'status', clientOrderId: coid, status: 'not-placed', time: Date.now(), reason: `not found on the exchange after ${NOT_FOUND_POLLS} lookups` });
        }
      }
    }
    await this.placeProtection();
  }

  /**
   * The protective exit of a filled entry goes to the exchange as its own stop-loss (or
   * take-profit limit) order, so it survives an outage of the bot. It sells what the fills
   * delivered, net of fees charged in the base currency.
   */
  private async placeProtection(): Promise<void> {
    const todo = this.protect.splice(0);
    for (const t of todo) {
      const p = t.req.protection!;
      const m = this.markets.get(t.req.symbol)!;
      const avg = t.cost.div(t.filled);
      let qty = t.filled.minus(t.baseFees);
      if (m.amountStep) qty = qty.toStep(m.amountStep, Dec.ROUND_FLOOR);
      const tick = (x: Decimal) => (m.priceTick ? x.toStep(m.priceTick, Dec.ROUND_HALF_UP) : x);
      const child: OrderRequest =
        p.stopLoss !== undefined
          ? { clientOrderId: `${t.req.clientOrderId}-sl`, symbol: t.req.symbol, side: 'sell', type: 'stop', amount: qty, stopPrice: tick(avg.mul(1 - p.stopLoss)), purpose: 'stop-loss', parentId: t.req.clientOrderId, createdAt: Date.now() }
          : { clientOrderId: `${t.req.clientOrderId}-tp`, symbol: t.req.symbol, side: 'sell', type: 'limit', amount: qty, price: tick(avg.mul(1 + p.takeProfit!)), purpose: 'take-profit', parentId: t.req.clientOrderId, createdAt: Date.now() };
      try {
        const ack = await this.submit(child);
        this.events.push({ kind: 'order', order: child, exchangeId: ack.exchangeId });
      } catch (err) {
        // reported as a rejected protective order: status shows it, the position stays unprotected
        this.events.push({ kind: 'order', order: child, exchangeId: '' });
        this.events.push({ kind: 'status', clientOrderId: child.clientOrderId, status: 'rejected', time: Date.now(), reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Orders from a previous run (the state file) are polled like the ones sent in this run. */
  track(order: Order): void {
    if (this.tracked.has(order.clientOrderId)) return;
    this.tracked.set(order.clientOrderId, {
      req: order,
      exchangeId: order.exchangeId ?? '',
      status: order.status,
      filled: order.filled,
      tradeIds: new Set(order.tradeIds),
      cost: order.cost,
      baseFees: ZERO,
    });
  }

  /** Open orders on the exchange for these symbols (null: every symbol), ours and others'. */
  async fetchOpenOrders(symbols: readonly string[] | null): Promise<Order[]> {
    const out: Order[] = [];
    if (symbols === null) {
      // one request for the whole account (Binance weighs it heavier; ccxt warns unless told not to)
      (this.ex.options as Record<string, unknown>).warnOnFetchOpenOrdersWithoutSymbol = false;
      const list = await this.call('read', () => this.ex.fetchOpenOrders());
      for (const o of list) out.push(this.toOrder(clientIdOf(o), o.symbol ?? '', o, [], this.tracked.get(clientIdOf(o))?.req));
      return out;
    }
    for (const symbol of symbols) {
      const list = await this.call('read', () => this.ex.fetchOpenOrders(symbol));
      for (const o of list) out.push(this.toOrder(clientIdOf(o), symbol, o, [], this.tracked.get(clientIdOf(o))?.req));
    }
    return out;
  }

  /** The last traded price of a symbol (the ticker), for checks on a market order's notional. */
  async lastPrice(symbol: string): Promise<Decimal> {
    const t = await this.call('read', () => this.ex.fetchTicker(symbol));
    const info = t.info as Record<string, string | undefined> | undefined;
    const raw = info?.lastPrice ?? (t.last !== undefined && t.last !== null ? String(t.last) : undefined);
    if (raw === undefined) throw new OrderRejectedError('unknown-symbol', `the exchange has no price for ${symbol}`);
    return new Dec(raw);
  }

  /** The most recent orders of a symbol on the exchange, open and finished (Binance: allOrders). */
  async fetchRecentOrders(symbol: string, limit = 100): Promise<Order[]> {
    const list = await this.call('read', () => this.ex.fetchOrders(symbol, undefined, limit));
    return list.map((o) => this.toOrder(clientIdOf(o), symbol, o, [], this.tracked.get(clientIdOf(o))?.req));
  }

  drainEvents(): ExchangeEvent[] {
    if (this.events.length === 0) return [];
    const out = this.events;
    this.events = [];
    return out;
  }

  // ---------------------------------------------------------------- mapping

  /** Queue fills not seen before and a status change, from an order and its trades. */
  private absorb(t: Tracked, o: CcxtOrder, trades: CcxtTrade[]): void {
    for (const tr of trades) {
      // Binance's FULL order answer lists its fills without a time: they happened at the order's
      const f = toFill(t.req.clientOrderId, t.req.symbol, t.req.side, tr, this.markets.get(t.req.symbol)?.quote, o.lastTradeTimestamp ?? o.timestamp ?? Date.now());
      if (t.tradeIds.has(f.tradeId)) continue;
      t.tradeIds.add(f.tradeId);
      t.filled = t.filled.plus(f.qty);
      t.cost = t.cost.plus(f.cost);
      if (f.feeCurrency === this.markets.get(t.req.symbol)?.base) t.baseFees = t.baseFees.plus(f.fee);
      this.events.push({ kind: 'fill', fill: f });
    }
    const status = toStatus(o);
    if (status !== t.status) {
      t.status = status;
      if (status === 'filled' && t.req.protection && t.req.side === 'buy') this.protect.push(t);
      this.events.push({ kind: 'status', clientOrderId: t.req.clientOrderId, status, time: o.lastUpdateTimestamp ?? o.timestamp ?? Date.now(), exchangeId: t.exchangeId });
    }
  }

  private toOrder(clientOrderId: string, symbol: string, o: CcxtOrder, trades: CcxtTrade[], req: OrderRequest | undefined): Order {
    const info = o.info as Record<string, string | undefined>;
    const quote = this.markets.get(symbol)?.quote;
    const fills = trades.map((tr) => toFill(clientOrderId, symbol, o.side as 'buy' | 'sell', tr, quote));
    const dec = (s: string | undefined, n: number | undefined) => (s !== undefined ? new Dec(s) : n !== undefined && n !== null ? new Dec(String(n)) : undefined);
    const price = dec(info.price, o.price);
    const stop = dec(info.stopPrice, o.triggerPrice);
    const createdAt = req?.createdAt ?? o.timestamp ?? 0;
    const type = req?.type ?? (o.triggerPrice ? 'stop' : o.type === 'limit' ? 'limit' : 'market');
    return {
      clientOrderId,
      symbol,
      side: o.side as 'buy' | 'sell',
      type,
      amount: dec(info.origQty, o.amount) ?? ZERO,
      price: price && !price.isZero() ? price : undefined,
      stopPrice: stop && !stop.isZero() ? stop : undefined,
      trailing: undefined,
      purpose: req?.purpose ?? 'manual',
      protection: undefined,
      parentId: req?.parentId,
      createdAt,
      status: toStatus(o),
      exchangeId: String(o.id),
      filled: dec(info.executedQty, o.filled) ?? ZERO,
      cost: dec(info.cummulativeQuoteQty, o.cost) ?? ZERO,
      fee: fills.reduce((s, f) => s.plus(f.fee), ZERO),
      feeCurrency: fills[0]?.feeCurrency,
      tradeIds: fills.map((f) => f.tradeId),
      updatedAt: o.lastUpdateTimestamp ?? o.timestamp ?? createdAt,
      reason: undefined,
    };
  }
}

function clientIdOf(o: CcxtOrder): string {
  return String(o.clientOrderId ?? (o.info as Record<string, string>)?.clientOrderId ?? o.id);
}

function num(d: Decimal): number {
  return Number(d.toFixed());
}

function isDone(s: OrderStatus): boolean {
  return s === 'filled' || s === 'canceled' || s === 'expired' || s === 'rejected' || s === 'not-placed';
}

function toStatus(o: CcxtOrder): OrderStatus {
  switch (o.status) {
    case 'closed':
      return 'filled';
    case 'canceled':
      return 'canceled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    default:
      return 'open';
  }
}

function toFill(clientOrderId: string, symbol: string, side: 'buy' | 'sell', tr: CcxtTrade, quote: string | undefined, fallbackTime = 0): Fill {
  const info = (tr.info ?? {}) as Record<string, string | number | undefined>;
  const s = (a: unknown, b: number | undefined) => new Dec(a !== undefined && a !== null ? String(a) : String(b ?? 0));
  const qty = s(info.qty, tr.amount);
  const price = s(info.price, tr.price);
  return {
    tradeId: String(info.tradeId ?? info.id ?? tr.id),
    clientOrderId,
    symbol,
    side,
    qty,
    price,
    cost: info.quoteQty !== undefined ? new Dec(String(info.quoteQty)) : qty.mul(price),
    fee: s(info.commission, tr.fee?.cost),
    feeCurrency: String(info.commissionAsset ?? tr.fee?.currency ?? quote ?? ''),
    time: tr.timestamp ?? fallbackTime,
  };
}
