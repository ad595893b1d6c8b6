import type { SingleInputIndicator } from './index.js';
import { RSI } from './rsi.js';
import { SMA } from './sma.js';
import { RollingRange } from './rolling-range.js';

/**
 * Stochastic RSI: where RSI(rsiPeriod) sits in its range over the last `stochPeriod` values, in
 * 0..100 (a flat range gives 0, as TA-Lib's STOCHF), smoothed: %K = SMA(kSmooth), %D = SMA(dPeriod)
 * of %K (TradingView's 14, 14, 3, 3 by default; kSmooth 1 is TA-Lib's STOCHRSI fast %K).
 * `value` is %K.
 * Ours: trading-signals' StochasticRSI returns 1 on a flat range and skips its %D when %K is 0.
 */
export class StochRSI implements SingleInputIndicator {
  private declare readonly rsi: RSI;
  private declare readonly range: RollingRange;
  private declare readonly kAvg: SMA;
  private declare readonly dAvg: SMA;
  k = NaN;
  d = NaN;

  constructor(
    rsiPeriod = 14,
    readonly stochPeriod = 14,
    kSmooth = 3,
    dPeriod = 3,
  ) {
    this.rsi = new RSI(rsiPeriod);
    this.range = new RollingRange(stochPeriod);
    this.kAvg = new SMA(kSmooth);
    this.dAvg = new SMA(dPeriod);
  }

  get period(): number {
    return this.rsi.period;
  }
  get warmup(): number {
    return this.rsi.warmup + this.stochPeriod - 1 + this.kAvg.period - 1 + this.dAvg.period - 1;
  }
  get ready(): boolean {
    return this.d === this.d;
  }
  get value(): number {
    return this.k;
  }

  update(close: number): number {
    const r = this.rsi.update(close);
    if (r !== r) return NaN;
    if (!this.range.push(r, r)) return NaN;
    const span = this.range.highest - this.range.lowest;
    const raw = span > 0 ? (100 * (r - this.range.lowest)) / span : 0;
    const k = this.kAvg.update(raw);
    if (k !== k) return NaN;
    this.k = k;
    this.d = this.dAvg.update(k);
    return k;
  }
}
