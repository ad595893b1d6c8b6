import type { BarIndicator } from './index.js';
import { ATR } from './atr.js';
import { EMA } from './ema.js';

/**
 * Keltner channels: the middle line is EMA(period) of the close, the bands are ± multiplier ×
 * ATR(atrPeriod) (our EMA and ATR: TA-Lib seeds). Values from the update where both are ready.
 * `value` is the middle line.
 * Ours: trading-signals' KeltnerChannels seeds its ATR with the first bar (off by ~5e-4 relative).
 */
export class Keltner implements BarIndicator {
  private declare readonly ema: EMA;
  private declare readonly atr: ATR;
  middle = NaN;
  upper = NaN;
  lower = NaN;

  constructor(
    period = 20,
    readonly multiplier = 2,
    atrPeriod = 10,
  ) {
    if (!(Number.isFinite(multiplier) && multiplier > 0)) throw new RangeError(`Keltner multiplier must be a positive number, got ${String(multiplier)}`);
    this.ema = new EMA(period);
    this.atr = new ATR(atrPeriod);
  }

  get period(): number {
    return this.ema.period;
  }
  get warmup(): number {
    return Math.max(this.ema.warmup, this.atr.warmup);
  }
  get ready(): boolean {
    return this.ema.ready && this.atr.ready;
  }
  get value(): number {
    return this.middle;
  }

  update(high: number, low: number, close: number): number {
    const m = this.ema.update(close);
    const a = this.atr.update(high, low, close);
    if (m !== m || a !== a) return NaN;
    this.upper = m + this.multiplier * a;
    this.lower = m - this.multiplier * a;
    return (this.middle = m);
  }
}
