import { WilliamsR as TsWilliamsR } from 'trading-signals';
import type { BarIndicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Williams %R, TA-Lib's WILLR: −100 · (highest high − close) / (highest high − lowest low) over
 * `period`, in −100..0. Wrapped: trading-signals' WilliamsR (equal to TA-Lib's values).
 */
export class WilliamsR implements BarIndicator {
  private declare readonly ts: TsWilliamsR;
  private _value = NaN;

  constructor(readonly period = 14) {
    assertPeriod('Williams %R period', period);
    this.ts = new TsWilliamsR(period);
  }

  get warmup(): number {
    return this.period;
  }
  get ready(): boolean {
    return this._value === this._value;
  }
  get value(): number {
    return this._value;
  }

  update(high: number, low: number, close: number): number {
    const r = this.ts.update({ high, low, close }, false);
    return r === null ? NaN : (this._value = r);
  }
}
