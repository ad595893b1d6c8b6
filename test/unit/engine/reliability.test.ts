/**
 * RELIABILITY rows 7, 8, 9 and 25 at the engine level: the one engine with scripted strategies and
 * crafted candles, against the simulated exchange (or a test double wrapping it). State is asserted,
 * never log wording.
 */
import { describe, expect, it } from 'vitest';
import { composeBacktest } from '../../../src/compose.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor, type MarketInfo } from '../../../src/core/market.js';
import { OrderIds } from '../../../src/core/ids.js';
import { OrderRejectedError } from '../../../src/core/errors.js';
import { MutableCandleSeries, type CandleSeries } from '../../../src/core/candles.js';
import type { Fill, Order, OrderRequest } from '../../../src/core/orders.js';
import { Engine, type EngineSettings } from '../../../src/engine/engine.js';
import { SimulatedClock } from '../../../src/engine/clocks.js';
import { ArrayFeed } from '../../../src/data/array-feed.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { SimExchange } from '../../../src/exchange/sim-exchange.js';
import type { BalanceEntry, ExchangeEvent, ExchangePort, SubmitResult } from '../../../src/engine/ports.js';
import type { StrategyContext, StrategyInstance } from '../../../src/strategies/types.js';
import { bars } from '../../support/candles.js';

const SYM = 'BTC/USDT';

/** A strategy that acts on given bar indices (counting every candle it is shown). */
function scripted(actions: Record<number, (ctx: StrategyContext) => void>): StrategyInstance & { seen: { inPosition: boolean; position: number; openOrders: number }[] } {
  let i = -1;
  const seen: { inPosition: boolean; position: number; openOrders: number }[] = [];
  return {
    seen,
    onCandle(ctx) {
      i++;
      seen.push({ inPosition: ctx.inPosition, position: ctx.position, openOrders: ctx.openOrders });
      actions[i]?.(ctx);
    },
  };
}

function settingsOf(o: Partial<EngineSettings> = {}): EngineSettings {
  return {
    quote: 'USDT',
    initialBalances: { USDT: new Dec(10_000) },
    stake: { kind: 'fraction', value: new Dec('0.5') },
    feeRate: new Dec('0.001'),
    limits: { maxOpenPositions: 1 },
    ids: new OrderIds('t'),
    onStrategyError: 'halt',
    ...o,
  };
}

function backtest(series: CandleSeries, strategy: StrategyInstance, o: Partial<EngineSettings> & { market?: MarketInfo; maxVolumeFraction?: number } = {}) {
  const { market: m, maxVolumeFraction, ...rest } = o;
  const market = m ?? marketFor(SYM);
  const settings = settingsOf(rest);
  return composeBacktest({ series, market, strategy, settings, slippageBps: 0, balances: settings.initialBalances, ...(maxVolumeFraction !== undefined ? { maxVolumeFraction } : {}) });
}

/** The engine over any exchange port (a test double), with a simulated clock and an in-memory store. */
function engineOver(series: CandleSeries, strategy: StrategyInstance, exchange: ExchangePort, market: MarketInfo, o: Partial<EngineSettings> = {}) {
  const store = new MemoryStore();
  const engine = new Engine([{ symbol: market.symbol, market, strategy }], settingsOf(o), {
    clock: new SimulatedClock(series.time[0]!),
    feed: new ArrayFeed([series]),
    exchange,
    store,
  });
  return { engine, store };
}

/** Bars one at a time, so that a test can act between two of them. */
async function step(engine: Engine, s: CandleSeries, from: number, to = from): Promise<void> {
  for (let i = from; i <= to; i++) await engine.processBar(0, s, i);
}

/** A series of [open, high, low, close, volume] rows with a given timeframe. */
function series(rows: readonly (readonly [number, number, number, number, number?])[], timeframeMs = 60_000, t0 = 1_700_000_000_000): MutableCandleSeries {
  const s = new MutableCandleSeries(timeframeMs, rows.length);
  rows.forEach(([o, h, l, c, v], i) => s.push(t0 + i * timeframeMs, o, h, l, c, v ?? 1000));
  return s;
}

async function expectLedgerIsExchange(engine: Engine, ex: { fetchBalances(): Promise<Record<string, BalanceEntry>> }): Promise<void> {
  const b = await ex.fetchBalances();
  for (const c of ['USDT', 'BTC']) {
    const local = engine.portfolio.balance(c);
    const remote = b[c]?.total ?? new Dec(0);
    expect(local.eq(remote), `${c}: engine ${local.toFixed()} vs exchange ${remote.toFixed()}`).toBe(true);
  }
}

const decisionsOf = (engine: Engine) => engine.decisions.map((d) => ({ side: d.side, outcome: d.outcome, code: d.code }));

// ---------------------------------------------------------------------------------------------
// Row 7

describe('row 7: a partial fill, then the rest cancelled or expired', () => {
  const market = marketFor(SYM, { amountStep: new Dec('0.001') });

  it('a limit buy filled in part and then cancelled: position and fees are the filled part, the remainder is never resubmitted', async () => {
    // volume 1000 × 1% = 10 BTC per bar at most
    const s = series([
      [100, 101, 99.5, 100], // 0: limit buy at 99 decided (qty 5000/99 → 50.505)
      [100, 100, 98, 99], // 1: trades through 99: 10 of 50.505 fill
      [99, 99.5, 97, 98], // 2: would fill more, but the rest was cancelled after bar 1
      [98, 99, 96, 97],
      [97, 98, 95, 96],
    ]);
    const strat = scripted({ 0: (c) => c.buy({ type: 'limit', price: 99 }) });
    const { engine, exchange } = backtest(s, strat, { market, maxVolumeFraction: 0.01 });
    await step(engine, s, 0, 1);
    const [id] = [...engine.orders.keys()];
    const o = engine.orders.get(id!)!;
    expect(o.status).toBe('open');
    expect(o.amount.toFixed()).toBe('50.505');
    expect(o.filled.toFixed()).toBe('10');

    expect(await engine.cancelAll()).toBe(1);
    expect(o.status).toBe('canceled');
    await step(engine, s, 2, 4);

    expect(o.filled.toFixed()).toBe('10');
    expect(o.cost.toFixed()).toBe('990');
    expect(o.fee.toFixed()).toBe('0.99');
    expect(engine.portfolio.balance('BTC').toFixed()).toBe('10');
    expect(engine.portfolio.balance('USDT').toFixed()).toBe('9009.01'); // 10000 - 990 - 0.99
    expect(engine.portfolio.feesPaid.toFixed()).toBe('0.99');
    const rt = engine.portfolio.open.get(SYM)!;
    expect(rt.entryQty.toFixed()).toBe('10');
    expect(rt.fees.toFixed()).toBe('0.99');
    expect(rt.entryPrice.toFixed()).toBe('99');
    // not resubmitted: one order, one trade, nothing open; the strategy sees the filled part
    expect(exchange.allOrders()).toHaveLength(1);
    expect(exchange.trades()).toHaveLength(1);
    expect(engine.openOrders()).toEqual([]);
    expect(strat.seen.at(-1)).toEqual({ inPosition: true, position: 10, openOrders: 0 });
    await expectLedgerIsExchange(engine, exchange);
    const b = await exchange.fetchBalances();
    expect(b.USDT!.used.toFixed()).toBe('0'); // the lock of the remainder was released
  });

  it('a market buy filled in part whose remainder expires (unpayable at the next open): the position is the filled part', async () => {
    // 4% of 1000 = 40 BTC per bar; 99% stake at 100 ≈ 98.9 BTC
    const s = series([
      [100, 100, 100, 100], // 0: market buy decided
      [100, 100, 100, 100], // 1: 40 fill at 100
      [160, 160, 160, 160], // 2: the remaining 58.9 cannot be paid at 160: expired
      [160, 161, 159, 160],
      [160, 161, 159, 160],
    ]);
    const strat = scripted({ 0: (c) => c.buy() });
    const { engine, exchange } = backtest(s, strat, { market, maxVolumeFraction: 0.04, stake: { kind: 'fraction', value: new Dec('0.99') } });
    await engine.run();
    const orders = [...engine.orders.values()];
    expect(orders).toHaveLength(1);
    const o = orders[0]!;
    expect(o.status).toBe('expired');
    expect(o.filled.toFixed()).toBe('40');
    expect(engine.portfolio.balance('BTC').toFixed()).toBe('40');
    expect(engine.portfolio.feesPaid.toFixed()).toBe('4'); // 40 × 100 × 0.001
    expect(engine.portfolio.balance('USDT').toFixed()).toBe('5996'); // 10000 - 4000 - 4
    expect(engine.portfolio.open.get(SYM)!.entryQty.toFixed()).toBe('40');
    expect(exchange.allOrders()).toHaveLength(1); // the remainder is not resubmitted
    expect(engine.openOrders()).toEqual([]);
    await expectLedgerIsExchange(engine, exchange);
  });

  it('a partial position below the exchange minimum is reported as dust when the strategy tries to exit it; nothing is sent', async () => {
    const dusty = marketFor(SYM, { amountStep: new Dec('0.001'), minAmount: new Dec(15) });
    const s = series([
      [100, 101, 99.5, 100], // 0: limit buy at 99 (50.505, above the minimum of 15)
      [100, 100, 98, 99], // 1: 10 fill (below the minimum), then the rest is cancelled
      [99, 100, 98, 99], // 2: the strategy exits
      [99, 100, 98, 99], // 3: and again
      [99, 100, 98, 99],
    ]);
    const strat = scripted({ 0: (c) => c.buy({ type: 'limit', price: 99 }), 2: (c) => c.sell(), 3: (c) => c.sell() });
    const { engine, exchange } = backtest(s, strat, { market: dusty, maxVolumeFraction: 0.01 });
    await step(engine, s, 0, 1);
    await engine.cancelAll();
    await step(engine, s, 2, 4);
    expect(engine.portfolio.balance('BTC').toFixed()).toBe('10');
    const sells = engine.decisions.filter((d) => d.side === 'sell');
    expect(sells.length).toBe(2);
    for (const d of sells) expect(d).toMatchObject({ outcome: 'denied', code: 'dust' });
    expect(exchange.allOrders().filter((x) => x.side === 'sell')).toEqual([]);
    await expectLedgerIsExchange(engine, exchange);
  });
});

// ---------------------------------------------------------------------------------------------
// Row 8

/**
 * An exchange port over SimExchange whose cancel loses the race with a fill: the order fills on
 * the exchange first, the cancel answers "not found / already filled", and (as with ccxt, which
 * cannot push fills) the fill is only learnt by asking for the order.
 */
class RacingExchange implements ExchangePort {
  /** client order ids whose cancel races a fill */
  readonly racing = new Set<string>();
  readonly fetched: string[] = [];
  readonly cancels: string[] = [];
  private readonly withheld = new Map<string, ExchangeEvent[]>();
  private queue: ExchangeEvent[] = [];

  constructor(
    readonly inner: SimExchange,
    private readonly now: () => number,
  ) {}

  onBar(symbol: string, s: CandleSeries, i: number): void {
    this.inner.onBar(symbol, s, i);
  }
  market(symbol: string): MarketInfo | undefined {
    return this.inner.market(symbol);
  }
  submit(req: OrderRequest): Promise<SubmitResult> {
    return this.inner.submit(req);
  }
  async cancel(clientOrderId: string, symbol: string): Promise<void> {
    this.cancels.push(clientOrderId);
    const o = this.inner.orderByClientId(clientOrderId);
    if (!this.racing.has(clientOrderId) || !o || o.status !== 'open') return this.inner.cancel(clientOrderId, symbol);
    this.queue.push(...this.inner.drainEvents());
    // a trade at the order's own price, just before the cancel arrives
    const px = (o.price ?? o.stopPrice)!.toNumber();
    const bar = new MutableCandleSeries(60_000, 1);
    bar.push(this.now(), px, px, px, px, 1e12);
    this.inner.onBar(symbol, bar, 0);
    const evs = this.inner.drainEvents();
    const concerns = (e: ExchangeEvent) => (e.kind === 'fill' ? e.fill.clientOrderId : e.kind === 'status' ? e.clientOrderId : e.order.clientOrderId) === clientOrderId;
    this.withheld.set(clientOrderId, evs.filter(concerns));
    this.queue.push(...evs.filter((e) => !concerns(e)));
    expect(this.inner.orderByClientId(clientOrderId)!.status).toBe('filled'); // the double did what it says
    throw new OrderRejectedError('order-not-found', `order ${clientOrderId} is already filled`);
  }
  async fetchOrder(clientOrderId: string, symbol: string): Promise<Order | null> {
    this.fetched.push(clientOrderId);
    const w = this.withheld.get(clientOrderId);
    if (w) {
      this.withheld.delete(clientOrderId);
      this.queue.push(...w);
    }
    return this.inner.fetchOrder(clientOrderId);
  }
  fetchBalances(): Promise<Record<string, BalanceEntry>> {
    return this.inner.fetchBalances();
  }
  drainEvents(): ExchangeEvent[] {
    const out = [...this.queue, ...this.inner.drainEvents()];
    this.queue = [];
    return out;
  }
}

function racingSetup(s: CandleSeries, strategy: StrategyInstance, o: Partial<EngineSettings> = {}) {
  const market = marketFor(SYM);
  const inner = new SimExchange({ markets: [market], balances: { USDT: new Dec(10_000) }, feeRate: new Dec('0.001'), slippageBps: 0 });
  let clock!: SimulatedClock;
  const ex = new RacingExchange(inner, () => clock.now());
  const { engine, store } = engineOver(s, strategy, ex, market, o);
  clock = engine.ports.clock as SimulatedClock;
  return { engine, ex, inner, store };
}

describe('row 8: a cancel that races a fill is not assumed cancelled', () => {
  const S = bars([
    [100, 101, 99, 100], // 0: limit buy at 95 rests
    [100, 101, 99, 100], // 1: not reached
    [100, 101, 99, 100],
    [100, 101, 99, 100],
  ]);

  it('cancelAll: the cancel answers "already filled": the order is fetched, its fill applied, and it is not counted as cancelled', async () => {
    const { engine, ex, inner } = racingSetup(S, scripted({ 0: (c) => c.buy({ type: 'limit', price: 95 }) }));
    await step(engine, S, 0, 1);
    const [id] = [...engine.orders.keys()];
    expect(engine.orders.get(id!)!.status).toBe('open');
    ex.racing.add(id!);

    expect(await engine.cancelAll()).toBe(0);
    expect(ex.fetched).toContain(id);
    const o = engine.orders.get(id!)!;
    expect(o.status).toBe('filled');
    expect(o.filled.eq(o.amount)).toBe(true);
    expect(engine.portfolio.open.get(SYM)?.qty.eq(o.amount)).toBe(true);
    await step(engine, S, 2, 3);
    expect(inner.allOrders()).toHaveLength(1);
    await expectLedgerIsExchange(engine, inner);
  });

  it('cancelOrder (one order): the same race is resolved by asking the exchange', async () => {
    const { engine, ex, inner } = racingSetup(S, scripted({ 0: (c) => c.buy({ type: 'limit', price: 95 }) }));
    await step(engine, S, 0, 1);
    const [id] = [...engine.orders.keys()];
    ex.racing.add(id!);
    expect(await engine.cancelOrder(id!)).toBe(false);
    expect(engine.orders.get(id!)!.status).toBe('filled');
    expect(engine.portfolio.open.size).toBe(1);
    await expectLedgerIsExchange(engine, inner);
  });

  it('amendOrder without an exchange edit: a cancel that lost the race places nothing new and applies the fill', async () => {
    const { engine, ex, inner } = racingSetup(S, scripted({ 0: (c) => c.buy({ type: 'limit', price: 95 }) }));
    await step(engine, S, 0, 1);
    const [id] = [...engine.orders.keys()];
    ex.racing.add(id!);
    const old = engine.orders.get(id!)!;
    const req: OrderRequest = { clientOrderId: 't-99', symbol: SYM, side: 'buy', type: 'limit', amount: old.amount, price: new Dec(96), purpose: 'entry', createdAt: S.time[1]! };
    await expect(engine.amendOrder(id!, req)).rejects.toBeInstanceOf(OrderRejectedError);
    expect(engine.orders.get(id!)!.status).toBe('filled');
    expect(engine.orders.has('t-99')).toBe(false);
    expect(inner.allOrders()).toHaveLength(1);
    await expectLedgerIsExchange(engine, inner);
  });

  it("the strategy's exit cancels the take-profit, which has just filled: the fill is fetched and applied, no second sell is sent", async () => {
    const s = bars([
      [100, 101, 99, 100], // 0: market buy decided (50 BTC)
      [100, 101, 99, 100], // 1: filled at 100; the exchange places the take-profit at 105
      [100, 101, 99, 100], // 2: the strategy exits: cancelling the take-profit races its fill at 105
      [100, 101, 99, 100], // 3
      [100, 101, 99, 100], // 4
    ]);
    const { engine, ex, inner } = racingSetup(s, scripted({ 0: (c) => c.buy(), 2: (c) => c.sell() }), { protection: { takeProfit: 0.05 } });
    await step(engine, s, 0, 1);
    const tp = [...engine.orders.values()].find((o) => o.purpose === 'take-profit');
    expect(tp?.status).toBe('open');
    ex.racing.add(tp!.clientOrderId);

    await step(engine, s, 2, 4);
    expect(ex.cancels).toContain(tp!.clientOrderId);
    // the exchange sold the position through the take-profit: the engine must know it
    expect.soft(ex.fetched).toContain(tp!.clientOrderId);
    expect.soft(engine.orders.get(tp!.clientOrderId)!.status).toBe('filled');
    expect.soft(engine.portfolio.open.size).toBe(0);
    expect.soft(engine.portfolio.closed[0]?.exitReason).toBe('take-profit');
    // no exit order on top of it (it would sell base the bot no longer holds)
    expect.soft(inner.allOrders().filter((o) => o.side === 'sell').map((o) => o.purpose)).toEqual(['take-profit']);
    expect.soft(engine.decisions.map((d) => ({ side: d.side, outcome: d.outcome, code: d.code })).filter((d) => d.side === 'sell')).toEqual([]);
    await expectLedgerIsExchange(engine, inner);
  });
});

// ---------------------------------------------------------------------------------------------
// Row 9

/** Reports every fill twice, as a poll that sees the same trade again would. */
class EchoingExchange implements ExchangePort {
  constructor(readonly inner: SimExchange) {}
  onBar(symbol: string, s: CandleSeries, i: number): void {
    this.inner.onBar(symbol, s, i);
  }
  market(symbol: string) {
    return this.inner.market(symbol);
  }
  submit(req: OrderRequest) {
    return this.inner.submit(req);
  }
  cancel(id: string, symbol: string) {
    return this.inner.cancel(id, symbol);
  }
  fetchOrder(id: string) {
    return this.inner.fetchOrder(id);
  }
  fetchBalances() {
    return this.inner.fetchBalances();
  }
  drainEvents(): ExchangeEvent[] {
    return this.inner.drainEvents().flatMap((e): ExchangeEvent[] => (e.kind === 'fill' ? [e, { kind: 'fill', fill: { ...e.fill } }] : [e]));
  }
}

describe('row 9: the same fill reported twice, and an overfill', () => {
  const S = bars([
    [100, 101, 99, 100],
    [100, 102, 99, 101],
    [102, 104, 101, 103],
    [103, 106, 102, 105],
    [106, 107, 104, 104],
    [104, 105, 103, 104],
  ]);
  const script = () => scripted({ 0: (c) => c.buy(), 2: (c) => c.sell(), 3: (c) => c.buy() });

  it('an exchange that reports every fill twice leaves the portfolio exactly as one that reports it once', async () => {
    const plain = backtest(S, script());
    await plain.engine.run();

    const market = marketFor(SYM);
    const inner = new SimExchange({ markets: [market], balances: { USDT: new Dec(10_000) }, feeRate: new Dec('0.001'), slippageBps: 0 });
    const { engine } = engineOver(S, script(), new EchoingExchange(inner), market);
    await engine.run();

    expect(engine.portfolio.snapshot()).toEqual(plain.engine.portfolio.snapshot());
    expect(engine.duplicateFills).toBe(inner.trades().length);
    for (const o of engine.orders.values()) expect(new Set(o.tradeIds).size).toBe(o.tradeIds.length);
    await expectLedgerIsExchange(engine, inner);
  });

  it('a duplicate trade id (even with different numbers) and an overfill change nothing and journal nothing', async () => {
    const { engine, exchange, store } = backtest(S, scripted({ 1: (c) => c.buy() }));
    await engine.run();
    const fill = exchange.trades()[0]!;
    const order = engine.orders.get(fill.clientOrderId)!;
    expect(order.status).toBe('filled');
    const before = engine.portfolio.snapshot();
    const orderBefore = { filled: order.filled.toFixed(), cost: order.cost.toFixed(), fee: order.fee.toFixed(), tradeIds: [...order.tradeIds] };
    const journaled = store.journaled;

    const dup: Fill = { ...fill, qty: fill.qty.div(2), cost: fill.cost.div(2) };
    const over: Fill = { ...fill, tradeId: 'another-trade', qty: new Dec('0.001'), cost: new Dec('0.1'), fee: new Dec('0.0001') };
    engine.applyEvents([{ kind: 'fill', fill: dup }, { kind: 'fill', fill: over }]);

    expect(engine.portfolio.snapshot()).toEqual(before);
    expect({ filled: order.filled.toFixed(), cost: order.cost.toFixed(), fee: order.fee.toFixed(), tradeIds: [...order.tradeIds] }).toEqual(orderBefore);
    expect(order.status).toBe('filled');
    expect(engine.duplicateFills).toBeGreaterThanOrEqual(1);
    expect(store.journaled).toBe(journaled);
  });

  it('an overfill of a partly filled order is rejected whole; the genuine remainder still applies', async () => {
    const market = marketFor(SYM, { amountStep: new Dec('0.001') });
    const s = series([
      [100, 101, 99.5, 100],
      [100, 100, 98, 99], // 10 of 50.505 fill
    ]);
    const { engine, store } = backtest(s, scripted({ 0: (c) => c.buy({ type: 'limit', price: 99 }) }), { market, maxVolumeFraction: 0.01 });
    await step(engine, s, 0, 1);
    const o = [...engine.orders.values()][0]!;
    expect(o.filled.toFixed()).toBe('10');
    const base = { clientOrderId: o.clientOrderId, symbol: SYM, side: 'buy' as const, price: new Dec(99), feeCurrency: 'USDT', time: s.time[1]! };
    const mk = (tradeId: string, qty: string): Fill => ({ ...base, tradeId, qty: new Dec(qty), cost: new Dec(qty).mul(99), fee: new Dec(qty).mul(99).mul('0.001') });
    const before = engine.portfolio.snapshot();
    const journaled = store.journaled;

    engine.applyEvents([{ kind: 'fill', fill: mk('x-over', '45') }]); // 10 + 45 > 50.505
    expect(engine.portfolio.snapshot()).toEqual(before);
    expect(o.filled.toFixed()).toBe('10');
    expect(store.journaled).toBe(journaled);

    engine.applyEvents([{ kind: 'fill', fill: mk('x-rest', '40.505') }]);
    expect(o.filled.toFixed()).toBe('50.505');
    expect(o.status).toBe('filled');
    expect(engine.portfolio.balance('BTC').toFixed()).toBe('50.505');
  });
});

// ---------------------------------------------------------------------------------------------
// Row 25

describe('row 25: a runaway strategy meets the risk limits', () => {
  it('maxOrdersPerMinute: a strategy that trades every candle is denied beyond the limit, entries and exits alike', async () => {
    // 10-second candles: six a minute, an order on each
    const rows = Array.from({ length: 36 }, () => [100, 101, 99, 100] as const);
    const s = series(rows, 10_000);
    const flipper: StrategyInstance = { onCandle: (c) => (c.inPosition ? c.sell() : c.buy()) };
    const { engine, exchange } = backtest(s, flipper, { limits: { maxOpenPositions: 1, maxOrdersPerMinute: 3 } });
    await engine.run();

    const denied = engine.decisions.filter((d) => d.code === 'max-orders-per-minute');
    expect(denied.length).toBeGreaterThan(0);
    expect(new Set(denied.map((d) => d.side))).toEqual(new Set(['buy', 'sell']));
    for (const d of denied) expect(d.outcome).toBe('denied');
    const sent = exchange.allOrders().map((o) => o.createdAt).sort((a, b) => a - b);
    expect(sent.length).toBeGreaterThan(3);
    for (let i = 0; i + 3 < sent.length; i++) expect(sent[i + 3]! - sent[i]!, 'four orders within a minute').toBeGreaterThanOrEqual(60_000);
    await expectLedgerIsExchange(engine, exchange);
  });

  it('dailyLossLimit: a day\'s loss beyond the limit halts entries; the exit still goes through; later buys are denied "halted"', async () => {
    const s = bars([
      [100, 100, 100, 100], // 0: buy
      [100, 100, 100, 100], // 1: filled at 100 (99% of the account)
      [100, 100, 90, 90], // 2: -10% of equity: halt
      [90, 90, 90, 90], // 3: the strategy exits
      [90, 90, 90, 90], // 4: sold
      [90, 91, 89, 90], // 5: buy → halted
      [90, 91, 89, 90], // 6: buy → halted
    ]);
    const strat = scripted({ 0: (c) => c.buy(), 3: (c) => c.sell(), 5: (c) => c.buy(), 6: (c) => c.buy() });
    const { engine, exchange } = backtest(s, strat, { stake: { kind: 'fraction', value: new Dec('0.99') }, limits: { maxOpenPositions: 1, dailyLossLimit: 0.05 } });
    await engine.run();
    expect(engine.risk.halt?.code).toBe('daily-loss-limit');
    expect(decisionsOf(engine)).toEqual([
      { side: 'buy', outcome: 'submitted', code: undefined },
      { side: 'sell', outcome: 'submitted', code: undefined },
      { side: 'buy', outcome: 'denied', code: 'halted' },
      { side: 'buy', outcome: 'denied', code: 'halted' },
    ]);
    expect(engine.portfolio.open.size).toBe(0);
    expect(engine.portfolio.closed).toHaveLength(1);
    expect(exchange.allOrders()).toHaveLength(2);
    await expectLedgerIsExchange(engine, exchange);
  });

  it('maxDrawdown: a fall from the peak beyond the limit halts entries; the exit still goes through; later buys are denied "halted"', async () => {
    const s = bars([
      [100, 100, 100, 100], // 0: buy
      [100, 100, 100, 100], // 1: filled at 100
      [100, 120, 100, 120], // 2: new peak
      [120, 120, 100, 100], // 3: -16% from the peak: halt
      [100, 100, 100, 100], // 4: the strategy exits
      [100, 100, 100, 100], // 5: sold
      [100, 101, 99, 100], // 6: buy → halted
    ]);
    const strat = scripted({ 0: (c) => c.buy(), 4: (c) => c.sell(), 6: (c) => c.buy() });
    const { engine, exchange } = backtest(s, strat, { stake: { kind: 'fraction', value: new Dec('0.99') }, limits: { maxOpenPositions: 1, maxDrawdown: 0.1 } });
    await engine.run();
    expect(engine.risk.halt?.code).toBe('max-drawdown');
    expect(engine.risk.halt?.since).toBe(s.time[3]! + s.timeframeMs);
    expect(decisionsOf(engine)).toEqual([
      { side: 'buy', outcome: 'submitted', code: undefined },
      { side: 'sell', outcome: 'submitted', code: undefined },
      { side: 'buy', outcome: 'denied', code: 'halted' },
    ]);
    expect(engine.portfolio.open.size).toBe(0);
    expect(exchange.allOrders()).toHaveLength(2);
    await expectLedgerIsExchange(engine, exchange);
  });

  it('a halt does not stop a protective exit: the stop-loss still fills after entries are halted', async () => {
    const s = bars([
      [100, 100, 100, 100], // 0: buy with a 20% stop-loss
      [100, 100, 100, 100], // 1: filled at 100, stop at 80
      [100, 100, 90, 90], // 2: -10%: daily loss halt
      [90, 90, 75, 76], // 3: the stop fills at 80
      [76, 77, 75, 76], // 4: buy → halted
    ]);
    const strat = scripted({ 0: (c) => c.buy(), 4: (c) => c.buy() });
    const { engine } = backtest(s, strat, { stake: { kind: 'fraction', value: new Dec('0.99') }, protection: { stopLoss: 0.2 }, limits: { maxOpenPositions: 1, dailyLossLimit: 0.05 } });
    await engine.run();
    expect(engine.risk.halt?.code).toBe('daily-loss-limit');
    expect(engine.portfolio.open.size).toBe(0);
    expect(engine.portfolio.closed[0]?.exitReason).toBe('stop-loss');
    expect(engine.decisions.at(-1)).toMatchObject({ side: 'buy', outcome: 'denied', code: 'halted' });
  });
});

describe('row 2: an intent is journaled with the candle it was decided on', () => {
  it('each order the strategy asks for carries the open time of its decision candle; an operator\'s sale none', async () => {
    const S = bars([
      [100, 101, 99, 100],
      [100, 102, 99, 101],
      [101, 103, 100, 102],
      [102, 104, 101, 103],
    ]);
    const market = marketFor(SYM);
    const exchange = new SimExchange({ markets: [market], balances: { USDT: new Dec(10_000) }, feeRate: new Dec('0.001'), slippageBps: 0 });
    const { engine, store } = engineOver(S, scripted({ 0: (c) => c.buy(), 1: (c) => c.sell(), 2: (c) => c.buy() }), exchange, market);
    await engine.run();
    const intents = store.recent.filter((e) => e.type === 'intent');
    expect(intents.map((e) => e.candleTime)).toEqual([S.time[0], S.time[1], S.time[2]]);
    // between batches (an operator's action) there is no decision candle
    expect(await engine.closePosition(SYM, 'manual')).toBe(true);
    const last = store.recent.filter((e) => e.type === 'intent').at(-1)!;
    expect(last.order.purpose).toBe('manual');
    expect(last.candleTime).toBeUndefined();
  });
});
