import type { BarIndicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * ADX and the directional indicators +DI / −DI (Wilder's DMI), TA-Lib's ADX, PLUS_DI, MINUS_DI:
 * +DM = up move when it beats the down move (else 0), −DM the mirror; TR, +DM and −DM are Wilder
 * sums (the first `period` summed, then S − S/period + x); DI = 100 · DM / TR; DX = 100 · |+DI − −DI|
 * / (+DI + −DI); ADX = the mean of the first `period` DX, then Wilder-smoothed.
 * +DI / −DI come on update period + 1, ADX on update 2·period. `value` is the ADX.
 * Ours: trading-signals' ADX smooths differently (off by up to ~1e-2 relative).
 */
export class ADX implements BarIndicator {
  private readonly n: number;
  private bars = 0;
  private ph = NaN;
  private pl = NaN;
  private pc = NaN;
  private tr = 0;
  private pdm = 0;
  private mdm = 0;
  private dxCount = 0;
  private dxSum = 0;
  plusDi = NaN;
  minusDi = NaN;
  private _value = NaN;

  constructor(period = 14) {
    assertPeriod('ADX period', period);
    this.n = period;
  }

  get period(): number {
    return this.n;
  }
  get warmup(): number {
    return 2 * this.n;
  }
  get ready(): boolean {
    return this._value === this._value;
  }
  get value(): number {
    return this._value;
  }

  update(high: number, low: number, close: number): number {
    const n = this.n;
    const i = this.bars++;
    const ph = this.ph;
    const pl = this.pl;
    const pc = this.pc;
    this.ph = high;
    this.pl = low;
    this.pc = close;
    if (i === 0) return NaN;
    const up = high - ph;
    const down = pl - low;
    const p = up > down && up > 0 ? up : 0;
    const m = down > up && down > 0 ? down : 0;
    const hl = high - low;
    const hc = high > pc ? high - pc : pc - high;
    const lc = low > pc ? low - pc : pc - low;
    const t = hl > hc ? (hl > lc ? hl : lc) : hc > lc ? hc : lc;
    if (i <= n) {
      this.tr += t;
      this.pdm += p;
      this.mdm += m;
      if (i < n) return NaN;
    } else {
      this.tr = this.tr - this.tr / n + t;
      this.pdm = this.pdm - this.pdm / n + p;
      this.mdm = this.mdm - this.mdm / n + m;
    }
    const pd = this.tr === 0 ? 0 : (100 * this.pdm) / this.tr;
    const md = this.tr === 0 ? 0 : (100 * this.mdm) / this.tr;
    this.plusDi = pd;
    this.minusDi = md;
    const dx = pd + md === 0 ? 0 : (100 * Math.abs(pd - md)) / (pd + md);
    if (this.dxCount < n) {
      this.dxSum += dx;
      if (++this.dxCount < n) return NaN;
      return (this._value = this.dxSum / n);
    }
    return (this._value = (this._value * (n - 1) + dx) / n);
  }
}
