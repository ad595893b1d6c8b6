import { timeframeToMs } from '../core/timeframe.js';
import { UsageError } from '../core/errors.js';
import type { BotState } from './status.js';

/** How late a heartbeat or a candle may be before a bot counts as unhealthy (`--max-age`). */
export const DEFAULT_MAX_AGE_MS = 120_000;

export interface HealthInputs {
  state: BotState;
  /** the state file could not be read */
  error: string | null;
  heartbeatAgeMs: number | null;
  /** when the bot last handled a new candle, or started (this machine's clock) */
  lastCandleAt: number | null;
  startedAt: number | null;
  timeframe: string | null;
  riskHalt: { code: string; message: string } | null;
  now: number;
  maxAgeMs: number;
}

export type Health = { ok: true; reason: string } | { ok: false; reason: string };

/**
 * Is the bot alive and trading? Running (or paused: an operator's choice), its heartbeat within
 * max-age, and a candle handled within one timeframe plus max-age (a 1h bot sees a candle an
 * hour). Halted by a risk limit is not healthy: it needs a person. One line why, either way.
 * `status --check` and the metrics server's /health answer from this.
 */
export function checkHealth(i: HealthInputs): Health {
  const secs = (ms: number) => `${Math.round(ms / 1000)} s`;
  if (i.error) return { ok: false, reason: `state unreadable: ${i.error}` };
  if (i.state === 'stopped' || i.state === 'crashed') return { ok: false, reason: `not running (${i.state})` };
  if (i.state === 'stale') return { ok: false, reason: `not answering: no heartbeat for ${i.heartbeatAgeMs === null ? 'ever' : secs(i.heartbeatAgeMs)}` };
  if (i.heartbeatAgeMs === null || i.heartbeatAgeMs > i.maxAgeMs) return { ok: false, reason: `heartbeat ${i.heartbeatAgeMs === null ? 'missing' : `${secs(i.heartbeatAgeMs)} old`} (max ${secs(i.maxAgeMs)})` };
  if (i.state === 'halted' || i.riskHalt) return { ok: false, reason: `halted: ${i.riskHalt?.message ?? 'a risk limit stopped new entries'}` };
  let tf = 0;
  try {
    tf = i.timeframe ? timeframeToMs(i.timeframe) : 0;
  } catch {
    // unknown timeframe: max-age alone
  }
  const since = Math.max(i.lastCandleAt ?? -Infinity, i.startedAt ?? -Infinity);
  if (!Number.isFinite(since)) return { ok: false, reason: 'no candle handled yet' };
  const age = i.now - since;
  if (age > tf + i.maxAgeMs) return { ok: false, reason: `last candle handled ${secs(age)} ago (max ${secs(tf + i.maxAgeMs)}: one ${i.timeframe} candle plus ${secs(i.maxAgeMs)})` };
  return { ok: true, reason: `${i.state}: heartbeat ${secs(i.heartbeatAgeMs)} old, last candle ${secs(Math.max(0, age))} ago` };
}

/** `--max-age 2m` (also 90s, 1h, or plain seconds). */
export function parseMaxAge(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m?.[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = m ? Number(m[1]) * unit : NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`--max-age must be a duration such as 90s, 2m or 1h, got ${JSON.stringify(text)}`);
  return ms;
}
