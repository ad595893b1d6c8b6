import type { Exchange } from 'ccxt';
import { MutableCandleSeries } from '../core/candles.js';
import type { Feed, FeedBatch } from '../engine/ports.js';
import { classifyCcxtError, NetworkError, RateLimitedError, ExchangeUnavailableError } from '../exchange/ccxt-errors.js';
import { closedPrefix } from './closed-candles.js';

export interface CcxtFeedOptions {
  exchange: Exchange;
  symbols: string[];
  timeframe: string;
  timeframeMs: number;
  /** candles of history before the start (or before the resume point) to warm the strategy */
  warmupBars: number;
  /** per instrument: open time of the last candle handled before a restart, or null */
  resumeAfter: (number | null)[];
  /**
   * A restarted bot re-warms from where it first warmed up (so its indicators are exactly what
   * they were), unless that is more than `warmupBars` before the resume point.
   */
  historyFrom?: number | null;
  pollMs: number;
  /** waits, and wakes early when the feed is stopped */
  sleep: (ms: number) => Promise<void>;
  /** told about polling trouble (for status: degraded) and recovery */
  onTrouble?: (err: Error | null) => void;
  /** exchange time; defaults to the exchange's fetchTime, falling back to the system clock */
  now?: () => Promise<number>;
}

const PAGE = 1000;

/**
 * Live candles from an exchange through ccxt, polled. Only CLOSED candles are appended: the
 * still-forming one is dropped by the exchange's clock. Several pairs are delivered merged in
 * time order, one candle per batch, so a bot that was down catches up in order.
 */
export class CcxtCandleFeed implements Feed {
  readonly series: MutableCandleSeries[];
  /** open time of the newest history candle at start: the engine's warm-up ends there */
  historyEnd = -Infinity;
  private readonly next_: number[];
  private stopped = false;
  private failures = 0;

  constructor(private readonly o: CcxtFeedOptions) {
    this.series = o.symbols.map(() => new MutableCandleSeries(o.timeframeMs));
    this.next_ = o.symbols.map(() => 0);
  }

  stop(): void {
    this.stopped = true;
  }

  private async exchangeNow(): Promise<number> {
    if (this.o.now) return this.o.now();
    try {
      return (await this.o.exchange.fetchTime()) ?? Date.now();
    } catch {
      return Date.now();
    }
  }

  /** Load history: `warmupBars` before now, or before the resume point, up to now. */
  async start(): Promise<void> {
    const now = await this.exchangeNow();
    const tf = this.o.timeframeMs;
    for (let k = 0; k < this.o.symbols.length; k++) {
      const resume = this.o.resumeAfter[k];
      const lastClosedOpen = Math.floor(now / tf) * tf - tf;
      const since =
        resume !== null && resume !== undefined
          ? Math.max(this.o.historyFrom ?? -Infinity, resume - this.o.warmupBars * tf)
          : this.o.historyFrom ?? lastClosedOpen - (this.o.warmupBars - 1) * tf;
      await this.fetchInto(k, since, now);
      const s = this.series[k]!;
      if (s.length > 0) this.historyEnd = Math.max(this.historyEnd, s.time[s.length - 1]!);
    }
  }

  async next(): Promise<FeedBatch | null> {
    for (;;) {
      if (this.stopped) return null;
      let best = -1;
      let bestTime = Infinity;
      for (let k = 0; k < this.series.length; k++) {
        const s = this.series[k]!;
        const i = this.next_[k]!;
        if (i < s.length && s.time[i]! < bestTime) {
          bestTime = s.time[i]!;
          best = k;
        }
      }
      if (best >= 0) {
        const i = this.next_[best]!;
        this.next_[best] = i + 1;
        return { instrument: best, start: i, end: i + 1 };
      }
      await this.o.sleep(this.pollDelay());
      if (this.stopped) return null;
      await this.poll();
    }
  }

  private pollDelay(): number {
    // back off while the exchange is failing: 1x, 2x, 4x ... up to a minute, with jitter
    if (this.failures === 0) return this.o.pollMs;
    const base = Math.min(60_000, this.o.pollMs * 2 ** Math.min(this.failures, 6));
    return base / 2 + Math.random() * (base / 2);
  }

  private async poll(): Promise<void> {
    try {
      const now = await this.exchangeNow();
      for (let k = 0; k < this.series.length; k++) {
        const s = this.series[k]!;
        const since = s.length > 0 ? s.time[s.length - 1]! + this.o.timeframeMs : now - this.o.timeframeMs * 2;
        await this.fetchInto(k, since, now);
      }
      if (this.failures > 0) this.o.onTrouble?.(null);
      this.failures = 0;
    } catch (err) {
      const e = classifyCcxtError(err, { operation: 'read' });
      if (e instanceof NetworkError || e instanceof RateLimitedError || e instanceof ExchangeUnavailableError) {
        this.failures++;
        this.o.onTrouble?.(e);
        return;
      }
      throw e;
    }
  }

  /** Append closed candles from `since` up to `now`, paging; never a candle already held. */
  private async fetchInto(k: number, since: number, now: number): Promise<void> {
    const s = this.series[k]!;
    const symbol = this.o.symbols[k]!;
    let from = since;
    for (;;) {
      let rows: number[][];
      try {
        rows = (await this.o.exchange.fetchOHLCV(symbol, this.o.timeframe, from, PAGE)) as number[][];
      } catch (err) {
        throw classifyCcxtError(err, { operation: 'read' });
      }
      const times = rows.map((r) => r[0]!);
      const closed = closedPrefix(times, this.o.timeframeMs, now);
      let added = 0;
      for (let j = 0; j < closed; j++) {
        const r = rows[j]!;
        const t = r[0]!;
        if (s.length > 0 && t <= s.time[s.length - 1]!) continue;
        s.push(t, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!);
        added++;
      }
      if (rows.length < PAGE || added === 0 || closed < rows.length) return;
      from = s.time[s.length - 1]! + this.o.timeframeMs;
    }
  }
}
