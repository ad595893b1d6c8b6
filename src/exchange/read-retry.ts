import { ExchangeError } from '../core/errors.js';

/**
 * Reads that fail for a passing reason (a 5xx, an HTML error page, a dropped connection, a short
 * rate limit) are asked again with exponential back-off and jitter before the failure counts.
 * Only reads: an order is never re-sent, its fate is looked up instead.
 */
export interface ReadRetry {
  /** tries in all, the first included */
  attempts: number;
  /** the first wait, doubled each time (between half and all of it, at random) */
  baseMs: number;
  /** a rate limit that asks to wait longer than this is not waited for */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (err: ExchangeError, attempt: number, waitMs: number) => void;
}

/** What a command or a starting bot does: 4 tries over about 2-4 s. */
export const START_RETRY: ReadRetry = { attempts: 4, baseMs: 500, maxWaitMs: 10_000 };

/** How long to wait before asking again after `err`, or null when asking again cannot help. */
export function retryWait(err: unknown, attempt: number, p: ReadRetry, random: () => number = Math.random): number | null {
  if (!(err instanceof ExchangeError)) return null;
  const backoff = p.baseMs * 2 ** (attempt - 1);
  const jittered = backoff / 2 + random() * (backoff / 2);
  switch (err.failure) {
    case 'network':
    case 'unavailable':
      return jittered;
    case 'rate-limited':
      return err.retryAfterMs !== undefined && err.retryAfterMs <= p.maxWaitMs ? Math.max(err.retryAfterMs, jittered) : null;
    default:
      // banned (asking again extends the ban), refused keys or clock, a definitive refusal, an order's unknown outcome
      return null;
  }
}

export async function withReadRetries<T>(fn: () => Promise<T>, p: ReadRetry): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const wait = attempt < p.attempts ? retryWait(err, attempt, p) : null;
      if (wait === null) throw err;
      p.onRetry?.(err as ExchangeError, attempt, wait);
      await (p.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(wait);
    }
  }
}
