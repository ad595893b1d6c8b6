import { DonchianChannels } from 'trading-signals';
import type { Indicator } from './index.js';
import { assertPeriod } from './sma.js';

/**
 * Donchian channels: the highest high and the lowest low of the last `period` candles (the one that
 * just closed included) and their middle. `value` is the middle. Wrapped: trading-signals'
 * DonchianChannels (exact).
 */
export class Donchian implements Indicator {
  private declare readonly ts: DonchianChannels;
  upper = NaN;
  middle = NaN;
  lower = NaN;

  constructor(readonly period = 20) {
    assertPeriod('Donchian period', period);
    this.ts = new DonchianChannels(period);
  }

  get warmup(): number {
    return this.period;
  }
  get ready(): boolean {
    return this.middle === this.middle;
  }
  get value(): number {
    return this.middle;
  }

  update(high: number, low: number): number {
    const r = this.ts.update({ high, low }, false);
    if (r === null) return NaN;
    this.upper = r.upper;
    this.lower = r.lower;
    return (this.middle = r.middle);
  }
}
