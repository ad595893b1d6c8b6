import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/engine.js';
import { SimulatedClock } from '../../../src/engine/clocks.js';
import { ArrayFeed } from '../../../src/data/array-feed.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { SimExchange } from '../../../src/exchange/sim-exchange.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor } from '../../../src/core/market.js';
import { OrderIds } from '../../../src/core/ids.js';
import { RateLimitedError } from '../../../src/exchange/ccxt-errors.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { Feed, FeedBatch } from '../../../src/engine/ports.js';
import type { StrategyContext } from '../../../src/strategies/types.js';
import { bars } from '../../support/candles.js';

const market = marketFor('BTC/USDT');

function engineWith(o: { closes: number[]; strategy: (ctx: StrategyContext, i: number) => void; limits?: Record<string, number>; feed?: Feed; events?: EngineEvent[] }) {
  const s = bars(o.closes.map((c) => [c, c, c, c]));
  const exchange = new SimExchange({ markets: [market], balances: { USDT: new Dec(1000) }, feeRate: new Dec('0.001'), slippageBps: 0, historyLimit: 100 });
  let i = -1;
  const events = o.events ?? [];
  const engine = new Engine(
    [{ symbol: 'BTC/USDT', market, strategy: { onCandle: (ctx: StrategyContext) => o.strategy(ctx, ++i) } }],
    { quote: 'USDT', initialBalances: { USDT: new Dec(1000) }, stake: { kind: 'fixed', value: new Dec(100) }, feeRate: new Dec('0.001'), limits: { maxOpenPositions: 1, ...o.limits }, ids: new OrderIds('t'), onStrategyError: 'halt' },
    { clock: new SimulatedClock(), feed: o.feed ?? new ArrayFeed([s]), exchange, store: new MemoryStore(), events: { emit: (e) => events.push(e) } },
  );
  return { engine, events, exchange, series: s };
}

const kinds = (events: EngineEvent[]) => events.map((e) => e.kind);

describe('the engine event stream', () => {
  it('tells each step of a round trip: signal, intent, sent, fill, and the closed trade with its PnL', async () => {
    const { engine, events } = engineWith({
      closes: [100, 100, 110, 110, 110],
      strategy: (ctx, i) => {
        if (i === 0) ctx.buy();
        if (i === 2) ctx.sell();
      },
    });
    await engine.run();
    expect(kinds(events)).toEqual(['signal', 'order-intent', 'order-sent', 'fill', 'signal', 'order-intent', 'order-sent', 'fill', 'trade-closed']);
    const fill = events.find((e) => e.kind === 'fill')!;
    expect(fill).toMatchObject({ side: 'buy', symbol: 'BTC/USDT', purpose: 'entry' });
    const closed = events.at(-1) as Extract<EngineEvent, { kind: 'trade-closed' }>;
    const rt = engine.portfolio.closed[0]!;
    expect(closed.pnl).toBe(rt.exitProceeds.minus(rt.entryCost).minus(rt.fees).toFixed());
    expect(closed.purpose).toBe('signal');
    expect(Number(closed.pnl)).toBeGreaterThan(0);
  });

  it('tells a risk denial with its code, and a halt once', async () => {
    const { engine, events } = engineWith({
      closes: [100, 100, 50, 50, 50, 50],
      limits: { maxDrawdown: 0.01 },
      strategy: (ctx, i) => {
        if (i === 0 || i >= 4) ctx.buy();
        if (i === 2) ctx.sell();
      },
    });
    await engine.run();
    expect(events.filter((e) => e.kind === 'halt')).toEqual([expect.objectContaining({ code: 'max-drawdown' })]);
    const denied = events.filter((e) => e.kind === 'risk-denied');
    expect(denied).toHaveLength(2);
    expect(denied[0]).toMatchObject({ code: 'halted', side: 'buy', symbol: 'BTC/USDT' });
  });

  it('tells a rejection, an exchange error and the degraded/recovered pair when orders are held back', async () => {
    const { engine, events, exchange } = engineWith({ closes: [100, 100, 100, 100], strategy: () => undefined });
    await engine.run();
    const submit = exchange.submitSync.bind(exchange);
    let fail = true;
    exchange.submitSync = undefined as never;
    exchange.submit = async (req) => {
      if (fail) {
        fail = false;
        throw new RateLimitedError('429 too many requests', 1);
      }
      return submit(req);
    };
    const req = (id: string) => ({ clientOrderId: id, symbol: 'BTC/USDT', side: 'buy' as const, type: 'market' as const, amount: new Dec('0.1'), purpose: 'manual' as const, createdAt: 1 });
    await engine.manualOrder(req('m1'));
    await engine.manualOrder(req('m2'));
    expect(kinds(events)).toEqual(['order-intent', 'exchange-error', 'exchange-degraded', 'order-rejected', 'order-intent', 'order-sent', 'exchange-recovered']);
    expect(events.find((e) => e.kind === 'order-rejected')).toMatchObject({ clientOrderId: 'm1', code: 'rate-limited' });
  });

  it('costs nothing without a sink: the same run, no events object anywhere', async () => {
    const s = bars([100, 100, 110, 110].map((c) => [c, c, c, c]));
    const exchange = new SimExchange({ markets: [market], balances: { USDT: new Dec(1000) }, feeRate: new Dec('0.001'), slippageBps: 0, historyLimit: 100 });
    let i = -1;
    const engine = new Engine(
      [{ symbol: 'BTC/USDT', market, strategy: { onCandle: (ctx: StrategyContext) => (++i === 0 ? ctx.buy() : i === 2 ? ctx.sell() : undefined) } }],
      { quote: 'USDT', initialBalances: { USDT: new Dec(1000) }, stake: { kind: 'fixed', value: new Dec(100) }, feeRate: new Dec('0.001'), limits: { maxOpenPositions: 1 }, ids: new OrderIds('t'), onStrategyError: 'throw' },
      { clock: new SimulatedClock(), feed: new ArrayFeed([s]), exchange, store: new MemoryStore() },
    );
    await engine.run();
    expect(engine.portfolio.closed).toHaveLength(1);
  });
});

/** A feed that hands out one candle per call and waits for the test to let the next one through. */
class GatedFeed implements Feed {
  readonly series;
  private n = 0;
  private release: (() => void) | null = null;
  constructor(closes: number[]) {
    this.series = [bars(closes.map((c) => [c, c, c, c]))];
  }
  open(): void {
    this.release?.();
  }
  async next(): Promise<FeedBatch | null> {
    if (this.n >= this.series[0]!.length) return null;
    if (this.n > 0) await new Promise<void>((r) => (this.release = r));
    const b = { instrument: 0, start: this.n, end: this.n + 1 };
    this.n++;
    return b;
  }
}

describe('closing one position on a running engine (forceexit)', () => {
  it('sells the pair at market with the reason given, between two candles, while the loop waits on the feed', async () => {
    const feed = new GatedFeed([100, 100, 120, 120]);
    const { engine, events } = engineWith({ closes: [], feed, strategy: (ctx, i) => (i === 0 ? ctx.buy() : undefined) });
    const running = engine.run();
    await new Promise((r) => setTimeout(r, 10));
    feed.open(); // the entry fills on the next candle
    await new Promise((r) => setTimeout(r, 10));
    expect(engine.portfolio.open.has('BTC/USDT')).toBe(true);
    const closed = await engine.operate(async () => {
      await engine.cancelAll('BTC/USDT');
      return engine.closePosition('BTC/USDT', 'manual');
    });
    expect(closed).toBe(true);
    expect(engine.portfolio.open.size).toBe(0);
    expect(engine.portfolio.closed[0]!.exitReason).toBe('manual');
    expect(events.find((e) => e.kind === 'trade-closed')).toMatchObject({ purpose: 'manual' });
    expect(await engine.closePosition('BTC/USDT', 'manual')).toBe(false); // nothing left to sell
    await expect(engine.closePosition('ETH/USDT', 'manual')).rejects.toThrow(/not ETH\/USDT/);
    engine.stop();
    feed.open();
    await running;
  });

  it('closeAll records panic as the exit reason', async () => {
    const { engine } = engineWith({ closes: [100, 100, 100], strategy: (ctx, i) => (i === 0 ? ctx.buy() : undefined) });
    await engine.run();
    expect(await engine.closeAll()).toBe(1);
    expect(engine.portfolio.closed[0]!.exitReason).toBe('panic');
  });
});
