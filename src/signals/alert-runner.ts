import type { CandleSeries } from '../core/candles.js';
import { UsageError } from '../core/errors.js';
import type { Stake } from '../core/sizing.js';
import type { Decision, Engine } from '../engine/engine.js';
import type { Feed } from '../engine/ports.js';
import { AlertProblem } from './alert.js';
import { AlertBook } from './alert-book.js';
import { AlertIntake, type FateNote } from './alert-intake.js';
import { AlertLog, AlertTail } from './alert-log.js';
import { engineOrderFor } from './alert-order.js';
import { fromRecordLine, readAlertsFile } from './alert-record.js';
import { decisionsSince, outcomeOf } from './decision-outcome.js';
import { RateWindow } from './rate-window.js';
import { SignalFeed } from './signal-feed.js';
import type { SignalLog, SignalRunner } from './signal-runner.js';
import { noFates, type AlertFate, type SignalRuntime } from './signal-runtime.js';
import type { SignalTools } from './signal-tools.js';
import type { TickerMap } from './ticker-map.js';
import { startWebhookServer, type WebhookServer } from './webhook-server.js';

const REFUSED: ReadonlySet<AlertFate> = new Set(['stale', 'bad-secret', 'unknown-pair', 'invalid', 'unsupported', 'rate-limited', 'failed', 'denied']);
/** a shadow looks at its live bot's alerts this often (and before every candle) */
const TAIL_MS = 1000;

export interface BotAlertsOptions {
  alertsPath: string;
  pairs: string[];
  timeframeMs: number;
  stake: Stake;
  tickers: TickerMap;
  /** the shared secret of the listener; a shadow has none */
  secret: string | null;
  maxLagMs: number;
  rateLimit: number;
  listen: string;
  /** a shadow: its live bot's name and alerts log */
  shadow: { of: string; alertsPath: string } | null;
  /** per pair: open time of the last candle the engine handled before this start */
  lastBarTime: (number | null)[];
  now: () => number;
  log: SignalLog;
  onChange: () => void;
  /** an alert was accepted and answered */
  onAccepted?: () => void;
  /** what the bot's earlier runs counted */
  before: SignalRuntime | null;
}

/**
 * The `webhook` strategy's runner. Paper and live: accepted alerts are recorded in the bot's
 * alerts.jsonl and wait in the book; at a restart the record tells which alerts were seen (never
 * accepted twice) and which still wait (those whose candle the engine had not handled: the engine
 * resumes after its last handled candle, so an alert is acted on exactly when its candle is).
 * Backtest: the book is filled from --signals-file. Each candle's alerts are settled against the
 * engine's decisions: acted, denied, ignored or superseded.
 */
export class AlertRunner implements SignalRunner {
  readonly book: AlertBook;
  readonly tools: SignalTools;
  private readonly counts = noFates();
  private lastAlert: SignalRuntime['lastAlert'] = null;
  private engine: Engine | null = null;
  private seen: Decision | undefined;
  private intake: AlertIntake | null = null;
  private server: WebhookServer | null = null;
  private alertLog: AlertLog | null = null;
  private tail: AlertTail | null = null;
  private tailTimer: NodeJS.Timeout | null = null;
  private tailing: Promise<void> = Promise.resolve();
  private listenAddress: string | null = null;
  private bot: BotAlertsOptions | null = null;
  /** backtest: alerts before the first candle (never acted on) */
  private before = 0;
  private read = 0;

  private constructor(
    pairs: string[],
    timeframeMs: number,
    private readonly log: SignalLog,
    private readonly onChange: () => void,
  ) {
    this.book = new AlertBook(pairs, timeframeMs);
    this.tools = { timeframeMs, alerts: this.book };
  }

  /** Backtest: the alerts of a file, for the pair traded. */
  static async fromFile(o: { file: string; shownAs: string; pairs: string[]; timeframeMs: number; stake: Stake; tickers: TickerMap; series: CandleSeries; warmup: number }): Promise<AlertRunner> {
    const r = new AlertRunner(o.pairs, o.timeframeMs, () => undefined, () => undefined);
    const f = await readAlertsFile(o.file, o.shownAs, o.tickers);
    for (const q of f.alerts) {
      const mapped = engineOrderFor(q.alert, o.stake);
      if ('unsupported' in mapped) throw new UsageError(`${o.shownAs}: the ${q.alert.action} alert at ${new Date(q.time).toISOString()}: ${mapped.unsupported}`);
      r.book.add({ ...q, order: mapped.order });
    }
    r.read = f.alerts.length;
    r.counts.duplicate = f.duplicates;
    r.counts['unknown-pair'] = f.otherPairs;
    // the first candle that trades: before it (and in a --warmup) an alert can no longer be acted on
    if (o.warmup < o.series.length) r.before = r.book.dropBefore(o.series.time[o.warmup]!).length;
    else r.before = r.book.dropBefore(Infinity).length;
    return r;
  }

  /** Paper and live: the bot's alerts log, what still waits, and an intake for the listener (or the shadow). */
  static async forBot(o: BotAlertsOptions): Promise<AlertRunner> {
    const r = new AlertRunner(o.pairs, o.timeframeMs, o.log, o.onChange);
    r.bot = o;
    for (const [fate, n] of Object.entries(o.before?.alerts ?? {})) if (fate in r.counts && Number.isSafeInteger(n)) r.counts[fate as AlertFate] = n;
    r.lastAlert = o.before?.lastAlert ?? null;
    const { log, records, cut } = await AlertLog.open(o.alertsPath);
    r.alertLog = log;
    if (cut) o.log('warn', 'alerts-torn-tail', { path: o.alertsPath });
    const keys = new Set<string>();
    const handled = o.lastBarTime.map((t) => (t === null ? -Infinity : t + o.timeframeMs));
    for (const rec of records) {
      keys.add(rec.key);
      const k = o.pairs.indexOf(rec.pair);
      if (k < 0) continue;
      let read;
      try {
        read = fromRecordLine(rec as unknown as Record<string, unknown>, o.tickers);
      } catch (err) {
        if (err instanceof AlertProblem) throw new UsageError(`alerts log ${o.alertsPath}: the alert ${rec.key}: ${err.message}`);
        throw err;
      }
      // a candle that closed after it was handled: the alert was acted on then
      if (read.queued.time < handled[k]!) continue;
      const mapped = engineOrderFor(read.queued.alert, o.stake);
      if ('unsupported' in mapped) r.note({ fate: 'unsupported', key: rec.key, pair: rec.pair, action: rec.action, message: mapped.unsupported });
      else r.book.add({ ...read.queued, pair: rec.pair, order: mapped.order });
    }
    o.pairs.forEach((_, k) => r.book.claim(k, handled[k]!));
    r.intake = new AlertIntake({
      book: r.book,
      tickers: o.tickers,
      stake: o.stake,
      secret: o.secret,
      maxLagMs: o.maxLagMs,
      rate: new RateWindow(o.rateLimit),
      now: o.now,
      record: (rec) => log.append(rec),
      keys,
      onFate: (n) => r.note(n),
    });
    if (o.shadow) r.tail = new AlertTail(o.shadow.alertsPath);
    return r;
  }

  wrapFeed(feed: Feed): Feed {
    return new SignalFeed(feed, this);
  }

  attach(engine: Engine): void {
    this.engine = engine;
    this.seen = engine.decisions.at(-1);
  }

  async start(): Promise<void> {
    const o = this.bot;
    if (!o || !this.intake) return;
    if (this.tail) {
      await this.tail.startAtEnd();
      this.tailTimer = setInterval(() => void this.follow(), TAIL_MS);
      return;
    }
    const intake = this.intake;
    this.server = await startWebhookServer({
      listen: o.listen,
      intake,
      // every request counts here, before a byte of it is read: a flood never reaches the intake
      flood: new RateWindow(Math.max(600, o.rateLimit * 10)),
      now: o.now,
      onRefused: (n) => this.note(n),
      onError: (err) => o.log('error', 'webhook-error', { message: err instanceof Error ? err.message : String(err) }),
      ...(o.onAccepted ? { onAnswered: (a: { body: Record<string, unknown> }) => (a.body.status === 'accepted' ? o.onAccepted!() : undefined) } : {}),
    });
    this.listenAddress = this.server.address;
    o.log('info', 'webhook-listening', { address: this.server.address });
    this.onChange();
  }

  /** The candle's alerts are all in the book, then the candle is claimed: a later alert waits for the next one. */
  async beforeBar(k: number, s: CandleSeries, i: number): Promise<void> {
    if (this.tail) await this.follow();
    const intake = this.intake;
    if (intake) while (intake.busy) await intake.idle();
    this.book.claim(k, s.time[i]! + s.timeframeMs);
  }

  afterBar(): void {
    this.settle();
  }

  settle(): void {
    const engine = this.engine;
    if (!engine) return;
    const applied = this.book.drainApplied();
    if (applied.length > 0) {
      const decisions = decisionsSince(engine.decisions, this.seen);
      for (const a of applied) {
        const w = a.winner;
        const d = outcomeOf(decisions, a.pair, w.order.side);
        const named = { key: w.key, pair: a.pair, action: w.alert.action, bar: a.bar };
        if (!d) this.note({ ...named, fate: 'ignored', message: w.order.side === 'buy' ? 'already in a position, or an entry is working' : 'no position to sell' });
        else if (d.outcome === 'submitted' || d.outcome === 'unknown') this.note({ ...named, fate: 'acted', ...(d.clientOrderId ? { message: d.clientOrderId } : {}) });
        else this.note({ ...named, fate: 'denied', message: `${d.code ?? d.outcome}: ${d.message ?? ''}`.trim() });
        for (const x of a.superseded) this.note({ key: x.key, pair: a.pair, action: x.alert.action, bar: a.bar, fate: 'superseded', message: `${w.alert.action} ${w.key} came later in the same candle` });
      }
    }
    this.seen = engine.decisions.at(-1);
  }

  stop(): void {
    if (this.tailTimer) clearInterval(this.tailTimer);
    this.tailTimer = null;
  }

  async close(): Promise<void> {
    this.stop();
    await this.server?.close();
    this.server = null;
    await this.tailing;
    await this.intake?.idle();
    await this.alertLog?.close();
  }

  runtime(): SignalRuntime {
    return {
      strategy: 'webhook',
      listen: this.listenAddress,
      shadowOf: this.bot?.shadow?.of ?? null,
      alerts: { ...this.counts },
      pending: this.book.pending,
      lastAlert: this.lastAlert,
      service: null,
      degraded: null,
    };
  }

  summary(): string[] {
    const c = this.counts;
    const parts = [`${this.read} read`, `${c.acted} acted on`, `${c.denied} denied`, `${c.ignored} with nothing to do`, `${c.superseded} superseded`];
    if (c.duplicate > 0) parts.push(`${c.duplicate} duplicate`);
    if (c['unknown-pair'] > 0) parts.push(`${c['unknown-pair']} for other pairs`);
    if (this.before > 0) parts.push(`${this.before} before the first traded candle`);
    if (this.book.pending > 0) parts.push(`${this.book.pending} after the last candle`);
    return [`alerts: ${parts.join(', ')}`];
  }

  /** A shadow takes what its live bot recorded since the last look, in order. */
  private follow(): Promise<void> {
    const tail = this.tail;
    const intake = this.intake;
    if (!tail || !intake) return Promise.resolve();
    this.tailing = this.tailing.then(async () => {
      for (const raw of await tail.poll()) {
        try {
          await intake.adopt(fromRecordLine(raw as Record<string, unknown>, this.bot!.tickers).queued);
        } catch (err) {
          if (!(err instanceof AlertProblem)) throw err;
          this.note({ fate: 'invalid', message: `${this.bot!.shadow!.of}'s alerts log: ${err.message}` });
        }
      }
    }).catch((err: unknown) => this.log('error', 'shadow-follow-failed', { message: err instanceof Error ? err.message : String(err) }));
    return this.tailing;
  }

  private note(n: FateNote): void {
    this.counts[n.fate]++;
    this.lastAlert = { time: this.bot ? this.bot.now() : (n.bar ?? n.time ?? 0), pair: n.pair ?? null, action: n.action ?? null, fate: n.fate, ...(n.message ? { message: n.message } : {}) };
    const fields: Record<string, unknown> = { fate: n.fate };
    if (n.key) fields.key = n.key;
    if (n.pair) fields.pair = n.pair;
    if (n.action) fields.action = n.action;
    if (n.time !== undefined) fields.takesEffect = n.time;
    if (n.bar !== undefined) fields.bar = n.bar;
    if (n.message) fields.message = n.message;
    this.log(REFUSED.has(n.fate) ? 'warn' : 'info', 'alert', fields);
    this.onChange();
  }
}
