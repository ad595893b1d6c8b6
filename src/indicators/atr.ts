import type { BarIndicator } from './index.js';
import { assertPeriod } from './sma.js';
import { WilderAverage } from './wilder.js';

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
  /** smooths the true ranges of bars 2, 3, ... (the first bar has no previous close) */
  private declare readonly avg: WilderAverage;
  private started = false;
  private prevClose = NaN;
  private _trueRange = NaN;

  constructor(period = 14) {
    assertPeriod('ATR period', period);
    this.avg = new WilderAverage(period);
  }

  get period(): number {
    return this.avg.period;
  }

  /** Number of updates needed before the first value (period + 1). */
  get warmup(): number {
    return this.avg.period + 1;
  }

  get ready(): boolean {
    return this.avg.ready;
  }

  /** Current ATR, NaN until ready. */
  get value(): number {
    return this.avg.value;
  }

  /** True range of the latest bar (high - low for the very first bar), NaN before any bar. */
  get trueRange(): number {
    return this._trueRange;
  }

  update(high: number, low: number, close: number): number {
    const pc = this.prevClose;
    this.prevClose = close;
    if (!this.started) {
      this._trueRange = high - low;
      this.started = true;
      return NaN;
    }
    const hl = high - low;
    const hc = high > pc ? high - pc : pc - high;
    const lc = low > pc ? low - pc : pc - low;
    const tr = hl > hc ? (hl > lc ? hl : lc) : hc > lc ? hc : lc;
    this._trueRange = tr;
    return this.avg.update(tr);
  }
}
