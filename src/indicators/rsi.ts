import type { SingleInputIndicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Relative Strength Index with Wilder's smoothing.
 *
 * - gain = max(x - prev, 0), loss = max(prev - x, 0), one pair per input after the first
 * - the first value is emitted on update number period+1 (i.e. once `period` changes exist):
 *   avgGain / avgLoss are the simple averages of the first `period` gains / losses
 * - then avg = (prev * (period - 1) + cur) / period
 * - RSI = 100 - 100 / (1 + avgGain / avgLoss); avgLoss == 0 gives 100, and 50 when avgGain is 0 too
 *   (backtrader's RSI with safediv: safehigh = 100, safelow = 50).
 *
 * backtrader writes the smoothing as prev * (1 - 1/period) + cur / period; mathematically the same,
 * the two differ by an ulp or so per step and the recursion is contractive, so they stay within
 * ~1e-15 relative of each other.
 */
export class RSI implements SingleInputIndicator {
  private readonly _period: number;
  private readonly pm1: number;
  /** inputs seen, capped at period + 1 */
  private count = 0;
  private prev = NaN;
  private sumGain = 0;
  private sumLoss = 0;
  private _avgGain = NaN;
  private _avgLoss = NaN;
  private _value = NaN;

  constructor(period = 14) {
    assertPeriod('RSI period', period);
    this._period = period;
    this.pm1 = period - 1;
  }

  get period(): number {
    return this._period;
  }

  /** Number of updates needed before the first value (period + 1). */
  get warmup(): number {
    return this._period + 1;
  }

  get ready(): boolean {
    return this.count > this._period;
  }

  /** Current RSI in [0, 100], NaN until ready. */
  get value(): number {
    return this._value;
  }

  /** Wilder-smoothed average gain, NaN until ready. */
  get avgGain(): number {
    return this._avgGain;
  }

  /** Wilder-smoothed average loss (positive), NaN until ready. */
  get avgLoss(): number {
    return this._avgLoss;
  }

  update(x: number): number {
    const p = this._period;
    const n = this.count;
    const diff = x - this.prev;
    this.prev = x;
    if (n === 0) {
      this.count = 1;
      return NaN;
    }
    const gain = diff > 0 ? diff : 0;
    const loss = diff < 0 ? -diff : 0;

    let avgGain: number;
    let avgLoss: number;
    if (n > p) {
      avgGain = (this._avgGain * this.pm1 + gain) / p;
      avgLoss = (this._avgLoss * this.pm1 + loss) / p;
    } else {
      // n inputs seen before this one => this is change number n
      this.sumGain += gain;
      this.sumLoss += loss;
      this.count = n + 1;
      if (n < p) return NaN;
      avgGain = this.sumGain / p;
      avgLoss = this.sumLoss / p;
    }
    this._avgGain = avgGain;
    this._avgLoss = avgLoss;
    if (avgLoss === 0) return (this._value = avgGain === 0 ? 50 : 100);
    return (this._value = 100 - 100 / (1 + avgGain / avgLoss));
  }
}
