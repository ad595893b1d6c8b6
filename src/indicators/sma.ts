import type { SingleInputIndicator } from './index.js';

/**
 * Simple moving average over the last `period` inputs.
 *
 * Incremental, O(1) per update, allocation-free: a Float64Array ring buffer holds the window and a
 * running sum is updated with `sum += x - oldest`. Running sums drift (and lose everything to
 * cancellation after a huge value leaves the window), so every update also accumulates a cheap
 * bound of the rounding error committed so far; when that bound exceeds SUM_REL_TOL of |sum| the sum
 * is recomputed from the buffer in chronological order (O(period), rare: roughly every ~10^4
 * updates on price-like data, or right after a spike leaves the window). The result stays within
 * ~1e-11 relative of a from-scratch sum of the window.
 *
 * Warm-up: NaN for the first period-1 updates; the period-th update returns the first value,
 * which is exactly `(x0 + x1 + ... + x{p-1}) / p` summed left to right.
 */

/** Rounding-error budget of a running sum, relative to its magnitude, before it is recomputed. */
export const SUM_REL_TOL = 1e-11;
const EPS = Number.EPSILON;

/** Throws a RangeError unless `value` is an integer >= 1. Shared by every indicator constructor. */
export function assertPeriod(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`);
  }
}

export class SMA implements SingleInputIndicator {
  private readonly _period: number;
  private readonly buf: Float64Array;
  /** next write position == position of the oldest element once the window is full */
  private head = 0;
  private filled = 0;
  private sum = 0;
  /** upper bound on the absolute rounding error accumulated in `sum` since the last recompute */
  private err = 0;
  private _value = NaN;

  constructor(period: number) {
    assertPeriod('SMA period', period);
    this._period = period;
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

  /** Current average, NaN until ready. */
  get value(): number {
    return this._value;
  }

  update(x: number): number {
    const p = this._period;
    const buf = this.buf;
    const head = this.head;
    const old = buf[head];
    buf[head] = x;
    this.head = head + 1 === p ? 0 : head + 1;

    if (this.filled < p) {
      this.sum += x;
      if (++this.filled < p) return NaN;
      return (this._value = this.sum / p);
    }

    const d = x - old;
    const sum = this.sum + d;
    const err = this.err + EPS * (Math.abs(sum) + Math.abs(d));
    if (err > Math.abs(sum) * SUM_REL_TOL) {
      this.recompute();
    } else {
      this.sum = sum;
      this.err = err;
    }
    return (this._value = this.sum / p);
  }

  /** Exact-as-possible window sum, oldest to newest (the oldest sits at `head` when full). */
  private recompute(): void {
    const p = this._period;
    const buf = this.buf;
    const head = this.head;
    let s = 0;
    for (let i = head; i < p; i++) s += buf[i];
    for (let i = 0; i < head; i++) s += buf[i];
    this.sum = s;
    this.err = 0;
  }
}
