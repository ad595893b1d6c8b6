import type { CandleSeries } from '../core/candles.js';
import type { Decision, Engine } from '../engine/engine.js';
import type { Feed } from '../engine/ports.js';
import type { StrategyDefinition } from '../strategies/types.js';
import { decisionsSince, outcomeOf } from './decision-outcome.js';
import { ServiceRequest } from './service-request.js';
import { SignalFeed } from './signal-feed.js';
import type { SignalLog, SignalRunner } from './signal-runner.js';
import { shownUrl, type SignalRuntime } from './signal-runtime.js';
import { SignalService, type SignalServiceOptions } from './signal-service.js';
import type { SignalTools } from './signal-tools.js';
import { VerdictBoard } from './verdict-board.js';

export interface ServiceRunnerOptions {
  url: string;
  token: string | null;
  pairs: string[];
  timeframe: string;
  timeframeMs: number;
  timeoutMs: number;
  cacheTtlMs: number;
  minConfidence: number;
  candles: number;
  fallback: StrategyDefinition | null;
  shadowOf: string | null;
  log: SignalLog;
  onChange: () => void;
  /** what the bot's earlier runs counted */
  before: SignalRuntime | null;
  /** tests: answer without a network */
  ask?: SignalServiceOptions['ask'];
  backoffMs?: number;
}

/**
 * The `http-signal` strategy's runner: before each candle the engine will decide on (not the
 * warm-up, not one handled before a restart), the service is asked and its verdict posted for the
 * strategy; after the candle, the verdict, its request id and what the engine made of it go to
 * the bot's log. Backtest, paper and live run the same code against the same service.
 */
export class ServiceRunner implements SignalRunner {
  readonly tools: SignalTools;
  readonly service: SignalService;
  private readonly board = new VerdictBoard();
  private readonly request: ServiceRequest;
  private readonly abort = new AbortController();
  private engine: Engine | null = null;
  private seen: Decision | undefined;
  private wasDegraded = false;

  constructor(private readonly o: ServiceRunnerOptions) {
    this.request = new ServiceRequest(o.pairs, o.timeframe, o.candles);
    this.tools = { timeframeMs: o.timeframeMs, verdicts: this.board, fallback: o.fallback, minConfidence: o.minConfidence };
    this.service = new SignalService({
      url: o.url,
      token: o.token,
      timeoutMs: o.timeoutMs,
      cacheTtlMs: o.cacheTtlMs,
      hasFallback: o.fallback !== null,
      stop: this.abort.signal,
      ...(o.ask ? { ask: o.ask } : {}),
      ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
      onFailure: (f) => {
        o.log('warn', 'signal-request-failed', { requestId: f.requestId, attempt: f.attempt, message: f.error, breaker: this.service.breaker.state });
        o.onChange();
      },
    });
    const b = o.before?.service;
    if (b) Object.assign(this.service.counts, { ...b.answers, failedRequests: b.failedRequests });
  }

  wrapFeed(feed: Feed): Feed {
    return new SignalFeed(feed, this);
  }

  attach(engine: Engine): void {
    this.engine = engine;
    this.seen = engine.decisions.at(-1);
  }

  async start(): Promise<void> {}

  async beforeBar(k: number, s: CandleSeries, i: number): Promise<void> {
    this.request.observe(k, s, i);
    const engine = this.engine;
    const t = s.time[i]!;
    // the engine's own rule for a candle it only warms up on (src/engine/engine.ts, processBar)
    if (!engine || t <= engine.lastBarTime[k]! || t <= (engine.settings.warmupUntil ?? -Infinity)) return;
    const pair = this.o.pairs[k]!;
    const verdict = await this.service.decide(pair, t + s.timeframeMs, this.request.body(k, s, i));
    this.board.set(pair, t, verdict);
    const degraded = this.service.degraded !== null;
    if (degraded !== this.wasDegraded) {
      this.wasDegraded = degraded;
      if (degraded) this.o.log('warn', 'signal-degraded', { message: this.service.degraded!.message, since: this.service.degraded!.since });
      else this.o.log('info', 'signal-recovered', {});
    }
  }

  afterBar(): void {
    this.settle();
  }

  settle(): void {
    const engine = this.engine;
    if (!engine) return;
    const applied = this.board.drainApplied();
    if (applied.length > 0) {
      const decisions = decisionsSince(engine.decisions, this.seen);
      for (const a of applied) {
        const v = a.verdict;
        const d = a.asked ? outcomeOf(decisions, a.pair, a.asked) : null;
        this.o.log(v.source === 'service' ? 'info' : 'warn', 'signal-decision', {
          requestId: v.requestId,
          ...(v.answerId !== v.requestId ? { answerId: v.answerId } : {}),
          pair: a.pair,
          bar: a.bar,
          source: v.source,
          signal: v.signal,
          confidence: v.confidence,
          asked: a.asked,
          outcome: a.asked ? (d?.outcome ?? 'nothing to do') : null,
          ...(d?.code ? { code: d.code } : {}),
          ...(d?.clientOrderId ? { clientOrderId: d.clientOrderId } : {}),
          ...(v.error ? { error: v.error } : {}),
        });
      }
      this.o.onChange();
    }
    this.seen = engine.decisions.at(-1);
  }

  stop(): void {
    this.abort.abort();
  }

  get halted(): boolean {
    return this.abort.signal.aborted;
  }

  async close(): Promise<void> {
    this.stop();
  }

  runtime(): SignalRuntime {
    const s = this.service;
    return {
      strategy: 'http-signal',
      listen: null,
      shadowOf: this.o.shadowOf,
      alerts: null,
      pending: null,
      lastAlert: null,
      service: {
        url: shownUrl(this.o.url),
        breaker: s.breaker.state,
        reopensAt: s.breaker.reopensAt,
        answers: { service: s.counts.service, cache: s.counts.cache, fallback: s.counts.fallback, none: s.counts.none },
        failedRequests: s.counts.failedRequests,
        lastRequestId: s.lastRequestId,
      },
      degraded: s.degraded ? { ...s.degraded } : null,
    };
  }

  summary(): string[] {
    const c = this.service.counts;
    return [`signal service: ${c.service} answers, ${c.cache} from the last answer, ${c.fallback} by the fallback, ${c.none} undecided, ${c.failedRequests} failed requests`];
  }
}
