import { describe, it, expect } from 'vitest';
import {
  ATR,
  Bollinger,
  EMA,
  MACD,
  RSI,
  SMA,
  indicators,
  type Indicator,
  type SingleInputIndicator,
} from '../../../src/indicators/index.js';

describe('indicators factory', () => {
  it('builds each indicator with the requested parameters', () => {
    expect(indicators.sma(7)).toBeInstanceOf(SMA);
    expect(indicators.sma(7).period).toBe(7);
    expect(indicators.ema(9)).toBeInstanceOf(EMA);
    expect(indicators.ema(9).period).toBe(9);
    expect(indicators.rsi(10)).toBeInstanceOf(RSI);
    expect(indicators.rsi(10).period).toBe(10);
    const m = indicators.macd(5, 35, 5);
    expect(m).toBeInstanceOf(MACD);
    expect([m.fastPeriod, m.slowPeriod, m.signalPeriod]).toEqual([5, 35, 5]);
    const b = indicators.bollinger(10, 1.5);
    expect(b).toBeInstanceOf(Bollinger);
    expect([b.period, b.k]).toEqual([10, 1.5]);
    expect(indicators.atr(21)).toBeInstanceOf(ATR);
    expect(indicators.atr(21).period).toBe(21);
  });

  it('applies the conventional defaults (RSI 14, MACD 12/26/9, Bollinger 20/2, ATR 14)', () => {
    expect(indicators.rsi().period).toBe(14);
    const m = indicators.macd();
    expect([m.fastPeriod, m.slowPeriod, m.signalPeriod]).toEqual([12, 26, 9]);
    const b = indicators.bollinger();
    expect([b.period, b.k]).toEqual([20, 2]);
    expect(indicators.atr().period).toBe(14);
  });

  it('returns a fresh, independent instance on every call', () => {
    const a = indicators.sma(2);
    const b = indicators.sma(2);
    expect(a).not.toBe(b);
    a.update(1);
    a.update(3);
    expect(a.value).toBe(2);
    expect(b.ready).toBe(false);
  });

  it('cannot be mutated by a strategy', () => {
    expect(Object.isFrozen(indicators)).toBe(true);
  });

  it('propagates invalid periods as RangeError', () => {
    expect(() => indicators.sma(0)).toThrow(RangeError);
    expect(() => indicators.ema(-2)).toThrow(RangeError);
    expect(() => indicators.rsi(1.5)).toThrow(RangeError);
    expect(() => indicators.macd(12, 26, 0)).toThrow(RangeError);
    expect(() => indicators.bollinger(20, -1)).toThrow(RangeError);
    expect(() => indicators.atr(NaN)).toThrow(RangeError);
  });

  it('every single-input indicator reports warm-up through the common interface', () => {
    const all: SingleInputIndicator[] = [
      indicators.sma(3),
      indicators.ema(3),
      indicators.rsi(3),
      indicators.macd(2, 3, 2),
      indicators.bollinger(3, 2),
    ];
    for (const ind of all) {
      let updates = 0;
      let last = NaN;
      while (!ind.ready) {
        last = ind.update(100 + (updates % 3));
        updates++;
        if (!ind.ready) expect(Number.isNaN(last)).toBe(true);
      }
      expect(updates, ind.constructor.name).toBe(ind.warmup);
      expect(Number.isFinite(last)).toBe(true);
      expect(ind.value).toBe(last);
    }
    const atr: Indicator = indicators.atr(3);
    expect(atr.warmup).toBe(4);
  });
});
