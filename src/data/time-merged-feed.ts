import type { CandleSeries } from '../core/candles.js';
import type { Feed, FeedBatch } from '../engine/ports.js';

/**
 * Candles in memory for several instruments, delivered one candle a batch in time order (ties in
 * instrument order), as a paper or live bot's feed delivers them: a replay of a bot's candles then
 * sees them in the order the bot did.
 */
export class TimeMergedFeed implements Feed {
  private readonly at: number[];
  readonly sizeHint: number;

  constructor(readonly series: readonly CandleSeries[]) {
    this.at = series.map(() => 0);
    this.sizeHint = series.reduce((n, s) => n + s.length, 0);
  }

  async next(): Promise<FeedBatch | null> {
    let best = -1;
    let bestTime = Infinity;
    for (let k = 0; k < this.series.length; k++) {
      const i = this.at[k]!;
      const s = this.series[k]!;
      if (i < s.length && s.time[i]! < bestTime) {
        bestTime = s.time[i]!;
        best = k;
      }
    }
    if (best < 0) return null;
    const i = this.at[best]!;
    this.at[best] = i + 1;
    return { instrument: best, start: i, end: i + 1 };
  }
}
