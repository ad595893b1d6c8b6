import { ExchangeError, OrderRejectedError, TradebotError, type ExchangeFailure } from '../core/errors.js';

/**
 * Our classes for what can go wrong talking to an exchange through ccxt. They carry what a caller
 * needs to decide: wait (rate limit, ban), fix the setup (auth, clock), query before acting again
 * (unknown outcome), or try later (unavailable). All exit with code 4.
 */
export class ExchangeRequestError extends ExchangeError {
  constructor(message: string, options?: { cause?: unknown }, failure: ExchangeFailure = 'refused') {
    super(message, failure, options);
  }
}

/** 429: slow down; retry after `retryAfterMs`. */
export class RateLimitedError extends ExchangeRequestError {
  declare retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options?: { cause?: unknown }) {
    super(message, options, 'rate-limited');
    this.retryAfterMs = retryAfterMs;
  }
}

/** 418: the IP is banned until `until` (epoch ms); every request before then makes it longer. */
export class BannedError extends ExchangeRequestError {
  declare until: number;
  constructor(message: string, until: number, options?: { cause?: unknown }) {
    super(message, options, 'banned');
    this.until = until;
  }
}

/** Bad or missing API key, secret or permissions. */
export class AuthError extends ExchangeRequestError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, 'auth');
  }
}

/** The request's timestamp is outside the exchange's window: the local clock is off. */
export class ClockSkewError extends ExchangeRequestError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, 'clock');
  }
}

/** The request may not have reached the exchange (connection refused, reset, timed out on a read). */
export class NetworkError extends ExchangeRequestError {
  constructor(message: string, options?: { cause?: unknown }, failure: ExchangeFailure = 'network') {
    super(message, options, failure);
  }
}

/**
 * An order was sent (or cancelled) and no answer came back: it may or may not exist. Resolve it by
 * querying the order by its client id; never by sending it again.
 */
export class UnknownOutcomeError extends NetworkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, 'unknown-outcome');
  }
}

/** 5xx, an HTML error page, maintenance. `outcomeUnknown` when it answered an order placement. */
export class ExchangeUnavailableError extends ExchangeRequestError {
  constructor(
    message: string,
    readonly outcomeUnknown: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options, outcomeUnknown ? 'unknown-outcome' : 'unavailable');
  }
}

export type CcxtOperation = 'submit' | 'cancel' | 'read';

export interface ClassifyContext {
  operation: CcxtOperation;
  /** ccxt's `last_response_headers` (for Retry-After) */
  headers?: Record<string, string> | undefined;
  now?: number;
}

/** The ccxt class names in an error's prototype chain, most specific first (ccxt is not imported). */
function ccxtNames(err: Error): Set<string> {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(err); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) names.add(p.constructor.name);
  return names;
}

/** Binance-style `{"code":-1013,"msg":"Filter failure: NOTIONAL"}` inside a ccxt message. */
function exchangeBody(message: string): { code: number; msg: string } | undefined {
  const m = /\{"code":(-?\d+),"msg":"((?:[^"\\]|\\.)*)"/.exec(message);
  return m ? { code: Number(m[1]), msg: m[2]! } : undefined;
}

function retryAfterMs(headers: Record<string, string> | undefined, fallbackMs: number): number {
  const v = headers?.['Retry-After'] ?? headers?.['retry-after'];
  const s = v === undefined ? NaN : Number(v);
  return Number.isFinite(s) ? s * 1000 : fallbackMs;
}

/**
 * Turns a ccxt error into one of ours. Non-ccxt errors (bugs) and our own errors come back as
 * they are.
 */
export function classifyCcxtError(err: unknown, ctx: ClassifyContext): unknown {
  if (!(err instanceof Error) || err instanceof TradebotError) return err;
  const names = ccxtNames(err);
  if (!names.has('BaseError')) return err;
  const msg = err.message;
  const body = exchangeBody(msg);
  const code = body?.code;
  const text = body ? `${body.msg} (exchange code ${body.code})` : msg;
  const cause = { cause: err };
  const now = ctx.now ?? Date.now();
  const order = ctx.operation !== 'read';

  // ccxt turns Binance's -2015 into a temporary ban once a key has worked (DDoSProtection); a key
  // revoked mid-run answers the same, and treating it as a ban would retry forever: stop instead
  if (code === -2015 || code === -2014) return new AuthError(`the exchange refused the credentials: ${text}; check TRADEBOT_API_KEY and TRADEBOT_API_SECRET (and the key's IP and trading permissions)`, cause);
  if (names.has('DDoSProtection') || names.has('RateLimitExceeded')) {
    if (/\b418\b/.test(msg) || /banned until/i.test(msg)) {
      const until = /banned until (\d{12,})/i.exec(msg);
      return new BannedError(`banned by the exchange: ${text}`, until ? Number(until[1]) : now + retryAfterMs(ctx.headers, 120_000), cause);
    }
    const wait = retryAfterMs(ctx.headers, 1000);
    return new RateLimitedError(`rate limited by the exchange, retry after ${wait / 1000} s: ${text}`, wait, cause);
  }
  if (names.has('InvalidNonce')) return new ClockSkewError(`the exchange refused the request time: ${text}; check the system clock`, cause);
  // -1020 "This operation is not supported" (ccxt: BadRequest for spot, NotSupported elsewhere): refused, nothing done
  if (code === -1020 || names.has('NotSupported')) return new OrderRejectedError('not-supported', `the exchange does not support this: ${text}`);
  if (/would trigger immediately/i.test(text)) return new OrderRejectedError('would-trigger', `the stop would trigger at once: ${text}`);
  if (names.has('InsufficientFunds')) return new OrderRejectedError('insufficient-funds', `insufficient funds: ${text}`);
  if (names.has('OrderNotFound')) return new OrderRejectedError('order-not-found', `order not found: ${text}`);
  if (names.has('BadSymbol')) return new OrderRejectedError('unknown-symbol', `unknown symbol: ${text}`);
  if (names.has('AuthenticationError')) return new AuthError(`the exchange refused the credentials: ${text}; check TRADEBOT_API_KEY and TRADEBOT_API_SECRET`, cause);
  if (code === -1013 || /LOT_SIZE|NOTIONAL|PRICE_FILTER/.test(msg)) {
    if (/NOTIONAL/.test(msg)) return new OrderRejectedError('below-min-notional', `order below the exchange's minimum notional: ${text}`);
    if (/LOT_SIZE/.test(msg)) return new OrderRejectedError('below-min-amount', `order amount outside the exchange's lot size: ${text}`);
    return new OrderRejectedError('invalid-order', `order refused by the exchange: ${text}`);
  }
  if (names.has('InvalidOrder') || (names.has('BadRequest') && order)) return new OrderRejectedError('invalid-order', `order refused by the exchange: ${text}`);
  if (names.has('RequestTimeout')) {
    return order
      ? new UnknownOutcomeError(`no answer to the ${ctx.operation === 'submit' ? 'order' : 'cancel'} before the timeout: its outcome is unknown until the order is queried`, cause)
      : new NetworkError(`the exchange did not answer in time: ${msg}`, cause);
  }
  if (names.has('ExchangeNotAvailable') || (names.has('OperationFailed') && !names.has('NetworkError'))) {
    return new ExchangeUnavailableError(`the exchange is unavailable: ${shorten(text)}`, order, cause);
  }
  if (names.has('NetworkError')) {
    return order
      ? new UnknownOutcomeError(`the connection failed during the ${ctx.operation === 'submit' ? 'order' : 'cancel'}: its outcome is unknown until the order is queried (${msg})`, cause)
      : new NetworkError(`cannot reach the exchange: ${msg}`, cause);
  }
  if (names.has('BadResponse')) return new ExchangeUnavailableError(`the exchange sent an unreadable answer: ${shorten(msg)}`, order, cause);
  return new ExchangeRequestError(`the exchange refused the request: ${text}`, cause);
}

function shorten(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 300 ? `${one.slice(0, 300)}…` : one;
}
