/**
 * Market orders sized in quote (Binance's quoteOrderQty) through the real ccxt binance class:
 * createMarketBuyOrderWithCost and the raw `quoteOrderQty` param.
 */
import type { Exchange } from 'ccxt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Dec } from '../../../src/core/money.js';
import { OrderRejectedError } from '../../../src/core/errors.js';
import { classifyCcxtError } from '../../../src/exchange/ccxt-errors.js';
import type { SimServer } from '../../../src/exchange/sim-server/server.js';
import { bal, caught, ccxtFor, flatSim, setPrice, signedFetch, simState } from './helpers.js';

const S = 'BTC/USDT';

describe('market orders by quote amount through ccxt', () => {
  let sim: SimServer;
  let ex: Exchange;

  beforeAll(async () => {
    sim = await flatSim({ balances: { USDT: 10_000, BTC: 1 } });
    ex = await ccxtFor(sim.url);
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    sim.control.reset();
    await setPrice(sim.url, 30_000);
  });

  it('createMarketBuyOrderWithCost spends about that much quote, rounded down to the step, and charges the fee', async () => {
    const o = await ex.createMarketBuyOrderWithCost(S, 1000);
    expect(o.status).toBe('closed');
    expect(o.info.type).toBe('MARKET');
    expect(o.info.origQuoteOrderQty).toBe('1000.00000000');
    // 1000 / 30000 = 0.0333…, rounded down to the step 0.00001
    expect(o.filled).toBe(0.03333);
    expect(o.cost).toBeCloseTo(999.9, 8);
    expect(o.cost!).toBeLessThanOrEqual(1000);
    expect(1000 - o.cost!).toBeLessThan(30_000 * 0.00001); // less than one step's worth short
    expect(o.fee?.currency ?? o.trades?.[0]?.fee?.currency).toBe('USDT');

    const trades = await ex.fetchMyTrades(S, undefined, undefined, { orderId: o.id });
    expect(trades).toHaveLength(1);
    expect(trades[0]!.amount * trades[0]!.price).toBeCloseTo(999.9, 8);
    expect(trades[0]!.fee?.cost).toBeCloseTo(0.9999, 10);

    const s = await simState(sim.url);
    expect(bal(s, 'BTC')).toEqual({ free: '1.03333', used: '0', total: '1.03333' });
    expect(bal(s, 'USDT')).toEqual({ free: '8999.1001', used: '0', total: '8999.1001' }); // 10000 - 999.9 - 0.9999
  });

  it('the raw quoteOrderQty param does the same, with slippage in the price and the fill', async () => {
    const sim = await flatSim({ balances: { USDT: 10_000, BTC: 1 }, slippageBps: 10 });
    const ex = await ccxtFor(sim.url);
    await setPrice(sim.url, 20_000);
    const o = await ex.createOrder(S, 'market', 'buy', undefined as unknown as number, undefined, { quoteOrderQty: 500 });
    // filled at 20000 × 1.001 = 20020
    const s = await simState(sim.url);
    await sim.close();
    expect(s.orders[0]!.origQuoteOrderQty).toBe('500.00000000');
    expect(s.trades).toHaveLength(1);
    const t = s.trades[0]!;
    expect(t.price).toBe('20020.00000000');
    expect(t.qty).toBe('0.02497000'); // floor(500 / 20020, 0.00001)
    expect(Number(t.quoteQty)).toBeLessThanOrEqual(500);
    expect(500 - Number(t.quoteQty)).toBeLessThan(20_020 * 0.00001);
    expect(t.commission).toBe(new Dec('0.02497').mul(20_020).mul('0.001').toFixed(8));
    expect(o.filled).toBe(0.02497);
  });

  it('spending the whole free quote balance works, the fee included, as it does on Binance', async () => {
    sim.control.reset({ USDT: new Dec(1000), BTC: new Dec(0) });
    const o = await ex.createMarketBuyOrderWithCost(S, 1000);
    expect(o.status).toBe('closed');
    const s = await simState(sim.url);
    const usdt = new Dec(s.balances.USDT!.total);
    expect(usdt.gte(0)).toBe(true);
    expect(usdt.lt(30_000 * 0.00001 * 1.001)).toBe(true); // at most a step's worth left over
    expect(new Dec(s.balances.BTC!.total).toNumber()).toBeCloseTo(1000 / 30_000 / 1.001, 4);
    expect(Number(s.trades[0]!.commission)).toBeGreaterThan(0);
  });

  it('refuses a quote amount below the minimum notional, and one the account cannot pay, without placing an order', async () => {
    let e = await caught(ex.createMarketBuyOrderWithCost(S, 4)); // NOTIONAL 5
    let ours = classifyCcxtError(e, { operation: 'submit' }) as OrderRejectedError;
    expect(ours).toBeInstanceOf(OrderRejectedError);
    expect(ours.code).toBe('below-min-notional');
    e = await caught(ex.createMarketBuyOrderWithCost(S, 20_000));
    ours = classifyCcxtError(e, { operation: 'submit' }) as OrderRejectedError;
    expect(ours.code).toBe('insufficient-funds');
    const s = await simState(sim.url);
    expect(s.orders).toHaveLength(0);
    expect(bal(s, 'USDT')).toEqual({ free: '10000', used: '0', total: '10000' });
  });

  it('quoteOrderQty is for market orders only, and not together with quantity (-1106), with no side effect', async () => {
    const base = { symbol: 'BTCUSDT', side: 'BUY', newClientOrderId: 'qq' };
    const limit = await signedFetch(sim.url, 'POST', '/api/v3/order', { ...base, type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '29000.00', quoteOrderQty: '300', timestamp: sim.control.now() });
    expect([limit.status, limit.body.code]).toEqual([400, -1106]);
    const both = await signedFetch(sim.url, 'POST', '/api/v3/order', { ...base, type: 'MARKET', quantity: '0.01', quoteOrderQty: '300', timestamp: sim.control.now() });
    expect([both.status, both.body.code]).toEqual([400, -1106]);
    const neither = await signedFetch(sim.url, 'POST', '/api/v3/order', { ...base, type: 'MARKET', timestamp: sim.control.now() });
    expect([neither.status, neither.body.code]).toEqual([400, -1102]);
    const s = await simState(sim.url);
    expect(s.orders).toHaveLength(0);
    expect(bal(s, 'USDT')).toEqual({ free: '10000', used: '0', total: '10000' });
  });

  it('createMarketSellOrderWithCost sells about that much quote worth of base', async () => {
    const o = await ex.createMarketSellOrderWithCost(S, 3000);
    expect(o.status).toBe('closed');
    expect(o.filled).toBe(0.1);
    const s = await simState(sim.url);
    expect(bal(s, 'BTC')).toEqual({ free: '0.9', used: '0', total: '0.9' });
    expect(bal(s, 'USDT')).toEqual({ free: '12997', used: '0', total: '12997' }); // 10000 + 3000 - 3
  });
});
