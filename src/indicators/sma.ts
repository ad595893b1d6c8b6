import type { SingleInputIndicator } from './index.js';
import { WindowSum } from './window-sum.js';

/**
 * Simple moving average over the last `period` inputs.
 *
 * Incremental, O(1) per update, allocation-free: the window and its drift-guarded running sum live
 * in a WindowSum (see window-sum.ts); the result stays within ~1e-11 relative of a from-scratch sum
 * of the window.
 *
 * Warm-up: NaN for the first period-1 updates; the period-th update returns the first value,
 * which is exactly `(x0 + x1 + ... + x{p-1}) / p` summed left to right.
 */

/** Throws a RangeError unless `value` is an integer >= 1. Shared by every indicator constructor. */
export function assertPeriod(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`);
  }
}

export class SMA implements SingleInputIndicator {
  private declare readonly _period: number;
  private declare readonly window: WindowSum;
  private _value = NaN;

  constructor(period: number) {
    assertPeriod('SMA period', period);
    this._period = period;
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

  /** Current average, NaN until ready. */
  get value(): number {
    return this._value;
  }

  update(x: number): number {
    const p = this._period;
    const w = this.window;
    if (w.push(x) === 0) return NaN; // still filling
    return (this._value = w.sum / p);
  }
}
