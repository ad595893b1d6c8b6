import { MutableCandleSeries, type Candle, type CandleSeries } from '../../core/candles.js';
import { closedPrefix } from '../../data/closed-candles.js';
import { MAX_WALK_CANDLES } from './limits.js';

/**
 * Where the simulator's prices come from, per symbol. Time is the sim clock (epoch ms). Candles
 * are the base series (the file's interval, or the walk's); /klines aggregates them.
 */
export interface PriceSource {
  readonly symbol: string;
  readonly series: CandleSeries;
  /** candles [0, closed) are closed at the time of the last advanceTo */
  readonly closed: number;
  /** whether closed candles are shown to the exchange for matching (a flat walk is not) */
  readonly matchesBars: boolean;
  /** the price now: the open of the forming candle, or the last close, or a price set from outside */
  price(): number;
  /** moves to sim time t; returns the range of candles that closed since the last call */
  advanceTo(t: number): { from: number; to: number };
  /** a price set from the control plane; it lasts until the next candle opens (replay) */
  setPrice(p: number, t: number): void;
  /** the forming candle at the last advance (what Binance serves as the last kline), or null */
  forming(): Candle | null;
}

/** Replays a candle file: candles before `start` are history, later ones close as the clock passes them. */
export class ReplaySource implements PriceSource {
  closed: number;
  private override: number | undefined;
  readonly matchesBars = true;
  /** the sim time of the last advance */
  private t: number;

  constructor(
    readonly symbol: string,
    readonly series: CandleSeries,
    start: number,
  ) {
    this.closed = closedPrefix(series.time.subarray(0, series.length), series.timeframeMs, start);
    this.t = start;
  }

  /** whether the candle after the closed ones has opened (a gap in the file: not yet) */
  private formingOpened(): boolean {
    return this.closed < this.series.length && this.series.time[this.closed]! <= this.t;
  }

  price(): number {
    if (this.override !== undefined) return this.override;
    const s = this.series;
    if (this.formingOpened() || this.closed === 0) return s.open[this.closed]!;
    return s.close[this.closed - 1]!;
  }

  advanceTo(t: number): { from: number; to: number } {
    const s = this.series;
    let to = this.closed;
    while (to < s.length && s.time[to]! + s.timeframeMs <= t) to++;
    const from = this.closed;
    if (to > from) this.override = undefined;
    this.closed = to;
    if (t > this.t) this.t = t;
    return { from, to };
  }

  setPrice(p: number): void {
    this.override = p;
  }

  forming(): Candle | null {
    const s = this.series;
    const i = this.closed;
    // a candle that has not opened yet (past the file's end, or in a gap of it) is the future
    if (!this.formingOpened()) return null;
    // only the open is known yet: the rest of the file's candle is the future
    const px = this.price();
    return { time: s.time[i]!, open: s.open[i]!, high: Math.max(s.open[i]!, px), low: Math.min(s.open[i]!, px), close: px, volume: 0 };
  }
}

export interface WalkOptions {
  symbol: string;
  startPrice: number;
  /** the sim time the walk is "now" at creation; history is generated before it */
  start: number;
  timeframeMs: number;
  /** standard deviation of the log return per candle; 0: the price only moves when set */
  volatility: number;
  seed: number;
  /** candles of history before start */
  history: number;
  /** price decimals kept (the tick) */
  decimals: number;
  /** candles kept (default MAX_WALK_CANDLES) */
  keep?: number;
}

/**
 * A seeded, deterministic geometric random walk: one step per candle. It keeps its most recent
 * `keep` candles (MAX_WALK_CANDLES): a sim left running fast, or advanced by a year of one-second
 * candles, stays within bounded memory and time. Candles that would be dropped at once are not
 * generated: the price carries over them.
 */
export class WalkSource implements PriceSource {
  series: MutableCandleSeries;
  closed = 0;
  readonly matchesBars: boolean;
  private readonly rand: () => number;
  private last: number;
  private formingOpen: number;
  private formingHigh: number;
  private formingLow: number;
  private formingVolume = 0;
  private nextOpen: number;

  private readonly keep: number;

  constructor(private readonly o: WalkOptions) {
    this.keep = Math.max(o.keep ?? MAX_WALK_CANDLES, o.history + 1);
    this.series = new MutableCandleSeries(o.timeframeMs, Math.min(o.history, this.keep) + 1024);
    this.matchesBars = o.volatility > 0;
    this.rand = normal(mulberry32(o.seed));
    this.last = o.startPrice;
    this.formingOpen = this.formingHigh = this.formingLow = o.startPrice;
    const t0 = Math.floor(o.start / o.timeframeMs) * o.timeframeMs;
    this.nextOpen = t0 - o.history * o.timeframeMs;
    this.advanceTo(o.start);
  }

  get symbol(): string {
    return this.o.symbol;
  }

  price(): number {
    return this.last;
  }

  advanceTo(t: number): { from: number; to: number } {
    let from = this.closed;
    const tf = this.o.timeframeMs;
    const f = 10 ** this.o.decimals;
    const closing = Math.floor((t - this.nextOpen) / tf);
    if (closing > this.keep) {
      // these would be dropped as soon as they were made
      this.nextOpen += (closing - this.keep) * tf;
      this.series = new MutableCandleSeries(tf, this.keep + 1024);
      from = 0;
    }
    while (this.nextOpen + tf <= t) {
      const close = this.o.volatility > 0 ? Math.max(1 / f, Math.round(this.last * Math.exp(this.o.volatility * this.rand()) * f) / f) : this.last;
      const open = this.formingOpen;
      this.series.push(this.nextOpen, open, Math.max(this.formingHigh, close), Math.min(this.formingLow, close), close, this.formingVolume + (this.o.volatility > 0 ? 1 : 0));
      this.last = close;
      this.formingOpen = this.formingHigh = this.formingLow = close;
      this.formingVolume = 0;
      this.nextOpen += tf;
    }
    // let it grow to twice the window, then keep the window: copying is rare and linear
    if (this.series.length > 2 * this.keep) {
      const drop = this.series.length - this.keep;
      const kept = new MutableCandleSeries(tf, this.keep + 1024);
      const s = this.series;
      for (let i = drop; i < s.length; i++) kept.push(s.time[i]!, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!);
      this.series = kept;
      from = Math.max(0, from - drop);
    }
    this.closed = this.series.length;
    return { from, to: this.closed };
  }

  setPrice(p: number, _t: number, volume = 0): void {
    this.last = p;
    this.formingHigh = Math.max(this.formingHigh, p);
    this.formingLow = Math.min(this.formingLow, p);
    this.formingVolume += volume;
  }

  forming(): Candle {
    return { time: this.nextOpen, open: this.formingOpen, high: this.formingHigh, low: this.formingLow, close: this.last, volume: this.formingVolume };
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box-Muller over a uniform source. */
function normal(u: () => number): () => number {
  return () => {
    const a = Math.max(u(), 1e-12);
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
  };
}

/** Binance kline intervals, in ms; '1M' is not served (months are not a fixed length). */
export const KLINE_INTERVALS: Record<string, number> = {
  '1s': 1_000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
};

/** 1970-01-05, the first Monday after the epoch: Binance's weekly klines open on Mondays. */
const WEEK_OFFSET_MS = 4 * 86_400_000;

/**
 * Klines of `intervalMs` (a multiple of the base interval) from the closed base candles plus the
 * forming one, as Binance serves them: open time ascending, the last one possibly still forming.
 */
export function aggregateKlines(src: PriceSource, intervalMs: number, startTime: number | undefined, endTime: number | undefined, limit: number): Candle[] {
  const s = src.series;
  const n = src.closed;
  const rows: Candle[] = [];
  // Binance's weeks open on Monday 00:00 UTC; the epoch was a Thursday
  const offset = intervalMs === KLINE_INTERVALS['1w'] ? WEEK_OFFSET_MS : 0;
  const bucketOf = (t: number) => Math.floor((t - offset) / intervalMs) * intervalMs + offset;
  const push = (c: Candle) => {
    const b = bucketOf(c.time);
    const last = rows[rows.length - 1];
    if (last && last.time === b) {
      last.high = Math.max(last.high, c.high);
      last.low = Math.min(last.low, c.low);
      last.close = c.close;
      last.volume += c.volume;
    } else {
      rows.push({ time: b, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume });
    }
  };
  const forming = src.forming();
  // Binance serves the klines whose open time is in [startTime, endTime], the first `limit` of
  // them; without a startTime, the most recent `limit` up to endTime (or now). A client paging with
  // startTime = the last open time + 1 therefore gets neither a duplicate nor a gap.
  let from: number;
  if (startTime !== undefined) {
    from = lowerBound(s.time, n, Math.ceil((startTime - offset) / intervalMs) * intervalMs + offset);
  } else {
    let lastTime = forming ? forming.time : n > 0 ? s.time[n - 1]! : 0;
    if (endTime !== undefined) lastTime = Math.min(lastTime, endTime);
    from = lowerBound(s.time, n, bucketOf(lastTime) - (limit - 1) * intervalMs);
  }
  for (let i = from; i < n; i++) {
    if (endTime !== undefined && bucketOf(s.time[i]!) > endTime) break;
    push({ time: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
    if (rows.length > limit) break;
  }
  const fb = forming ? bucketOf(forming.time) : NaN;
  if (forming && (endTime === undefined || fb <= endTime) && (startTime === undefined || fb >= startTime)) push(forming);
  return rows.slice(0, limit);
}

function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
