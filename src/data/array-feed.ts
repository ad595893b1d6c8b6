import type { CandleSeries } from '../core/candles.js';
import type { Feed, FeedBatch } from '../engine/ports.js';

/** A feed over candles already in memory (files, the cache): one batch per instrument. */
export class ArrayFeed implements Feed {
  private k = 0;
  readonly sizeHint: number;

  constructor(readonly series: readonly CandleSeries[]) {
    this.sizeHint = series.reduce((n, s) => n + s.length, 0);
  }

  async next(): Promise<FeedBatch | null> {
    while (this.k < this.series.length) {
      const k = this.k++;
      const s = this.series[k]!;
      if (s.length > 0) return { instrument: k, start: 0, end: s.length };
    }
    return null;
  }
}
