import { StochasticOscillator } from 'trading-signals';
import type { BarIndicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Stochastic oscillator, TA-Lib's STOCH with SMA smoothing: fast %K = 100 · (close − lowest low) /
 * (highest high − lowest low) over `kPeriod`, %K = SMA(kSmooth) of it, %D = SMA(dPeriod) of %K;
 * both from update kPeriod + kSmooth + dPeriod − 2, as TA-Lib. `value` is %K.
 * Wrapped: trading-signals' StochasticOscillator (equal to TA-Lib's values).
 */
export class Stochastic implements BarIndicator {
  private declare readonly ts: StochasticOscillator;
  k = NaN;
  d = NaN;

  constructor(
    readonly period = 14,
    readonly kSmooth = 3,
    readonly dPeriod = 3,
  ) {
    assertPeriod('Stochastic period', period);
    assertPeriod('Stochastic kSmooth', kSmooth);
    assertPeriod('Stochastic dPeriod', dPeriod);
    this.ts = new StochasticOscillator({ kPeriod: period, kSlowingPeriod: kSmooth, dPeriod });
  }

  get warmup(): number {
    return this.period + this.kSmooth + this.dPeriod - 2;
  }
  get ready(): boolean {
    return this.d === this.d;
  }
  get value(): number {
    return this.k;
  }

  update(high: number, low: number, close: number): number {
    const r = this.ts.update({ high, low, close }, false);
    if (r === null) return NaN;
    this.k = r.stochK;
    this.d = r.stochD;
    return this.k;
  }
}
