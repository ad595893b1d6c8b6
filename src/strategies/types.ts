import type { IndicatorFactory } from '../indicators/index.js';
import type { SignalTools } from '../signals/signal-tools.js';

export type ParamType = 'int' | 'number' | 'boolean' | 'string';
export type ParamValue = number | boolean | string;
export type ParamValues = Record<string, ParamValue>;

export interface ParamSpec {
  type: ParamType;
  default: ParamValue;
  min?: number;
  max?: number;
  choices?: readonly string[];
  description: string;
}

export type ParamSchema = Record<string, ParamSpec>;

/** Read-only access to closed candles: `ago` 0 is the candle that just closed, 1 the one before. */
export interface History {
  /** number of closed candles available */
  readonly length: number;
  time(ago?: number): number;
  open(ago?: number): number;
  high(ago?: number): number;
  low(ago?: number): number;
  close(ago?: number): number;
  volume(ago?: number): number;
}

export interface EntryOptions {
  /** 'market' (default) fills at the next open; 'limit' rests at `price` */
  type?: 'market' | 'limit';
  price?: number;
  /** a free-form label kept with the order */
  tag?: string;
  /** v2: spend this much quote (instead of the stake) */
  quote?: number;
  /** v2: buy this base quantity */
  amount?: number;
  /** v2: spend this fraction of what the configured stake would spend (0.5: half a stake) */
  fraction?: number;
}

export interface ExitOptions {
  type?: 'market' | 'limit';
  price?: number;
  tag?: string;
  /** v2: sell this fraction of the position (a partial exit); without it and `amount`, all of it */
  fraction?: number;
  /** v2: sell this base quantity */
  amount?: number;
}

/** v2: the open trade, in floats, as of the candle that just closed. */
export interface TradeView {
  /** filled entries: 1, more after DCA adds */
  readonly entries: number;
  /** base held */
  readonly qty: number;
  /** average entry price */
  readonly avgPrice: number;
  /** time of the first entry fill, epoch ms */
  readonly openedAt: number;
  /** close / avgPrice - 1 at the candle that just closed */
  readonly profitPct: number;
  /** the highest profitPct at a close since the entry */
  readonly maxProfitPct: number;
  /** partial exits filled so far */
  readonly exitsDone: number;
}

/**
 * v2: the closed candles of a higher timeframe, built from the base candles. A candle becomes
 * visible once its last base candle has closed (or, after a gap, once a later one has).
 */
export interface TimeframeView {
  readonly timeframe: string;
  /** the latest closed candle of this timeframe (NaN before the first one) */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly history: History;
  /** candles of this timeframe that closed with the base candle that just closed (0, 1; more only after a gap) */
  readonly closed: number;
}

/**
 * What a strategy sees on each closed candle. It cannot see the future: the context only
 * exposes candles up to the one that just closed, and only while onCandle runs.
 */
export interface StrategyContext {
  readonly symbol: string;
  /** open time of the candle that just closed, epoch ms */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly history: History;
  /** base quantity held by this strategy's position */
  readonly position: number;
  readonly inPosition: boolean;
  /** average entry price of the open position, NaN when flat */
  readonly entryPrice: number;
  /** entry or exit orders waiting to fill */
  readonly openOrders: number;
  /** free quote balance */
  readonly cash: number;
  /** v2: the open trade, undefined when flat */
  readonly trade: TradeView | undefined;
  /**
   * buy with the configured stake (or `quote`, `amount`, `fraction`); while in position it adds
   * to it (DCA) up to maxEntries, else it is ignored; ignored while an entry is pending
   */
  buy(opts?: EntryOptions): void;
  /** sell the whole position, or `fraction` / `amount` of it (ignored when flat) */
  sell(opts?: ExitOptions): void;
  /** v2: closed candles of a higher timeframe ('1h'), a whole multiple of the base one */
  timeframe(tf: string): TimeframeView;
  /**
   * The closed candles of another pair of the same run (read-only), up to the last one the engine
   * has handled: candles of all pairs arrive in time order, ties in the order the pairs were given,
   * so a pair never sees a candle that closes after the current one. Throws for a pair the run has not.
   */
  pair(symbol: string): History;
}

export interface StrategyInstance {
  onCandle(ctx: StrategyContext): void;
}

export interface StrategyTools {
  indicators: IndicatorFactory;
  /** the signal strategies' source of decisions (alerts, a signal service); absent for the others */
  signals?: SignalTools;
}

export interface StrategyDefinition {
  name: string;
  description: string;
  params: ParamSchema;
  /** cross-parameter checks, e.g. fast < slow; returns a message when invalid */
  validate?(params: ParamValues): string | undefined;
  /** the strategy API it is written for: 1 (the default) or 2 (partial exits, DCA, ctx.trade, ctx.timeframe) */
  apiVersion?: 1 | 2;
  /** v2: entries one position may take (the first and its adds); default 1 */
  maxEntries?: number;
  /** v2: the higher timeframes it reads with ctx.timeframe, checked against the base timeframe before it runs */
  timeframes?: readonly string[] | ((params: ParamValues) => readonly string[]);
  create(params: ParamValues, tools: StrategyTools): StrategyInstance;
}
