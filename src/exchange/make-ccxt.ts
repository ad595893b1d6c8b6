import type { Exchange } from 'ccxt';
import { UsageError } from '../core/errors.js';

export interface MakeCcxtOptions {
  /** ccxt exchange id, e.g. 'binance' */
  id: string;
  /** re-point every REST base URL at this origin (the loopback simulator), keeping the paths */
  apiUrl?: string;
  /** the exchange's testnet / sandbox URLs */
  sandbox?: boolean;
  /** ms between requests for ccxt's rate limiter (default: the exchange's own) */
  rateLimit?: number;
  /** request timeout, ms (ccxt's default 10000) */
  timeout?: number;
  /** where credentials come from: TRADEBOT_API_KEY, TRADEBOT_API_SECRET, TRADEBOT_API_PASSWORD */
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds a ccxt exchange instance. ccxt is imported here, lazily: it takes most of a second to
 * load, and read-only commands never need it.
 */
export async function makeCcxt(o: MakeCcxtOptions): Promise<Exchange> {
  const mod = (await import('ccxt')) as unknown as { default?: Record<string, unknown> } & Record<string, unknown>;
  const ids = (mod.default?.exchanges ?? []) as string[];
  const Ctor = (mod.default?.[o.id] ?? mod[o.id]) as (new (config: Record<string, unknown>) => Exchange) | undefined;
  if (typeof Ctor !== 'function' || (Array.isArray(ids) && ids.length > 0 && !ids.includes(o.id))) {
    throw new UsageError(`unknown exchange ${JSON.stringify(o.id)}: expected a ccxt exchange id such as binance, kraken, coinbase`);
  }
  const env = o.env ?? process.env;
  const options: Record<string, unknown> = {
    adjustForTimeDifference: false,
    // an order is never re-sent automatically: a retry after a lost response can duplicate it
    maxRetriesOnFailure: 0,
  };
  if (o.id === 'binance') {
    // spot only: no futures or margin endpoints (sapi, fapi, dapi) behind loadMarkets
    Object.assign(options, { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false, defaultType: 'spot' });
  }
  const config: Record<string, unknown> = { enableRateLimit: true, options };
  if (o.rateLimit !== undefined) config.rateLimit = o.rateLimit;
  if (o.timeout !== undefined) config.timeout = o.timeout;
  if (env.TRADEBOT_API_KEY) config.apiKey = env.TRADEBOT_API_KEY;
  if (env.TRADEBOT_API_SECRET) config.secret = env.TRADEBOT_API_SECRET;
  if (env.TRADEBOT_API_PASSWORD) config.password = env.TRADEBOT_API_PASSWORD;
  const ex = new Ctor(config);
  if (o.sandbox) ex.setSandboxMode(true);
  if (o.apiUrl) repointUrls(ex.urls.api as unknown as Record<string, unknown>, o.apiUrl);
  return ex;
}

/** Replaces the origin of every URL in ccxt's (nested) `urls.api`, keeping each path. */
export function repointUrls(api: Record<string, unknown>, apiUrl: string): void {
  const origin = new URL(apiUrl).origin;
  for (const [k, v] of Object.entries(api)) {
    if (typeof v === 'string' && /^https?:\/\//.test(v)) {
      const u = new URL(v);
      api[k] = `${origin}${u.pathname === '/' ? '' : u.pathname}${u.search}`;
    } else if (typeof v === 'object' && v !== null) {
      repointUrls(v as Record<string, unknown>, apiUrl);
    }
  }
}
