/**
 * Incremental float64 technical indicators. Every indicator is fed one bar at a time, allocates
 * nothing per update, and reports NaN until it has seen `warmup` updates.
 */
import { ATR } from './atr.js';
import { Bollinger } from './bollinger.js';
import { EMA } from './ema.js';
import { MACD } from './macd.js';
import { RSI } from './rsi.js';
import { SMA } from './sma.js';

export { ATR, Bollinger, EMA, MACD, RSI, SMA };

/** State common to every indicator. */
export interface Indicator {
  /** Current main value; NaN until ready. */
  readonly value: number;
  /** True once enough updates have been seen for `value` to be defined. */
  readonly ready: boolean;
  /** The indicator's (main) period. */
  readonly period: number;
  /** Number of updates after which the indicator becomes ready. */
  readonly warmup: number;
}

/** An indicator fed one number per bar (usually the close). */
export interface SingleInputIndicator extends Indicator {
  /** Feeds one value; returns the current main value (NaN while warming up). */
  update(x: number): number;
}

/** An indicator fed a bar's high, low and close. */
export interface BarIndicator extends Indicator {
  update(high: number, low: number, close: number): number;
}

/** Factory handed to strategies: every call returns a fresh, independent instance. */
export interface IndicatorFactory {
  sma(period: number): SMA;
  ema(period: number): EMA;
  rsi(period?: number): RSI;
  macd(fast?: number, slow?: number, signal?: number): MACD;
  bollinger(period?: number, k?: number): Bollinger;
  atr(period?: number): ATR;
}

export const indicators: IndicatorFactory = Object.freeze({
  sma: (period: number): SMA => new SMA(period),
  ema: (period: number): EMA => new EMA(period),
  rsi: (period = 14): RSI => new RSI(period),
  macd: (fast = 12, slow = 26, signal = 9): MACD => new MACD(fast, slow, signal),
  bollinger: (period = 20, k = 2): Bollinger => new Bollinger(period, k),
  atr: (period = 14): ATR => new ATR(period),
});
