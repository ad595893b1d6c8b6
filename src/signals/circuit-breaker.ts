/**
 * The signal service's circuit breaker: after `failuresToOpen` failed requests in a row it opens
 * (no request is sent); `openMs` later it half-opens (requests go out again, one at a time as the
 * candles come); `successesToClose` answers in a row close it, and any failure while half-open
 * opens it again. Times are passed in: the rules are tested without a clock.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failuresToOpen: number;
  openMs: number;
  successesToClose: number;
}

export const SIGNAL_BREAKER: BreakerOptions = { failuresToOpen: 5, openMs: 30_000, successesToClose: 3 };

export class CircuitBreaker {
  state: BreakerState = 'closed';
  /** failed requests in a row */
  failures = 0;
  /** answers in a row while half-open */
  successes = 0;
  openedAt = -Infinity;

  constructor(private readonly o: BreakerOptions = SIGNAL_BREAKER) {}

  /** May a request go out now? Moves an open breaker whose time is up to half-open. */
  allow(now: number): boolean {
    if (this.state === 'open') {
      if (now - this.openedAt < this.o.openMs) return false;
      this.state = 'half-open';
      this.successes = 0;
    }
    return true;
  }

  success(): void {
    this.failures = 0;
    if (this.state === 'half-open' && ++this.successes >= this.o.successesToClose) this.state = 'closed';
  }

  failure(now: number): void {
    this.failures++;
    if (this.state === 'half-open' || (this.state === 'closed' && this.failures >= this.o.failuresToOpen)) {
      this.state = 'open';
      this.openedAt = now;
      this.successes = 0;
    }
  }

  /** When an open breaker half-opens (null unless open). */
  get reopensAt(): number | null {
    return this.state === 'open' ? this.openedAt + this.o.openMs : null;
  }
}
