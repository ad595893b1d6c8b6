/**
 * Incremental float64 technical indicators. Every indicator is fed one closed candle at a time and
 * reports NaN until it has seen `warmup` updates. Ours allocate nothing per update; the ones wrapped
 * from trading-signals (WMA, Stochastic, CCI, MFI, Williams %R, ROC, Donchian, cumulative VWAP:
 * those whose values equal TA-Lib's) hand it a small object per update.
 */
import { ADX } from './adx.js';
import { ATR } from './atr.js';
import { Bollinger } from './bollinger.js';
import { CCI } from './cci.js';
import { DEMA } from './dema.js';
import { Donchian } from './donchian.js';
import { EMA } from './ema.js';
import { Ichimoku } from './ichimoku.js';
import { Keltner } from './keltner.js';
import { MACD } from './macd.js';
import { MFI } from './mfi.js';
import { OBV } from './obv.js';
import { ParabolicSAR } from './parabolic-sar.js';
import { ROC } from './roc.js';
import { RSI } from './rsi.js';
import { SMA } from './sma.js';
import { Stochastic } from './stochastic.js';
import { StochRSI } from './stoch-rsi.js';
import { Supertrend } from './supertrend.js';
import { TEMA } from './tema.js';
import { VWAP } from './vwap.js';
import { WilliamsR } from './williams-r.js';
import { WMA } from './wma.js';

export { ADX, ATR, Bollinger, CCI, DEMA, Donchian, EMA, Ichimoku, Keltner, MACD, MFI, OBV, ParabolicSAR, ROC, RSI, SMA, Stochastic, StochRSI, Supertrend, TEMA, VWAP, WilliamsR, WMA };

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
  wma(period: number): WMA;
  dema(period: number): DEMA;
  tema(period: number): TEMA;
  /** update(high, low, close); k, d */
  stochastic(period?: number, kSmooth?: number, dPeriod?: number): Stochastic;
  /** update(close); k, d */
  stochRsi(rsiPeriod?: number, stochPeriod?: number, kSmooth?: number, dPeriod?: number): StochRSI;
  /** update(high, low, close); value = ADX, plusDi, minusDi */
  adx(period?: number): ADX;
  cci(period?: number): CCI;
  /** update(high, low, close, volume) */
  mfi(period?: number): MFI;
  /** update(close, volume) */
  obv(): OBV;
  /** update(high, low, close, volume); period 0 (default): since the first candle */
  vwap(period?: number): VWAP;
  williamsR(period?: number): WilliamsR;
  roc(period?: number): ROC;
  /** update(high, low); upper, middle, lower */
  donchian(period?: number): Donchian;
  /** update(high, low, close); upper, middle, lower */
  keltner(period?: number, multiplier?: number, atrPeriod?: number): Keltner;
  /** update(high, low, close); value, direction */
  supertrend(period?: number, multiplier?: number): Supertrend;
  /** update(high, low); tenkan, kijun, spanA, spanB, cloudA, cloudB */
  ichimoku(conversion?: number, base?: number, spanB?: number, displacement?: number): Ichimoku;
  /** update(high, low); value, long */
  psar(step?: number, max?: number): ParabolicSAR;
}

export const indicators: IndicatorFactory = Object.freeze({
  sma: (period: number): SMA => new SMA(period),
  ema: (period: number): EMA => new EMA(period),
  rsi: (period = 14): RSI => new RSI(period),
  macd: (fast = 12, slow = 26, signal = 9): MACD => new MACD(fast, slow, signal),
  bollinger: (period = 20, k = 2): Bollinger => new Bollinger(period, k),
  atr: (period = 14): ATR => new ATR(period),
  wma: (period: number): WMA => new WMA(period),
  dema: (period: number): DEMA => new DEMA(period),
  tema: (period: number): TEMA => new TEMA(period),
  stochastic: (period = 14, kSmooth = 3, dPeriod = 3): Stochastic => new Stochastic(period, kSmooth, dPeriod),
  stochRsi: (rsiPeriod = 14, stochPeriod = 14, kSmooth = 3, dPeriod = 3): StochRSI => new StochRSI(rsiPeriod, stochPeriod, kSmooth, dPeriod),
  adx: (period = 14): ADX => new ADX(period),
  cci: (period = 20): CCI => new CCI(period),
  mfi: (period = 14): MFI => new MFI(period),
  obv: (): OBV => new OBV(),
  vwap: (period = 0): VWAP => new VWAP(period),
  williamsR: (period = 14): WilliamsR => new WilliamsR(period),
  roc: (period = 10): ROC => new ROC(period),
  donchian: (period = 20): Donchian => new Donchian(period),
  keltner: (period = 20, multiplier = 2, atrPeriod = 10): Keltner => new Keltner(period, multiplier, atrPeriod),
  supertrend: (period = 10, multiplier = 3): Supertrend => new Supertrend(period, multiplier),
  ichimoku: (conversion = 9, base = 26, spanB = 52, displacement = 26): Ichimoku => new Ichimoku(conversion, base, spanB, displacement),
  psar: (step = 0.02, max = 0.2): ParabolicSAR => new ParabolicSAR(step, max),
});
