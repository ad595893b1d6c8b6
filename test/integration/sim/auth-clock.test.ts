/**
 * Signed requests against the sim clock: a timestamp outside recvWindow is -1021 (and the adapter
 * re-syncs and retries once), a wrong signature is -1022, a missing or wrong key -2014/-2015; none
 * of them has a side effect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec } from '../../../src/core/money.js';
import type { OrderRequest } from '../../../src/core/orders.js';
import { CcxtExchange } from '../../../src/exchange/ccxt-exchange.js';
import { AuthError, ClockSkewError, classifyCcxtError } from '../../../src/exchange/ccxt-errors.js';
import { makeCcxt } from '../../../src/exchange/make-ccxt.js';
import { startSim, SIM_API_SECRET, type SimServer } from '../../../src/exchange/sim-server/server.js';
import { signPayload } from '../../../src/exchange/sim-server/signing.js';
import { SAMPLE_DATA } from '../../support/cli.js';
import { bal, caught, SIM_ENV, signedFetch, simState } from './helpers.js';

const S = 'BTC/USDT';

describe('timestamps, recvWindow and signatures against a replay in the past', () => {
  let sim: SimServer;

  beforeAll(async () => {
    // replaying 2024 at real speed: a client's wall clock is far ahead of the sim clock
    sim = await startSim({ data: SAMPLE_DATA, speed: 1, balances: { USDT: 10_000, BTC: 1 } });
  }, 30_000);
  afterAll(() => sim.close());

  const orderLog = () => sim.control.requests().filter((r) => r.method === 'POST' && r.path === '/api/v3/order');

  it('the adapter, not synced, gets -1021 on its first order, re-syncs, and places the order exactly once', async () => {
    sim.control.reset();
    const ex = await makeCcxt({ id: 'binance', apiUrl: sim.url, rateLimit: 1, env: SIM_ENV });
    const port = await CcxtExchange.connect(ex); // no syncTime
    const req: OrderRequest = { clientOrderId: 'clock-1', symbol: S, side: 'buy', type: 'limit', amount: new Dec('0.01'), price: new Dec(20_000), purpose: 'manual', createdAt: 0 };
    const res = await port.submit(req);
    expect(res.status).toBe('open');
    expect(orderLog().map((r) => r.status)).toEqual([400, 200]);
    const s = await simState(sim.url);
    expect(s.orders.map((o) => o.clientOrderId)).toEqual(['clock-1']);
    expect(bal(s, 'USDT').used).toBe('200.2'); // locked once
    // synced now: the next signed call goes straight through
    await port.fetchBalances();
    expect(sim.control.requests().filter((r) => r.path === '/api/v3/account').map((r) => r.status)).toEqual([200]);
  });

  it('plain ccxt without a sync: InvalidNonce, classified ClockSkewError, and no order', async () => {
    sim.control.reset();
    const ex = await makeCcxt({ id: 'binance', apiUrl: sim.url, rateLimit: 1, env: SIM_ENV });
    await ex.loadMarkets();
    const e = await caught(ex.createOrder(S, 'limit', 'buy', 0.01, 20_000));
    expect(e.constructor.name).toBe('InvalidNonce');
    expect(classifyCcxtError(e, { operation: 'submit' })).toBeInstanceOf(ClockSkewError);
    const s = await simState(sim.url);
    expect(s.orders).toHaveLength(0);
    expect(bal(s, 'USDT')).toEqual({ free: '10000', used: '0', total: '10000' });
    // after a sync the same call works
    await ex.loadTimeDifference();
    await ex.createOrder(S, 'limit', 'buy', 0.01, 20_000);
    expect((await simState(sim.url)).orders).toHaveLength(1);
  });

  it('recvWindow: behind by more than it, or 1 s or more ahead, is -1021; within it is accepted', async () => {
    const acct = (timestamp: number, extra: Record<string, string | number> = {}) => signedFetch(sim.url, 'GET', '/api/v3/account', { ...extra, timestamp });
    expect((await acct(sim.control.now())).status).toBe(200);
    expect((await acct(sim.control.now() - 6_000)).body.code).toBe(-1021); // default recvWindow 5000
    expect((await acct(sim.control.now() - 6_000, { recvWindow: 10_000 })).status).toBe(200);
    expect((await acct(sim.control.now() - 20_000, { recvWindow: 10_000 })).body.code).toBe(-1021);
    expect((await acct(sim.control.now() + 1_500)).body.code).toBe(-1021);
    expect((await acct(sim.control.now() + 500)).status).toBe(200);
    expect((await acct(Date.now())).body.code).toBe(-1021); // the wall clock, a year and more ahead
    const big = await acct(sim.control.now(), { recvWindow: 70_000 });
    expect([big.status, big.body.code]).toEqual([400, -1131]);
  });

  it('an order with a stale timestamp, a wrong signature, a missing signature, or a bad key changes nothing', async () => {
    sim.control.reset();
    const before = await simState(sim.url);
    const order = (timestamp: number) => ({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '20000.00', newClientOrderId: 'never', timestamp });

    const stale = await signedFetch(sim.url, 'POST', '/api/v3/order', order(sim.control.now() - 60_000));
    expect([stale.status, stale.body.code]).toEqual([400, -1021]);
    const wrongSecret = await signedFetch(sim.url, 'POST', '/api/v3/order', order(sim.control.now()), { secret: 'not-the-secret' });
    expect([wrongSecret.status, wrongSecret.body.code]).toEqual([400, -1022]);
    const garbage = await signedFetch(sim.url, 'POST', '/api/v3/order', order(sim.control.now()), { signature: 'zz' });
    expect(garbage.body.code).toBe(-1022);
    const q = new URLSearchParams(Object.entries(order(sim.control.now())).map(([k, v]) => [k, String(v)])).toString();
    // signed, then a parameter changed: the signature no longer matches
    const tampered = q.replace('quantity=0.01', 'quantity=0.02');
    const r1 = await fetch(`${sim.url}/api/v3/order?${tampered}&signature=${signPayload(SIM_API_SECRET, q)}`, { method: 'POST', headers: { 'X-MBX-APIKEY': SIM_ENV.TRADEBOT_API_KEY } });
    expect(((await r1.json()) as { code: number }).code).toBe(-1022);
    const unsigned = await fetch(`${sim.url}/api/v3/order?${q}`, { method: 'POST', headers: { 'X-MBX-APIKEY': SIM_ENV.TRADEBOT_API_KEY } });
    expect(((await unsigned.json()) as { code: number }).code).toBe(-1102);
    const noKey = await fetch(`${sim.url}/api/v3/order?${q}&signature=${signPayload(SIM_API_SECRET, q)}`, { method: 'POST' });
    expect([noKey.status, ((await noKey.json()) as { code: number }).code]).toEqual([401, -2014]);
    const badKey = await signedFetch(sim.url, 'POST', '/api/v3/order', order(sim.control.now()), { key: 'someone-else' });
    expect([badKey.status, badKey.body.code]).toEqual([401, -2015]);

    const after = await simState(sim.url);
    expect(after.orders).toHaveLength(0);
    expect(after.trades).toHaveLength(0);
    expect(after.balances).toEqual(before.balances);

    // the same order, properly signed, goes through (the refused ones did not take its client id)
    const ok = await signedFetch(sim.url, 'POST', '/api/v3/order', order(sim.control.now()));
    expect([ok.status, ok.body.clientOrderId]).toEqual([200, 'never']);
    expect((await simState(sim.url)).orders).toHaveLength(1);
  });

  it('a request signed over query string and body together (Binance "totalParams") is accepted', async () => {
    sim.control.reset();
    const query = 'symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC';
    const body = `quantity=0.5&price=90000.00&recvWindow=5000&timestamp=${sim.control.now()}`;
    const sig = signPayload(SIM_API_SECRET, query + body);
    const r = await fetch(`${sim.url}/api/v3/order?${query}`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': SIM_ENV.TRADEBOT_API_KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${body}&signature=${sig}`,
    });
    expect(r.status).toBe(200);
    const s = await simState(sim.url);
    expect(bal(s, 'BTC')).toEqual({ free: '0.5', used: '0.5', total: '1' });
    // the body signed as if joined with "&" is not Binance's payload
    const bad = await fetch(`${sim.url}/api/v3/order?${query}`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': SIM_ENV.TRADEBOT_API_KEY },
      body: `${body}&signature=${signPayload(SIM_API_SECRET, `${query}&${body}`)}`,
    });
    expect(((await bad.json()) as { code: number }).code).toBe(-1022);
    expect((await simState(sim.url)).orders).toHaveLength(1);
  });

  it('the adapter with a wrong secret gets AuthError and places nothing', async () => {
    sim.control.reset();
    const port = await CcxtExchange.connect(await makeCcxt({ id: 'binance', apiUrl: sim.url, rateLimit: 1, env: { ...SIM_ENV, TRADEBOT_API_SECRET: 'wrong' } }), { syncTime: true });
    const e = await caught(port.submit({ clientOrderId: 'auth-1', symbol: S, side: 'buy', type: 'limit', amount: new Dec('0.01'), price: new Dec(20_000), purpose: 'manual', createdAt: 0 }));
    expect(e).toBeInstanceOf(AuthError);
    expect((await simState(sim.url)).orders).toHaveLength(0);
  });
});
