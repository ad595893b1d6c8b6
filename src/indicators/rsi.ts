import type { SingleInputIndicator } from './index.js';
import { assertPeriod } from './sma.js';
import { WilderAverage } from './wilder.js';

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
  private declare readonly gains: WilderAverage;
  private declare readonly losses: WilderAverage;
  private started = false;
  private prev = NaN;
  private _value = NaN;

  constructor(period = 14) {
    assertPeriod('RSI period', period);
    this.gains = new WilderAverage(period);
    this.losses = new WilderAverage(period);
  }

  get period(): number {
    return this.gains.period;
  }

  /** Number of updates needed before the first value (period + 1). */
  get warmup(): number {
    return this.gains.period + 1;
  }

  get ready(): boolean {
    return this.gains.ready;
  }

  /** Current RSI in [0, 100], NaN until ready. */
  get value(): number {
    return this._value;
  }

  /** Wilder-smoothed average gain, NaN until ready. */
  get avgGain(): number {
    return this.gains.value;
  }

  /** Wilder-smoothed average loss (positive), NaN until ready. */
  get avgLoss(): number {
    return this.losses.value;
  }

  update(x: number): number {
    const diff = x - this.prev;
    this.prev = x;
    if (!this.started) {
      this.started = true;
      return NaN;
    }
    const gain = diff > 0 ? diff : 0;
    const loss = diff < 0 ? -diff : 0;
    // one gain / loss pair per change: both averages warm up in lockstep
    const gains = this.gains;
    const losses = this.losses;
    let avgGain: number;
    let avgLoss: number;
    if (gains.ready) {
      avgGain = gains.smooth(gain);
      avgLoss = losses.smooth(loss);
    } else {
      avgGain = gains.seed(gain);
      avgLoss = losses.seed(loss);
      if (!gains.ready) return NaN;
    }
    if (avgLoss === 0) return (this._value = avgGain === 0 ? 50 : 100);
    return (this._value = 100 - 100 / (1 + avgGain / avgLoss));
  }
}
