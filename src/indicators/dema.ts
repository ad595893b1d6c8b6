import type { SingleInputIndicator } from './index.js';
import { EMA } from './ema.js';

/**
 * Double EMA (Mulloy), TA-Lib's DEMA: 2 × EMA(x) − EMA(EMA(x)), both EMAs seeded with the SMA
 * of their first `period` inputs, so the first value comes on update 2·period − 1.
 * Ours: trading-signals' DEMA seeds its EMAs differently (values off by up to ~2e-4 relative).
 */
export class DEMA implements SingleInputIndicator {
  private declare readonly e1: EMA;
  private declare readonly e2: EMA;
  private _value = NaN;

  constructor(period: number) {
    this.e1 = new EMA(period);
    this.e2 = new EMA(period);
  }

  get period(): number {
    return this.e1.period;
  }
  get warmup(): number {
    return 2 * this.e1.period - 1;
  }
  get ready(): boolean {
    return this.e2.ready;
  }
  get value(): number {
    return this._value;
  }

  update(x: number): number {
    const a = this.e1.update(x);
    if (a !== a) return NaN;
    const b = this.e2.update(a);
    if (b !== b) return NaN;
    return (this._value = 2 * a - b);
  }
}
