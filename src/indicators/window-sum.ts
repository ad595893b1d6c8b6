/**
 * Sliding window of the last `size` inputs with a drift-guarded running sum, shared by SMA and
 * Bollinger.
 *
 * Incremental, O(1) per push, allocation-free: a Float64Array ring buffer holds the window and the
 * running sum is updated with `sum += x - oldest`. Running sums drift (and lose everything to
 * cancellation after a huge value leaves the window), so every slide also accumulates a cheap bound
 * of the rounding error committed so far; when that bound exceeds SUM_REL_TOL of |sum| the sum is
 * recomputed from the buffer in chronological order (O(size), rare: roughly every ~10^4 pushes on
 * price-like data, or right after a spike leaves the window). The sum stays within ~1e-11 relative
 * of a from-scratch sum of the window.
 *
 * While filling, the sum is accumulated left to right, so once full it is exactly
 * `x0 + x1 + ... + x{size-1}` in that order.
 *
 * Callers validate `size` (an integer >= 1) and hold one instance as a field, so push() stays
 * monomorphic and inlinable.
 */

/**
 * Rounding-error budget of a running sum, relative to its magnitude, before it is recomputed.
 * Module-private on purpose: V8 folds a private module `const` into the inlined push(), while an
 * exported one is read through a module cell (with a TDZ check) on every call.
 */
const SUM_REL_TOL = 1e-11;
const EPS = Number.EPSILON;

/**
 * What push() did:
 * - 0: the window is not full yet; `sum` covers the inputs so far;
 * - 1: the window slid and `sum` was updated incrementally (`err` grew);
 * - 2: `sum` is exact — the window has just filled, or the drift guard fired and the sum was
 *   recomputed from the buffer; `err` is 0. Quantities derived from the window should be
 *   recomputed too.
 * Plain literals rather than exported constants on purpose: an imported binding is a module-variable
 * load that V8 does not constant-fold, which measurably slows the inlined hot path.
 */
export type WindowPush = 0 | 1 | 2;

export class WindowSum {
  // `declare`d fields are only assigned in the constructor. A plain declaration would first define
  // them as undefined (ES2022 class fields), which widens V8's field representation/type and adds
  // checks to every inlined push(); the same goes for the fields holding a WindowSum.
  declare readonly size: number;
  private declare readonly buf: Float64Array;
  /** next write position == position of the oldest element once the window is full */
  private head = 0;
  private filled = 0;
  private _sum = 0;
  /** upper bound on the absolute rounding error accumulated in `_sum` since the last recompute */
  private _err = 0;

  constructor(size: number) {
    this.size = size;
    this.buf = new Float64Array(size);
  }

  /** True once `size` inputs have been pushed. */
  get full(): boolean {
    return this.filled === this.size;
  }

  /** Sum of the window (of the inputs so far while filling). */
  get sum(): number {
    return this._sum;
  }

  /** Bound on the absolute rounding error of `sum` since it was last computed exactly. */
  get err(): number {
    return this._err;
  }

  /** The oldest input, which the next push evicts once the window is full (0 before that). */
  get oldest(): number {
    return this.buf[this.head];
  }

  /** Appends x (evicting the oldest input once full); see WindowPush for the result. */
  push(x: number): WindowPush {
    const size = this.size;
    const buf = this.buf;
    const head = this.head;
    const old = buf[head];
    buf[head] = x;
    this.head = head + 1 === size ? 0 : head + 1;

    if (this.filled < size) {
      this._sum += x;
      return ++this.filled < size ? 0 : 2;
    }

    const d = x - old;
    const sum = this._sum + d;
    const err = this._err + EPS * (Math.abs(sum) + Math.abs(d));
    if (err > Math.abs(sum) * SUM_REL_TOL) {
      this.resum();
      return 2;
    }
    this._sum = sum;
    this._err = err;
    return 1;
  }

  /** Recomputes the sum of the (full) window from the buffer, oldest to newest; resets `err`. */
  resum(): void {
    const size = this.size;
    const buf = this.buf;
    const head = this.head;
    let s = 0;
    for (let i = head; i < size; i++) s += buf[i];
    for (let i = 0; i < head; i++) s += buf[i];
    this._sum = s;
    this._err = 0;
  }

  /**
   * Sum of squared deviations from the mean of the (full) window, computed from the buffer as a
   * shifted two-pass sum about the oldest element: s2 - s1²/size (error ≲ size·ε relative, exactly 0
   * for a constant window), clamped at 0.
   */
  sumSquaredDeviations(): number {
    const size = this.size;
    const buf = this.buf;
    const head = this.head;
    const shift = buf[head];
    let s1 = 0;
    let s2 = 0;
    for (let i = head; i < size; i++) {
      const dv = buf[i] - shift;
      s1 += dv;
      s2 += dv * dv;
    }
    for (let i = 0; i < head; i++) {
      const dv = buf[i] - shift;
      s1 += dv;
      s2 += dv * dv;
    }
    const m2 = s2 - (s1 * s1) / size;
    return m2 > 0 ? m2 : 0;
  }
}
