import type { CandleSeries } from '../core/candles.js';
import type { Feed, FeedBatch } from '../engine/ports.js';

export interface BarHooks {
  /** candle i of instrument k is about to reach the engine: settle what the strategy will read */
  beforeBar(k: number, s: CandleSeries, i: number): Promise<void> | void;
  /** the engine has finished the last candle it was handed */
  afterBar(): void;
  /** the bot is stopping: a candle whose signal was cut short is not handed over (a restart decides it) */
  readonly halted?: boolean;
}

/**
 * The engine calls a strategy synchronously; a signal that arrives asynchronously (an alert being
 * recorded, a service's answer) is settled here, between the feed and the engine: candles are
 * handed over one at a time, each once its signal is ready. The same wrapper runs in backtest,
 * paper and live, so all three decide alike. The engine is unchanged.
 */
export class SignalFeed implements Feed {
  private batch: FeedBatch | null = null;
  private at = 0;

  constructor(
    private readonly inner: Feed,
    private readonly hooks: BarHooks,
  ) {}

  get series(): readonly CandleSeries[] {
    return this.inner.series;
  }

  get sizeHint(): number | undefined {
    return this.inner.sizeHint;
  }

  async next(): Promise<FeedBatch | null> {
    this.hooks.afterBar();
    if (this.batch === null || this.at >= this.batch.end) {
      this.batch = await this.inner.next();
      if (this.batch === null) return null;
      this.at = this.batch.start;
    }
    const k = this.batch.instrument;
    const i = this.at++;
    await this.hooks.beforeBar(k, this.inner.series[k]!, i);
    if (this.hooks.halted) return null;
    return { instrument: k, start: i, end: i + 1 };
  }
}
