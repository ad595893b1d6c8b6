/**
 * The error family. Every error a person can act on carries an exit code; the CLI maps
 * errors to exit codes in exactly one place (src/cli.ts). Exit codes are a public interface.
 */
export const ExitCode = {
  ok: 0,
  /** an --assert condition failed or --baseline detected a regression */
  assertion: 1,
  /** bad flags, bad config, bad input files: the user can fix it */
  usage: 2,
  /** a bug in tradebot */
  internal: 3,
  /** the exchange refused or could not be reached */
  exchange: 4,
  /** a state file or lock problem (locked, corrupt, written by a newer version) */
  state: 5,
  /** stopped by SIGINT */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class TradebotError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command line, config value or input data. */
export class UsageError extends TradebotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** One or more --assert conditions or a --baseline comparison failed; lines say which. */
export class AssertionFailedError extends TradebotError {
  readonly lines: readonly string[];
  constructor(lines: readonly string[]) {
    super(lines.join('\n'), ExitCode.assertion);
    this.lines = lines;
  }
}

export class InternalError extends TradebotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.internal, options);
  }
}

export class StateError extends TradebotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.state, options);
  }
}

/** An order the exchange (real or simulated) refused; `code` says why, for tests and status. */
export type OrderRejectCode =
  | 'insufficient-funds'
  | 'below-min-amount'
  | 'below-min-notional'
  | 'invalid-order'
  | 'above-max-amount'
  | 'above-max-notional'
  | 'above-max-price'
  | 'order-not-found'
  | 'unknown-symbol'
  /** the exchange does not offer this operation (e.g. an order edit): nothing was done */
  | 'not-supported'
  /** the engine cannot size an entry yet (an ATR stake before the ATR is ready): nothing was sent */
  | 'sizing'
  /** a stop order whose price the market has already crossed: it would trigger at once (Binance -2010) */
  | 'would-trigger';

export class OrderRejectedError extends TradebotError {
  readonly code: OrderRejectCode;
  constructor(code: OrderRejectCode, message: string) {
    super(message, ExitCode.exchange);
    this.code = code;
  }
}

/**
 * What went wrong talking to an exchange, as the engine needs to know it to decide: wait
 * (rate-limited until `retryAfterMs`, banned `until`), stop (auth), query before acting again
 * (unknown-outcome), or try later (network, unavailable). Adapters subclass it.
 */
export type ExchangeFailure = 'rate-limited' | 'banned' | 'auth' | 'clock' | 'network' | 'unknown-outcome' | 'unavailable' | 'refused';

export class ExchangeError extends TradebotError {
  retryAfterMs?: number;
  until?: number;
  constructor(
    message: string,
    readonly failure: ExchangeFailure,
    options?: { cause?: unknown },
  ) {
    super(message, ExitCode.exchange, options);
  }
}
