import { Dec } from '../../src/core/money.js';
import { makeCcxt } from '../../src/exchange/make-ccxt.js';
import { CcxtExchange } from '../../src/exchange/ccxt-exchange.js';
import { startSim, SIM_API_KEY, SIM_API_SECRET } from '../../src/exchange/sim-server/server.js';
import { exchangePortContract, SYMBOL, type HarnessOptions } from './exchange-port.contract.js';

export const SIM_ENV = { TRADEBOT_API_KEY: SIM_API_KEY, TRADEBOT_API_SECRET: SIM_API_SECRET };

/** The real ccxt binance class, re-pointed at the loopback simulator; the price moves only when set. */
export async function ccxtOnSim(o: HarnessOptions) {
  const sim = await startSim({
    speed: 1,
    walk: { symbols: [{ symbol: SYMBOL, price: o.startPrice }], volatility: 0 },
    balances: o.balances,
    fee: o.fee,
    slippageBps: o.slippageBps,
    ...(o.maxVolumeFraction !== undefined ? { maxVolumeFraction: o.maxVolumeFraction } : {}),
    market: { priceTick: new Dec(o.market.priceTick), amountStep: new Dec(o.market.amountStep), minAmount: new Dec(o.market.minAmount), minNotional: new Dec(o.market.minNotional) },
  });
  const ex = await makeCcxt({ id: 'binance', apiUrl: sim.url, rateLimit: 1, env: SIM_ENV });
  const port = await CcxtExchange.connect(ex);
  return {
    port,
    sim,
    ex,
    async advance(price: number, volume = 1e9) {
      sim.control.setPrice(price, { volume });
      await port.onBar(SYMBOL);
    },
    close: () => sim.close(),
  };
}

exchangePortContract('ccxt binance adapter on the loopback simulator', ccxtOnSim);

// ---------------------------------------------------------------------------------------------
// ccxt only: every fault the control plane can inject arrives as the right error class of ours

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderRejectedError } from '../../src/core/errors.js';
import type { OrderRequest } from '../../src/core/orders.js';
import {
  AuthError,
  BannedError,
  ClockSkewError,
  ExchangeUnavailableError,
  NetworkError,
  RateLimitedError,
  UnknownOutcomeError,
} from '../../src/exchange/ccxt-errors.js';
import type { FaultAction } from '../../src/exchange/sim-server/faults.js';

describe('ccxt adapter: control-plane faults map to our error classes', () => {
  let h: Awaited<ReturnType<typeof ccxtOnSim>>;
  let seq = 0;
  const order = (): OrderRequest => ({ clientOrderId: `flt-${Date.now().toString(36)}-${++seq}`, symbol: SYMBOL, side: 'buy', type: 'limit', amount: new Dec('0.2'), price: new Dec(90), purpose: 'manual', createdAt: 0 });
  const fault = (action: FaultAction, method: string, path: string, count = 1) => h.sim.control.addFault({ action, method, path, count });
  const caught = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err;
    }
    throw new Error('expected an error');
  };

  beforeAll(async () => {
    h = await ccxtOnSim({
      balances: { USDT: '10000', BTC: '1' },
      fee: '0.001',
      slippageBps: 0,
      market: { priceTick: '0.01', amountStep: '0.00001', minAmount: '0.001', minNotional: '10' },
      startPrice: 100,
    });
    // a short client timeout, so that a held response is a timeout
    h.ex.timeout = 400;
  });
  afterAll(() => h.close());

  it('429 is RateLimitedError with the Retry-After', async () => {
    fault({ kind: 'rate-limit', retryAfter: 3 }, 'GET', '/api/v3/account');
    const e = await caught(h.port.fetchBalances());
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBe(3000);
    expect((e as RateLimitedError).exitCode).toBe(4);
  });

  it('418 is BannedError until the time the exchange names', async () => {
    fault({ kind: 'ban', retryAfter: 120 }, 'GET', '/api/v3/account');
    const e = await caught(h.port.fetchBalances());
    expect(e).toBeInstanceOf(BannedError);
    expect((e as BannedError).until).toBeGreaterThan(Date.now() + 100_000);
  });

  it('a bad API key, a bad signature and -2015 are AuthError', async () => {
    fault({ kind: 'error', code: -2015, msg: 'Invalid API-key, IP, or permissions for action.', status: 401 }, 'GET', '/api/v3/account');
    expect(await caught(h.port.fetchBalances())).toBeInstanceOf(AuthError);
    const { makeCcxt } = await import('../../src/exchange/make-ccxt.js');
    const { CcxtExchange } = await import('../../src/exchange/ccxt-exchange.js');
    for (const env of [{ ...SIM_ENV, TRADEBOT_API_KEY: 'wrong' }, { ...SIM_ENV, TRADEBOT_API_SECRET: 'wrong' }]) {
      const port = await CcxtExchange.connect(await makeCcxt({ id: 'binance', apiUrl: h.sim.url, env }));
      expect(await caught(port.fetchBalances())).toBeInstanceOf(AuthError);
    }
  });

  it('-2010 insufficient balance is OrderRejectedError(insufficient-funds)', async () => {
    fault({ kind: 'error', code: -2010, msg: 'Account has insufficient balance for requested action.' }, 'POST', '/api/v3/order');
    const e = await caught(h.port.submit(order()));
    expect(e).toBeInstanceOf(OrderRejectedError);
    expect((e as OrderRejectedError).code).toBe('insufficient-funds');
  });

  it('an HTML error page and a bare 503 are ExchangeUnavailableError, and an order is not re-sent', async () => {
    h.sim.control.clearRequests();
    fault({ kind: 'html', status: 502 }, 'POST', '/api/v3/order');
    const e = await caught(h.port.submit(order()));
    expect(e).toBeInstanceOf(ExchangeUnavailableError);
    expect((e as ExchangeUnavailableError).outcomeUnknown).toBe(true);
    fault({ kind: 'status', status: 503, body: 'Service Unavailable' }, 'GET', '/api/v3/account');
    const e2 = await caught(h.port.fetchBalances());
    expect(e2).toBeInstanceOf(ExchangeUnavailableError);
    expect((e2 as ExchangeUnavailableError).outcomeUnknown).toBe(false);
    expect(h.sim.control.requests().filter((r) => r.method === 'POST' && r.path === '/api/v3/order')).toHaveLength(1);
  });

  it('a response held past the client timeout is UnknownOutcomeError for an order, which the query then finds', async () => {
    fault({ kind: 'delay', ms: 1500 }, 'POST', '/api/v3/order');
    const r = order();
    const e = await caught(h.port.submit(r));
    expect(e).toBeInstanceOf(UnknownOutcomeError);
    expect((await h.port.fetchOrder(r.clientOrderId, SYMBOL))!.status).toBe('open');
  });

  it('a held response to a read is NetworkError, not an unknown outcome', async () => {
    fault({ kind: 'delay', ms: 1500 }, 'GET', '/api/v3/account');
    const e = await caught(h.port.fetchBalances());
    expect(e).toBeInstanceOf(NetworkError);
    expect(e).not.toBeInstanceOf(UnknownOutcomeError);
  });

  it('a dropped connection on an order is UnknownOutcomeError; the order was never placed', async () => {
    fault({ kind: 'drop' }, 'POST', '/api/v3/order');
    const r = order();
    expect(await caught(h.port.submit(r))).toBeInstanceOf(UnknownOutcomeError);
    expect(await h.port.fetchOrder(r.clientOrderId, SYMBOL)).toBeNull();
  });

  it('an order accepted before the connection dropped is UnknownOutcomeError; the order exists', async () => {
    fault({ kind: 'accept-then-drop' }, 'POST', '/api/v3/order');
    const r = order();
    expect(await caught(h.port.submit(r))).toBeInstanceOf(UnknownOutcomeError);
    expect((await h.port.fetchOrder(r.clientOrderId, SYMBOL))!.status).toBe('open');
  });

  it('a dropped connection on a read is NetworkError', async () => {
    fault({ kind: 'drop' }, 'GET', '/api/v3/account');
    const e = await caught(h.port.fetchBalances());
    expect(e).toBeInstanceOf(NetworkError);
    expect(e).not.toBeInstanceOf(UnknownOutcomeError);
  });

  it('connects when the first market load fails once (ccxt would keep the failed load), with retryReads', async () => {
    const { makeCcxt } = await import('../../src/exchange/make-ccxt.js');
    h.sim.control.clearRequests();
    fault({ kind: 'drop' }, 'GET', '/api/v3/exchangeInfo');
    const port = await CcxtExchange.connect(await makeCcxt({ id: 'binance', apiUrl: h.sim.url, env: SIM_ENV }), { retryReads: { attempts: 2, baseMs: 10, maxWaitMs: 1000 } });
    expect(port.market(SYMBOL)).toBeDefined();
    expect(h.sim.control.requests().filter((r) => r.path === '/api/v3/exchangeInfo').map((r) => r.fault ?? 'ok')).toEqual(['drop', 'ok']);
    // a reload that fails does not spoil the markets already loaded
    fault({ kind: 'status', status: 503 }, 'GET', '/api/v3/exchangeInfo', 2);
    expect(await caught(port.refreshMarkets())).toBeInstanceOf(ExchangeUnavailableError);
    expect(await port.fetchOpenOrders([SYMBOL])).toBeInstanceOf(Array);
  });

  it('with retryReads, a read that fails for a passing reason is asked again; a ban or an order never is', async () => {
    const waits: number[] = [];
    h.port.retryReads({ attempts: 3, baseMs: 10, maxWaitMs: 1000, onRetry: (_e, _n, ms) => waits.push(ms) });
    try {
      fault({ kind: 'drop' }, 'GET', '/api/v3/account');
      fault({ kind: 'html', status: 502 }, 'GET', '/api/v3/account');
      expect((await h.port.fetchBalances()).USDT).toBeDefined();
      expect(waits).toHaveLength(2);
      expect(waits[1]!).toBeGreaterThanOrEqual(10); // the second wait is up to twice the first
      fault({ kind: 'status', status: 503 }, 'GET', '/api/v3/account', 3);
      expect(await caught(h.port.fetchBalances())).toBeInstanceOf(ExchangeUnavailableError);
      h.sim.control.clearRequests();
      fault({ kind: 'ban', retryAfter: 120 }, 'GET', '/api/v3/account');
      expect(await caught(h.port.fetchBalances())).toBeInstanceOf(BannedError);
      expect(h.sim.control.requests().filter((r) => r.path === '/api/v3/account')).toHaveLength(1);
      fault({ kind: 'html', status: 502 }, 'POST', '/api/v3/order');
      expect(await caught(h.port.submit(order()))).toBeInstanceOf(ExchangeUnavailableError);
      expect(h.sim.control.requests().filter((r) => r.method === 'POST' && r.path === '/api/v3/order')).toHaveLength(1);
    } finally {
      h.port.retryReads(null);
      h.sim.control.clearFaults();
    }
  });

  it('-1021 is retried once after re-syncing the clock, and ClockSkewError when it persists', async () => {
    fault({ kind: 'error', code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' }, 'GET', '/api/v3/account');
    expect((await h.port.fetchBalances()).USDT).toBeDefined();
    fault({ kind: 'error', code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' }, 'GET', '/api/v3/account', 2);
    expect(await caught(h.port.fetchBalances())).toBeInstanceOf(ClockSkewError);
  });

  it('the simulator refuses a stale timestamp and a bad signature with Binance codes, and unknown endpoints with a 404', async () => {
    const { signPayload } = await import('../../src/exchange/sim-server/signing.js');
    const get = async (q: string) => {
      const r = await fetch(`${h.sim.url}/api/v3/account?${q}&signature=${signPayload(SIM_ENV.TRADEBOT_API_SECRET, q)}`, { headers: { 'X-MBX-APIKEY': SIM_ENV.TRADEBOT_API_KEY } });
      return { status: r.status, body: (await r.json()) as { code?: number } };
    };
    expect((await get(`timestamp=${h.sim.control.now()}`)).status).toBe(200);
    expect((await get(`timestamp=${h.sim.control.now() - 10_000}`)).body.code).toBe(-1021);
    const bad = await fetch(`${h.sim.url}/api/v3/account?timestamp=${h.sim.control.now()}&signature=00`, { headers: { 'X-MBX-APIKEY': SIM_ENV.TRADEBOT_API_KEY } });
    expect(((await bad.json()) as { code: number }).code).toBe(-1022);
    const sapi = await fetch(`${h.sim.url}/sapi/v1/capital/config/getall`);
    expect(sapi.status).toBe(404);
    expect(((await sapi.json()) as { code: number }).code).toBe(-1020);
  });
});
