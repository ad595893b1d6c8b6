import type { SingleInputIndicator } from './index.js';
import { assertPeriod } from './sma.js';
import { WindowSum } from './window-sum.js';

/** Rounding-error budget of the sliding sum of squared deviations, relative to its value. */
const M2_REL_TOL = 1e-10;
const EPS = Number.EPSILON;

/**
 * Bollinger Bands: middle = SMA(period), upper/lower = middle ± k × σ, where σ is the POPULATION
 * standard deviation of the window (divide by n, as TA-Lib and backtrader do).
 *
 * Numerics (O(1) amortised per update, allocation-free):
 * - the window and its drift-guarded running sum live in a WindowSum, as in SMA (same sum, so
 *   `middle` matches SMA to rounding);
 * - the sum of squared deviations M2 is slid with the exact identity
 *   M2' = M2 + (x - old) × ((x - mean') + (old - mean));
 * - both running quantities carry a bound of the rounding error committed since the last
 *   recompute; when the bound exceeds 1e-11 of |sum| (checked by WindowSum) or 1e-10 of M2 (e.g.
 *   the window turns flat right after a spike left it — the case where sliding variance formulas
 *   cancel catastrophically) both are recomputed from the buffer: sum in chronological order, and
 *   M2 as a shifted two-pass sum about the oldest window element (s2 - s1²/n, error ≲ n·ε relative;
 *   exactly 0 for a constant window).
 * So σ stays within ~1e-10 relative of a textbook two-pass computation, and a constant window has
 * upper === middle === lower exactly.
 *
 * (backtrader computes σ as sqrt(SMA(x²) - SMA(x)²), which loses ~log10(mean²/σ²) digits; its bands
 * are still within ~1e-12 relative of these on price data because σ is small next to the mean.)
 *
 * update(x) returns the middle band; NaN for the first period-1 updates.
 */
export class Bollinger implements SingleInputIndicator {
  private declare readonly _period: number;
  /** band width multiplier */
  declare readonly k: number;
  private declare readonly window: WindowSum;
  private mean = 0;
  private m2 = 0;
  private m2Err = 0;
  private _middle = NaN;
  private _upper = NaN;
  private _lower = NaN;
  private _stdDev = NaN;

  constructor(period = 20, k = 2) {
    assertPeriod('Bollinger period', period);
    if (typeof k !== 'number' || !Number.isFinite(k) || k < 0) {
      throw new RangeError(`Bollinger k must be a finite number >= 0, got ${String(k)}`);
    }
    this._period = period;
    this.k = k;
    this.window = new WindowSum(period);
  }

  get period(): number {
    return this._period;
  }

  /** Number of updates needed before the first value. */
  get warmup(): number {
    return this._period;
  }

  get ready(): boolean {
    return this.window.full;
  }

  /** The middle band, NaN until ready. */
  get value(): number {
    return this._middle;
  }

  get middle(): number {
    return this._middle;
  }

  get upper(): number {
    return this._upper;
  }

  get lower(): number {
    return this._lower;
  }

  /** Population standard deviation of the window, NaN until ready. */
  get stdDev(): number {
    return this._stdDev;
  }

  update(x: number): number {
    const p = this._period;
    const w = this.window;
    const old = w.oldest;
    const state = w.push(x);
    if (state === 0) return NaN; // still filling

    if (state === 1) {
      // the sum slid incrementally: slide M2 too
      const d = x - old;
      const sum = w.sum;
      const sumErr = w.err;
      const oldMean = this.mean;
      const mean = sum / p;
      const a = x - mean;
      const b = old - oldMean;
      const m2 = this.m2 + d * (a + b);
      const absD = Math.abs(d);
      // own rounding + the effect of the (bounded) error of both means on the increment
      const m2Err =
        this.m2Err +
        EPS * (Math.abs(m2) + absD * (Math.abs(a) + Math.abs(b))) +
        2 * absD * (sumErr / p + EPS * Math.abs(mean));
      if (m2Err > m2 * M2_REL_TOL) {
        w.resum();
        this.recompute();
      } else {
        this.mean = mean;
        this.m2 = m2;
        this.m2Err = m2Err;
      }
    } else {
      // state 2: the window just filled, or the sum's drift guard fired
      this.recompute();
    }

    const mid = this.mean;
    const sd = Math.sqrt(this.m2 / p);
    const wd = this.k * sd;
    this._stdDev = sd;
    this._upper = mid + wd;
    this._lower = mid - wd;
    return (this._middle = mid);
  }

  /** Recompute mean and M2 from the (full) window, whose sum has just been computed exactly. */
  private recompute(): void {
    const w = this.window;
    this.mean = w.sum / this._period;
    this.m2 = w.sumSquaredDeviations();
    this.m2Err = 0;
  }
}
