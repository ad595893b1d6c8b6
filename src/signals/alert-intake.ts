import type { Stake } from '../core/sizing.js';
import { alertKey, parseAlertJson, readAlert, AlertProblem } from './alert.js';
import { engineOrderFor } from './alert-order.js';
import { toRecord, type AlertRecord, type QueuedAlert } from './alert-record.js';
import type { AlertBook, BookedAlert } from './alert-book.js';
import type { TickerMap } from './ticker-map.js';
import type { RateWindow } from './rate-window.js';
import type { AlertFate } from './signal-runtime.js';
import { secretMatches } from './secret-match.js';

export interface IntakeAnswer {
  status: number;
  body: Record<string, unknown>;
  retryAfterMs?: number;
}

export interface FateNote {
  fate: AlertFate;
  key?: string;
  pair?: string | null;
  action?: string | null;
  message?: string;
  /** accepted: when it takes effect */
  time?: number;
  /** acted on: the candle (open time) */
  bar?: number;
}

export interface IntakeOptions {
  book: AlertBook;
  tickers: TickerMap;
  stake: Stake;
  /** the shared secret; null for a shadow, which takes its live bot's recorded alerts only */
  secret: string | null;
  maxLagMs: number;
  /** alerts with the right secret per minute */
  rate: RateWindow;
  now: () => number;
  /** durably record an accepted alert (append + fsync) before it is answered */
  record: (r: AlertRecord) => Promise<void>;
  /** the keys of every alert accepted before (the bot's alerts.jsonl) */
  keys: Set<string>;
  onFate: (n: FateNote) => void;
}

/**
 * The policy of the webhook, one alert at a time: JSON, secret (constant time), rate, fields, the
 * bot's pair, a size the engine can trade, age (signals.maxLag), duplicate (by id, else a hash of
 * the fields; durably, across restarts). An accepted alert is appended to alerts.jsonl and fsynced
 * before it is answered, then waits in the book for its candle: nothing here waits for the engine,
 * so the sender hears back within milliseconds. Every alert's fate is reported once.
 */
export class AlertIntake {
  private readonly writes = new Set<Promise<boolean>>();
  private readonly inflight = new Map<string, Promise<boolean>>();

  constructor(private readonly o: IntakeOptions) {}

  async receive(text: string): Promise<IntakeAnswer> {
    let raw: Record<string, unknown>;
    try {
      raw = parseAlertJson(text);
    } catch (err) {
      return this.refuse({ fate: 'invalid', message: (err as Error).message }, 400);
    }
    if (this.o.secret === null || !secretMatches(raw.secret, this.o.secret)) return this.refuse({ fate: 'bad-secret', message: 'wrong or missing secret' }, 401);
    const now = this.o.now();
    const rate = this.o.rate.take(now);
    if (!rate.ok) return { ...this.refuse({ fate: 'rate-limited', message: `more than ${this.o.rate.limit} alerts a minute` }, 429), retryAfterMs: rate.retryAfterMs };
    let alert;
    try {
      alert = readAlert(raw, 'webhook');
    } catch (err) {
      if (!(err instanceof AlertProblem)) throw err;
      return this.refuse({ fate: 'invalid', message: err.message }, 400);
    }
    const named = { action: alert.action, pair: alert.pair ?? alert.ticker };
    const pair = this.o.tickers.resolve(alert);
    if (pair === null) {
      return this.refuse({ fate: 'unknown-pair', ...named, message: `${alert.pair !== null ? `pair ${alert.pair}` : `ticker ${alert.ticker}`} is not traded by this bot (${this.o.tickers.pairs.join(', ')})` }, 422);
    }
    const mapped = engineOrderFor(alert, this.o.stake);
    if ('unsupported' in mapped) return this.refuse({ fate: 'unsupported', ...named, pair, message: mapped.unsupported }, 422);
    const lag = now - alert.time;
    if (Math.abs(lag) > this.o.maxLagMs) {
      const how = lag > 0 ? `sent ${(lag / 1000).toFixed(1)} s ago` : `dated ${(-lag / 1000).toFixed(1)} s ahead of this bot's clock`;
      return this.refuse({ fate: 'stale', ...named, pair, message: `${how}, beyond signals.maxLag (${this.o.maxLagMs / 1000} s)` }, 422);
    }
    return this.admit({ key: alertKey(alert), pair, time: now, alert }, mapped.order, now);
  }

  /**
   * A shadow takes an alert its live bot recorded: the same checks of pair and size, the same
   * record and dedupe; it takes effect when the live bot's did, or at the shadow's next candle.
   */
  async adopt(q: QueuedAlert): Promise<AlertFate> {
    const named = { key: q.key, action: q.alert.action, pair: q.pair };
    const pair = this.o.tickers.resolve({ pair: q.pair, ticker: null });
    if (pair === null) return this.note({ fate: 'unknown-pair', ...named, message: `pair ${q.pair} is not traded by this bot` });
    const mapped = engineOrderFor(q.alert, this.o.stake);
    if ('unsupported' in mapped) return this.note({ fate: 'unsupported', ...named, message: mapped.unsupported });
    const a = await this.admit({ ...q, pair }, mapped.order, q.time);
    return a.body.status === 'accepted' ? 'accepted' : a.body.status === 'duplicate' ? 'duplicate' : 'failed';
  }

  /** Some accepted alert is still being recorded: it is not in the book yet. */
  get busy(): boolean {
    return this.writes.size > 0;
  }

  /** Resolves once every alert being recorded is in the book (or has failed). */
  async idle(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  private async admit(q: QueuedAlert, order: BookedAlert['order'], takesEffect: number): Promise<IntakeAnswer> {
    const named = { key: q.key, action: q.alert.action, pair: q.pair };
    if (this.o.keys.has(q.key)) return this.duplicate(named);
    const first = this.inflight.get(q.key);
    if (first) {
      // the same alert, resent while the first copy is being written: its answer is the first's
      if (await first) return this.duplicate(named);
      return this.refuse({ fate: 'failed', ...named, message: 'the alert could not be recorded' }, 503);
    }
    // decided synchronously with the engine's claims: see AlertBook
    const booked: BookedAlert = { ...q, time: this.o.book.effectiveTime(q.pair, takesEffect), order };
    let problem = '';
    const write = this.o.record(toRecord(booked)).then(
      () => {
        this.o.keys.add(q.key);
        this.o.book.add(booked);
        return true;
      },
      (err: unknown) => {
        problem = err instanceof Error ? err.message : String(err);
        return false;
      },
    );
    this.inflight.set(q.key, write);
    this.writes.add(write);
    const ok = await write;
    this.inflight.delete(q.key);
    this.writes.delete(write);
    if (!ok) return this.refuse({ fate: 'failed', ...named, message: `the alert could not be recorded: ${problem}` }, 503);
    this.o.onFate({ fate: 'accepted', ...named, time: booked.time });
    return { status: 200, body: { status: 'accepted', key: q.key, pair: q.pair, action: q.alert.action, takesEffect: new Date(booked.time).toISOString() } };
  }

  private duplicate(named: { key: string; action: string; pair: string }): IntakeAnswer {
    this.o.onFate({ fate: 'duplicate', ...named });
    return { status: 200, body: { status: 'duplicate', key: named.key } };
  }

  private note(n: FateNote): AlertFate {
    this.o.onFate(n);
    return n.fate;
  }

  private refuse(n: FateNote, status: number): IntakeAnswer {
    this.o.onFate(n);
    return { status, body: { status: 'refused', fate: n.fate, message: n.message ?? n.fate } };
  }
}
