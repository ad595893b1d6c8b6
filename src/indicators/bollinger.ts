import type { SingleInputIndicator } from './index.js';
import { assertPeriod, SUM_REL_TOL } from './sma.js';

/** Rounding-error budget of the sliding sum of squared deviations, relative to its value. */
const M2_REL_TOL = 1e-10;
const EPS = Number.EPSILON;

/**
 * Bollinger Bands: middle = SMA(period), upper/lower = middle ± k × σ, where σ is the POPULATION
 * standard deviation of the window (divide by n, as TA-Lib and backtrader do).
 *
 * Numerics (O(1) amortised per update, allocation-free):
 * - the window lives in a Float64Array ring buffer; the window sum is slid exactly like SMA
 *   (same sum, so `middle` matches SMA to rounding);
 * - the sum of squared deviations M2 is slid with the exact identity
 *   M2' = M2 + (x - old) × ((x - mean') + (old - mean));
 * - both running quantities carry a bound of the rounding error committed since the last
 *   recompute; when the bound exceeds 1e-11 of |sum| or 1e-10 of M2 (e.g. the window turns flat
 *   right after a spike left it — the case where sliding variance formulas cancel catastrophically)
 *   both are recomputed from the buffer: sum in chronological order, and M2 as a shifted two-pass
 *   sum about the oldest window element (s2 - s1²/n, error ≲ n·ε relative; exactly 0 for a
 *   constant window).
 * So σ stays within ~1e-10 relative of a textbook two-pass computation, and a constant window has
 * upper === middle === lower exactly.
 *
 * (backtrader computes σ as sqrt(SMA(x²) - SMA(x)²), which loses ~log10(mean²/σ²) digits; its bands
 * are still within ~1e-12 relative of these on price data because σ is small next to the mean.)
 *
 * update(x) returns the middle band; NaN for the first period-1 updates.
 */
export class Bollinger implements SingleInputIndicator {
  private readonly _period: number;
  /** band width multiplier */
  readonly k: number;
  private readonly buf: Float64Array;
  private head = 0;
  private filled = 0;
  private sum = 0;
  private sumErr = 0;
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
    this.buf = new Float64Array(period);
  }

  get period(): number {
    return this._period;
  }

  /** Number of updates needed before the first value. */
  get warmup(): number {
    return this._period;
  }

  get ready(): boolean {
    return this.filled === this._period;
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
    const buf = this.buf;
    const head = this.head;
    const old = buf[head];
    buf[head] = x;
    this.head = head + 1 === p ? 0 : head + 1;

    if (this.filled < p) {
      if (++this.filled < p) return NaN;
      this.recompute();
    } else {
      const d = x - old;
      const oldMean = this.mean;
      const sum = this.sum + d;
      const mean = sum / p;
      const a = x - mean;
      const b = old - oldMean;
      const m2 = this.m2 + d * (a + b);
      const absD = Math.abs(d);
      const sumErr = this.sumErr + EPS * (Math.abs(sum) + absD);
      // own rounding + the effect of the (bounded) error of both means on the increment
      const m2Err =
        this.m2Err +
        EPS * (Math.abs(m2) + absD * (Math.abs(a) + Math.abs(b))) +
        2 * absD * (sumErr / p + EPS * Math.abs(mean));
      if (sumErr > Math.abs(sum) * SUM_REL_TOL || m2Err > m2 * M2_REL_TOL) {
        this.recompute();
      } else {
        this.sum = sum;
        this.sumErr = sumErr;
        this.mean = mean;
        this.m2 = m2;
        this.m2Err = m2Err;
      }
    }

    const mid = this.mean;
    const sd = Math.sqrt(this.m2 / p);
    const w = this.k * sd;
    this._stdDev = sd;
    this._upper = mid + w;
    this._lower = mid - w;
    return (this._middle = mid);
  }

  /** Recompute sum and M2 from the (full) buffer; the oldest element sits at `head`. */
  private recompute(): void {
    const p = this._period;
    const buf = this.buf;
    const head = this.head;
    const shift = buf[head];
    let s = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = head; i < p; i++) {
      const v = buf[i];
      const dv = v - shift;
      s += v;
      s1 += dv;
      s2 += dv * dv;
    }
    for (let i = 0; i < head; i++) {
      const v = buf[i];
      const dv = v - shift;
      s += v;
      s1 += dv;
      s2 += dv * dv;
    }
    const m2 = s2 - (s1 * s1) / p;
    this.sum = s;
    this.sumErr = 0;
    this.mean = s / p;
    this.m2 = m2 > 0 ? m2 : 0;
    this.m2Err = 0;
  }
}
