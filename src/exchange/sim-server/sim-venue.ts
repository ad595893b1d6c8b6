import { MutableCandleSeries } from '../../core/candles.js';
import type { Dec as Decimal } from '../../core/money.js';
import type { MarketInfo } from '../../core/market.js';
import { SimExchange } from '../sim-exchange.js';
import type { PriceSource } from './price-source.js';

/**
 * The sim clock: `start` plus wall time elapsed times `speed`, plus whatever the control plane
 * advanced. Speed 0 freezes it (tests move it by hand).
 */
export class SimClock {
  private wall0 = Date.now();
  private sim0: number;
  constructor(
    start: number,
    private speed: number,
  ) {
    this.sim0 = start;
  }

  now(): number {
    return Math.floor(this.sim0 + (Date.now() - this.wall0) * this.speed);
  }

  advance(ms: number): void {
    this.sim0 += ms;
  }

  /** sim ms per wall ms */
  get rate(): number {
    return this.speed;
  }
}

export interface VenueOptions {
  markets: MarketInfo[];
  balances: Record<string, Decimal>;
  feeRate: Decimal;
  slippageBps: number;
  maxVolumeFraction?: number;
}

/** Binance-only facts of an order that our Order does not carry. */
export interface OrderMeta {
  type: string;
  timeInForce: string;
  quoteOrderQty?: string;
  created: number;
}

/**
 * The simulated venue behind the HTTP front: one SimExchange (the fill model, balances, orders,
 * trades), one price source per symbol, and the clock that moves them. Every request first calls
 * sync(): candles that closed since the last request are shown to the exchange, in time order.
 */
export class SimVenue {
  exchange: SimExchange;
  meta = new Map<string, OrderMeta>();
  /** the last control-plane price tick per symbol, a one-point bar shown to the exchange like a candle */
  private ticks = new Map<string, MutableCandleSeries>();
  private cancelSeq = 0;

  constructor(
    readonly clock: SimClock,
    readonly sources: Map<string, PriceSource>,
    private readonly opts: VenueOptions,
  ) {
    this.exchange = this.freshExchange(opts.balances);
  }

  private freshExchange(balances: Record<string, Decimal>): SimExchange {
    return new SimExchange({
      markets: this.opts.markets,
      balances,
      feeRate: this.opts.feeRate,
      slippageBps: this.opts.slippageBps,
      // Binance charges and reports commissions to 8 decimals: what a client sees is what it paid
      feeDecimals: 8,
      ...(this.opts.maxVolumeFraction !== undefined ? { maxVolumeFraction: this.opts.maxVolumeFraction } : {}),
    });
  }

  get feeRate(): Decimal {
    return this.opts.feeRate;
  }

  market(symbol: string): MarketInfo | undefined {
    return this.exchange.market(symbol);
  }

  /** Brings every source to the clock's time and matches resting orders against what closed. */
  sync(): number {
    const t = this.clock.now();
    for (const [symbol, src] of this.sources) {
      const { from, to } = src.advanceTo(t);
      if (src.matchesBars) for (let i = from; i < to; i++) this.exchange.onBar(symbol, src.series, i);
    }
    this.exchange.setTime(t);
    return t;
  }

  price(symbol: string): number {
    return this.sources.get(symbol)!.price();
  }

  /** A price from the control plane: it becomes the current price and resting orders see it at once. */
  setPrice(symbol: string, price: number, volume: number): void {
    const t = this.sync();
    const src = this.sources.get(symbol)!;
    (src.setPrice as (p: number, t: number, v?: number) => void).call(src, price, t, volume);
    let s = this.ticks.get(symbol);
    if (!s) this.ticks.set(symbol, (s = new MutableCandleSeries(1000, 1)));
    s.length = 0; // only the newest tick is ever shown: keep one, however many prices are set
    s.push(t, price, price, price, price, volume);
    this.exchange.onBar(symbol, s, s.length - 1);
    this.exchange.setTime(t);
  }

  /** Whether a conditional order has been triggered (a plain order: false). */
  triggered(clientOrderId: string): boolean {
    return this.exchange.triggerOf(clientOrderId)?.fired ?? false;
  }

  nextCancelId(): string {
    return `sim-cancel-${++this.cancelSeq}`;
  }

  reset(balances?: Record<string, Decimal>): void {
    this.exchange = this.freshExchange(balances ?? this.opts.balances);
    this.meta.clear();
    this.ticks.clear();
  }
}
