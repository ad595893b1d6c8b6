import type { SingleInputIndicator } from './index.js';
import { EMA } from './ema.js';

/**
 * Triple EMA, TA-Lib's TEMA: 3·E1 − 3·E2 + E3 with E2 = EMA(E1), E3 = EMA(E2), each seeded with
 * the SMA of its first `period` inputs; the first value comes on update 3·period − 2.
 * Ours: trading-signals' TEMA seeds differently (off by up to ~3e-4 relative).
 */
export class TEMA implements SingleInputIndicator {
  private declare readonly e1: EMA;
  private declare readonly e2: EMA;
  private declare readonly e3: EMA;
  private _value = NaN;

  constructor(period: number) {
    this.e1 = new EMA(period);
    this.e2 = new EMA(period);
    this.e3 = new EMA(period);
  }

  get period(): number {
    return this.e1.period;
  }
  get warmup(): number {
    return 3 * this.e1.period - 2;
  }
  get ready(): boolean {
    return this.e3.ready;
  }
  get value(): number {
    return this._value;
  }

  update(x: number): number {
    const a = this.e1.update(x);
    if (a !== a) return NaN;
    const b = this.e2.update(a);
    if (b !== b) return NaN;
    const c = this.e3.update(b);
    if (c !== c) return NaN;
    return (this._value = 3 * a - 3 * b + c);
  }
}
