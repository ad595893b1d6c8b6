import { MutableCandleSeries, type CandleSeries } from '../core/candles.js';
import { bucketOffset, higherTimeframeMs } from '../core/timeframe.js';
import type { History, TimeframeView } from '../strategies/types.js';

/**
 * Closed candles of a higher timeframe, built while the base series is read, with the rules of
 * src/data/resample.ts: epoch-aligned buckets (weeks from Monday), open/high/low/close/volume of
 * the base candles present; a bucket cut by the start of the base series is left out unless
 * complete. A candle becomes visible at the base candle that closes it: its last base candle, or,
 * when that one is missing (a gap), the first base candle after the bucket. So at base candle i
 * the visible candles are exactly resampleCandles(base[0..i]): nothing from the future.
 *
 * Lazy: it catches up with the base series when the strategy asks (ctx.timeframe), so a strategy
 * that never asks pays nothing.
 */
export class HigherTimeframe implements TimeframeView {
  readonly series: MutableCandleSeries;
  /** base index at which each candle of `series` became visible */
  private visibleAt = new Int32Array(64);
  private readonly ms: number;
  private readonly offset: number;
  private readonly perBucket: number;
  private next = 0;
  private first = NaN;
  // the bucket being filled
  private bStart = NaN;
  private bEnd = NaN;
  private o = 0;
  private h = 0;
  private l = 0;
  private c = 0;
  private v = 0;
  private count = 0;
  /** the base candle the view is at */
  private at = -1;
  readonly history: History;

  constructor(
    readonly timeframe: string,
    private readonly base: CandleSeries,
  ) {
    this.ms = higherTimeframeMs(timeframe, base.timeframeMs);
    this.offset = bucketOffset(this.ms);
    this.perBucket = this.ms / base.timeframeMs;
    this.series = new MutableCandleSeries(this.ms, 64);
    const self = this;
    const at = (arr: 'time' | 'open' | 'high' | 'low' | 'close' | 'volume') =>
      function (ago = 0): number {
        if (ago < 0 || !Number.isInteger(ago)) throw new RangeError(`history(${ago}): only past candles can be read (ago >= 0)`);
        const j = self.series.length - 1 - ago;
        return j >= 0 ? self.series[arr][j]! : NaN;
      };
    this.history = {
      get length() {
        return self.series.length;
      },
      time: at('time'),
      open: at('open'),
      high: at('high'),
      low: at('low'),
      close: at('close'),
      volume: at('volume'),
    };
  }

  /** Read the base series up to candle i (inclusive). Reading backwards is a bug in the caller. */
  advance(i: number): this {
    const s = this.base;
    if (Number.isNaN(this.first) && s.length > 0) this.first = s.time[0]!;
    for (let j = this.next; j <= i; j++) {
      const t = s.time[j]!;
      if (this.count > 0 && t >= this.bEnd) this.emit(j); // a gap ended the bucket: visible now
      if (this.count === 0) {
        this.bStart = Math.floor((t - this.offset) / this.ms) * this.ms + this.offset;
        this.bEnd = this.bStart + this.ms;
        this.o = s.open[j]!;
        this.h = s.high[j]!;
        this.l = s.low[j]!;
        this.c = s.close[j]!;
        this.v = s.volume[j]!;
        this.count = 1;
      } else {
        if (s.high[j]! > this.h) this.h = s.high[j]!;
        if (s.low[j]! < this.l) this.l = s.low[j]!;
        this.c = s.close[j]!;
        this.v += s.volume[j]!;
        this.count++;
      }
      if (t + s.timeframeMs >= this.bEnd) this.emit(j);
    }
    if (i + 1 > this.next) this.next = i + 1;
    this.at = i;
    return this;
  }

  private emit(j: number): void {
    const complete = this.count >= this.perBucket;
    const cut = this.bStart < this.first;
    if (complete || !cut) {
      const n = this.series.length;
      if (n === this.visibleAt.length) {
        const b = new Int32Array(n * 2);
        b.set(this.visibleAt);
        this.visibleAt = b;
      }
      this.visibleAt[n] = j;
      this.series.push(this.bStart, this.o, this.h, this.l, this.c, this.v);
    }
    this.count = 0;
  }

  private last(arr: 'time' | 'open' | 'high' | 'low' | 'close' | 'volume'): number {
    const n = this.series.length;
    return n > 0 ? this.series[arr][n - 1]! : NaN;
  }

  get time(): number {
    return this.last('time');
  }
  get open(): number {
    return this.last('open');
  }
  get high(): number {
    return this.last('high');
  }
  get low(): number {
    return this.last('low');
  }
  get close(): number {
    return this.last('close');
  }
  get volume(): number {
    return this.last('volume');
  }

  get closed(): number {
    let n = 0;
    for (let k = this.series.length - 1; k >= 0 && this.visibleAt[k] === this.at; k--) n++;
    return n;
  }
}
