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
