import type { Indicator } from './index.js';
import { RollingRange } from './rolling-range.js';

/**
 * Ichimoku Kinkō Hyō over closed candles: tenkan = mid-range of the last `conversion` candles, kijun
 * of the last `base`, span A = (tenkan + kijun) / 2, span B = mid-range of the last `spanB`; as
 * computed at the candle that just closed. Charts draw the spans `displacement` candles ahead:
 * `cloudA` / `cloudB` are the spans computed `displacement` candles ago, the cloud over the candle
 * that just closed (the chikou span is the close itself, drawn behind). Each line is NaN until
 * its window is full. `value` is the kijun.
 * Ours: trading-signals' IchimokuCloud gives nothing until span B's window is full and no
 * displaced cloud.
 */
export class Ichimoku implements Indicator {
  private declare readonly conv: RollingRange;
  private declare readonly base: RollingRange;
  private declare readonly spanBRange: RollingRange;
  private declare readonly pastA: Float64Array;
  private declare readonly pastB: Float64Array;
  private at = 0;
  private seen = 0;
  tenkan = NaN;
  kijun = NaN;
  spanA = NaN;
  spanB = NaN;
  cloudA = NaN;
  cloudB = NaN;

  constructor(
    conversion = 9,
    base = 26,
    spanB = 52,
    readonly displacement = 26,
  ) {
    for (const [k, v] of [['conversion', conversion], ['base', base], ['spanB', spanB], ['displacement', displacement]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`Ichimoku ${k} must be an integer >= 1, got ${String(v)}`);
    }
    this.conv = new RollingRange(conversion);
    this.base = new RollingRange(base);
    this.spanBRange = new RollingRange(spanB);
    this.pastA = new Float64Array(displacement).fill(NaN);
    this.pastB = new Float64Array(displacement).fill(NaN);
  }

  get period(): number {
    return this.base.period;
  }
  get warmup(): number {
    return this.spanBRange.period + this.displacement;
  }
  get ready(): boolean {
    return this.cloudB === this.cloudB;
  }
  get value(): number {
    return this.kijun;
  }

  update(high: number, low: number): number {
    this.tenkan = this.conv.push(high, low) ? (this.conv.highest + this.conv.lowest) / 2 : NaN;
    this.kijun = this.base.push(high, low) ? (this.base.highest + this.base.lowest) / 2 : NaN;
    this.spanA = (this.tenkan + this.kijun) / 2;
    this.spanB = this.spanBRange.push(high, low) ? (this.spanBRange.highest + this.spanBRange.lowest) / 2 : NaN;
    // the ring holds the spans of the last `displacement` candles; the oldest is the cloud now
    const d = this.displacement;
    this.cloudA = this.seen >= d ? this.pastA[this.at]! : NaN;
    this.cloudB = this.seen >= d ? this.pastB[this.at]! : NaN;
    this.pastA[this.at] = this.spanA;
    this.pastB[this.at] = this.spanB;
    if (++this.at === d) this.at = 0;
    this.seen++;
    return this.kijun;
  }
}
