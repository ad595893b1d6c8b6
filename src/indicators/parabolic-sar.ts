import type { Indicator } from './index.js';

/**
 * Parabolic SAR (Wilder), TA-Lib's SAR: the first trend is long unless the second candle's down
 * move beats its up move; the first SAR is the first candle's low (long) or high (short) and the
 * first extreme the second candle's high (low). The acceleration starts at `step`, grows by `step`
 * at each new extreme up to `max`; the SAR never moves into the range of the last two candles, and
 * a reversal restarts from the extreme. `value` is the SAR for the candle that just closed (from
 * the second candle), `long` the trend.
 * Ours: trading-signals' PSAR starts and reverses differently (off by up to ~4e-2 relative).
 */
export class ParabolicSAR implements Indicator {
  private bars = 0;
  private h0 = NaN;
  private l0 = NaN;
  private prevH = NaN;
  private prevL = NaN;
  private sar = NaN;
  private ep = NaN;
  private af: number;
  long = true;
  private _value = NaN;
  readonly period = 1;
  readonly warmup = 2;

  constructor(
    readonly step = 0.02,
    readonly max = 0.2,
  ) {
    if (!(step > 0 && max >= step && Number.isFinite(max))) throw new RangeError(`Parabolic SAR needs 0 < step <= max, got step ${String(step)}, max ${String(max)}`);
    this.af = step;
  }

  get ready(): boolean {
    return this._value === this._value;
  }
  get value(): number {
    return this._value;
  }

  update(high: number, low: number): number {
    const i = this.bars++;
    if (i === 0) {
      this.h0 = high;
      this.l0 = low;
      return NaN;
    }
    if (i === 1) {
      const up = high - this.h0;
      const down = this.l0 - low;
      this.long = !(down > 0 && down > up);
      this.ep = this.long ? high : low;
      this.sar = this.long ? this.l0 : this.h0;
      // the first step compares the second candle with itself (as TA-Lib does)
      this.prevH = high;
      this.prevL = low;
    }
    const step = this.step;
    let s = this.sar;
    let out: number;
    if (this.long) {
      if (low <= s) {
        this.long = false;
        s = Math.max(this.ep, this.prevH, high);
        out = s;
        this.af = step;
        this.ep = low;
        s = s + this.af * (this.ep - s);
        s = Math.max(s, this.prevH, high);
      } else {
        out = s;
        if (high > this.ep) {
          this.ep = high;
          this.af = Math.min(this.af + step, this.max);
        }
        s = s + this.af * (this.ep - s);
        s = Math.min(s, this.prevL, low);
      }
    } else if (high >= s) {
      this.long = true;
      s = Math.min(this.ep, this.prevL, low);
      out = s;
      this.af = step;
      this.ep = high;
      s = s + this.af * (this.ep - s);
      s = Math.min(s, this.prevL, low);
    } else {
      out = s;
      if (low < this.ep) {
        this.ep = low;
        this.af = Math.min(this.af + step, this.max);
      }
      s = s + this.af * (this.ep - s);
      s = Math.max(s, this.prevH, high);
    }
    this.sar = s;
    this.prevH = high;
    this.prevL = low;
    return (this._value = out);
  }
}
