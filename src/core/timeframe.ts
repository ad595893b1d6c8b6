import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  M: 2_592_000_000, // 30 days, ccxt's convention
};

/** Parse '1m', '5m', '4h', '1d' into milliseconds. */
export function timeframeToMs(tf: string): number {
  const m = /^(\d+)([smhdwM])$/.exec(tf.trim());
  if (!m) throw new UsageError(`timeframe ${JSON.stringify(tf)} is not valid (expected e.g. 1m, 5m, 1h, 1d)`);
  const n = Number(m[1]);
  if (n <= 0) throw new UsageError(`timeframe ${JSON.stringify(tf)} must be positive`);
  return n * UNIT_MS[m[2]!]!;
}

/** The shortest name for an interval: 300000 -> '5m'. */
export function msToTimeframe(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const u = UNIT_MS[unit]!;
    if (ms % u === 0) return `${ms / u}${unit}`;
  }
  return `${ms}ms`;
}

export const YEAR_MS = 365 * 86_400_000;

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** 1970-01-01 was a Thursday; exchanges start their weeks on Monday 00:00 UTC. */
const MONDAY_OFFSET = 4 * DAY;

/** Where buckets of `targetMs` start: epoch-aligned, except weeks, which start on Monday. */
export function bucketOffset(targetMs: number): number {
  return targetMs % WEEK === 0 ? MONDAY_OFFSET : 0;
}

/** A higher timeframe built from `baseMs` candles: larger and a whole multiple of it, else a UsageError. */
export function higherTimeframeMs(tf: string, baseMs: number): number {
  const ms = timeframeToMs(tf);
  if (!(ms > baseMs) || ms % baseMs !== 0) {
    throw new UsageError(`timeframe ${tf} cannot be built from ${msToTimeframe(baseMs)} candles: it must be larger than the base timeframe and a whole multiple of it`);
  }
  return ms;
}
