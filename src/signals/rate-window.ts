/**
 * At most `limit` events in any `windowMs`: a sliding window over the times of the events let
 * through. Times are passed in.
 */
export class RateWindow {
  private readonly times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
  ) {}

  /** Let an event through at `now` (and count it), or refuse it; `retryAfterMs` when refused. */
  take(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    while (this.times.length > 0 && this.times[0]! <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.limit) return { ok: false, retryAfterMs: Math.max(1, this.times[0]! + this.windowMs - now) };
    this.times.push(now);
    return { ok: true };
  }
}
