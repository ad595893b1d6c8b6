import { WMA as TsWMA } from 'trading-signals';
import type { SingleInputIndicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Weighted moving average (weights 1..period, the latest heaviest), TA-Lib's WMA. Wrapped:
 * trading-signals' WMA, whose values equal TA-Lib's bit for bit.
 */
export class WMA implements SingleInputIndicator {
  private declare readonly ts: TsWMA;
  private _value = NaN;

  constructor(readonly period: number) {
    assertPeriod('WMA period', period);
    this.ts = new TsWMA(period);
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

  update(x: number): number {
    const r = this.ts.update(x, false);
    return r === null ? NaN : (this._value = r);
  }
}
