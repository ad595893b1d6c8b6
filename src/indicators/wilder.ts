/**
 * Wilder's smoothing (a.k.a. SMMA / RMA) of one input series, shared by RSI (gains and losses)
 * and ATR (true ranges).
 *
 * - seed: the first value is emitted on the period-th input and is the simple average of the first
 *   `period` inputs (`sum / period`, sum accumulated in input order) — the TA-Lib / backtrader seed;
 * - then avg = (prev * (period - 1) + x) / period.
 *
 * Allocation-free; callers validate `period` (an integer >= 1) and hold one instance per series as a
 * field, so update() stays monomorphic and inlinable. Several series fed in lockstep (RSI's gains and
 * losses) should test `ready` once and call smooth() / seed() on each: V8 schedules that measurably
 * better than independent update() calls that each branch on their own count.
 */
export class WilderAverage {
  declare readonly period: number;
  private declare readonly pm1: number;
  /** inputs seen, capped at period */
  private count = 0;
  private sum = 0;
  private _value = NaN;

  constructor(period: number) {
    this.period = period;
    this.pm1 = period - 1;
  }

  /** True once `period` inputs have been seen. */
  get ready(): boolean {
    return this.count === this.period;
  }

  /** Current average, NaN until ready. */
  get value(): number {
    return this._value;
  }

  /** Feeds one input; returns the current average (NaN for the first period-1 inputs). */
  update(x: number): number {
    return this.count === this.period ? this.smooth(x) : this.seed(x);
  }

  /** update() once ready (only then): avg = (prev * (period - 1) + x) / period. */
  smooth(x: number): number {
    return (this._value = (this._value * this.pm1 + x) / this.period);
  }

  /**
   * update() before ready (only then): accumulates the seed; returns NaN, or the seed average on
   * the period-th input.
   */
  seed(x: number): number {
    this.sum += x;
    if (++this.count < this.period) return NaN;
    return (this._value = this.sum / this.period);
  }
}
