/**
 * What the simulator accepts, so that one careless or hostile request cannot take a shared
 * machine's memory or CPU (README "tradebot sim": Limits). Every number here is documented.
 */

/** Request bodies, every route: larger ones get 413. */
export const MAX_BODY_BYTES = 1 << 20;
/** Query and body parameters of one API request: more get Binance's -1101. */
export const MAX_PARAMS = 50;
/** One `POST /__sim/advance`: at most 366 days of sim time. */
export const MAX_ADVANCE_MS = 366 * 86_400_000;
/** The sim clock stays before the year 10000 (what a date can show). */
export const MAX_SIM_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** `--speed`: sim ms per wall ms. */
export const MAX_SPEED = 1_000_000;
/** A random walk keeps this many of its most recent candles per symbol (older ones are dropped). */
export const MAX_WALK_CANDLES = 500_000;
/** `POST /__sim/price`: price and volume. */
export const MAX_PRICE = 1e12;
export const MAX_VOLUME = 1e15;
/** `POST /__sim/reset`: assets and the amount of each. */
export const MAX_ASSETS = 100;
export const MAX_BALANCE = 1e15;
/** Faults waiting at once, and the bounds of one fault's fields. */
export const MAX_FAULTS = 1_000;
export const MAX_FAULT_COUNT = 1_000_000;
export const MAX_FAULT_DELAY_MS = 600_000;
export const MAX_RETRY_AFTER_S = 86_400;
export const MAX_FAULT_TEXT = 1_000;
/** Each parameter value kept in the request log is cut to this many characters. */
export const MAX_LOGGED_VALUE = 256;
