import type { Indicator } from './index.js';

/**
 * On-Balance Volume, TA-Lib's OBV: starts at the first candle's volume, then adds the volume of a
 * candle that closed higher and subtracts that of one that closed lower.
 * Ours: trading-signals' OBV starts at 0 from the second candle.
 */
export class OBV implements Indicator {
  private prev = NaN;
  private _value = NaN;
  readonly period = 1;
  readonly warmup = 1;

  get ready(): boolean {
    return this._value === this._value;
  }
  get value(): number {
    return this._value;
  }

  update(close: number, volume: number): number {
    const p = this.prev;
    this.prev = close;
    if (p !== p) return (this._value = volume);
    if (close > p) this._value += volume;
    else if (close < p) this._value -= volume;
    return this._value;
  }
}
