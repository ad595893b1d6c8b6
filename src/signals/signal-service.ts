import { randomUUID } from 'node:crypto';
import { askService, type AttemptResult, type ServiceAnswer } from './signal-client.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { Verdict } from './verdict-board.js';

export interface SignalServiceOptions {
  url: string;
  token: string | null;
  timeoutMs: number;
  /** how long (candle time) the last answer stands in for a service that does not answer */
  cacheTtlMs: number;
  /** a fallback strategy is configured: it decides when neither the service nor the cache can */
  hasFallback: boolean;
  /** wall clock, for the breaker */
  now?: () => number;
  /** aborted when the bot stops: a pending request or back-off ends at once */
  stop?: AbortSignal;
  ask?: typeof askService;
  /** the first wait between attempts (default SIGNAL_BACKOFF_MS) */
  backoffMs?: number;
  /** each failed attempt, for the bot's log */
  onFailure?: (e: { requestId: string; attempt: number; error: string }) => void;
}

/** attempts per candle, and the first wait between them (doubled each time) */
export const SIGNAL_ATTEMPTS = 3;
export const SIGNAL_BACKOFF_MS = 500;

/**
 * Asks the signal service about a candle and settles a verdict: the service's answer (up to 3
 * attempts, waiting 0.5 s then 1 s between them, while the circuit breaker lets requests
 * through); else its last answer for the pair while that is younger than `cacheTtl` (measured in
 * candle time, so a backtest decides as live did); else the fallback strategy; else nothing.
 * `degraded` says since when the service has not answered.
 */
export class SignalService {
  readonly breaker = new CircuitBreaker();
  degraded: { since: number; message: string } | null = null;
  readonly counts = { service: 0, cache: 0, fallback: 0, none: 0, failedRequests: 0 };
  lastRequestId: string | null = null;
  /** why the last request failed */
  private lastError: string | null = null;
  private readonly last = new Map<string, { close: number; answer: ServiceAnswer; requestId: string }>();
  private readonly now: () => number;

  constructor(private readonly o: SignalServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The verdict for the candle of `pair` that closes at `close`; `body` is the request's JSON. */
  async decide(pair: string, close: number, body: string): Promise<Verdict> {
    const id = randomUUID();
    let requestId: string | null = null;
    let error = '';
    for (let attempt = 1; attempt <= SIGNAL_ATTEMPTS; attempt++) {
      if (this.o.stop?.aborted || !this.breaker.allow(this.now())) break;
      requestId = this.lastRequestId = id;
      const r: AttemptResult = await (this.o.ask ?? askService)({ url: this.o.url, token: this.o.token, timeoutMs: this.o.timeoutMs, requestId: id, body, ...(this.o.stop ? { stop: this.o.stop } : {}) });
      if (r.ok) {
        this.breaker.success();
        this.degraded = null;
        this.last.set(pair, { close, answer: r.answer, requestId: id });
        this.counts.service++;
        return { signal: r.answer.signal, confidence: r.answer.confidence, source: 'service', requestId: id, answerId: id };
      }
      error = r.error;
      this.counts.failedRequests++;
      this.breaker.failure(this.now());
      this.o.onFailure?.({ requestId: id, attempt, error });
      if (attempt < SIGNAL_ATTEMPTS) await pause((this.o.backoffMs ?? SIGNAL_BACKOFF_MS) * 2 ** (attempt - 1), this.o.stop);
    }
    if (error !== '') this.lastError = error;
    else error = `${this.lastError ?? 'no answer'}; circuit breaker open until ${new Date(this.breaker.reopensAt ?? this.now()).toISOString()}`;
    this.degraded ??= { since: this.now(), message: '' };
    this.degraded.message = `signal service down: ${error}`;
    const cached = this.last.get(pair);
    if (cached && close - cached.close < this.o.cacheTtlMs) {
      this.counts.cache++;
      return { signal: cached.answer.signal, confidence: cached.answer.confidence, source: 'cache', requestId, answerId: cached.requestId, error };
    }
    if (this.o.hasFallback) {
      this.counts.fallback++;
      return { signal: null, confidence: null, source: 'fallback', requestId, answerId: null, error };
    }
    this.counts.none++;
    return { signal: null, confidence: null, source: 'none', requestId, answerId: null, error };
  }
}

function pause(ms: number, stop?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      stop?.removeEventListener('abort', done);
      resolve();
    }
    stop?.addEventListener('abort', done, { once: true });
  });
}
