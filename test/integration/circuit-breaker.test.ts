/**
 * The circuit breaker at the engine level, with the real ccxt adapter against the loopback
 * exchange and its faults: five exchange failures in a row on orders stop new orders for a minute
 * (of the engine's clock, driven here), then orders go out again and the count starts over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/money.js';
import { OrderIds } from '../../src/core/ids.js';
import { MutableCandleSeries } from '../../src/core/candles.js';
import { Engine } from '../../src/engine/engine.js';
import { ArrayFeed } from '../../src/data/array-feed.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { makeCcxt } from '../../src/exchange/make-ccxt.js';
import { CcxtExchange } from '../../src/exchange/ccxt-exchange.js';
import { startSim, SIM_API_KEY, SIM_API_SECRET, type SimServer } from '../../src/exchange/sim-server/server.js';
import type { StrategyInstance } from '../../src/strategies/types.js';

const SYMBOL = 'BTC/USDT';
const MINUTE = 60_000;

describe('circuit breaker', () => {
  let sim: SimServer;
  let port: CcxtExchange;

  beforeAll(async () => {
    // a frozen clock and a flat price: the exchange changes only through the control plane
    sim = await startSim({ speed: 0, walk: { symbols: [{ symbol: SYMBOL, price: 30_000 }], volatility: 0 }, balances: { USDT: 10_000 } });
    port = await CcxtExchange.connect(await makeCcxt({ id: 'binance', apiUrl: sim.url, rateLimit: 1, env: { TRADEBOT_API_KEY: SIM_API_KEY, TRADEBOT_API_SECRET: SIM_API_SECRET } }));
  }, 30_000);
  afterAll(() => sim.close());

  it('opens after 5 exchange failures in a row (no order reaches the exchange for a minute), then closes and orders flow again', async () => {
    // wants to be in the market on every candle
    const strategy: StrategyInstance = { onCandle: (ctx) => (ctx.inPosition ? undefined : ctx.buy()) };
    let now = sim.control.now();
    const bars = new MutableCandleSeries(MINUTE, 400);
    const market = port.market(SYMBOL)!;
    const engine = new Engine(
      [{ symbol: SYMBOL, market, strategy }],
      { quote: 'USDT', initialBalances: { USDT: new Dec(10_000) }, stake: { kind: 'fraction', value: new Dec('0.1') }, feeRate: new Dec('0.001'), limits: { maxOpenPositions: 1 }, ids: new OrderIds('cb'), onStrategyError: 'throw' },
      { clock: { now: () => now }, feed: new ArrayFeed([bars]), exchange: port, store: new MemoryStore() },
    );
    /** one more closed candle, `ms` of the engine's clock later */
    const bar = async (ms = 1000) => {
      now += ms;
      bars.push(bars.length * MINUTE, 30_000, 30_000, 30_000, 30_000, 10);
      await engine.processBar(0, bars, bars.length - 1);
    };
    const orderPosts = () => sim.control.requests().filter((r) => r.method === 'POST' && r.path === '/api/v3/order');

    // the exchange answers every order with a 503 (it does not take it): each is unknown, looked up, not-placed
    sim.control.addFault({ action: { kind: 'status', status: 503, body: 'Service Unavailable' }, method: 'POST', path: '/api/v3/order', count: 5 });
    for (let n = 0; n < 40 && engine.health.failures < 5; n++) await bar();
    expect(engine.health.failures).toBe(5);
    const opened = now;
    expect(engine.health.breakerUntil).toBe(opened + MINUTE);
    expect(orderPosts().map((r) => r.fault)).toEqual(['status', 'status', 'status', 'status', 'status']);
    expect(engine.decisions.filter((d) => d.outcome === 'unknown')).toHaveLength(5);
    // the fifth failed order is resolved (never placed) before the breaker is what holds orders back
    while ([...engine.orders.values()].some((o) => o.status === 'unknown')) await bar();
    expect([...engine.orders.values()].map((o) => o.status)).toEqual(['not-placed', 'not-placed', 'not-placed', 'not-placed', 'not-placed']);

    // open: the strategy still asks, nothing is sent until the minute is over
    const posts = orderPosts().length;
    const denied = engine.decisions.length;
    while (now + 10_000 < opened + MINUTE) await bar(10_000);
    expect(orderPosts()).toHaveLength(posts);
    const held = engine.decisions.slice(denied);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((d) => d.outcome === 'denied' && d.code === 'circuit-open')).toBe(true);
    expect(engine.portfolio.open.size).toBe(0);

    // closed: the next entry goes out and fills; the count starts over
    await bar(opened + MINUTE - now + 1);
    expect(orderPosts()).toHaveLength(posts + 1);
    expect(orderPosts().at(-1)!.fault).toBeUndefined();
    expect(engine.decisions.at(-1)).toMatchObject({ outcome: 'submitted', side: 'buy' });
    expect(engine.health.failures).toBe(0);
    expect(engine.portfolio.open.get(SYMBOL)?.qty.gt(0)).toBe(true);
    expect(sim.control.state().trades).toHaveLength(1);
  }, 60_000);
});
