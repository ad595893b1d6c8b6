import type { EngineOrder } from './alert-order.js';
import type { QueuedAlert } from './alert-record.js';

/** An accepted alert and the order it asks for. */
export interface BookedAlert extends QueuedAlert {
  order: EngineOrder;
}

/** The alerts one candle acted on: the last one wins, the earlier ones are superseded. */
export interface AppliedAlerts {
  pair: string;
  /** open time of the candle */
  bar: number;
  winner: BookedAlert;
  superseded: BookedAlert[];
}

/**
 * Alerts waiting for their candle. The rule, live and in a backtest alike: an alert that takes
 * effect at time t is acted on at the first candle that closes after t (close > t).
 *
 * Live, an alert must not take effect before a candle the engine already has: `claim` is told the
 * close of each candle as it is handed to the engine, and an alert received after that takes
 * effect at max(received, claimed). Its recorded time is that effective time, so a replay of the
 * record acts on the same candle the bot did.
 */
export class AlertBook {
  private readonly queues: BookedAlert[][];
  private readonly index = new Map<string, number>();
  /** per pair: close time of the last candle handed to the engine */
  private readonly claimed: number[];
  /** what the candles acted on since the last drain, for the fates */
  applied: AppliedAlerts[] = [];

  constructor(
    readonly pairs: readonly string[],
    readonly timeframeMs: number,
  ) {
    this.queues = pairs.map(() => []);
    this.claimed = pairs.map(() => -Infinity);
    pairs.forEach((p, k) => this.index.set(p, k));
  }

  /** A candle of pair k that closes at `close` is about to be processed. */
  claim(k: number, close: number): void {
    if (close > this.claimed[k]!) this.claimed[k] = close;
  }

  /** When an alert for `pair` received at `received` takes effect. */
  effectiveTime(pair: string, received: number): number {
    const k = this.index.get(pair);
    return k === undefined ? received : Math.max(received, this.claimed[k]!);
  }

  add(a: BookedAlert): void {
    const q = this.queues[this.index.get(a.pair)!]!;
    let at = q.length;
    while (at > 0 && q[at - 1]!.time > a.time) at--; // almost always appended at the end
    q.splice(at, 0, a);
  }

  /**
   * The alerts due at the candle of `pair` that closes at `close`, removed from the book; the
   * last of them is what the candle acts on (an alert that closes and one that reopens within
   * one candle leave the position as the later one says).
   */
  take(pair: string, bar: number): BookedAlert | null {
    const k = this.index.get(pair);
    if (k === undefined) return null;
    const q = this.queues[k]!;
    const close = bar + this.timeframeMs;
    let n = 0;
    while (n < q.length && q[n]!.time < close) n++;
    if (n === 0) return null;
    const due = q.splice(0, n);
    const winner = due[n - 1]!;
    this.applied.push({ pair, bar, winner, superseded: due.slice(0, -1) });
    return winner;
  }

  /** Alerts that took effect before `from` and can no longer be acted on (a backtest's data starts later). */
  dropBefore(from: number): BookedAlert[] {
    const out: BookedAlert[] = [];
    for (const q of this.queues) {
      let n = 0;
      while (n < q.length && q[n]!.time < from) n++;
      out.push(...q.splice(0, n));
    }
    return out;
  }

  get pending(): number {
    return this.queues.reduce((n, q) => n + q.length, 0);
  }

  drainApplied(): AppliedAlerts[] {
    const out = this.applied;
    this.applied = [];
    return out;
  }
}
