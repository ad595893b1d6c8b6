import type { BarIndicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Average True Range with Wilder's smoothing.
 *
 * true range = max(high - low, |high - prevClose|, |low - prevClose|); the first bar has no
 * previous close, so its true range is high - low (exposed as `trueRange`, but see below).
 *
 * Seeding convention — TA-Lib / backtrader, NOT Wilder's book: the first bar's high - low is left
 * out; the seed is the simple average of the `period` true ranges of bars 2..period+1 (the first
 * ones that have a previous close), so the first value is emitted on update number period + 1.
 * Wilder's original seeds with bars 1..period and is ready one bar earlier; the two converge
 * (the seed's weight decays as ((period-1)/period)^n) but are not equal, and the engine must
 * reproduce backtrader, whose ATR = SmoothedMovingAverage(TrueRange) starts at bar 2.
 *
 * Then atr = (prev * (period - 1) + tr) / period.
 */
export class ATR implements BarIndicator {
  private readonly _period: number;
  private readonly pm1: number;
  /** bars seen, capped at period + 1 */
  private count = 0;
  private prevClose = NaN;
  private sumTr = 0;
  private _trueRange = NaN;
  private _value = NaN;

  constructor(period = 14) {
    assertPeriod('ATR period', period);
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

  /** Current ATR, NaN until ready. */
  get value(): number {
    return this._value;
  }

  /** True range of the latest bar (high - low for the very first bar), NaN before any bar. */
  get trueRange(): number {
    return this._trueRange;
  }

  update(high: number, low: number, close: number): number {
    const p = this._period;
    const n = this.count;
    const pc = this.prevClose;
    this.prevClose = close;
    if (n === 0) {
      this._trueRange = high - low;
      this.count = 1;
      return NaN;
    }
    const hl = high - low;
    const hc = high > pc ? high - pc : pc - high;
    const lc = low > pc ? low - pc : pc - low;
    const tr = hl > hc ? (hl > lc ? hl : lc) : hc > lc ? hc : lc;
    this._trueRange = tr;

    if (n > p) {
      return (this._value = (this._value * this.pm1 + tr) / p);
    }
    // this is true range number n (the first bar's high - low is not part of the seed)
    this.sumTr += tr;
    this.count = n + 1;
    if (n < p) return NaN;
    return (this._value = this.sumTr / p);
  }
}
