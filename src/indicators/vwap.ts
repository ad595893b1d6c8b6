import { VWAP as TsVWAP } from 'trading-signals';
import type { Indicator } from './index.js';

/**
 * Volume-weighted average of the typical price (high + low + close) / 3. Without a period: since
 * the first candle, wrapped from trading-signals' VWAP (exact). With one: over the last `period`
 * candles (qtpylib's rolling_vwap), ours: trading-signals has no rolling form. NaN while no
 * volume was traded.
 */
export class VWAP implements Indicator {
  private declare readonly ts: TsVWAP | null;
  private declare readonly pv: Float64Array;
  private declare readonly vol: Float64Array;
  private next = 0;
  private count = 0;
  private _value = NaN;

  constructor(readonly period = 0) {
    if (!Number.isInteger(period) || period < 0) throw new RangeError(`VWAP period must be an integer >= 0 (0: since the first candle), got ${String(period)}`);
    this.ts = period === 0 ? new TsVWAP() : null;
    this.pv = new Float64Array(period);
    this.vol = new Float64Array(period);
  }

  get warmup(): number {
    return Math.max(1, this.period);
  }
  get ready(): boolean {
    return this._value === this._value;
  }
  get value(): number {
    return this._value;
  }

  update(high: number, low: number, close: number, volume: number): number {
    if (this.ts !== null) {
      const r = this.ts.update({ high, low, close, volume }, false);
      return (this._value = r === null || !Number.isFinite(r) ? NaN : r);
    }
    const p = this.period;
    this.pv[this.next] = ((high + low + close) / 3) * volume;
    this.vol[this.next] = volume;
    if (++this.next === p) this.next = 0;
    if (this.count < p) this.count++;
    if (this.count < p) return NaN;
    // summed afresh each time: a running sum of products drifts over a long run
    let pv = 0;
    let v = 0;
    for (let j = 0; j < p; j++) {
      pv += this.pv[j]!;
      v += this.vol[j]!;
    }
    return (this._value = v > 0 ? pv / v : NaN);
  }
}
