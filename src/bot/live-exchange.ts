import type { Exchange } from 'ccxt';
import type { TradebotConfig } from '../config/schema.js';
import type { CcxtExchange } from '../exchange/ccxt-exchange.js';
import type { Credentials } from './credentials.js';
import { START_RETRY, type ReadRetry } from '../exchange/read-retry.js';

/**
 * The exchange as live trading, `orders` and `reconcile` reach it: ccxt (loaded here, lazily) with
 * the operator's keys, re-pointed by `exchange.apiUrl`, markets loaded and, with keys, the clock
 * offset synced. Without credentials: public data only (paper). Reads that fail for a passing
 * reason are asked again with back-off (`retry`, default START_RETRY; null: never).
 */
export async function connectExchange(cfg: Pick<TradebotConfig, 'exchange'>, creds: Credentials | null, opts: { retry?: ReadRetry | null } = {}): Promise<{ ex: Exchange; port: CcxtExchange }> {
  const { makeCcxt } = await import('../exchange/make-ccxt.js');
  const { CcxtExchange } = await import('../exchange/ccxt-exchange.js');
  const keyEnv: NodeJS.ProcessEnv = creds
    ? { TRADEBOT_API_KEY: creds.apiKey, TRADEBOT_API_SECRET: creds.secret, ...(creds.password ? { TRADEBOT_API_PASSWORD: creds.password } : {}) }
    : {};
  const ex = await makeCcxt({ id: cfg.exchange.id!, ...(cfg.exchange.apiUrl ? { apiUrl: cfg.exchange.apiUrl } : {}), sandbox: cfg.exchange.sandbox, env: keyEnv });
  const retry = opts.retry === undefined ? START_RETRY : opts.retry;
  const port = await CcxtExchange.connect(ex, { syncTime: creds !== null, ...(retry ? { retryReads: retry } : {}) });
  return { ex, port };
}
