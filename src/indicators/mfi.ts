import { MFI as TsMFI } from 'trading-signals';
import type { Indicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Money Flow Index, TA-Lib's MFI: the typical price times the volume, counted positive when the
 * typical price rose and negative when it fell, over the last `period` changes; 100 · positive /
 * (positive + negative). Wrapped: trading-signals' MFI (equal to TA-Lib's values).
 */
export class MFI implements Indicator {
  private declare readonly ts: TsMFI;
  private _value = NaN;

  constructor(readonly period = 14) {
    assertPeriod('MFI period', period);
    this.ts = new TsMFI(period);
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

  update(high: number, low: number, close: number, volume: number): number {
    const r = this.ts.update({ high, low, close, volume }, false);
    return r === null ? NaN : (this._value = r);
  }
}
