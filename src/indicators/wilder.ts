/**
 * Wilder's smoothing (a.k.a. SMMA / RMA) of one input series, shared by RSI (gains and losses)
 * and ATR (true ranges).
 *
 * - seed: the first value is emitted on the period-th input and is the simple average of the first
 *   `period` inputs (`sum / period`, sum accumulated in input order) — the TA-Lib / backtrader seed;
 * - then avg = (prev * (period - 1) + x) / period.
 *
 * Allocation-free; callers validate `period` (an integer >= 1) and hold one instance per series as a
 * field, so update() stays monomorphic and inlinable.
 */
export class WilderAverage {
  readonly period: number;
  private readonly pm1: number;
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
    const p = this.period;
    if (this.count === p) {
      return (this._value = (this._value * this.pm1 + x) / p);
    }
    this.sum += x;
    if (++this.count < p) return NaN;
    return (this._value = this.sum / p);
  }
}
