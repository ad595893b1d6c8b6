/**
 * The highest high and the lowest low of the last `period` bars, in two ring buffers. A scan per
 * update (O(period)): the periods in use (9 to 52) make that cheaper than a monotonic deque's
 * bookkeeping, and it never drifts. Allocation-free after construction.
 */
export class RollingRange {
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private next = 0;
  count = 0;
  highest = NaN;
  lowest = NaN;

  constructor(readonly period: number) {
    this.highs = new Float64Array(period);
    this.lows = new Float64Array(period);
  }

  get full(): boolean {
    return this.count === this.period;
  }

  /** Adds a bar; returns true once `period` bars are in the window. */
  push(high: number, low: number): boolean {
    this.highs[this.next] = high;
    this.lows[this.next] = low;
    if (++this.next === this.period) this.next = 0;
    if (this.count < this.period) this.count++;
    let h = -Infinity;
    let l = Infinity;
    for (let j = 0; j < this.count; j++) {
      if (this.highs[j]! > h) h = this.highs[j]!;
      if (this.lows[j]! < l) l = this.lows[j]!;
    }
    this.highest = h;
    this.lowest = l;
    return this.count === this.period;
  }
}
