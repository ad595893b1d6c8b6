import { CCI as TsCCI } from 'trading-signals';
import type { BarIndicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Commodity Channel Index, TA-Lib's CCI: (typical price − its SMA) / (0.015 × mean absolute
 * deviation) over `period`. Wrapped: trading-signals' CCI (equal to TA-Lib's values).
 */
export class CCI implements BarIndicator {
  private declare readonly ts: TsCCI;
  private _value = NaN;

  constructor(readonly period = 20) {
    assertPeriod('CCI period', period);
    this.ts = new TsCCI(period);
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
