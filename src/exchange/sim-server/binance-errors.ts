import type { OrderRejectedError } from '../../core/errors.js';

/**
 * A Binance error response: `{"code":-XXXX,"msg":"..."}` with Binance's HTTP status. The codes
 * and messages are Binance's own, so that ccxt's `exceptions` table classifies them as it does
 * for the real exchange.
 */
export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(msg);
  }

  body(): string {
    return JSON.stringify({ code: this.code, msg: this.message });
  }
}

export const binanceErrors = {
  tooManyRequests: (retryAfterS: number) =>
    new BinanceError(429, -1003, 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.', { 'Retry-After': String(retryAfterS) }),
  banned: (until: number, retryAfterS: number) =>
    new BinanceError(418, -1003, `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`, { 'Retry-After': String(retryAfterS) }),
  timestamp: () => new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  badSignature: () => new BinanceError(400, -1022, 'Signature for this request is not valid.'),
  keyFormat: () => new BinanceError(401, -2014, 'API-key format invalid.'),
  badKey: () => new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  insufficientBalance: () => new BinanceError(400, -2010, 'Account has insufficient balance for requested action.'),
  rejected: (msg: string) => new BinanceError(400, -2010, msg),
  filter: (filter: 'LOT_SIZE' | 'PRICE_FILTER' | 'NOTIONAL' | 'MARKET_LOT_SIZE') => new BinanceError(400, -1013, `Filter failure: ${filter}`),
  cancelUnknown: () => new BinanceError(400, -2011, 'Unknown order sent.'),
  noSuchOrder: () => new BinanceError(400, -2013, 'Order does not exist.'),
  badSymbol: () => new BinanceError(400, -1121, 'Invalid symbol.'),
  badInterval: () => new BinanceError(400, -1120, 'Invalid interval.'),
  mandatory: (name: string) => new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  /** -1100 with the pattern Binance checks the parameter against */
  illegalChars: (name: string, range: string) => new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '${range}'.`),
  badParam: (name: string) => new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[.A-Z:/a-z0-9_-]{1,36}$'.`),
  invalidData: (name: string) => new BinanceError(400, -1130, `Data sent for parameter '${name}' is not valid.`),
  badValue: (msg: string) => new BinanceError(400, -1013, msg),
  badOrderType: () => new BinanceError(400, -1116, 'Invalid orderType.'),
  badSide: () => new BinanceError(400, -1117, 'Invalid side.'),
  unsupported: (method: string, path: string) =>
    new BinanceError(404, -1020, `This operation is not supported: tradebot sim does not serve ${method} ${path}.`),
} as const;

/** SimExchange's refusals in Binance's words. */
export function fromRejection(err: OrderRejectedError, op: 'new' | 'cancel' | 'query'): BinanceError {
  switch (err.code) {
    case 'insufficient-funds':
      return binanceErrors.insufficientBalance();
    case 'below-min-amount':
      return binanceErrors.filter('LOT_SIZE');
    case 'below-min-notional':
    case 'above-max-notional':
      return binanceErrors.filter('NOTIONAL');
    case 'above-max-amount':
      return binanceErrors.filter('LOT_SIZE');
    case 'above-max-price':
      return binanceErrors.filter('PRICE_FILTER');
    case 'not-supported':
      return new BinanceError(400, -1020, 'This operation is not supported.');
    case 'unknown-symbol':
      return binanceErrors.badSymbol();
    case 'order-not-found':
      return op === 'cancel' ? binanceErrors.cancelUnknown() : binanceErrors.noSuchOrder();
    case 'sizing':
      return binanceErrors.rejected(err.message);
    case 'would-trigger':
      return binanceErrors.rejected('Stop price would trigger immediately.');
    case 'invalid-order':
      if (/duplicate/i.test(err.message)) return binanceErrors.rejected('Duplicate order sent.');
      if (/step/.test(err.message)) return binanceErrors.filter('LOT_SIZE');
      if (/tick/.test(err.message)) return binanceErrors.filter('PRICE_FILTER');
      return binanceErrors.rejected(err.message);
  }
}
