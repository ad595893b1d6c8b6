import type { EntryOptions, ExitOptions, History, StrategyContext, TimeframeView, TradeView } from '../strategies/types.js';
import type { EngineOrder } from './alert-order.js';

/**
 * The real context, seen through a pane that keeps what the strategy asks for instead of passing
 * it on. The fallback strategy of `http-signal` runs on every candle through it, so that its
 * indicators are warm the moment it has to decide; its asks count only while it is in charge.
 */
export class CapturingContext implements StrategyContext {
  inner!: StrategyContext;
  readonly asked: EngineOrder[] = [];

  get symbol(): string {
    return this.inner.symbol;
  }
  get time(): number {
    return this.inner.time;
  }
  get open(): number {
    return this.inner.open;
  }
  get high(): number {
    return this.inner.high;
  }
  get low(): number {
    return this.inner.low;
  }
  get close(): number {
    return this.inner.close;
  }
  get volume(): number {
    return this.inner.volume;
  }
  get history(): History {
    return this.inner.history;
  }
  get position(): number {
    return this.inner.position;
  }
  get inPosition(): boolean {
    return this.inner.inPosition;
  }
  get entryPrice(): number {
    return this.inner.entryPrice;
  }
  get openOrders(): number {
    return this.inner.openOrders;
  }
  get cash(): number {
    return this.inner.cash;
  }
  get trade(): TradeView | undefined {
    return this.inner.trade;
  }
  timeframe(tf: string): TimeframeView {
    return this.inner.timeframe(tf);
  }

  pair(symbol: string): History {
    return this.inner.pair(symbol);
  }

  buy(opts?: EntryOptions): void {
    this.asked.push(toOrder('buy', opts));
  }

  sell(opts?: ExitOptions): void {
    this.asked.push(toOrder('sell', opts));
  }

  /** Point at this candle's context and forget the last candle's asks. */
  reset(inner: StrategyContext): void {
    this.inner = inner;
    this.asked.length = 0;
  }
}

function toOrder(side: 'buy' | 'sell', opts?: EntryOptions | ExitOptions): EngineOrder {
  return opts?.type === 'limit' && opts.price !== undefined ? { side, type: 'limit', price: opts.price } : { side, type: 'market' };
}
