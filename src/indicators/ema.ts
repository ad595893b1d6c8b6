import type { SingleInputIndicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Exponential moving average, backtrader / TA-Lib convention:
 *
 * - alpha = 2 / (period + 1), alpha1 = 1 - alpha
 * - seed: the first value is emitted on the period-th update and is the simple average of the
 *   first `period` inputs (`sum / period`, sum accumulated in input order)
 * - then `ema = prev * alpha1 + x * alpha` — exactly backtrader's ExponentialSmoothing expression,
 *   so results agree with backtrader to the last few ulps (backtrader sums the seed with
 *   math.fsum, i.e. correctly rounded; the difference is at most a couple of ulps of the seed and
 *   decays geometrically afterwards).
 */
export class EMA implements SingleInputIndicator {
  private readonly _period: number;
  readonly alpha: number;
  readonly alpha1: number;
  private count = 0;
  private sum = 0;
  private _value = NaN;

  constructor(period: number) {
    assertPeriod('EMA period', period);
    this._period = period;
    this.alpha = 2 / (period + 1);
    this.alpha1 = 1 - this.alpha;
  }

  get period(): number {
    return this._period;
  }

  /** Number of updates needed before the first value. */
  get warmup(): number {
    return this._period;
  }

  get ready(): boolean {
    return this.count === this._period;
  }

  /** Current EMA, NaN until ready. */
  get value(): number {
    return this._value;
  }

  update(x: number): number {
    const p = this._period;
    if (this.count === p) {
      return (this._value = this._value * this.alpha1 + x * this.alpha);
    }
    this.sum += x;
    if (++this.count < p) return NaN;
    return (this._value = this.sum / p);
  }
}
