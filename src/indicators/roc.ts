import { ROC as TsROC } from 'trading-signals';
import type { SingleInputIndicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Rate of change in percent, TA-Lib's ROC: 100 · (x / x[period ago] − 1). Wrapped:
 * trading-signals' ROC, which gives the fraction; scaled to percent here (within ~1e-10 relative
 * of TA-Lib's formula).
 */
export class ROC implements SingleInputIndicator {
  private declare readonly ts: TsROC;
  private _value = NaN;

  constructor(readonly period = 10) {
    assertPeriod('ROC period', period);
    this.ts = new TsROC(period);
  }

  get warmup(): number {
    return this.period + 1;
  }
  get ready(): boolean {
    return this._value === this._value;
  }
  get value(): number {
    return this._value;
  }

  update(x: number): number {
    const r = this.ts.update(x, false);
    return r === null ? NaN : (this._value = r * 100);
  }
}
