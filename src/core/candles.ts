/**
 * Candles live in a struct of float64 arrays: the hot loop reads prices without allocating.
 * `time` is the candle OPEN time in epoch ms. A series can grow (live feeds append closed candles).
 */
export interface CandleSeries {
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** bar interval in ms */
  readonly timeframeMs: number;
}

export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface CandleColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Six zeroed float64 columns of `capacity` rows. */
export function allocateCandles(capacity: number): CandleColumns {
  return {
    time: new Float64Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
  };
}

/** A growable series; views into it are replaced as it grows, so hold the series, not the arrays. */
export class MutableCandleSeries implements CandleSeries {
  length = 0;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;

  constructor(
    readonly timeframeMs: number,
    capacity = 1024,
  ) {
    ({ time: this.time, open: this.open, high: this.high, low: this.low, close: this.close, volume: this.volume } = allocateCandles(capacity));
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.length === this.time.length) this.grow(this.length * 2 || 1024);
    const i = this.length++;
    this.time[i] = time;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
  }

  private grow(capacity: number): void {
    const g = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.time = g(this.time);
    this.open = g(this.open);
    this.high = g(this.high);
    this.low = g(this.low);
    this.close = g(this.close);
    this.volume = g(this.volume);
  }
}

/** A fixed series over existing arrays (a loaded file). */
export function seriesFromArrays(
  arrays: { time: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array },
  timeframeMs: number,
  length = arrays.time.length,
): CandleSeries {
  return { ...arrays, length, timeframeMs };
}

/** The sub-series [start, end) sharing memory with `s`. */
export function sliceSeries(s: CandleSeries, start: number, end: number): CandleSeries {
  return {
    length: end - start,
    time: s.time.subarray(start, end),
    open: s.open.subarray(start, end),
    high: s.high.subarray(start, end),
    low: s.low.subarray(start, end),
    close: s.close.subarray(start, end),
    volume: s.volume.subarray(start, end),
    timeframeMs: s.timeframeMs,
  };
}

export function candleAt(s: CandleSeries, i: number): Candle {
  return { time: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! };
}

export interface Gap {
  /** open time of the last candle before the gap */
  after: number;
  /** open time of the first candle after the gap */
  before: number;
  /** number of candles missing */
  missing: number;
}

/** Gaps are reported, never filled. */
export function findGaps(s: CandleSeries): Gap[] {
  const gaps: Gap[] = [];
  const tf = s.timeframeMs;
  for (let i = 1; i < s.length; i++) {
    const d = s.time[i]! - s.time[i - 1]!;
    if (d > tf) gaps.push({ after: s.time[i - 1]!, before: s.time[i]!, missing: Math.round(d / tf) - 1 });
  }
  return gaps;
}
