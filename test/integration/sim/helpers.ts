/**
 * Shared setup for the loopback-simulator integration tests: a simulator started in-process and
 * the real ccxt `binance` class re-pointed at it with the repo's makeCcxt helper.
 */
import type { Exchange } from 'ccxt';
import { Dec } from '../../../src/core/money.js';
import { makeCcxt } from '../../../src/exchange/make-ccxt.js';
import { startSim, SIM_API_KEY, SIM_API_SECRET, type SimOptions, type SimServer } from '../../../src/exchange/sim-server/server.js';
import { signPayload } from '../../../src/exchange/sim-server/signing.js';

export const SIM_ENV = { TRADEBOT_API_KEY: SIM_API_KEY, TRADEBOT_API_SECRET: SIM_API_SECRET };

/** The default walk market, spelled out so that tests can reason about filters. */
export const MARKET = { priceTick: new Dec('0.01'), amountStep: new Dec('0.00001'), minAmount: new Dec('0.00001'), minNotional: new Dec('5') };

/**
 * A random-walk simulator whose price moves only when a test sets it (volatility 0), on a clock that
 * runs at real speed from now, so that a ccxt client needs no time sync.
 */
export async function flatSim(o: Partial<SimOptions> & { symbols?: { symbol: string; price: number }[] } = {}): Promise<SimServer> {
  const { symbols, ...rest } = o;
  return startSim({
    speed: 1,
    walk: { symbols: symbols ?? [{ symbol: 'BTC/USDT', price: 30_000 }], volatility: 0 },
    balances: { USDT: 10_000, BTC: 1 },
    fee: '0.001',
    market: MARKET,
    ...rest,
  });
}

/** The real ccxt binance class pointed at the simulator, with the simulator's test credentials. */
export async function ccxtFor(url: string, env: Record<string, string> = SIM_ENV): Promise<Exchange> {
  const ex = await makeCcxt({ id: 'binance', apiUrl: url, rateLimit: 1, env });
  await ex.loadMarkets();
  return ex;
}

/** `/__sim/state` over HTTP, as any client would read it. */
export async function simState(url: string): Promise<{
  time: number;
  prices: Record<string, number>;
  balances: Record<string, { free: string; used: string; total: string }>;
  orders: Record<string, any>[];
  trades: Record<string, any>[];
}> {
  const r = await fetch(`${url}/__sim/state`);
  if (r.status !== 200) throw new Error(`/__sim/state answered ${r.status}`);
  return (await r.json()) as any;
}

/** POST /__sim/price */
export async function setPrice(url: string, price: number, symbol?: string, volume?: number): Promise<void> {
  const r = await fetch(`${url}/__sim/price`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ price, ...(symbol ? { symbol } : {}), ...(volume !== undefined ? { volume } : {}) }) });
  if (r.status !== 200) throw new Error(`/__sim/price answered ${r.status}: ${await r.text()}`);
}

/** A signed request built by hand (for what ccxt would never send: stale timestamps, bad signatures). */
export async function signedFetch(
  url: string,
  method: string,
  path: string,
  params: Record<string, string | number>,
  o: { secret?: string; signature?: string; key?: string } = {},
): Promise<{ status: number; body: any }> {
  const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  const sig = o.signature ?? signPayload(o.secret ?? SIM_API_SECRET, q);
  const r = await fetch(`${url}${path}?${q}&signature=${sig}`, { method, headers: { 'X-MBX-APIKEY': o.key ?? SIM_API_KEY } });
  return { status: r.status, body: await r.json() };
}

/** The rejection a promise ends with (fails the test when it resolves). */
export async function caught(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

/** A balance from /__sim/state as numbers-in-strings, for exact comparisons. */
export function bal(s: { balances: Record<string, { free: string; used: string; total: string }> }, c: string): { free: string; used: string; total: string } {
  const b = s.balances[c];
  if (!b) throw new Error(`no balance ${c}`);
  return { free: new Dec(b.free).toFixed(), used: new Dec(b.used).toFixed(), total: new Dec(b.total).toFixed() };
}
