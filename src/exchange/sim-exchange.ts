import type { CandleSeries } from '../core/candles.js';
import { Dec, ZERO, type Dec as Decimal } from '../core/money.js';
import { checkMinimums, checkPrecision, roundPrice, type MarketInfo } from '../core/market.js';
import { OrderRejectedError } from '../core/errors.js';
import {
  applyFillToOrder,
  isTerminal,
  newOrder,
  remaining,
  transition,
  type Fill,
  type Order,
  type OrderRequest,
  type OrderStatus,
  type SerializedOrder,
  type SerializedFill,
  serializeOrder,
  restoreOrder,
  serializeFill,
  restoreFill,
} from '../core/orders.js';
import type { BalanceEntry, ExchangeEvent, ExchangePort, SubmitResult } from '../engine/ports.js';
import { limitTouch, slipped, stopTrigger } from './fill-model.js';

const NO_EVENTS: ExchangeEvent[] = [];

/**
 * A conditional order (Binance's STOP_LOSS(_LIMIT) / TAKE_PROFIT(_LIMIT)): dormant until the price
 * trades through `stopPrice` (against the order for a stop-loss, in its favour for a take-profit),
 * then a limit order at `limitPrice`, or a market order when there is none.
 */
export interface TriggerSpec {
  kind: 'stop-loss' | 'take-profit';
  /** the limit the order becomes once triggered; absent: it becomes a market order */
  limitPrice?: Decimal;
  /**
   * the triggered limit's time in force (default GTC): IOC fills what it can in the bar that
   * triggers it and expires the rest; FOK fills all of it in that bar or expires unfilled
   */
  timeInForce?: 'GTC' | 'IOC' | 'FOK';
}

/** Extras for orders that arrive between bars (the HTTP simulator). */
export interface SubmitAtOptions {
  /** a market buy sized by the quote to spend (Binance's quoteOrderQty); `req.amount` is ignored */
  quoteQty?: Decimal;
  /** the order is conditional; `req.type` must be 'stop' with a stopPrice */
  trigger?: TriggerSpec;
}

export interface SimExchangeOptions {
  markets: MarketInfo[];
  balances: Record<string, Decimal>;
  /** fee rate of notional, charged in quote */
  feeRate: Decimal;
  slippageBps: number;
  /**
   * When set, an order fills at most this fraction of a bar's volume per bar; the rest stays
   * open for the following bars (partial fills across candles).
   */
  maxVolumeFraction?: number;
  /**
   * Finished orders and trades kept for queries (allOrders, myTrades). Unlimited by default, as an
   * exchange keeps them; a backtest bounds it so a long run does not hold every order in memory.
   */
  historyLimit?: number;
  /**
   * Decimal places of the fee actually charged. Binance charges (and reports) commissions to 8
   * places; a backtest keeps the exact rate times notional.
   */
  feeDecimals?: number;
}

interface Account {
  free: Decimal;
  used: Decimal;
}

/** What a paper bot persists of its simulated exchange: accounts, open orders, recent trades, counters. */
export interface SimExchangeSnapshot {
  accounts: Record<string, { free: string; used: string }>;
  open: {
    order: SerializedOrder;
    highWater: number | null;
    lockCurrency: string | null;
    locked: string;
    group: string | null;
    cond?: { kind: TriggerSpec['kind']; limitF: number | null; fired: boolean };
  }[];
  fills: SerializedFill[];
  orderSeq: number;
  tradeSeq: number;
  lastTime: number;
}

interface SimOrder {
  order: Order;
  /** float copies of the prices for the per-bar checks */
  priceF: number;
  stopF: number;
  /** trailing stops: the highest high since activation */
  highWater: number;
  /** what this order has locked: currency and amount still locked */
  lockCurrency: string | null;
  locked: Decimal;
  /** OCO siblings (protective exits of one entry) */
  group: string | null;
  /** conditional orders only */
  cond?: { kind: TriggerSpec['kind']; limitF: number; fired: boolean; tif?: 'IOC' | 'FOK' };
}

/**
 * The simulated exchange: an account with free and locked balances, a book of resting orders,
 * and the fill model applied to each bar it is shown. Backtests, paper trading and the loopback
 * HTTP simulator all use this one class.
 */
export class SimExchange implements ExchangePort {
  private readonly markets = new Map<string, MarketInfo>();
  private readonly accounts = new Map<string, Account>();
  private readonly orders = new Map<string, SimOrder>();
  /** orders that can still fill, per symbol, in submission order */
  private readonly active = new Map<string, SimOrder[]>();
  private readonly events: ExchangeEvent[] = [];
  private readonly fills: Fill[] = [];
  private readonly finished: string[] = [];
  private orderSeq = 0;
  private tradeSeq = 0;
  private lastTime = 0;
  private readonly byExchangeId = new Map<string, SimOrder>();

  constructor(readonly options: SimExchangeOptions) {
    for (const m of options.markets) this.markets.set(m.symbol, m);
    for (const [c, v] of Object.entries(options.balances)) this.accounts.set(c, { free: v, used: ZERO });
  }

  private feeOf(notional: Decimal): Decimal {
    const fee = notional.mul(this.options.feeRate);
    return this.options.feeDecimals === undefined ? fee : fee.toDecimalPlaces(this.options.feeDecimals, Dec.ROUND_HALF_UP);
  }

  snapshot(): SimExchangeSnapshot {
    const nan = (x: number) => (Number.isNaN(x) ? null : x);
    return {
      accounts: Object.fromEntries([...this.accounts].map(([c, a]) => [c, { free: a.free.toFixed(), used: a.used.toFixed() }])),
      open: [...this.orders.values()]
        .filter((so) => !isTerminal(so.order.status))
        .map((so) => ({
          order: serializeOrder(so.order),
          highWater: nan(so.highWater),
          lockCurrency: so.lockCurrency,
          locked: so.locked.toFixed(),
          group: so.group,
          ...(so.cond ? { cond: { kind: so.cond.kind, limitF: nan(so.cond.limitF), fired: so.cond.fired } } : {}),
        })),
      fills: this.fills.slice(-1000).map(serializeFill),
      orderSeq: this.orderSeq,
      tradeSeq: this.tradeSeq,
      lastTime: this.lastTime,
    };
  }

  /** Rebuild the exchange a paper bot had, with the same open orders, locks and counters. */
  static restore(options: SimExchangeOptions, snap: SimExchangeSnapshot): SimExchange {
    const ex = new SimExchange({ ...options, balances: {} });
    for (const [c, a] of Object.entries(snap.accounts)) ex.accounts.set(c, { free: new Dec(a.free), used: new Dec(a.used) });
    for (const o of snap.open) {
      const order = restoreOrder(o.order);
      const so: SimOrder = {
        order,
        priceF: order.price ? order.price.toNumber() : NaN,
        stopF: order.stopPrice ? order.stopPrice.toNumber() : NaN,
        highWater: o.highWater ?? NaN,
        lockCurrency: o.lockCurrency,
        locked: new Dec(o.locked),
        group: o.group,
      };
      if (o.cond) so.cond = { kind: o.cond.kind, limitF: o.cond.limitF ?? NaN, fired: o.cond.fired };
      ex.orders.set(order.clientOrderId, so);
      if (order.exchangeId) ex.byExchangeId.set(order.exchangeId, so);
      ex.activate(so);
    }
    for (const f of snap.fills) ex.fills.push(restoreFill(f));
    ex.orderSeq = snap.orderSeq;
    ex.tradeSeq = snap.tradeSeq;
    ex.lastTime = snap.lastTime;
    return ex;
  }

  market(symbol: string): MarketInfo | undefined {
    return this.markets.get(symbol);
  }

  // ---------------------------------------------------------------- orders

  async submit(req: OrderRequest): Promise<SubmitResult> {
    return this.submitSync(req);
  }

  submitSync(req: OrderRequest): SubmitResult {
    return this.place(req, undefined);
  }

  private place(req: OrderRequest, trigger: TriggerSpec | undefined): SubmitResult {
    const m = this.markets.get(req.symbol);
    if (!m) throw new OrderRejectedError('unknown-symbol', `unknown symbol ${req.symbol}`);
    if (this.orders.has(req.clientOrderId)) throw new OrderRejectedError('invalid-order', `duplicate clientOrderId ${req.clientOrderId}`);
    this.validate(req, m);
    const order = newOrder(req);
    order.exchangeId = `${++this.orderSeq}`;
    const so: SimOrder = {
      order,
      priceF: req.price ? req.price.toNumber() : NaN,
      stopF: req.stopPrice ? req.stopPrice.toNumber() : NaN,
      highWater: NaN,
      lockCurrency: null,
      locked: ZERO,
      group: req.parentId ?? null,
    };
    if (trigger) {
      so.cond = { kind: trigger.kind, limitF: trigger.limitPrice ? trigger.limitPrice.toNumber() : NaN, fired: false };
      if (trigger.limitPrice && (trigger.timeInForce === 'IOC' || trigger.timeInForce === 'FOK')) so.cond.tif = trigger.timeInForce;
    }
    this.lockFor(so, m);
    this.orders.set(req.clientOrderId, so);
    transition(order, 'open', req.createdAt);
    this.activate(so);
    return { exchangeId: order.exchangeId, status: order.status };
  }

  private validate(req: OrderRequest, m: MarketInfo): void {
    checkPrecision(m, req);
    if (req.type === 'limit' && !req.price) throw new OrderRejectedError('invalid-order', 'a limit order needs a price');
    if (req.type === 'stop' && !req.stopPrice && req.trailing === undefined) throw new OrderRejectedError('invalid-order', 'a stop order needs a stop price');
    if (m.minAmount || m.minNotional) {
      const refPrice = req.price ?? req.stopPrice;
      if (refPrice) checkMinimums(m, req.amount, refPrice);
      else checkMinimums({ ...m, minNotional: undefined }, req.amount, ZERO);
    }
  }

  /** Limit buys lock quote (with the fee); sells lock base. Market buys settle at the fill. */
  private lockFor(so: SimOrder, m: MarketInfo): void {
    const o = so.order;
    if (so.group !== null) return; // protective exits share the position they protect
    if (o.side === 'sell') {
      this.lock(so, m.base, o.amount);
    } else if (o.type === 'limit') {
      this.lock(so, m.quote, o.amount.mul(o.price!).mul(new Dec(1).plus(this.options.feeRate)));
    } else if (o.type === 'stop' && so.cond && !Number.isNaN(so.cond.limitF)) {
      const px = o.price && o.price.gt(o.stopPrice!) ? o.price : o.stopPrice!;
      this.lock(so, m.quote, o.amount.mul(px).mul(new Dec(1).plus(this.options.feeRate)));
    } else if (o.type === 'stop') {
      this.lock(so, m.quote, o.amount.mul(o.stopPrice!).mul(new Dec(1).plus(this.options.feeRate)));
    }
  }

  private lock(so: SimOrder, currency: string, amount: Decimal): void {
    const a = this.account(currency);
    if (a.free.lt(amount)) {
      throw new OrderRejectedError('insufficient-funds', `insufficient ${currency}: ${amount.toFixed()} needed, ${a.free.toFixed()} free`);
    }
    a.free = a.free.minus(amount);
    a.used = a.used.plus(amount);
    so.lockCurrency = currency;
    so.locked = amount;
  }

  private unlock(so: SimOrder, amount?: Decimal): void {
    if (!so.lockCurrency) return;
    const a = this.account(so.lockCurrency);
    const x = amount === undefined ? so.locked : Dec.min(amount, so.locked);
    a.free = a.free.plus(x);
    a.used = a.used.minus(x);
    so.locked = so.locked.minus(x);
  }

  private activate(so: SimOrder): void {
    let list = this.active.get(so.order.symbol);
    if (!list) this.active.set(so.order.symbol, (list = []));
    list.push(so);
  }

  async cancel(clientOrderId: string, symbol: string): Promise<void> {
    this.cancelSync(clientOrderId, symbol);
  }

  cancelSync(clientOrderId: string, symbol: string): void {
    const so = this.orders.get(clientOrderId);
    if (!so || so.order.symbol !== symbol) throw new OrderRejectedError('order-not-found', `order ${clientOrderId} not found on ${symbol}`);
    if (isTerminal(so.order.status)) {
      throw new OrderRejectedError('order-not-found', `order ${clientOrderId} is already ${so.order.status}`);
    }
    this.close(so, 'canceled', this.lastTime);
  }

  private close(so: SimOrder, status: OrderStatus, time: number, reason?: string): void {
    this.unlock(so);
    const limit = this.options.historyLimit;
    if (limit !== undefined) {
      this.finished.push(so.order.clientOrderId);
      if (this.finished.length > 2 * limit) for (const id of this.finished.splice(0, this.finished.length - limit)) this.orders.delete(id);
      if (this.fills.length > 2 * limit) this.fills.splice(0, this.fills.length - limit);
    }
    transition(so.order, status, time, reason);
    this.events.push({ kind: 'status', clientOrderId: so.order.clientOrderId, status, time, exchangeId: so.order.exchangeId, ...(reason ? { reason } : {}) });
    const list = this.active.get(so.order.symbol);
    if (list) {
      const idx = list.indexOf(so);
      if (idx >= 0) list.splice(idx, 1);
    }
  }

  async fetchOrder(clientOrderId: string): Promise<Order | null> {
    const so = this.orders.get(clientOrderId);
    return so ? { ...so.order, tradeIds: [...so.order.tradeIds] } : null;
  }

  async fetchBalances(): Promise<Record<string, BalanceEntry>> {
    return this.balancesSync();
  }

  balancesSync(): Record<string, BalanceEntry> {
    const out: Record<string, BalanceEntry> = {};
    for (const [c, a] of this.accounts) out[c] = { free: a.free, used: a.used, total: a.free.plus(a.used) };
    return out;
  }

  openOrders(symbol?: string): Order[] {
    const out: Order[] = [];
    for (const so of this.orders.values()) if (!isTerminal(so.order.status) && (!symbol || so.order.symbol === symbol)) out.push(so.order);
    return out;
  }

  allOrders(symbol?: string): Order[] {
    return [...this.orders.values()].map((s) => s.order).filter((o) => !symbol || o.symbol === symbol);
  }

  trades(symbol?: string): Fill[] {
    return symbol ? this.fills.filter((f) => f.symbol === symbol) : [...this.fills];
  }

  drainEvents(): ExchangeEvent[] {
    if (this.events.length === 0) return NO_EVENTS;
    return this.events.splice(0, this.events.length);
  }

  private account(c: string): Account {
    let a = this.accounts.get(c);
    if (!a) this.accounts.set(c, (a = { free: ZERO, used: ZERO }));
    return a;
  }

  // ---------------------------------------------------------------- matching

  /** Show the exchange bar i of `symbol`: fills whatever the fill model says fills. */
  onBar(symbol: string, s: CandleSeries, i: number): void {
    this.lastTime = s.time[i]!;
    const list = this.active.get(symbol);
    if (list === undefined || list.length === 0) return;
    const open = s.open[i]!;
    const high = s.high[i]!;
    const low = s.low[i]!;
    const time = s.time[i]!;
    let budget = this.options.maxVolumeFraction !== undefined ? s.volume[i]! * this.options.maxVolumeFraction : Infinity;

    // 1. market orders at the open
    for (const so of [...list]) {
      if (so.order.type !== 'market' || isTerminal(so.order.status)) continue;
      budget = this.fill(so, slipped(so.order.side, open, this.options.slippageBps), time, budget);
    }
    // 2. stops (including trailing stops and stop-losses), before any target
    for (const so of [...list]) {
      if (so.order.type !== 'stop' || so.cond || isTerminal(so.order.status)) continue;
      let stop = so.stopF;
      if (so.order.trailing !== undefined) {
        if (Number.isNaN(so.highWater)) so.highWater = Number.isNaN(stop) ? open : stop / (1 - so.order.trailing);
        stop = so.highWater * (1 - so.order.trailing);
      }
      const px = stopTrigger(so.order.side, stop, open, high, low);
      if (!Number.isNaN(px)) budget = this.fill(so, slipped(so.order.side, px, this.options.slippageBps), time, budget);
      if (so.order.trailing !== undefined && high > so.highWater) so.highWater = high;
    }
    // 2b. conditional orders (stop-loss first, then take-profit), after plain stops
    for (const kind of ['stop-loss', 'take-profit'] as const) {
      for (const so of [...list]) {
        if (so.cond?.kind !== kind || isTerminal(so.order.status)) continue;
        budget = this.matchConditional(so, open, high, low, time, budget);
      }
    }
    // 3. limits and take-profits
    for (const so of [...list]) {
      if (so.order.type !== 'limit' || isTerminal(so.order.status)) continue;
      const px = limitTouch(so.order.side, so.priceF, open, high, low);
      if (!Number.isNaN(px)) budget = this.fill(so, px, time, budget);
    }
  }

  /**
   * A conditional order within one bar. A stop-loss triggers like a stop (stopTrigger), a
   * take-profit like a limit at the stop price (limitTouch). Once triggered, the rest of the bar
   * is taken to start at the trigger price: a stop-limit fills at its limit or better from there.
   */
  private matchConditional(so: SimOrder, open: number, high: number, low: number, time: number, budget: number): number {
    const c = so.cond!;
    const side = so.order.side;
    let from = open;
    if (!c.fired) {
      const px = c.kind === 'stop-loss' ? stopTrigger(side, so.stopF, open, high, low) : limitTouch(side, so.stopF, open, high, low);
      if (Number.isNaN(px)) return budget;
      c.fired = true;
      from = px;
    }
    if (Number.isNaN(c.limitF)) return this.fill(so, slipped(side, from, this.options.slippageBps), time, budget);
    const px = limitTouch(side, c.limitF, from, high, low);
    if (c.tif === undefined) return Number.isNaN(px) ? budget : this.fill(so, px, time, budget);
    // IOC / FOK: this bar (the one that triggered it) is its only chance
    let left = budget;
    if (!Number.isNaN(px) && (c.tif === 'IOC' || this.canFillAll(so, budget))) left = this.fill(so, px, time, budget);
    if (!isTerminal(so.order.status)) this.close(so, 'expired', time);
    return left;
  }

  /** Whether the budget of a bar covers all that is left of an order (FOK). */
  private canFillAll(so: SimOrder, budget: number): boolean {
    if (budget === Infinity) return true;
    const m = this.markets.get(so.order.symbol)!;
    let cap = new Dec(budget);
    if (m.amountStep) cap = cap.toStep(m.amountStep, Dec.ROUND_FLOOR);
    return cap.gte(remaining(so.order));
  }

  // ---------------------------------------------------------------- orders between bars

  /**
   * Place an order that arrives between bars, when the market trades at `now.price` (the HTTP
   * simulator). The fill model is the same one: the order is matched at once against a bar that
   * is nothing but that price. A market order fills at the price plus slippage; a limit order that
   * is marketable fills at the price; anything else rests for the next bars. A market buy the free
   * balance cannot pay is refused (as an exchange refuses it), not accepted and expired.
   */
  submitAt(req: OrderRequest, now: { price: number; time: number }, opts: SubmitAtOptions = {}): SubmitResult {
    this.lastTime = Math.max(this.lastTime, now.time);
    const m = this.markets.get(req.symbol);
    if (!m) throw new OrderRejectedError('unknown-symbol', `unknown symbol ${req.symbol}`);
    let r = req;
    if (opts.quoteQty !== undefined) {
      if (req.type !== 'market') throw new OrderRejectedError('invalid-order', 'a quote quantity is only for market orders');
      const px = new Dec(slipped(req.side, now.price, this.options.slippageBps));
      const down = (x: Decimal) => (m.amountStep ? x.toStep(m.amountStep, Dec.ROUND_FLOOR) : x.toDecimalPlaces(8, Dec.ROUND_DOWN));
      let qty = down(opts.quoteQty.div(px));
      if (req.side === 'buy') {
        // Binance takes a buy's fee in base, so spending the whole free quote works there; here the
        // fee is charged in quote on top, so a quote amount the account holds buys what it can pay
        const free = this.account(m.quote).free;
        const onePlusFee = new Dec(1).plus(this.options.feeRate);
        if (opts.quoteQty.lte(free) && qty.mul(px).mul(onePlusFee).gt(free)) qty = down(free.div(px.mul(onePlusFee)));
      }
      r = { ...req, amount: qty };
    }
    if (r.type === 'market' && r.side === 'buy') {
      const px = new Dec(slipped('buy', now.price, this.options.slippageBps));
      const need = r.amount.mul(px).mul(new Dec(1).plus(this.options.feeRate));
      const free = this.account(m.quote).free;
      if (r.amount.gt(0) && free.lt(need)) {
        throw new OrderRejectedError('insufficient-funds', `insufficient ${m.quote}: ${need.toFixed()} needed, ${free.toFixed()} free`);
      }
    }
    if (opts.trigger && (r.type !== 'stop' || !r.stopPrice)) throw new OrderRejectedError('invalid-order', 'a conditional order needs type stop and a stop price');
    const result = this.place(r, opts.trigger);
    const so = this.orders.get(r.clientOrderId)!;
    // indexed here, not in place(): a backtest never looks orders up by exchange id
    this.byExchangeId.set(result.exchangeId, so);
    const p = now.price;
    if (r.type === 'market') {
      this.fill(so, slipped(r.side, p, this.options.slippageBps), now.time, Infinity);
    } else if (r.type === 'limit') {
      const px = limitTouch(r.side, so.priceF, p, p, p);
      if (!Number.isNaN(px)) this.fill(so, px, now.time, Infinity);
    }
    return { exchangeId: result.exchangeId, status: so.order.status };
  }

  /** The exchange's clock moved without a bar (cancels are stamped with it). */
  async submitAtPrice(req: OrderRequest, price: number, time: number): Promise<SubmitResult> {
    return this.submitAt(req, { price, time });
  }

  setTime(time: number): void {
    if (time > this.lastTime) this.lastTime = time;
  }

  /** An order by the id the exchange gave it, or undefined. */
  orderByExchangeId(exchangeId: string): Order | undefined {
    let so = this.byExchangeId.get(exchangeId);
    if (so && this.orders.get(so.order.clientOrderId) !== so) {
      this.byExchangeId.delete(exchangeId); // dropped by historyLimit
      so = undefined;
    }
    if (!so) {
      // protective exits are placed by the exchange itself: index them on first lookup
      for (const o of this.orders.values()) if (o.order.exchangeId === exchangeId) so = o;
      if (so) this.byExchangeId.set(exchangeId, so);
    }
    return so?.order;
  }

  /** An order by its client order id, or undefined (the live record: do not mutate). */
  orderByClientId(clientOrderId: string): Order | undefined {
    return this.orders.get(clientOrderId)?.order;
  }

  /** The limit price a conditional order becomes once triggered (undefined for other orders). */
  triggerOf(clientOrderId: string): { kind: TriggerSpec['kind']; limitPrice: number; fired: boolean } | undefined {
    const c = this.orders.get(clientOrderId)?.cond;
    return c ? { kind: c.kind, limitPrice: c.limitF, fired: c.fired } : undefined;
  }

  /** Fill as much of `so` as the budget allows at `priceF`; returns the budget left. */
  private fill(so: SimOrder, priceF: number, time: number, budget: number): number {
    const o = so.order;
    const m = this.markets.get(o.symbol)!;
    let qty = o.filled.isZero() ? o.amount : remaining(o);
    if (budget !== Infinity) {
      let cap = new Dec(budget);
      if (m.amountStep) cap = cap.toStep(m.amountStep, Dec.ROUND_FLOOR);
      if (cap.lte(0)) return budget;
      if (cap.lt(qty)) qty = cap;
    }
    const price = new Dec(priceF);
    const notional = qty.mul(price);
    const fee = this.feeOf(notional);
    const base = this.account(m.base);
    const quote = this.account(m.quote);

    if (o.side === 'buy') {
      // release what this order locked for the filled part, then settle from free
      if (so.lockCurrency) this.unlock(so, so.locked.mul(qty).div(remaining(o)));
      const total = notional.plus(fee);
      if (quote.free.lt(total)) {
        // accepted, but unpayable at the fill price: it expires, as an unfillable market order does on Binance
        this.close(so, 'expired', time, `insufficient ${m.quote}: ${total.toFixed()} needed, ${quote.free.toFixed()} free`);
        return budget;
      }
      quote.free = quote.free.minus(total);
      base.free = base.free.plus(qty);
      return this.record(so, m, qty, price, notional, fee, time, budget);
    } else {
      if (so.lockCurrency) {
        this.unlock(so, qty);
      } else if (base.free.lt(qty)) {
        // a protective exit selling what the wallet no longer holds
        if (base.free.lte(0) || (m.amountStep && base.free.lt(m.amountStep))) {
          this.close(so, 'expired', time, `insufficient ${m.base}`);
          return budget;
        }
        qty = m.amountStep ? base.free.toStep(m.amountStep, Dec.ROUND_FLOOR) : base.free;
        o.amount = o.filled.plus(qty);
      }
      const n = qty === o.amount ? notional : qty.mul(price);
      const f = qty === o.amount ? fee : this.feeOf(n);
      base.free = base.free.minus(qty);
      quote.free = quote.free.plus(n.minus(f));
      return this.record(so, m, qty, price, n, f, time, budget);
    }
  }

  private record(so: SimOrder, m: MarketInfo, qty: Decimal, price: Decimal, cost: Decimal, fee: Decimal, time: number, budget: number): number {
    const o = so.order;
    const fill: Fill = {
      tradeId: `${++this.tradeSeq}`,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      qty,
      price,
      cost,
      fee,
      feeCurrency: m.quote,
      time,
    };
    applyFillToOrder(o, fill);
    this.fills.push(fill);
    this.events.push({ kind: 'fill', fill });
    if (o.status === 'filled') {
      this.close(so, 'filled', time);
      if (so.group !== null) this.cancelSiblings(so);
      if (o.protection && o.side === 'buy') this.placeProtection(o, time);
    } else {
      this.events.push({ kind: 'status', clientOrderId: o.clientOrderId, status: 'open', time, exchangeId: o.exchangeId });
    }
    return budget === Infinity ? budget : budget - qty.toNumber();
  }

  private cancelSiblings(so: SimOrder): void {
    for (const other of this.orders.values()) {
      if (other !== so && other.group === so.group && !isTerminal(other.order.status)) this.close(other, 'canceled', so.order.updatedAt, 'one-cancels-other');
    }
  }

  /** A bracket: the filled entry's stop-loss, take-profit and trailing stop, one-cancels-other. */
  private placeProtection(entry: Order, time: number): void {
    const p = entry.protection!;
    const m = this.markets.get(entry.symbol)!;
    const avg = entry.cost.div(entry.filled);
    const px = (x: Decimal) => roundPrice(m, x);
    const children: OrderRequest[] = [];
    const base = { symbol: entry.symbol, side: 'sell' as const, amount: entry.filled, parentId: entry.clientOrderId, createdAt: time };
    if (p.stopLoss !== undefined) {
      children.push({ ...base, clientOrderId: `${entry.clientOrderId}-sl`, type: 'stop', stopPrice: px(avg.mul(1 - p.stopLoss)), purpose: 'stop-loss' });
    }
    if (p.trailingStop !== undefined) {
      children.push({ ...base, clientOrderId: `${entry.clientOrderId}-ts`, type: 'stop', stopPrice: px(avg.mul(1 - p.trailingStop)), trailing: p.trailingStop, purpose: 'trailing-stop' });
    }
    if (p.takeProfit !== undefined) {
      children.push({ ...base, clientOrderId: `${entry.clientOrderId}-tp`, type: 'limit', price: px(avg.mul(1 + p.takeProfit)), purpose: 'take-profit' });
    }
    for (const req of children) {
      const order = newOrder(req);
      order.exchangeId = `${++this.orderSeq}`;
      transition(order, 'open', time);
      const so: SimOrder = {
        order,
        priceF: req.price ? req.price.toNumber() : NaN,
        stopF: req.stopPrice ? req.stopPrice.toNumber() : NaN,
        highWater: req.trailing !== undefined ? avg.toNumber() : NaN,
        lockCurrency: null,
        locked: ZERO,
        group: entry.clientOrderId,
      };
      this.orders.set(req.clientOrderId, so);
      this.activate(so);
      this.events.push({ kind: 'order', order: req, exchangeId: order.exchangeId });
    }
  }
}
