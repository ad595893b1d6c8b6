import type { SingleInputIndicator } from './index.js';
import { EMA } from './ema.js';
import { assertPeriod } from './sma.js';

/**
 * Moving Average Convergence/Divergence (backtrader / TA-Lib definition).
 *
 * - macd = EMA(fast) - EMA(slow), both SMA-seeded (see EMA); available from update number
 *   max(fast, slow)
 * - signal = EMA(signalPeriod) of the macd line, SMA-seeded over the first `signalPeriod` macd values
 * - histogram = macd - signal
 *
 * `ready` / `value` / the return value of update() follow the whole indicator, like backtrader's
 * minimum period: NaN until all three lines exist, i.e. for the first
 * max(fast, slow) + signalPeriod - 2 updates. The `macd` field itself is published as soon as it
 * exists (from update number max(fast, slow)); `signal` and `histogram` are NaN until ready.
 */
export class MACD implements SingleInputIndicator {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly signalPeriod: number;
  private readonly fastEma: EMA;
  private readonly slowEma: EMA;
  private readonly signalEma: EMA;
  private _macd = NaN;
  private _signal = NaN;
  private _histogram = NaN;
  private _value = NaN;
  private _ready = false;

  constructor(fast = 12, slow = 26, signal = 9) {
    assertPeriod('MACD fast period', fast);
    assertPeriod('MACD slow period', slow);
    assertPeriod('MACD signal period', signal);
    this.fastPeriod = fast;
    this.slowPeriod = slow;
    this.signalPeriod = signal;
    this.fastEma = new EMA(fast);
    this.slowEma = new EMA(slow);
    this.signalEma = new EMA(signal);
  }

  /** The slow period (the longest moving average of the macd line). */
  get period(): number {
    return this.slowPeriod;
  }

  /** Number of updates needed before the indicator is ready: max(fast, slow) + signal - 1. */
  get warmup(): number {
    return Math.max(this.fastPeriod, this.slowPeriod) + this.signalPeriod - 1;
  }

  get ready(): boolean {
    return this._ready;
  }

  /** The macd line once ready, NaN before. */
  get value(): number {
    return this._value;
  }

  /** EMA(fast) - EMA(slow); NaN until both EMAs exist. */
  get macd(): number {
    return this._macd;
  }

  /** EMA of the macd line; NaN until ready. */
  get signal(): number {
    return this._signal;
  }

  /** macd - signal; NaN until ready. */
  get histogram(): number {
    return this._histogram;
  }

  /** Returns the macd line (NaN until ready). */
  update(x: number): number {
    const fast = this.fastEma.update(x);
    const slow = this.slowEma.update(x);
    if (!this.slowEma.ready || !this.fastEma.ready) return NaN;
    const macd = fast - slow;
    this._macd = macd;
    const signal = this.signalEma.update(macd);
    if (!this.signalEma.ready) return NaN;
    this._signal = signal;
    this._histogram = macd - signal;
    this._ready = true;
    return (this._value = macd);
  }
}
