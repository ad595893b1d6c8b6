import type { CandleSeries } from '../core/candles.js';
import { Dec, ZERO, type Dec as Decimal } from '../core/money.js';
import { checkMinimums, roundAmount, roundPrice, type MarketInfo } from '../core/market.js';
import { isDust, roundTripPnl } from '../core/portfolio.js';
import { kellyFraction, type PositionRules } from '../core/position-rules.js';
import { ATR } from '../indicators/atr.js';
import { ExchangeError, OrderRejectedError, UsageError } from '../core/errors.js';
import {
  applyFillToOrder,
  canTransition,
  isTerminal,
  legReason,
  newOrder,
  remaining,
  transition,
  type Fill,
  type Order,
  type OrderRequest,
  type OrderStatus,
  type Protection,
  type SerializedOrder,
  serializeOrder,
  restoreOrder,
} from '../core/orders.js';
import { Portfolio, type RoundTrip } from '../core/portfolio.js';
import { entryQuantity, stakeSpend, type FixedStake, type Stake } from '../core/sizing.js';
import { checkAdd, checkEntry, checkRate, newRiskState, observeEquity, recordOrder, recordStopLoss, type RiskLimits, type RiskState } from '../core/risk.js';
import type { OrderIds } from '../core/ids.js';
import type { StrategyInstance } from '../strategies/types.js';
import type { Clock, ExchangeEvent, ExchangePort, Feed, JournalEntry, Store, SubmitResult } from './ports.js';
import type { EngineEventSink } from './events.js';
import { EngineContext, PairView, TradeState, type Intent, type PositionView } from './context.js';
import { managedIntents } from './managed-orders.js';

export interface Instrument {
  symbol: string;
  market: MarketInfo;
  strategy: StrategyInstance;
}

export interface EngineSettings {
  quote: string;
  initialBalances: Record<string, Decimal>;
  stake: Stake;
  feeRate: Decimal;
  protection?: Protection;
  riskPerTrade?: number;
  limits: RiskLimits;
  ids: OrderIds;
  /** backtests fail on a strategy exception; live and paper halt entries and keep running */
  onStrategyError: 'throw' | 'halt';
  /**
   * Candles with an open time up to this are shown to the strategy to warm its indicators, but
   * nothing it asks for is acted on (paper and live start from recent history).
   */
  warmupUntil?: number;
  /** live: a closed position's untradeable remainder leaves the ledger (see Portfolio) */
  dustLeavesLedger?: boolean;
  /** ROI table, profit ladder, break-even, re-entries, DCA (absent: none, at no cost) */
  positions?: PositionRules;
  /** entries one position may take: the first and its adds (default 1) */
  maxEntries?: number;
  /** no entry spends more than this */
  maxStake?: FixedStake;
  /** `--stake kelly:F`: the rolling window of closed trades, how many before it applies, and the floor (a fraction of equity) */
  kelly?: { window: number; minTrades: number; floor: number };
}

/** ATR period of `--stake atr:R` */
const SIZING_ATR_PERIOD = 14;
const KELLY_DEFAULTS = { window: 50, minTrades: 10, floor: 0.01 };

export interface EnginePorts {
  clock: Clock;
  feed: Feed;
  exchange: ExchangePort;
  store: Store;
  /** told of every decision and outcome (the bot's log, notifications, metrics); none in a backtest */
  events?: EngineEventSink;
}

/** A decision the engine took on a strategy's intent, kept for status and reports. */
export interface Decision {
  time: number;
  symbol: string;
  side: 'buy' | 'sell';
  outcome: 'submitted' | 'denied' | 'rejected' | 'unknown';
  code?: string;
  message?: string;
  clientOrderId?: string;
}

const MAX_DECISIONS = 200;
/** finished orders kept in memory; the journal and the exchange keep the full history */
const ORDER_HISTORY = 5000;
/** finished orders written to the state file (status and `orders list --closed` show them) */
const SNAPSHOT_FINISHED_ORDERS = 200;
/** consecutive exchange failures that open the circuit breaker, and for how long */
const BREAKER_FAILURES = 5;
const BREAKER_OPEN_MS = 60_000;

/** The exchange's health as the engine sees it: shown by status. */
export interface ExchangeHealth {
  blockedUntil: number;
  reason: string | null;
  failures: number;
  breakerUntil: number;
}

/**
 * The engine: the one trading loop, run unchanged in backtest, paper and live. Per closed candle
 * it (1) lets the exchange port see the bar (the simulated exchange fills resting orders there),
 * (2) applies fills and order updates to the ledger, (3) runs the strategy, (4) marks equity,
 * and (5) only when the strategy asked for something, sizes, risk-checks, journals and sends
 * the orders. Steps 1-4 are float-only; Decimal appears only in 2 and 5.
 */
export class Engine {
  portfolio: Portfolio;
  readonly orders = new Map<string, Order>();
  readonly risk: RiskState;
  readonly decisions: Decision[] = [];
  deniedCount = 0;
  duplicateFills = 0;
  /** entries that expired without any fill, e.g. unpayable at the fill price (a backtest warns about them) */
  unfilledEntries = 0;
  barsInMarket = 0;
  barsProcessed = 0;
  /** open time of the last processed bar per instrument; a restart resumes after it */
  readonly lastBarTime: number[];
  equityTime: Float64Array;
  equityValue: Float64Array;
  equityLength = 0;
  private stopRequested = false;
  private paused = false;
  readonly health: ExchangeHealth = { blockedUntil: -Infinity, reason: null, failures: 0, breakerUntil: -Infinity };
  /** an exit the exchange could not take yet: retried on every candle until it is sent */
  private readonly retryExit: boolean[];

  private readonly ctx = new EngineContext();
  private readonly pos: PositionView[];
  private readonly lastClose: Float64Array;
  private readonly bySymbol = new Map<string, number>();
  private readonly active = new Set<Order>();
  private cashF: number;
  private readonly trackEquityLimits: boolean;
  /** the halt last told to the event sink */
  private haltSeen: RiskState['halt'] = null;
  /** orders are held back (rate limit, ban, breaker) and the sink was told so */
  private degradedSeen = false;
  /** an operator's action in progress (forceexit), and the run loop's batch in progress */
  private operating: Promise<unknown> | null = null;
  private inBatch = false;
  /** open time of the candle being handled in a batch: the decision candle of the orders it sends */
  private barOpen: number | undefined = undefined;
  private batchWaiters: (() => void)[] = [];

  private readonly rules: PositionRules | undefined;
  private readonly maxEntries: number;
  /** the engine places the whole position's protective exits again when it changes (adds, partial exits, break-even) */
  private readonly protects: boolean;
  /** per instrument: the position changed in a way its protective exits do not follow yet */
  private readonly dirty: boolean[];
  private readonly atrs: ATR[] | null;
  private readonly managed: Intent[] = [];
  /** symbols whose protective stop the exchange refused as already crossed, and which stop it was */
  private readonly crossedStop = new Map<string, string>();
  constructor(
    readonly instruments: readonly Instrument[],
    readonly settings: EngineSettings,
    readonly ports: EnginePorts,
  ) {
    this.portfolio = new Portfolio(settings.quote, settings.initialBalances, settings.dustLeavesLedger === true);
    this.pos = instruments.map(() => ({ base: 0, inPosition: false, entryPrice: NaN, openOrders: 0, trade: undefined, timeframes: null }));
    this.lastClose = new Float64Array(instruments.length).fill(NaN);
    for (const x of instruments) this.ctx.pairs.push(new PairView(x.symbol));
    this.lastBarTime = instruments.map(() => -Infinity);
    this.retryExit = instruments.map(() => false);
    this.dirty = instruments.map(() => false);
    this.rules = settings.positions;
    this.maxEntries = Math.max(settings.maxEntries ?? 1, 1 + (settings.positions?.dca?.times ?? 0));
    this.protects = settings.protection !== undefined || settings.positions?.breakevenAfter !== undefined;
    this.atrs = settings.stake.kind === 'atr' ? instruments.map(() => new ATR(SIZING_ATR_PERIOD)) : null;
    instruments.forEach((inst, k) => this.bySymbol.set(inst.symbol, k));
    const cap = Math.max(16, ports.feed.sizeHint ?? 1024);
    this.equityTime = new Float64Array(cap);
    this.equityValue = new Float64Array(cap);
    this.cashF = this.portfolio.balance(settings.quote).toNumber();
    instruments.forEach((inst, k) => (this.pos[k]!.base = this.portfolio.balance(inst.market.base).toNumber()));
    instruments.forEach((_, k) => this.refreshTrade(k));
    this.risk = newRiskState(this.cashF, ports.clock.now());
    const l = settings.limits;
    this.trackEquityLimits = l.maxDrawdown !== undefined || l.dailyLossLimit !== undefined;
  }

  /** Ask the loop to stop after the current bar (SIGINT, `tradebot stop`). */
  stop(): void {
    this.stopRequested = true;
  }

  async run(): Promise<void> {
    const { feed, store } = this.ports;
    while (!this.stopRequested) {
      const batch = await feed.next();
      if (batch === null) break;
      while (this.operating !== null) await this.operating.catch(() => undefined);
      this.inBatch = true;
      try {
        const s = feed.series[batch.instrument]!;
        for (let i = batch.start; i < batch.end; i++) {
          const pending = this.processBar(batch.instrument, s, i);
          if (pending !== undefined) await pending;
          if (this.stopRequested) break;
        }
        await store.checkpoint(() => this.snapshot());
      } finally {
        this.inBatch = false;
        this.barOpen = undefined;
        if (this.batchWaiters.length > 0) for (const w of this.batchWaiters.splice(0)) w();
      }
    }
  }

  /**
   * An operator's action on a running engine (forceexit): run between two batches of candles,
   * never in the middle of one, and the next batch waits for it. The loop and the action then
   * never send orders for the same position at once.
   */
  async operate<T>(action: () => Promise<T>): Promise<T> {
    for (;;) {
      if (this.operating !== null) await this.operating.catch(() => undefined);
      else if (this.inBatch) await new Promise<void>((resolve) => this.batchWaiters.push(resolve));
      else break;
    }
    const running = action();
    this.operating = running;
    try {
      return await running;
    } finally {
      this.operating = null;
    }
  }

  /** No new entries while paused; exits and protective stops still work. */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** One closed candle. Returns a promise only when asynchronous work (orders, I/O) is needed. */
  processBar(k: number, s: CandleSeries, i: number): Promise<void> | undefined {
    const time = s.time[i]!;
    if (time <= this.lastBarTime[k]! || time <= (this.settings.warmupUntil ?? -Infinity)) return this.warm(k, s, i);
    this.ports.clock.onBar?.(time + s.timeframeMs);
    this.barOpen = time;
    const seen = this.ports.exchange.onBar?.(this.instruments[k]!.symbol, s, i);
    if (seen !== undefined) return seen.then(() => this.afterExchange(k, s, i));
    return this.afterExchange(k, s, i);
  }

  /**
   * A candle from before the start (history) or already handled before a restart: the strategy
   * sees it so its indicators are warm, and whatever it asks for is dropped.
   */
  /**
   * Positions open plus entries sent for other instruments that have not filled yet: with several
   * instruments, two entries decided on the same close would otherwise both pass
   * --max-open-positions, as neither has filled when the other is checked.
   */
  private openPositionsBesides(symbol: string): number {
    const n = this.portfolio.open.size;
    if (this.active.size === 0) return n;
    const pending = new Set<string>();
    for (const o of this.active) {
      if (o.purpose === 'entry' && o.symbol !== symbol && !this.portfolio.open.has(o.symbol)) pending.add(o.symbol);
    }
    return n + pending.size;
  }

  private warm(k: number, s: CandleSeries, i: number): undefined {
    this.runStrategy(k, s, i).intents.length = 0;
    this.lastClose[k] = s.close[i]!;
    return undefined;
  }

  /** Show the strategy candle i of instrument k through the one reused context. */
  private runStrategy(k: number, s: CandleSeries, i: number): EngineContext {
    const ctx = this.ctx;
    ctx.symbol = this.instruments[k]!.symbol;
    ctx.s = s;
    ctx.i = i;
    const seen = ctx.pairs[k]!;
    seen.s = s;
    seen.i = i;
    const p = this.pos[k]!;
    ctx.pos = p;
    ctx.cashF = this.cashF;
    const t = p.trade;
    if (t !== undefined && s.time[i]! + s.timeframeMs > t.openedAt) {
      const c = s.close[i]!;
      t.lastClose = c;
      if (c > t.maxClose) t.maxClose = c;
      if (s.high[i]! > t.maxHigh) t.maxHigh = s.high[i]!;
    }
    if (this.atrs !== null) this.atrs[k]!.update(s.high[i]!, s.low[i]!, s.close[i]!);
    try {
      this.instruments[k]!.strategy.onCandle(ctx);
    } catch (err) {
      this.onStrategyError(err, k, s.time[i]!);
    }
    return ctx;
  }

  private afterExchange(k: number, s: CandleSeries, i: number): Promise<void> | undefined {
    const events = this.ports.exchange.drainEvents();
    if (events.length > 0) {
      const written = this.applyEvents(events);
      if (written !== undefined) return written.then(() => this.decide(k, s, i));
    }
    return this.decide(k, s, i);
  }

  private decide(k: number, s: CandleSeries, i: number): Promise<void> | undefined {
    const close = s.close[i]!;
    this.lastClose[k] = close;
    this.lastBarTime[k] = s.time[i]!;
    const ctx = this.runStrategy(k, s, i);

    // mark to market
    let equity = this.cashF;
    let inMarket = false;
    for (let j = 0; j < this.pos.length; j++) {
      const p = this.pos[j]!;
      if (p.base !== 0) equity += p.base * (j === k ? close : this.lastClose[j]!);
      if (p.inPosition) inMarket = true;
    }
    if (inMarket) this.barsInMarket++;
    this.barsProcessed++;
    this.pushEquity(s.time[i]!, equity);
    if (this.trackEquityLimits) {
      observeEquity(this.settings.limits, this.risk, equity, s.time[i]! + s.timeframeMs);
      if (this.risk.halt !== this.haltSeen) this.haltChanged(s.time[i]! + s.timeframeMs);
    }

    if (this.retryExit[k] && ctx.intents.length === 0) {
      if (this.pos[k]!.inPosition) ctx.intents.push({ side: 'sell', type: 'market' });
      else this.retryExit[k] = false;
    }
    if (this.rules !== undefined) {
      const p = this.pos[k]!;
      const m = this.managed;
      managedIntents(
        { rules: this.rules, symbol: ctx.symbol, time: s.time[i]!, close, timeframeMs: s.timeframeMs, trade: p.trade, rt: p.trade ? this.portfolio.open.get(ctx.symbol) : undefined, maxEntries: this.maxEntries, active: this.active, closed: this.portfolio.closed },
        m,
      );
      // the rules' orders go first: a strategy's exit then sells what they leave
      if (m.length > 0) ctx.intents.unshift(...m.splice(0, m.length));
    }
    if (ctx.intents.length > 0) {
      const ev = this.ports.events;
      if (ev !== undefined) for (const it of ctx.intents) ev.emit({ kind: 'signal', time: this.ports.clock.now(), symbol: ctx.symbol, side: it.side, type: it.type, close });
      return this.execute(k, s, i, ctx.intents.splice(0, ctx.intents.length), equity);
    }
    if (this.dirty[k]) return this.protect(k, s, i);
    return undefined;
  }

  /** A halt set or lifted (risk limits, a strategy error): told to the event sink once. */
  private haltChanged(time: number): void {
    const h = this.risk.halt;
    this.haltSeen = h;
    const ev = this.ports.events;
    if (ev === undefined) return;
    ev.emit(h ? { kind: 'halt', time, code: h.code, message: h.message } : { kind: 'halt-lifted', time });
  }

  private pushEquity(time: number, equity: number): void {
    if (this.equityLength === this.equityTime.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.equityTime = grow(this.equityTime);
      this.equityValue = grow(this.equityValue);
    }
    this.equityTime[this.equityLength] = time;
    this.equityValue[this.equityLength++] = equity;
  }

  private onStrategyError(err: unknown, k: number, time: number): void {
    const msg = err instanceof Error ? err.message : String(err);
    const where = `strategy threw on ${this.instruments[k]!.symbol} at ${new Date(time).toISOString()}: ${msg}`;
    if (this.settings.onStrategyError === 'throw') throw new UsageError(where, { cause: err });
    this.risk.halt ??= { code: 'halted', since: time, message: where };
    if (this.risk.halt !== this.haltSeen) this.haltChanged(time);
    this.ctx.intents.length = 0;
  }

  // ------------------------------------------------------------ orders

  /**
   * The intents of one bar, in order. Synchronous while the ports answer synchronously (a backtest:
   * the simulated exchange and the memory store), so a backtest's orders cost no promise; the
   * first port that answers with a promise makes the rest wait for it.
   */
  private execute(k: number, s: CandleSeries, i: number, intents: Intent[], equity: number): Promise<void> | undefined {
    for (let n = 0; n < intents.length; n++) {
      const it = intents[n]!;
      const pending = it.side === 'buy' ? this.enter(k, s, i, it, equity) : this.exit(k, s, i, it);
      if (pending !== undefined) return pending.then(() => this.execute(k, s, i, intents.slice(n + 1), equity));
    }
    const events = this.ports.exchange.drainEvents();
    const written = events.length > 0 ? this.applyEvents(events) : undefined;
    if (!this.dirty[k]) return written;
    return written !== undefined ? written.then(() => this.protect(k, s, i)) : this.protect(k, s, i);
  }

  private enter(k: number, s: CandleSeries, i: number, it: Intent, equity: number): Promise<void> | undefined {
    const inst = this.instruments[k]!;
    const m = inst.market;
    const p = this.pos[k]!;
    // one entry order at a time per instrument; while in position, an add up to maxEntries (else ignored, as a v1 buy)
    const adding = p.inPosition;
    if ((adding && (p.trade === undefined || p.trade.entries >= this.maxEntries)) || this.hasActive(inst.symbol, 'buy')) return;
    const now = this.ports.clock.now();
    if (this.paused) return this.decided({ time: now, symbol: inst.symbol, side: 'buy', outcome: 'denied', code: 'paused', message: 'the bot is paused: no new entries' });
    const blocked = this.sendBlocked(now);
    if (blocked) return this.decided({ time: now, symbol: inst.symbol, side: 'buy', outcome: 'denied', ...blocked });
    const price = it.type === 'limit' ? roundPrice(m, new Dec(it.price!), 'buy') : new Dec(s.close[i]!);
    const freeQuote = this.freeQuote();
    let spend: Decimal | undefined;
    try {
      spend = this.entrySpend(k, it, price, freeQuote, equity);
    } catch (err) {
      if (err instanceof OrderRejectedError) return this.decided({ time: now, symbol: inst.symbol, side: 'buy', outcome: 'denied', code: err.code, message: err.message });
      throw err;
    }
    // every field given, in one shape: spreading optional keys in makes V8 build slow objects
    const st = this.settings;
    const qty = roundAmount(
      m,
      entryQuantity({
        stake: st.stake,
        freeQuote,
        equity: st.riskPerTrade !== undefined ? new Dec(equity) : ZERO,
        price,
        feeRate: st.feeRate,
        riskPerTrade: st.riskPerTrade,
        stopLoss: st.protection?.stopLoss,
        spend,
        maxSpend: st.maxStake !== undefined ? stakeSpend(st.maxStake, freeQuote) : undefined,
      }),
    );
    try {
      checkMinimums(m, qty, price);
    } catch (err) {
      if (err instanceof OrderRejectedError) return this.decided({ time: now, symbol: inst.symbol, side: 'buy', outcome: 'denied', code: err.code, message: err.message });
      throw err;
    }
    const notional = qty.toNumber() * price.toNumber();
    const verdict = adding
      ? checkAdd(this.settings.limits, this.risk, { symbol: inst.symbol, notional: notional + p.base * s.close[i]!, openOrders: this.active.size, now })
      : checkEntry(this.settings.limits, this.risk, { symbol: inst.symbol, notional, openPositions: this.openPositionsBesides(inst.symbol), openOrders: this.active.size, now });
    if (!verdict.approved) return this.decided({ time: now, symbol: inst.symbol, side: 'buy', outcome: 'denied', code: verdict.code, message: verdict.message });
    return this.send({
      clientOrderId: this.settings.ids.next(),
      symbol: inst.symbol,
      side: 'buy',
      type: it.type,
      amount: qty,
      price: it.type === 'limit' ? price : undefined,
      purpose: 'entry',
      // an add is protected with the whole position once it fills (protect), not on its own
      protection: adding ? undefined : this.settings.protection,
      createdAt: now,
      cause: it.cause,
      tag: it.tag,
    });
  }

  /**
   * The quote an entry spends when something other than a plain stake decides it: the strategy's
   * quote, amount or fraction, a DCA add, a Kelly or ATR stake. undefined: the plain stake.
   * Throws OrderRejectedError when the size cannot be decided yet (an ATR still warming up).
   */
  private entrySpend(k: number, it: Intent, price: Decimal, freeQuote: Decimal, equity: number): Decimal | undefined {
    if (it.spend !== undefined) return it.spend;
    if (it.quote !== undefined) return new Dec(it.quote);
    if (it.amount !== undefined) return new Dec(it.amount).mul(price);
    const st = this.settings.stake;
    let stake: Decimal | undefined;
    if (st.kind === 'kelly') {
      const kc = this.settings.kelly ?? KELLY_DEFAULTS;
      const closed = this.portfolio.closed;
      let f = kc.floor;
      if (closed.length >= kc.minTrades) {
        const returns: number[] = [];
        for (let j = Math.max(0, closed.length - kc.window); j < closed.length; j++) {
          const rt = closed[j]!;
          if (!rt.entryCost.isZero()) returns.push(roundTripPnl(rt).div(rt.entryCost).toNumber());
        }
        f = Math.max(kc.floor, st.value.toNumber() * kellyFraction(returns));
      }
      stake = new Dec(Math.min(f, 1)).mul(new Dec(equity));
    } else if (st.kind === 'atr') {
      const atr = this.atrs![k]!.value;
      if (!(atr > 0)) throw new OrderRejectedError('sizing', `ATR(${SIZING_ATR_PERIOD}) of ${this.instruments[k]!.symbol} is not ready yet: no atr-sized entry`);
      stake = new Dec(equity).mul(st.value).div(new Dec(atr)).mul(price);
    } else if (it.fraction !== undefined) {
      stake = stakeSpend(st, freeQuote);
    }
    return it.fraction !== undefined && stake !== undefined ? stake.mul(new Dec(it.fraction)) : stake;
  }

  private exit(k: number, s: CandleSeries, i: number, it: Intent): Promise<void> | undefined {
    const inst = this.instruments[k]!;
    if (!this.pos[k]!.inPosition) return undefined;
    // Protective exits (resting stops and targets) give way to an exit; protect() places them
    // again for what a partial exit leaves.
    for (const o of this.active) {
      if (o.symbol === inst.symbol && o.side === 'sell' && o.purpose !== 'exit' && o.purpose !== 'manual') return this.cancelThenExit(k, s, i, it);
    }
    const events = this.ports.exchange.drainEvents();
    if (events.length > 0) {
      const written = this.applyEvents(events);
      if (written !== undefined) return written.then(() => this.exitNow(k, s, i, it));
    }
    return this.exitNow(k, s, i, it);
  }

  /**
   * A cancel that races a fill is not assumed done: cancelOne asks the exchange, whose answer
   * (the fill) arrives as events, and then there may be nothing left to sell.
   */
  private async cancelThenExit(k: number, s: CandleSeries, i: number, it: Intent): Promise<void> {
    await this.cancelProtective(k);
    return this.exitNow(k, s, i, it);
  }

  private async cancelProtective(k: number): Promise<void> {
    const symbol = this.instruments[k]!.symbol;
    for (const o of [...this.active]) {
      if (o.symbol !== symbol || o.side !== 'sell' || o.purpose === 'exit' || o.purpose === 'manual') continue;
      await this.cancelOne(o);
    }
    const events = this.ports.exchange.drainEvents();
    if (events.length > 0) await this.applyEvents(events);
  }

  /** What the position holds, less what exits already working will sell. */
  private available(k: number): Decimal {
    const inst = this.instruments[k]!;
    const rt = this.portfolio.open.get(inst.symbol);
    if (!rt) return ZERO;
    let left = Dec.min(rt.qty, this.portfolio.balance(inst.market.base));
    for (const o of this.active) {
      if (o.symbol === inst.symbol && o.side === 'sell' && (o.purpose === 'exit' || o.purpose === 'manual')) left = left.minus(remaining(o));
    }
    return left;
  }

  /**
   * The exit once nothing else sells: the whole position (what it holds less what exits already
   * working will sell, rounded to the step), or the part asked for. A part that would leave a
   * remainder too small to trade sells everything.
   */
  private exitNow(k: number, s: CandleSeries, i: number, it: Intent): Promise<void> | undefined {
    const inst = this.instruments[k]!;
    const m = inst.market;
    if (!this.pos[k]!.inPosition) return undefined;
    const now = this.ports.clock.now();

    const avail = this.available(k);
    if (avail.lte(0)) return undefined; // an exit is already working
    const price = it.type === 'limit' ? roundPrice(m, new Dec(it.price!), 'sell') : new Dec(s.close[i]!);
    const all = roundAmount(m, avail);
    let qty = all;
    const part = it.qty ?? (it.amount !== undefined ? new Dec(it.amount) : it.fraction !== undefined && it.fraction < 1 ? Dec.min(this.portfolio.open.get(inst.symbol)!.qty, this.portfolio.balance(m.base)).mul(new Dec(it.fraction)) : undefined);
    if (part !== undefined && part.lt(avail)) {
      qty = roundAmount(m, part);
      const rest = avail.minus(qty);
      if (isDust(rest, m) || (m.minNotional !== undefined && rest.mul(price).lt(m.minNotional))) qty = all;
    }
    const partial = qty.lt(all);
    try {
      checkMinimums(m, qty, price);
    } catch (err) {
      if (err instanceof OrderRejectedError) {
        if (this.protects) this.dirty[k] = true;
        return this.decided({ time: now, symbol: inst.symbol, side: 'sell', outcome: 'denied', code: 'dust', message: err.message });
      }
      throw err;
    }
    const rate = checkRate(this.settings.limits, this.risk, now);
    const blocked = rate.approved ? this.sendBlocked(now) : { code: rate.code, message: rate.message };
    if (blocked) {
      // a whole exit is tried again on every candle; a rule's partial exit asks again by itself
      if (!partial) this.retryExit[k] = true;
      if (this.protects) this.dirty[k] = true;
      return this.decided({ time: now, symbol: inst.symbol, side: 'sell', outcome: 'denied', ...blocked });
    }
    if (!partial) this.retryExit[k] = false;
    if (partial && this.protects) this.dirty[k] = true;
    return this.send({
      clientOrderId: this.settings.ids.next(),
      symbol: inst.symbol,
      side: 'sell',
      type: it.type,
      amount: qty,
      price: it.type === 'limit' ? price : undefined,
      purpose: 'exit',
      createdAt: now,
      cause: it.cause,
      tag: it.tag,
    });
  }

  /**
   * The protective exits of the whole position, placed again after it changed (a DCA add filled,
   * a partial exit, break-even reached): a stop at the average entry less the stop distance (at
   * the entry itself after break-even), a trailing stop from the highest high since the entry,
   * a take-profit above the average entry, each for what the position holds less what exits
   * already working will sell. Orders that already say so are left alone.
   */
  private protect(k: number, s: CandleSeries, i: number): Promise<void> | undefined {
    const inst = this.instruments[k]!;
    const m = inst.market;
    const rt = this.portfolio.open.get(inst.symbol);
    const now = this.ports.clock.now();
    if (!rt || this.sendBlocked(now) !== null || !checkRate(this.settings.limits, this.risk, now).approved) {
      if (!rt) this.dirty[k] = false;
      return undefined;
    }
    this.dirty[k] = false;
    const amount = roundAmount(m, this.available(k));
    const prot = this.settings.protection ?? {};
    const avg = rt.entryPrice;
    const want: OrderRequest[] = [];
    const base = { symbol: inst.symbol, side: 'sell' as const, amount, createdAt: now };
    const be = this.rules?.breakevenAfter;
    let laddered = 0;
    if (be !== undefined) for (const l of rt.exits) if (l.reason.startsWith('ladder-')) laddered = Math.max(laddered, Number(l.reason.slice(7)));
    const stop = be !== undefined && laddered >= be ? roundPrice(m, avg) : prot.stopLoss !== undefined ? roundPrice(m, avg.mul(new Dec(1 - prot.stopLoss))) : undefined;
    if (amount.gt(0) && !isDust(amount, m)) {
      const close = s.close[i]!;
      // a stop the market has already crossed is an exit now: an exchange refuses a stop that
      // would trigger at once, and a simulated one would fill at the next open anyway
      if (stop !== undefined && close <= stop.toNumber()) return this.exit(k, s, i, { side: 'sell', type: 'market', cause: 'stop-loss' });
      if (stop !== undefined) want.push({ ...base, clientOrderId: '', type: 'stop', stopPrice: stop, purpose: 'stop-loss' });
      if (prot.trailingStop !== undefined) {
        const hw = Math.max(this.pos[k]!.trade?.maxHigh ?? -Infinity, avg.toNumber(), s.high[i]!);
        const trail = roundPrice(m, new Dec(hw * (1 - prot.trailingStop)));
        if (close <= trail.toNumber()) return this.exit(k, s, i, { side: 'sell', type: 'market', cause: 'trailing-stop' });
        want.push({ ...base, clientOrderId: '', type: 'stop', stopPrice: trail, trailing: prot.trailingStop, purpose: 'trailing-stop' });
      }
      if (prot.takeProfit !== undefined) want.push({ ...base, clientOrderId: '', type: 'limit', price: roundPrice(m, avg.mul(new Dec(1 + prot.takeProfit))), purpose: 'take-profit' });
    }
    const have = [...this.active].filter((o) => o.symbol === inst.symbol && o.side === 'sell' && o.purpose !== 'exit' && o.purpose !== 'manual');
    const same =
      have.length === want.length &&
      want.every((w) => have.some((o) => o.purpose === w.purpose && remaining(o).eq(w.amount) && (w.purpose === 'trailing-stop' || (o.stopPrice ?? o.price)!.eq((w.stopPrice ?? w.price)!))));
    if (same) return undefined;
    return this.replaceProtective(k, s, i, want);
  }

  private async replaceProtective(k: number, s: CandleSeries, i: number, want: OrderRequest[]): Promise<void> {
    await this.cancelProtective(k);
    if (this.available(k).lte(0)) return;
    let group: string | undefined;
    const symbol = this.instruments[k]!.symbol;
    this.crossedStop.delete(symbol);
    for (const w of want) {
      const id = this.settings.ids.next();
      group ??= id;
      await this.send({ ...w, clientOrderId: id, parentId: group });
    }
    const events = this.ports.exchange.drainEvents();
    if (events.length > 0) await this.applyEvents(events);
    // the market crossed the stop since the candle closed (live): the stop's exit is due now
    const crossed = this.crossedStop.get(symbol);
    if (crossed !== undefined) {
      this.crossedStop.delete(symbol);
      await this.exit(k, s, i, { side: 'sell', type: 'market', cause: crossed });
    }
  }

  /**
   * Journal the intent, then send it. A failed send of unknown outcome is never resent here.
   * Synchronous when the store and the exchange are (see execute).
   */
  private send(req: OrderRequest, submit?: (r: OrderRequest) => Promise<SubmitResult>): Promise<void> | undefined {
    const order = newOrder(req);
    this.orders.set(req.clientOrderId, order);
    this.track(order);
    const entry: Extract<JournalEntry, { type: 'intent' }> = { type: 'intent', time: req.createdAt, order: req };
    if (this.barOpen !== undefined && req.purpose !== 'manual') entry.candleTime = this.barOpen;
    const journaled = this.ports.store.journal(entry);
    if (this.ports.events !== undefined) this.emitIntent(req);
    if (journaled !== undefined) return journaled.then(() => this.submitJournaled(order, req, submit));
    return this.submitJournaled(order, req, submit);
  }

  private submitJournaled(order: Order, req: OrderRequest, submit: ((r: OrderRequest) => Promise<SubmitResult>) | undefined): Promise<void> | undefined {
    recordOrder(this.settings.limits, this.risk, req.createdAt);
    const ex = this.ports.exchange;
    let ack: SubmitResult | Promise<SubmitResult>;
    try {
      ack = submit ? submit(req) : ex.submitSync ? ex.submitSync(req) : ex.submit(req);
    } catch (err) {
      return this.sendFailed(order, req, err);
    }
    if (ack instanceof Promise) return ack.then((a) => this.sent(order, req, a), (err: unknown) => this.sendFailed(order, req, err));
    return this.sent(order, req, ack);
  }

  private emitIntent(req: OrderRequest): void {
    this.ports.events?.emit({
      kind: 'order-intent',
      time: req.createdAt,
      clientOrderId: req.clientOrderId,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      amount: req.amount.toFixed(),
      price: req.price ? req.price.toFixed() : null,
      purpose: req.purpose,
    });
  }

  private sent(order: Order, req: OrderRequest, ack: SubmitResult): Promise<void> | undefined {
    this.health.failures = 0;
    this.health.breakerUntil = -Infinity;
    order.exchangeId = ack.exchangeId;
    if (order.status === 'pending') this.setStatus(order, 'open', req.createdAt);
    const ev = this.ports.events;
    if (ev !== undefined) {
      ev.emit({ kind: 'order-sent', time: req.createdAt, clientOrderId: req.clientOrderId, symbol: req.symbol, side: req.side, exchangeId: ack.exchangeId, status: ack.status });
      if (this.degradedSeen) {
        this.degradedSeen = false;
        ev.emit({ kind: 'exchange-recovered', time: req.createdAt, source: 'orders' });
      }
    }
    const journaled = this.ports.store.journal({ type: 'sent', time: req.createdAt, clientOrderId: req.clientOrderId, exchangeId: ack.exchangeId, status: ack.status });
    if (journaled !== undefined) return journaled.then(() => this.decided({ time: req.createdAt, symbol: req.symbol, side: req.side, outcome: 'submitted', clientOrderId: req.clientOrderId }));
    this.decided({ time: req.createdAt, symbol: req.symbol, side: req.side, outcome: 'submitted', clientOrderId: req.clientOrderId });
    return undefined;
  }

  /** The error policy of a send: refused, rate limited, banned, bad keys, or of unknown outcome. */
  private async sendFailed(order: Order, req: OrderRequest, err: unknown): Promise<void> {
    if (err instanceof OrderRejectedError) {
      if (err.code === 'would-trigger' && (req.purpose === 'stop-loss' || req.purpose === 'trailing-stop')) this.crossedStop.set(req.symbol, req.purpose);
      this.setStatus(order, 'rejected', req.createdAt, err.message, err.code);
      await this.ports.store.journal({ type: 'status', time: req.createdAt, clientOrderId: req.clientOrderId, status: 'rejected', reason: err.message });
      this.decided({ time: req.createdAt, symbol: req.symbol, side: req.side, outcome: 'rejected', code: err.code, message: err.message, clientOrderId: req.clientOrderId });
      return;
    }
    if (!(err instanceof ExchangeError)) throw err; // a bug, not the exchange
    const now = req.createdAt;
    this.health.failures++;
    if (this.health.failures >= BREAKER_FAILURES) this.health.breakerUntil = now + BREAKER_OPEN_MS;
    this.ports.events?.emit({ kind: 'exchange-error', time: now, failure: err.failure, message: err.message });
    if (err.failure === 'rate-limited' || err.failure === 'banned') {
      // the exchange refused to process the request: the order does not exist; wait, never hammer
      this.health.blockedUntil = err.failure === 'banned' ? (err.until ?? now + 120_000) : now + (err.retryAfterMs ?? 1000);
      this.health.reason = err.message;
      this.ordersDegraded(now, err.message);
      this.setStatus(order, 'rejected', now, err.message, err.failure);
      await this.ports.store.journal({ type: 'status', time: now, clientOrderId: req.clientOrderId, status: 'rejected', reason: err.message });
      this.decided({ time: now, symbol: req.symbol, side: req.side, outcome: 'rejected', code: err.failure, message: err.message, clientOrderId: req.clientOrderId });
      return;
    }
    if (this.health.breakerUntil > now) this.ordersDegraded(now, `${this.health.failures} exchange failures in a row: circuit breaker open`);
    if (err.failure === 'auth' || err.failure === 'clock' || err.failure === 'refused') {
      this.setStatus(order, 'rejected', now, err.message, err.failure);
      await this.ports.store.journal({ type: 'status', time: now, clientOrderId: req.clientOrderId, status: 'rejected', reason: err.message });
      if (err.failure === 'refused') {
        this.decided({ time: now, symbol: req.symbol, side: req.side, outcome: 'rejected', code: err.failure, message: err.message, clientOrderId: req.clientOrderId });
        return;
      }
      throw err; // bad keys or clock: stop with a clear message rather than fail every order
    }
    // timeout, dropped connection, 5xx: the order may or may not exist. It is resolved by
    // querying it by client order id, never by sending it again; its symbol takes no new order
    // on that side until then.
    this.setStatus(order, 'unknown', now, err.message);
    this.ports.exchange.track?.(order);
    await this.ports.store.journal({ type: 'status', time: now, clientOrderId: req.clientOrderId, status: 'unknown', reason: err.message });
    this.decided({ time: now, symbol: req.symbol, side: req.side, outcome: 'unknown', message: err.message, clientOrderId: req.clientOrderId });
  }

  /** Orders are held back: told to the event sink once, until an order goes through again. */
  private ordersDegraded(time: number, message: string): void {
    if (this.degradedSeen || this.ports.events === undefined) return;
    this.degradedSeen = true;
    this.ports.events.emit({ kind: 'exchange-degraded', time, source: 'orders', message });
  }

  /** Why no order can be sent now (rate limit, ban, open circuit breaker), or null. */
  private sendBlocked(now: number): { code: string; message: string } | null {
    const h = this.health;
    if (now < h.blockedUntil) return { code: 'exchange-backoff', message: `the exchange asked to wait until ${new Date(h.blockedUntil).toISOString()}: ${h.reason ?? ''}` };
    if (now < h.breakerUntil) return { code: 'circuit-open', message: `${h.failures} exchange failures in a row: circuit breaker open until ${new Date(h.breakerUntil).toISOString()}` };
    return null;
  }

  private decided(d: Decision): undefined {
    if (d.outcome === 'denied' && this.ports.events !== undefined) {
      this.ports.events.emit({ kind: 'risk-denied', time: d.time, symbol: d.symbol, side: d.side, code: d.code ?? 'denied', message: d.message ?? '' });
    }
    if (d.outcome !== 'submitted') this.deniedCount++;
    this.decisions.push(d);
    if (this.decisions.length > MAX_DECISIONS) this.decisions.shift();
    return undefined;
  }

  // ------------------------------------------------------------ events

  /** Apply exchange events to orders and the ledger. Returns a promise only when journaling is async. */
  applyEvents(events: readonly ExchangeEvent[]): Promise<void> | undefined {
    let writes: Promise<void>[] | undefined;
    for (const ev of events) {
      let w: void | Promise<void> = undefined;
      if (ev.kind === 'order') {
        if (this.orders.has(ev.order.clientOrderId)) continue;
        const o = newOrder(ev.order);
        o.exchangeId = ev.exchangeId;
        this.orders.set(o.clientOrderId, o);
        this.track(o);
        this.setStatus(o, 'open', ev.order.createdAt);
        w = this.ports.store.journal({ type: 'intent', time: ev.order.createdAt, order: ev.order });
        if (this.ports.events !== undefined) this.emitIntent(ev.order);
      } else if (ev.kind === 'status') {
        const o = this.orders.get(ev.clientOrderId);
        if (!o || o.status === ev.status || !canTransition(o.status, ev.status)) continue; // external order, or stale news
        if (ev.exchangeId) o.exchangeId = ev.exchangeId;
        this.setStatus(o, ev.status, ev.time, ev.reason);
        if ((ev.status === 'rejected' || ev.status === 'expired') && o.filled.isZero() && (o.purpose === 'entry' || o.purpose === 'exit')) {
          if (o.purpose === 'entry' && ev.status === 'expired') this.unfilledEntries++;
          this.decided({ time: ev.time, symbol: o.symbol, side: o.side, outcome: 'rejected', code: ev.status, message: ev.reason ?? `${ev.status} by the exchange`, clientOrderId: o.clientOrderId });
        }
        w = this.ports.store.journal({ type: 'status', time: ev.time, clientOrderId: o.clientOrderId, status: ev.status, ...(ev.reason ? { reason: ev.reason } : {}) });
      } else {
        const f = ev.fill;
        const o = this.orders.get(f.clientOrderId);
        if (!o) continue;
        const before = o.status;
        const outcome = applyFillToOrder(o, f);
        if (outcome !== 'applied') {
          this.duplicateFills++;
          continue;
        }
        if (o.status !== before) this.afterStatusChange(o, before);
        const k = this.bySymbol.get(f.symbol);
        const market = k !== undefined ? this.instruments[k]!.market : undefined;
        const trip = this.ports.events !== undefined ? this.portfolio.open.get(f.symbol) : undefined;
        if (market) {
          const wasOpen = this.protects && this.portfolio.open.has(f.symbol);
          this.portfolio.applyFill(f, market, legReason(o));
          this.refresh(k!, f.side === 'buy');
          // an add, or a partial exit, changes what the protective exits must cover
          if (wasOpen && this.pos[k!]!.inPosition && (f.side === 'buy' || o.purpose === 'exit' || o.purpose === 'manual')) this.dirty[k!] = true;
        }
        if (this.ports.events !== undefined) this.emitFill(o, f, before, trip);
        if (o.purpose === 'stop-loss' || o.cause === 'stop-loss') recordStopLoss(this.risk, o.symbol, f.time);
        w = this.ports.store.journal({ type: 'fill', time: f.time, fill: f });
      }
      if (w !== undefined) (writes ??= []).push(w);
    }
    return writes ? Promise.all(writes).then(() => undefined) : undefined;
  }

  private emitFill(o: Order, f: Fill, before: OrderStatus, trip: RoundTrip | undefined): void {
    const ev = this.ports.events!;
    ev.emit({
      kind: 'fill',
      time: f.time,
      clientOrderId: f.clientOrderId,
      symbol: f.symbol,
      side: f.side,
      price: f.price.toFixed(),
      qty: f.qty.toFixed(),
      fee: f.fee.toFixed(),
      feeCurrency: f.feeCurrency,
      tradeId: f.tradeId,
      purpose: o.purpose,
    });
    if (before === 'unknown') ev.emit({ kind: 'order-resolved', time: f.time, clientOrderId: o.clientOrderId, symbol: o.symbol, status: o.status });
    if (trip !== undefined && trip.exitTime !== null && !this.portfolio.open.has(f.symbol)) {
      const pnl = roundTripPnl(trip);
      ev.emit({
        kind: 'trade-closed',
        time: f.time,
        symbol: trip.symbol,
        entryTime: trip.entryTime,
        entryPrice: trip.entryPrice.toFixed(),
        exitPrice: trip.exitPrice!.toFixed(),
        qty: trip.exitQty.toFixed(),
        fees: trip.fees.toFixed(),
        pnl: pnl.toFixed(),
        pnlPct: trip.entryCost.isZero() ? 0 : pnl.div(trip.entryCost).toNumber(),
        purpose: trip.exitReason,
      });
    }
  }

  /** Float mirrors of the ledger for the per-bar loop, refreshed after each fill. */
  private refresh(k: number, entryChanged: boolean): void {
    const inst = this.instruments[k]!;
    const p = this.pos[k]!;
    p.base = this.portfolio.balance(inst.market.base).toNumber();
    const rt = this.portfolio.open.get(inst.symbol);
    p.inPosition = rt !== undefined;
    if (!rt) p.entryPrice = NaN;
    else if (entryChanged || p.entryPrice !== p.entryPrice) p.entryPrice = rt.entryPrice.toNumber();
    this.cashF = this.portfolio.balance(this.settings.quote).toNumber();
    this.refreshTrade(k);
  }

  /** ctx.trade after a fill: a new trade starts its own view; a closed one has none. */
  private refreshTrade(k: number): void {
    const p = this.pos[k]!;
    const rt = this.portfolio.open.get(this.instruments[k]!.symbol);
    if (!rt) {
      p.trade = undefined;
      return;
    }
    let t = p.trade;
    if (t === undefined || t.openedAt !== rt.entryTime) {
      t = p.trade = new TradeState();
      t.openedAt = rt.entryTime;
    }
    t.entries = rt.entries.length;
    t.exitsDone = rt.exits.length;
    t.qty = p.base;
    t.avgPrice = p.entryPrice;
  }

  /** `code`: why, for the event sink (a rejection's code) */
  private setStatus(o: Order, to: OrderStatus, time: number, reason?: string, code?: string): void {
    const before = o.status;
    transition(o, to, time, reason);
    this.afterStatusChange(o, before);
    if (this.ports.events !== undefined && o.status !== before) this.emitStatus(o, before, time, reason, code);
  }

  private emitStatus(o: Order, before: OrderStatus, time: number, reason: string | undefined, code: string | undefined): void {
    const ev = this.ports.events!;
    const base = { time, clientOrderId: o.clientOrderId, symbol: o.symbol };
    const to = o.status;
    if (to === 'rejected') ev.emit({ kind: 'order-rejected', ...base, side: o.side, purpose: o.purpose, code: code ?? null, message: reason ?? 'rejected by the exchange' });
    else if (to === 'canceled') ev.emit({ kind: 'order-canceled', ...base, side: o.side, purpose: o.purpose });
    else if (to === 'expired') ev.emit({ kind: 'order-expired', ...base, side: o.side, purpose: o.purpose, reason: reason ?? null });
    else if (to === 'unknown') ev.emit({ kind: 'order-unknown', ...base, side: o.side, purpose: o.purpose, message: reason ?? 'no answer from the exchange' });
    if (to !== 'unknown' && (before === 'unknown' || to === 'lost' || to === 'not-placed')) ev.emit({ kind: 'order-resolved', ...base, status: to });
  }

  private afterStatusChange(o: Order, before: OrderStatus): void {
    const was = !isTerminal(before);
    const now = !isTerminal(o.status);
    if (was && !now) this.untrack(o);
  }

  private track(o: Order): void {
    if (this.active.has(o)) return;
    this.active.add(o);
    const k = this.bySymbol.get(o.symbol);
    if (k !== undefined && o.purpose !== 'stop-loss' && o.purpose !== 'take-profit' && o.purpose !== 'trailing-stop') this.pos[k]!.openOrders++;
  }

  private untrack(o: Order): void {
    if (!this.active.delete(o)) return;
    if (this.orders.size > ORDER_HISTORY * 2) this.pruneOrders();
    const k = this.bySymbol.get(o.symbol);
    if (k !== undefined && o.purpose !== 'stop-loss' && o.purpose !== 'take-profit' && o.purpose !== 'trailing-stop') this.pos[k]!.openOrders--;
  }

  /** Finished orders are kept for lookups (late duplicate fills, status) up to a bound, oldest dropped first. */
  private pruneOrders(): void {
    for (const [id, o] of this.orders) {
      if (this.orders.size <= ORDER_HISTORY) break;
      if (isTerminal(o.status)) this.orders.delete(id);
    }
  }

  private hasActive(symbol: string, side: 'buy' | 'sell'): boolean {
    for (const o of this.active) if (o.symbol === symbol && o.side === side) return true;
    return false;
  }

  /** Free quote: the ledger's balance less what open buy orders will spend. */
  private freeQuote(): Decimal {
    let free = this.portfolio.balance(this.settings.quote);
    for (const o of this.active) {
      if (o.side !== 'buy') continue;
      const k = this.bySymbol.get(o.symbol);
      const px = o.price ?? new Dec(k !== undefined ? this.lastClose[k]! : 0);
      free = free.minus(remaining(o).mul(px).mul(new Dec(1).plus(this.settings.feeRate)));
    }
    return free.gt(0) ? free : new Dec(0);
  }

  /** Open orders, for status and reports. */
  openOrders(): Order[] {
    return [...this.active];
  }

  lastPrice(k: number): number {
    return this.lastClose[k]!;
  }

  /**
   * Emergency: cancel every open order of the bot. A cancel that races a fill ("not found",
   * "already filled") is not assumed cancelled: the order is looked up and its fills applied.
   */
  async cancelAll(symbol?: string): Promise<number> {
    let n = 0;
    for (const o of [...this.active]) {
      if (o.status === 'pending' || o.status === 'unknown' || (symbol !== undefined && o.symbol !== symbol)) continue;
      if (await this.cancelOne(o)) n++;
    }
    await this.applyEvents(this.ports.exchange.drainEvents());
    return n;
  }

  /** Manual cancel of one order of the bot (`tradebot orders cancel --bot`); false when it was already done. */
  async cancelOrder(clientOrderId: string): Promise<boolean> {
    const o = this.orders.get(clientOrderId);
    if (!o) throw new UsageError(`order ${clientOrderId} is not one of this bot's orders`);
    if (isTerminal(o.status)) return false;
    const done = await this.cancelOne(o);
    await this.applyEvents(this.ports.exchange.drainEvents());
    return done;
  }

  private async cancelOne(o: Order): Promise<boolean> {
    try {
      await this.ports.exchange.cancel(o.clientOrderId, o.symbol);
      return true;
    } catch (err) {
      if (!(err instanceof OrderRejectedError)) throw err;
      // not found or already filled: the race with a fill; ask, and apply what the exchange says
      await this.ports.exchange.fetchOrder(o.clientOrderId, o.symbol);
      return false;
    }
  }

  /**
   * Manual amend (`tradebot orders amend --bot`): `req` replaces an open order of the bot, through
   * the exchange's edit where the port has one, else cancel then send. Journaled like any order.
   */
  async amendOrder(oldClientOrderId: string, req: OrderRequest): Promise<{ order: Order; method: 'edit' | 'cancel-replace' }> {
    const old = this.orders.get(oldClientOrderId);
    if (!old) throw new UsageError(`order ${oldClientOrderId} is not one of this bot's orders`);
    if (isTerminal(old.status) || old.status === 'unknown' || old.status === 'pending') throw new UsageError(`order ${oldClientOrderId} is ${old.status}: only an open order can be amended`);
    const ex = this.ports.exchange;
    let method: 'edit' | 'cancel-replace' = 'cancel-replace';
    if (ex.replace) {
      await this.send(req, async (r) => {
        const ack = await ex.replace!(oldClientOrderId, r);
        method = ack.method;
        return ack;
      });
    } else {
      if (!(await this.cancelOne(old))) {
        await this.applyEvents(ex.drainEvents());
        throw new OrderRejectedError('order-not-found', `order ${oldClientOrderId} could not be cancelled (it is ${this.orders.get(oldClientOrderId)?.status}): nothing was placed`);
      }
      await this.send(req);
    }
    await this.applyEvents(ex.drainEvents());
    return { order: this.orders.get(req.clientOrderId)!, method };
  }

  /**
   * A manual order sent through the bot's journal and ledger (`tradebot orders create --bot`):
   * journaled, then sent, with the same error policy as the strategy's orders.
   */
  async manualOrder(req: OrderRequest): Promise<Order> {
    await this.send(req);
    await this.applyEvents(this.ports.exchange.drainEvents());
    return this.orders.get(req.clientOrderId)!;
  }

  /**
   * Emergency: sell every open position at market (at the last price on a simulated exchange).
   * `reason` is the exit reason the round trips record: `panic`, or `manual` (forceexit all).
   */
  async closeAll(reason: 'manual' | 'panic' = 'panic'): Promise<number> {
    let n = 0;
    for (const inst of this.instruments) if (await this.closePosition(inst.symbol, reason)) n++;
    return n;
  }

  /**
   * Sell one pair's position at market (`forceexit PAIR`, and each pair of a panic). Its open
   * orders are the caller's to cancel first (a resting stop holds the coins on an exchange).
   * False when there is no position, or nothing tradeable is left of it.
   */
  async closePosition(symbol: string, reason: 'manual' | 'panic'): Promise<boolean> {
    const k = this.bySymbol.get(symbol);
    if (k === undefined) throw new UsageError(`this bot trades ${this.instruments.map((i) => i.symbol).join(', ')}, not ${symbol}`);
    const inst = this.instruments[k]!;
    const rt = this.portfolio.open.get(inst.symbol);
    if (!rt) return false;
    const qty = roundAmount(inst.market, Dec.min(rt.qty, this.portfolio.balance(inst.market.base)));
    if (qty.lte(0)) return false;
    const now = this.ports.clock.now();
    const req: OrderRequest = { clientOrderId: this.settings.ids.next(), symbol: inst.symbol, side: 'sell', type: 'market', amount: qty, purpose: 'manual', createdAt: now, ...(reason === 'panic' ? { cause: 'panic' } : {}) };
    const order = newOrder(req);
    this.orders.set(req.clientOrderId, order);
    this.track(order);
    await this.ports.store.journal({ type: 'intent', time: now, order: req });
    if (this.ports.events !== undefined) this.emitIntent(req);
    const ex = this.ports.exchange;
    let sent = false;
    try {
      const ack = ex.submitAtPrice ? await ex.submitAtPrice(req, this.lastClose[k]!, now) : await ex.submit(req);
      order.exchangeId = ack.exchangeId;
      if (order.status === 'pending') this.setStatus(order, 'open', now);
      await this.ports.store.journal({ type: 'sent', time: now, clientOrderId: req.clientOrderId, exchangeId: ack.exchangeId, status: ack.status });
      this.ports.events?.emit({ kind: 'order-sent', time: now, clientOrderId: req.clientOrderId, symbol: req.symbol, side: req.side, exchangeId: ack.exchangeId, status: ack.status });
      sent = true;
    } catch (err) {
      this.setStatus(order, err instanceof OrderRejectedError ? 'rejected' : 'unknown', now, err instanceof Error ? err.message : String(err));
    }
    await this.applyEvents(ex.drainEvents());
    return sent;
  }

  /** An intent journaled after the last snapshot: its outcome is unknown until the exchange is asked. */
  adoptUnknown(req: OrderRequest, time: number): Order {
    const existing = this.orders.get(req.clientOrderId);
    if (existing) return existing;
    const o = newOrder(req);
    o.status = 'unknown';
    o.updatedAt = time;
    o.reason = 'journaled before a crash; outcome unknown until queried';
    this.orders.set(o.clientOrderId, o);
    this.track(o);
    return o;
  }

  /** Reconciliation: an order of ours found open on the exchange but unknown locally. */
  adoptOrder(order: Order): void {
    if (this.orders.has(order.clientOrderId)) return;
    this.orders.set(order.clientOrderId, order);
    if (!isTerminal(order.status)) this.track(order);
  }

  /** Reconciliation: a local order the exchange does not have (`not-placed`) or lost track of (`lost`). */
  markOrder(clientOrderId: string, status: 'not-placed' | 'lost', time: number, reason: string): void {
    const o = this.orders.get(clientOrderId);
    if (!o || o.status === status) return;
    if (canTransition(o.status, status)) this.setStatus(o, status, time, reason);
  }

  /**
   * Reconciliation: accept the exchange's balance for a currency. The difference is journaled and
   * kept in the ledger as a transfer (money that left or reached it outside its fills), so the
   * books still add up. Returns the difference.
   */
  async adjustBalance(currency: string, amount: Decimal, time: number, reason: string): Promise<Decimal> {
    const delta = amount.minus(this.portfolio.balance(currency));
    if (delta.isZero()) return delta;
    await this.ports.store.journal({ type: 'transfer', time, currency, amount: delta, reason });
    this.portfolio.transfer(currency, delta);
    this.instruments.forEach((_, k) => this.refresh(k, false));
    return delta;
  }

  /** Resume from a snapshot: the same balances, positions, open orders, risk state and progress. */
  restore(snap: EngineSnapshot): void {
    this.portfolio = Portfolio.restore(snap.portfolio, this.settings.dustLeavesLedger === true);
    this.orders.clear();
    this.active.clear();
    for (const p of this.pos) p.openOrders = 0;
    for (const so of snap.orders) {
      const o = restoreOrder(so);
      this.orders.set(o.clientOrderId, o);
      if (!isTerminal(o.status)) this.track(o);
    }
    Object.assign(this.risk, snap.risk);
    this.haltSeen = this.risk.halt;
    snap.lastBarTime.forEach((t, k) => {
      if (k < this.lastBarTime.length) this.lastBarTime[k] = t ?? -Infinity;
    });
    this.instruments.forEach((_, k) => this.refresh(k, true));
  }

  snapshot(): EngineSnapshot {
    return {
      portfolio: this.portfolio.snapshot(),
      orders: this.ordersToKeep().map(serializeOrder),
      risk: this.risk,
      idSequence: this.settings.ids.sequence,
      lastBarTime: this.lastBarTime.map((t) => (Number.isFinite(t) ? t : null)),
    };
  }

  /**
   * Every order that can still change, and the most recent finished ones (by count, not by age:
   * order times come from the exchange's clock, which a replaying simulator sets in the past).
   */
  private ordersToKeep(): Order[] {
    const all = [...this.orders.values()];
    const finished = all.filter((o) => isTerminal(o.status));
    const keep = new Set(finished.slice(-SNAPSHOT_FINISHED_ORDERS));
    return all.filter((o) => !isTerminal(o.status) || keep.has(o));
  }
}

export interface EngineSnapshot {
  portfolio: ReturnType<Portfolio['snapshot']>;
  orders: SerializedOrder[];
  risk: RiskState;
  idSequence: number;
  /** null: no candle handled yet */
  lastBarTime: (number | null)[];
}

