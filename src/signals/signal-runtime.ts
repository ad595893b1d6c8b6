import type { BreakerState } from './circuit-breaker.js';

/** What became of an alert. */
export type AlertFate =
  /** recorded and queued for its candle */
  | 'accepted'
  /** its candle sent the order (or the order's outcome is being resolved) */
  | 'acted'
  /** its candle asked, and the engine's risk gate or the exchange said no (paused, limits, minimums, funds) */
  | 'denied'
  /** nothing to do: a buy while in a position or with an entry working, a sell while flat */
  | 'ignored'
  /** a later alert took effect in the same candle */
  | 'superseded'
  | 'duplicate'
  | 'stale'
  | 'bad-secret'
  | 'unknown-pair'
  | 'invalid'
  | 'unsupported'
  | 'rate-limited'
  /** it could not be recorded (disk): answered 503, so the sender tries again */
  | 'failed';

export const ALERT_FATES: readonly AlertFate[] = ['accepted', 'acted', 'denied', 'ignored', 'superseded', 'duplicate', 'stale', 'bad-secret', 'unknown-pair', 'invalid', 'unsupported', 'rate-limited', 'failed'];

export function noFates(): Record<AlertFate, number> {
  return Object.fromEntries(ALERT_FATES.map((f) => [f, 0])) as Record<AlertFate, number>;
}

/**
 * A signal bot's part of its state file (`runtime.signals`), for `status`: where it listens, what
 * became of its alerts, how its signal service answers.
 */
export interface SignalRuntime {
  strategy: 'webhook' | 'http-signal';
  /** the address the webhook listener is bound to (`tradebot signal send` posts there) */
  listen: string | null;
  /** a shadow's live bot (`paper --shadow`) */
  shadowOf: string | null;
  alerts: Record<AlertFate, number> | null;
  /** alerts waiting for their candle */
  pending: number | null;
  lastAlert: { time: number; pair: string | null; action: string | null; fate: AlertFate; message?: string } | null;
  service: {
    /** origin and path only: credentials or a query never leave the config */
    url: string;
    breaker: BreakerState;
    reopensAt: number | null;
    answers: { service: number; cache: number; fallback: number; none: number };
    failedRequests: number;
    lastRequestId: string | null;
  } | null;
  /** the signal service has not answered since `since` */
  degraded: { since: number; message: string } | null;
}

/** A URL as shown: no user, password, query or fragment. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
