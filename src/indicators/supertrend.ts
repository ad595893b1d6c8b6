import type { BarIndicator } from './index.js';
import { ATR } from './atr.js';

/**
 * Supertrend (TradingView's ta.supertrend): bands at (high + low) / 2 ± multiplier × ATR(period)
 * (Wilder, TA-Lib seed); the lower band only rises and the upper only falls while the previous close
 * stays inside them; the trend turns up when a close breaks the upper band and down when one breaks
 * the lower. `value` is the line in force (the lower band in an uptrend), `direction` 1 up, −1 down.
 * The first trend is up when the first close is above the upper band. Values from update period + 1.
 * Ours: trading-signals' SuperTrend seeds its ATR with the first bar (off by ~4e-4 relative).
 */
export class Supertrend implements BarIndicator {
  private declare readonly atr: ATR;
  private upperBand = NaN;
  private lowerBand = NaN;
  private prevClose = NaN;
  direction = 0;
  private _value = NaN;

  constructor(
    period = 10,
    readonly multiplier = 3,
  ) {
    if (!(Number.isFinite(multiplier) && multiplier > 0)) throw new RangeError(`Supertrend multiplier must be a positive number, got ${String(multiplier)}`);
    this.atr = new ATR(period);
  }

  get period(): number {
    return this.atr.period;
  }
  get warmup(): number {
    return this.atr.warmup;
  }
  get ready(): boolean {
    return this._value === this._value;
  }
  get value(): number {
    return this._value;
  }

  update(high: number, low: number, close: number): number {
    const a = this.atr.update(high, low, close);
    const pc = this.prevClose;
    this.prevClose = close;
    if (a !== a) return NaN;
    const mid = (high + low) / 2;
    const bu = mid + this.multiplier * a;
    const bl = mid - this.multiplier * a;
    const pu = this.upperBand;
    const pl = this.lowerBand;
    this.upperBand = pu !== pu || bu < pu || pc > pu ? bu : pu;
    this.lowerBand = pl !== pl || bl > pl || pc < pl ? bl : pl;
    if (this.direction === 0) this.direction = close > this.upperBand ? 1 : -1;
    else if (this.direction === 1 && close < this.lowerBand) this.direction = -1;
    else if (this.direction === -1 && close > this.upperBand) this.direction = 1;
    return (this._value = this.direction === 1 ? this.lowerBand : this.upperBand);
  }
}
