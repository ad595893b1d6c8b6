/**
 * DELETE /api/v3/openOrders (ccxt cancelAllOrders) on a two-symbol simulator: only that symbol's
 * open orders are cancelled and what they locked is released; /allOrders and /myTrades (ccxt
 * fetchOrders, fetchMyTrades) list them per symbol with unique trade ids.
 */
import type { Exchange } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderRejectedError } from '../../../src/core/errors.js';
import { classifyCcxtError } from '../../../src/exchange/ccxt-errors.js';
import type { SimServer } from '../../../src/exchange/sim-server/server.js';
import { bal, caught, ccxtFor, flatSim, setPrice, simState } from './helpers.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

describe('cancel all, all orders and my trades through ccxt, two symbols', () => {
  let sim: SimServer;
  let ex: Exchange;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    sim = await flatSim({
      symbols: [
        { symbol: BTC, price: 30_000 },
        { symbol: ETH, price: 2_000 },
      ],
      balances: { USDT: 10_000, BTC: 1, ETH: 5 },
      maxVolumeFraction: 0.5,
    });
    ex = await ccxtFor(sim.url);
  });
  afterAll(() => sim.close());

  it('sets up: resting, conditional and filled orders on both symbols, one filled in several trades', async () => {
    ids.btcBuy = (await ex.createOrder(BTC, 'limit', 'buy', 0.1, 29_000)).id;
    ids.btcSell = (await ex.createOrder(BTC, 'limit', 'sell', 0.2, 31_000)).id;
    ids.btcStop = (await ex.createOrder(BTC, 'limit', 'sell', 0.1, 28_000, { triggerPrice: 28_500 })).id;
    ids.btcMarket = (await ex.createOrder(BTC, 'market', 'buy', 0.01)).id;
    ids.ethBuy = (await ex.createOrder(ETH, 'limit', 'buy', 1, 1_900)).id;
    ids.ethSell = (await ex.createOrder(ETH, 'limit', 'sell', 2, 2_100)).id;
    ids.ethPartial = (await ex.createOrder(ETH, 'limit', 'buy', 0.4, 1_990)).id;
    // the price touches 1990 with little volume: 0.1 per tick may fill (half the volume)
    for (let i = 0; i < 4; i++) await setPrice(sim.url, 1_990, ETH, 0.2);
    await setPrice(sim.url, 2_000, ETH);
    const p = await ex.fetchOrder(ids.ethPartial, ETH);
    expect([p.status, p.filled]).toEqual(['closed', 0.4]);
    expect(new Set(Object.values(ids)).size).toBe(7);

    const s = await simState(sim.url);
    expect(bal(s, 'BTC').used).toBe('0.3'); // 0.2 + 0.1 locked by the sells
    expect(bal(s, 'ETH').used).toBe('2');
    // 0.1 × 29000 × 1.001 + 1 × 1900 × 1.001
    expect(bal(s, 'USDT').used).toBe('4804.8');
  });

  it("cancelAllOrders(BTC/USDT) cancels BTC/USDT's open orders only and releases what they locked", async () => {
    const before = await simState(sim.url);
    const res = await ex.cancelAllOrders(BTC);
    expect(res.map((o) => o.id).sort()).toEqual([ids.btcBuy, ids.btcSell, ids.btcStop].sort());
    expect(res.every((o) => o.status === 'canceled')).toBe(true);

    const s = await simState(sim.url);
    expect(bal(s, 'BTC')).toEqual({ free: '1.01', used: '0', total: '1.01' });
    expect(bal(s, 'ETH')).toEqual(bal(before, 'ETH'));
    expect(bal(s, 'USDT').used).toBe('1901.9'); // the ETH buy's lock only
    expect(bal(s, 'USDT').total).toBe(bal(before, 'USDT').total); // cancels move nothing
    expect((await ex.fetchOpenOrders(BTC)).length).toBe(0);
    expect((await ex.fetchOpenOrders(ETH)).map((o) => o.id).sort()).toEqual([ids.ethBuy, ids.ethSell].sort());

    // the cancelled stop stays cancelled when the price later crosses it
    await setPrice(sim.url, 28_000, BTC);
    await setPrice(sim.url, 30_000, BTC);
    expect((await simState(sim.url)).trades.filter((t) => t.symbol === BTC)).toHaveLength(1);
  });

  it('a second cancelAllOrders with nothing open is -2011, which we classify as order-not-found; nothing changes', async () => {
    const before = await simState(sim.url);
    const e = await caught(ex.cancelAllOrders(BTC));
    expect(e.message).toContain('-2011');
    const ours = classifyCcxtError(e, { operation: 'cancel' }) as OrderRejectedError;
    expect(ours).toBeInstanceOf(OrderRejectedError);
    expect(ours.code).toBe('order-not-found');
    const after = await simState(sim.url);
    expect(after.balances).toEqual(before.balances);
    expect(after.orders).toEqual(before.orders);
  });

  it('fetchOrders (allOrders) lists each symbol’s orders, ascending, with their final states', async () => {
    const btc = await ex.fetchOrders(BTC);
    expect(btc.map((o) => [o.id, o.status, o.symbol])).toEqual([
      [ids.btcBuy, 'canceled', BTC],
      [ids.btcSell, 'canceled', BTC],
      [ids.btcStop, 'canceled', BTC],
      [ids.btcMarket, 'closed', BTC],
    ]);
    expect(btc[2]!.triggerPrice).toBe(28_500);
    const eth = await ex.fetchOrders(ETH);
    expect(eth.map((o) => [o.id, o.status])).toEqual([
      [ids.ethBuy, 'open'],
      [ids.ethSell, 'open'],
      [ids.ethPartial, 'closed'],
    ]);
    // paging: from an order id on, and the most recent `limit`
    expect((await ex.fetchOrders(BTC, undefined, undefined, { orderId: ids.btcStop })).map((o) => o.id)).toEqual([ids.btcStop, ids.btcMarket]);
    expect((await ex.fetchOrders(BTC, undefined, 2)).map((o) => o.id)).toEqual([ids.btcStop, ids.btcMarket]);
  });

  it('fetchMyTrades lists each symbol’s trades with unique ids, tied to their orders, fees in quote', async () => {
    const btc = await ex.fetchMyTrades(BTC);
    const eth = await ex.fetchMyTrades(ETH);
    expect(btc.map((t) => [t.order, t.side, t.amount, t.price])).toEqual([[ids.btcMarket, 'buy', 0.01, 30_000]]);
    expect(eth.length).toBeGreaterThanOrEqual(2); // the partial buy filled in several trades
    expect(eth.every((t) => t.order === ids.ethPartial && t.price === 1_990 && t.symbol === ETH)).toBe(true);
    expect(eth.reduce((a, t) => a + t.amount, 0)).toBeCloseTo(0.4, 10);
    const all = [...btc, ...eth];
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    for (const t of all) expect(t.fee?.currency).toBe('USDT');
    for (const t of all) expect(t.fee!.cost).toBeCloseTo(t.amount * t.price * 0.001, 8);
    // ascending ids; fromId pages from one on
    const sorted = [...eth].sort((a, b) => Number(a.id) - Number(b.id));
    expect(eth.map((t) => t.id)).toEqual(sorted.map((t) => t.id));
    const from = await ex.fetchMyTrades(ETH, undefined, undefined, { fromId: eth[1]!.id });
    expect(from.map((t) => t.id)).toEqual(eth.slice(1).map((t) => t.id));
    // by order
    expect((await ex.fetchMyTrades(ETH, undefined, undefined, { orderId: ids.ethBuy })).length).toBe(0);
    // the trades are what moved the balances: BTC +0.01, ETH +0.4
    const s = await simState(sim.url);
    expect(bal(s, 'BTC').total).toBe('1.01');
    expect(bal(s, 'ETH').total).toBe('5.4');
  });

  it('cancelAllOrders(ETH/USDT) then leaves nothing open and nothing locked', async () => {
    await ex.cancelAllOrders(ETH);
    const s = await simState(sim.url);
    for (const c of ['USDT', 'BTC', 'ETH']) expect(bal(s, c).used, c).toBe('0');
    expect(s.orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')).toHaveLength(0);
  });
});
