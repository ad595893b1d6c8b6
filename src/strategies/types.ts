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
}

export interface ExitOptions {
  type?: 'market' | 'limit';
  price?: number;
  tag?: string;
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
  /** buy with the configured stake (ignored when already in position or when an entry is pending) */
  buy(opts?: EntryOptions): void;
  /** sell the whole position (ignored when flat) */
  sell(opts?: ExitOptions): void;
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
  create(params: ParamValues, tools: StrategyTools): StrategyInstance;
}
