/**
 * The TA-Lib set behind the indicators factory, streamed over real candles, against reference
 * values computed over whole arrays by test/support/ta-reference.ts (written separately, after
 * TA-Lib's C functions): same first value, same values to 1e-9 relative (absolute near zero).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readCandleFile } from '../../../src/data/read-candles.js';
import { indicators } from '../../../src/indicators/index.js';
import * as R from '../../support/ta-reference.js';
import { SAMPLE_DATA } from '../../support/cli.js';

const N = 4000;
let h: Float64Array, l: Float64Array, c: Float64Array, v: Float64Array;

beforeAll(async () => {
  const { series } = await readCandleFile(SAMPLE_DATA);
  // a stretch with trends, reversals and quiet hours
  h = series.high.slice(20_000, 20_000 + N);
  l = series.low.slice(20_000, 20_000 + N);
  c = series.close.slice(20_000, 20_000 + N);
  v = series.volume.slice(20_000, 20_000 + N);
});

/** Same NaN positions, then values within `tol` relative (absolute below 1). */
function same(name: string, got: number[], want: number[], tol = 1e-9): void {
  expect(got.length).toBe(want.length);
  const first = (a: number[]) => a.findIndex((x) => !Number.isNaN(x));
  expect(first(got), `${name}: first value`).toBe(first(want));
  expect(first(want), `${name}: the reference has values`).toBeGreaterThanOrEqual(0);
  let worst = 0;
  let at = -1;
  const nanAt = want.findIndex((w, i) => Number.isNaN(w) !== Number.isNaN(got[i]!));
  expect(nanAt, `${name}: NaN where the reference has none, or the reverse`).toBe(-1);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w)) continue;
    const err = Math.abs(g - w) / Math.max(1, Math.abs(w));
    if (err > worst) [worst, at] = [err, i];
  }
  expect(worst, `${name}: worst error at ${at} (${got[at]} vs ${want[at]})`).toBeLessThanOrEqual(tol);
}

const stream = <T>(make: () => T, feed: (ind: T, i: number) => number, pick?: (ind: T) => number): number[] => {
  const ind = make();
  return Array.from({ length: N }, (_, i) => {
    const x = feed(ind, i);
    return pick && !Number.isNaN(x) ? pick(ind) : x;
  });
};

describe('indicators against TA-Lib reference values', () => {
  it('WMA, DEMA, TEMA', () => {
    same('wma', stream(() => indicators.wma(20), (x, i) => x.update(c[i]!)), R.wma(c, 20));
    same('dema', stream(() => indicators.dema(20), (x, i) => x.update(c[i]!)), R.dema(c, 20));
    same('tema', stream(() => indicators.tema(20), (x, i) => x.update(c[i]!)), R.tema(c, 20));
  });

  it('Stochastic %K and %D (TA-Lib: both from the %D lookback)', () => {
    const ref = R.stoch(h, l, c, 14, 3, 3);
    const kRef = ref.k.map((x, i) => (Number.isNaN(ref.d[i]!) ? NaN : x));
    same('stoch k', stream(() => indicators.stochastic(14, 3, 3), (x, i) => x.update(h[i]!, l[i]!, c[i]!)), kRef);
    same('stoch d', stream(() => indicators.stochastic(14, 3, 3), (x, i) => x.update(h[i]!, l[i]!, c[i]!), (x) => x.d), ref.d);
  });

  it('StochRSI %K and %D', () => {
    const ref = R.stochRsi(c, 14, 14, 3, 3);
    same('stochrsi k', stream(() => indicators.stochRsi(14, 14, 3, 3), (x, i) => x.update(c[i]!)), ref.k, 1e-7);
    const d = stream(() => indicators.stochRsi(14, 14, 3, 3), (x, i) => (x.update(c[i]!), x.d));
    same('stochrsi d', d, ref.d, 1e-7);
  });

  it('ADX, +DI and -DI', () => {
    const ref = R.adx(h, l, c, 14);
    same('adx', stream(() => indicators.adx(14), (x, i) => x.update(h[i]!, l[i]!, c[i]!)), ref.adx);
    same('+di', stream(() => indicators.adx(14), (x, i) => (x.update(h[i]!, l[i]!, c[i]!), x.plusDi)), ref.plusDi);
    same('-di', stream(() => indicators.adx(14), (x, i) => (x.update(h[i]!, l[i]!, c[i]!), x.minusDi)), ref.minusDi);
  });

  it('CCI, MFI, Williams %R, ROC', () => {
    same('cci', stream(() => indicators.cci(20), (x, i) => x.update(h[i]!, l[i]!, c[i]!)), R.cci(h, l, c, 20));
    same('mfi', stream(() => indicators.mfi(14), (x, i) => x.update(h[i]!, l[i]!, c[i]!, v[i]!)), R.mfi(h, l, c, v, 14));
    same('willr', stream(() => indicators.williamsR(14), (x, i) => x.update(h[i]!, l[i]!, c[i]!)), R.willr(h, l, c, 14));
    same('roc', stream(() => indicators.roc(10), (x, i) => x.update(c[i]!)), R.roc(c, 10));
  });

  it('OBV and VWAP (since the first candle and rolling)', () => {
    same('obv', stream(() => indicators.obv(), (x, i) => x.update(c[i]!, v[i]!)), R.obv(c, v));
    same('vwap', stream(() => indicators.vwap(), (x, i) => x.update(h[i]!, l[i]!, c[i]!, v[i]!)), R.vwap(h, l, c, v));
    same('vwap 200', stream(() => indicators.vwap(200), (x, i) => x.update(h[i]!, l[i]!, c[i]!, v[i]!)), R.vwap(h, l, c, v, 200));
  });

  it('Donchian and Keltner channels', () => {
    const dc = R.donchian(h, l, 20);
    for (const k of ['upper', 'middle', 'lower'] as const) same(`donchian ${k}`, stream(() => indicators.donchian(20), (x, i) => (x.update(h[i]!, l[i]!), x[k])), dc[k]);
    const kc = R.keltner(h, l, c, 20, 2, 10);
    for (const k of ['upper', 'middle', 'lower'] as const) same(`keltner ${k}`, stream(() => indicators.keltner(20, 2, 10), (x, i) => (x.update(h[i]!, l[i]!, c[i]!), x.ready ? x[k] : NaN)), kc[k]);
  });

  it('Supertrend: line and direction', () => {
    const ref = R.supertrend(h, l, c, 10, 3);
    same('supertrend', stream(() => indicators.supertrend(10, 3), (x, i) => x.update(h[i]!, l[i]!, c[i]!)), ref.value);
    const dir = stream(() => indicators.supertrend(10, 3), (x, i) => (x.update(h[i]!, l[i]!, c[i]!), x.ready ? x.direction : NaN));
    expect(dir).toEqual(ref.direction);
    expect(new Set(dir.filter((d) => !Number.isNaN(d)))).toEqual(new Set([1, -1])); // it turned both ways
  });

  it('Ichimoku: lines at each candle and the cloud displaced 26 candles', () => {
    const ref = R.ichimoku(h, l, 9, 26, 52);
    for (const k of ['tenkan', 'kijun', 'spanA', 'spanB'] as const) same(`ichimoku ${k}`, stream(() => indicators.ichimoku(), (x, i) => (x.update(h[i]!, l[i]!), x[k])), ref[k]);
    const shifted = (a: number[]) => a.map((_, i) => (i >= 26 ? a[i - 26]! : NaN));
    same('cloud A', stream(() => indicators.ichimoku(), (x, i) => (x.update(h[i]!, l[i]!), x.cloudA)), shifted(ref.spanA));
    same('cloud B', stream(() => indicators.ichimoku(), (x, i) => (x.update(h[i]!, l[i]!), x.cloudB)), shifted(ref.spanB));
  });

  it('Parabolic SAR', () => {
    const ref = R.sar(h, l, 0.02, 0.2);
    const got = stream(() => indicators.psar(0.02, 0.2), (x, i) => x.update(h[i]!, l[i]!));
    same('sar', got, ref);
    // the SAR sits below the candle in an uptrend and above it in a downtrend, and it reversed often
    const ind = indicators.psar();
    let flips = 0;
    let prev = true;
    for (let i = 0; i < N; i++) {
      const s = ind.update(h[i]!, l[i]!);
      if (i < 2) continue;
      if (ind.long !== prev) flips++;
      prev = ind.long;
      if (ind.long) expect(s).toBeLessThanOrEqual(l[i - 1]! + 1e-9);
      else expect(s).toBeGreaterThanOrEqual(h[i - 1]! - 1e-9);
    }
    expect(flips).toBeGreaterThan(20);
  });

  it('Parabolic SAR on a hand-worked series (Wilder: acceleration 0.02, max 0.2)', () => {
    const hi = [10, 11, 12, 13, 12.5, 11];
    const lo = [9, 10, 11, 12, 11, 9];
    const s = indicators.psar();
    const out = hi.map((x, i) => s.update(x, lo[i]!));
    // long from bar 1 (up move): SAR 9 (bar 0's low), extreme 11
    expect(out[1]).toBe(9);
    // bar 2: 9 + 0.02 * (11 - 9) = 9.04; new extreme 12, af 0.04
    expect(out[2]).toBeCloseTo(9.04, 12);
    // bar 3: 9.04 + 0.04 * (12 - 9.04) = 9.1584; extreme 13, af 0.06
    expect(out[3]).toBeCloseTo(9.1584, 12);
    // bar 4: 9.1584 + 0.06 * (13 - 9.1584) = 9.388896
    expect(out[4]).toBeCloseTo(9.388896, 12);
    // bar 5: the next SAR 9.388896 + 0.06 * (13 - 9.388896) = 9.60556224, capped by the lows of bars 3 and 4 (11): 9.60556224; low 9 pierces it: short, SAR = the extreme 13
    expect(out[5]).toBe(13);
    expect(s.long).toBe(false);
  });

  it('every new indicator reports NaN until ready, then its warmup matches its first value', () => {
    const make = {
      wma: () => indicators.wma(10),
      dema: () => indicators.dema(10),
      tema: () => indicators.tema(10),
      stochastic: () => indicators.stochastic(),
      stochRsi: () => indicators.stochRsi(),
      adx: () => indicators.adx(),
      cci: () => indicators.cci(),
      mfi: () => indicators.mfi(),
      obv: () => indicators.obv(),
      vwap: () => indicators.vwap(30),
      williamsR: () => indicators.williamsR(),
      roc: () => indicators.roc(),
      donchian: () => indicators.donchian(),
      keltner: () => indicators.keltner(),
      supertrend: () => indicators.supertrend(),
      ichimoku: () => indicators.ichimoku(),
      psar: () => indicators.psar(),
    };
    for (const [name, f] of Object.entries(make)) {
      const ind = f() as unknown as { update(...a: number[]): number; ready: boolean; warmup: number };
      let firstReady = -1;
      for (let i = 0; i < 200 && firstReady < 0; i++) {
        ind.update(h[i]!, l[i]!, c[i]!, v[i]!);
        if (ind.ready) firstReady = i + 1;
      }
      expect(firstReady, name).toBe(ind.warmup);
    }
  });
});
