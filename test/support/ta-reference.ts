/**
 * Reference indicator values, computed over whole arrays the way TA-Lib's C functions do
 * (ta_WMA.c, ta_DEMA.c, ta_STOCH.c, ta_ADX.c, ta_SAR.c, ...), written separately from
 * src/indicators and from any library: the tests compare the streaming indicators with these.
 * NaN where TA-Lib has no output yet (its lookback).
 */
type A = ArrayLike<number>;
const nan = (n: number) => new Array<number>(n).fill(NaN);

export function sma(x: A, n: number): number[] {
  const out = nan(x.length);
  for (let i = n - 1; i < x.length; i++) {
    let s = 0;
    for (let j = i - n + 1; j <= i; j++) s += x[j]!;
    out[i] = s / n;
  }
  return out;
}

/** EMA seeded with the SMA of the first n values (TA-Lib's default, TA_COMPATIBILITY_DEFAULT); NaN input positions are skipped at the start. */
export function ema(x: A, n: number): number[] {
  const out = nan(x.length);
  let start = 0;
  while (start < x.length && Number.isNaN(x[start]!)) start++;
  if (start + n > x.length) return out;
  let s = 0;
  for (let j = start; j < start + n; j++) s += x[j]!;
  let e = s / n;
  out[start + n - 1] = e;
  const k = 2 / (n + 1);
  for (let i = start + n; i < x.length; i++) out[i] = e = (x[i]! - e) * k + e;
  return out;
}

export function wma(x: A, n: number): number[] {
  const out = nan(x.length);
  const wsum = (n * (n + 1)) / 2;
  for (let i = n - 1; i < x.length; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += x[i - n + 1 + j]! * (j + 1);
    out[i] = s / wsum;
  }
  return out;
}

export function dema(x: A, n: number): number[] {
  const e1 = ema(x, n);
  const e2 = ema(e1, n);
  return e1.map((v, i) => (Number.isNaN(e2[i]!) ? NaN : 2 * v - e2[i]!));
}

export function tema(x: A, n: number): number[] {
  const e1 = ema(x, n);
  const e2 = ema(e1, n);
  const e3 = ema(e2, n);
  return e1.map((v, i) => (Number.isNaN(e3[i]!) ? NaN : 3 * v - 3 * e2[i]! + e3[i]!));
}

function highest(h: A, i: number, n: number): number {
  let m = -Infinity;
  for (let j = i - n + 1; j <= i; j++) m = Math.max(m, h[j]!);
  return m;
}
function lowest(l: A, i: number, n: number): number {
  let m = Infinity;
  for (let j = i - n + 1; j <= i; j++) m = Math.min(m, l[j]!);
  return m;
}

/** TA-Lib STOCH with SMA smoothing: fast %K over kPeriod, slow %K = SMA(kSmooth), %D = SMA(dPeriod) of slow %K. A flat range gives 0. */
export function stoch(h: A, l: A, c: A, kPeriod: number, kSmooth: number, dPeriod: number): { k: number[]; d: number[] } {
  const fast = nan(c.length);
  for (let i = kPeriod - 1; i < c.length; i++) {
    const hh = highest(h, i, kPeriod);
    const ll = lowest(l, i, kPeriod);
    fast[i] = hh - ll > 0 ? (100 * (c[i]! - ll)) / (hh - ll) : 0;
  }
  const k = smaSkip(fast, kSmooth);
  return { k, d: smaSkip(k, dPeriod) };
}

/** SMA of a series that starts with NaNs. */
function smaSkip(x: number[], n: number): number[] {
  const out = nan(x.length);
  for (let i = 0; i < x.length; i++) {
    if (i - n + 1 < 0) continue;
    let s = 0;
    let ok = true;
    for (let j = i - n + 1; j <= i; j++) {
      if (Number.isNaN(x[j]!)) ok = false;
      s += x[j]!;
    }
    if (ok) out[i] = s / n;
  }
  return out;
}

/** Wilder's RSI as TA-Lib: averages seeded with the simple mean of the first n changes. */
export function rsi(c: A, n: number): number[] {
  const out = nan(c.length);
  let g = 0;
  let l = 0;
  for (let i = 1; i <= n && i < c.length; i++) {
    const d = c[i]! - c[i - 1]!;
    if (d > 0) g += d;
    else l -= d;
  }
  if (c.length <= n) return out;
  g /= n;
  l /= n;
  out[n] = g + l === 0 ? 0 : (100 * g) / (g + l);
  for (let i = n + 1; i < c.length; i++) {
    const d = c[i]! - c[i - 1]!;
    g = (g * (n - 1) + (d > 0 ? d : 0)) / n;
    l = (l * (n - 1) + (d < 0 ? -d : 0)) / n;
    out[i] = g + l === 0 ? 0 : (100 * g) / (g + l);
  }
  return out;
}

/** StochRSI: the stochastic of RSI(rsiPeriod) over stochPeriod, %K = SMA(kSmooth) of it, %D = SMA(dPeriod) of %K. */
export function stochRsi(c: A, rsiPeriod: number, stochPeriod: number, kSmooth: number, dPeriod: number): { k: number[]; d: number[] } {
  const r = rsi(c, rsiPeriod);
  const raw = nan(c.length);
  for (let i = rsiPeriod + stochPeriod - 1; i < c.length; i++) {
    const hh = highest(r, i, stochPeriod);
    const ll = lowest(r, i, stochPeriod);
    raw[i] = hh - ll > 0 ? (100 * (r[i]! - ll)) / (hh - ll) : 0;
  }
  const k = smaSkip(raw, kSmooth);
  return { k, d: smaSkip(k, dPeriod) };
}

/** TA-Lib ADX / PLUS_DI / MINUS_DI: Wilder sums of TR, +DM, -DM; ADX seeded with the mean of the first n DX. */
export function adx(h: A, l: A, c: A, n: number): { adx: number[]; plusDi: number[]; minusDi: number[] } {
  const len = c.length;
  const plusDi = nan(len);
  const minusDi = nan(len);
  const out = nan(len);
  let tr = 0;
  let pdm = 0;
  let mdm = 0;
  const dx: number[] = [];
  for (let i = 1; i < len; i++) {
    const up = h[i]! - h[i - 1]!;
    const down = l[i - 1]! - l[i]!;
    const p = up > down && up > 0 ? up : 0;
    const m = down > up && down > 0 ? down : 0;
    const t = Math.max(h[i]! - l[i]!, Math.abs(h[i]! - c[i - 1]!), Math.abs(l[i]! - c[i - 1]!));
    if (i <= n) {
      tr += t;
      pdm += p;
      mdm += m;
      if (i < n) continue;
    } else {
      tr = tr - tr / n + t;
      pdm = pdm - pdm / n + p;
      mdm = mdm - mdm / n + m;
    }
    const pd = tr === 0 ? 0 : (100 * pdm) / tr;
    const md = tr === 0 ? 0 : (100 * mdm) / tr;
    plusDi[i] = pd;
    minusDi[i] = md;
    const x = pd + md === 0 ? 0 : (100 * Math.abs(pd - md)) / (pd + md);
    dx.push(x);
    if (dx.length === n) out[i] = dx.reduce((s, v) => s + v, 0) / n;
    else if (dx.length > n) out[i] = (out[i - 1]! * (n - 1) + x) / n;
  }
  return { adx: out, plusDi, minusDi };
}

export function cci(h: A, l: A, c: A, n: number): number[] {
  const tp = Array.from(c, (v, i) => (h[i]! + l[i]! + v) / 3);
  const out = nan(c.length);
  for (let i = n - 1; i < c.length; i++) {
    let s = 0;
    for (let j = i - n + 1; j <= i; j++) s += tp[j]!;
    const avg = s / n;
    let dev = 0;
    for (let j = i - n + 1; j <= i; j++) dev += Math.abs(tp[j]! - avg);
    dev /= n;
    out[i] = dev === 0 ? 0 : (tp[i]! - avg) / (0.015 * dev);
  }
  return out;
}

/** TA-Lib MFI: money flow of the typical price, positive when it rose, over the last n changes. */
export function mfi(h: A, l: A, c: A, v: A, n: number): number[] {
  const tp = Array.from(c, (x, i) => (h[i]! + l[i]! + x) / 3);
  const out = nan(c.length);
  for (let i = n; i < c.length; i++) {
    let pos = 0;
    let neg = 0;
    for (let j = i - n + 1; j <= i; j++) {
      const f = tp[j]! * v[j]!;
      if (tp[j]! > tp[j - 1]!) pos += f;
      else if (tp[j]! < tp[j - 1]!) neg += f;
    }
    out[i] = pos + neg === 0 ? 0 : (100 * pos) / (pos + neg);
  }
  return out;
}

/** TA-Lib OBV: starts at the first volume. */
export function obv(c: A, v: A): number[] {
  const out: number[] = [];
  let o = v[0]!;
  out.push(o);
  for (let i = 1; i < c.length; i++) {
    if (c[i]! > c[i - 1]!) o += v[i]!;
    else if (c[i]! < c[i - 1]!) o -= v[i]!;
    out.push(o);
  }
  return out;
}

/** VWAP of the typical price: cumulative (n = 0) or over the last n candles. */
export function vwap(h: A, l: A, c: A, v: A, n = 0): number[] {
  const out = nan(c.length);
  for (let i = 0; i < c.length; i++) {
    if (n > 0 && i < n - 1) continue;
    let pv = 0;
    let vv = 0;
    for (let j = n > 0 ? i - n + 1 : 0; j <= i; j++) {
      pv += ((h[j]! + l[j]! + c[j]!) / 3) * v[j]!;
      vv += v[j]!;
    }
    out[i] = vv === 0 ? NaN : pv / vv;
  }
  return out;
}

export function willr(h: A, l: A, c: A, n: number): number[] {
  const out = nan(c.length);
  for (let i = n - 1; i < c.length; i++) {
    const hh = highest(h, i, n);
    const ll = lowest(l, i, n);
    out[i] = hh - ll === 0 ? 0 : (-100 * (hh - c[i]!)) / (hh - ll);
  }
  return out;
}

export function roc(c: A, n: number): number[] {
  const out = nan(c.length);
  for (let i = n; i < c.length; i++) out[i] = c[i - n]! === 0 ? 0 : (c[i]! / c[i - n]! - 1) * 100;
  return out;
}

export function donchian(h: A, l: A, n: number): { upper: number[]; lower: number[]; middle: number[] } {
  const upper = nan(h.length);
  const lower = nan(h.length);
  const middle = nan(h.length);
  for (let i = n - 1; i < h.length; i++) {
    upper[i] = highest(h, i, n);
    lower[i] = lowest(l, i, n);
    middle[i] = (upper[i]! + lower[i]!) / 2;
  }
  return { upper, lower, middle };
}

/** ATR with Wilder smoothing, TA-Lib seed: the mean of the true ranges of bars 1..n (bar 0 has no previous close). */
export function atr(h: A, l: A, c: A, n: number): number[] {
  const out = nan(c.length);
  let s = 0;
  for (let i = 1; i < c.length; i++) {
    const t = Math.max(h[i]! - l[i]!, Math.abs(h[i]! - c[i - 1]!), Math.abs(l[i]! - c[i - 1]!));
    if (i < n) s += t;
    else if (i === n) out[i] = (s + t) / n;
    else out[i] = (out[i - 1]! * (n - 1) + t) / n;
  }
  return out;
}

/** Keltner channels: EMA(period) of the close ± multiplier × ATR(atrPeriod). */
export function keltner(h: A, l: A, c: A, period: number, multiplier: number, atrPeriod: number): { middle: number[]; upper: number[]; lower: number[] } {
  const m = ema(c, period);
  const a = atr(h, l, c, atrPeriod);
  return {
    middle: m.map((x, i) => (Number.isNaN(a[i]!) ? NaN : x)),
    upper: m.map((x, i) => x + multiplier * a[i]!),
    lower: m.map((x, i) => x - multiplier * a[i]!),
  };
}

/** Supertrend on hl2 ± multiplier × ATR(period) (Wilder), as TradingView's ta.supertrend. direction 1: up (long), -1: down. */
export function supertrend(h: A, l: A, c: A, period: number, multiplier: number): { value: number[]; direction: number[] } {
  const a = atr(h, l, c, period);
  const value = nan(c.length);
  const direction = nan(c.length);
  let upper = NaN;
  let lower = NaN;
  let dir = 0;
  for (let i = 0; i < c.length; i++) {
    if (Number.isNaN(a[i]!)) continue;
    const mid = (h[i]! + l[i]!) / 2;
    const bu = mid + multiplier * a[i]!;
    const bl = mid - multiplier * a[i]!;
    const pu = upper;
    const pl = lower;
    upper = Number.isNaN(pu) || bu < pu || c[i - 1]! > pu ? bu : pu;
    lower = Number.isNaN(pl) || bl > pl || c[i - 1]! < pl ? bl : pl;
    if (dir === 0) dir = c[i]! > upper ? 1 : -1;
    else if (dir === 1 && c[i]! < lower) dir = -1;
    else if (dir === -1 && c[i]! > upper) dir = 1;
    direction[i] = dir;
    value[i] = dir === 1 ? lower : upper;
  }
  return { value, direction };
}

/** Ichimoku lines as computed at each bar (not displaced): tenkan, kijun, span A, span B. */
export function ichimoku(h: A, l: A, conv: number, base: number, spanB: number): { tenkan: number[]; kijun: number[]; spanA: number[]; spanB: number[] } {
  const mid = (i: number, n: number) => (i < n - 1 ? NaN : (highest(h, i, n) + lowest(l, i, n)) / 2);
  const tenkan = Array.from({ length: h.length }, (_, i) => mid(i, conv));
  const kijun = Array.from({ length: h.length }, (_, i) => mid(i, base));
  return { tenkan, kijun, spanA: tenkan.map((t, i) => (t + kijun[i]!) / 2), spanB: Array.from({ length: h.length }, (_, i) => mid(i, spanB)) };
}

/**
 * Parabolic SAR as TA-Lib's TA_SAR: the first trend is long unless bar 1's -DM beats its +DM;
 * the first SAR is bar 0's low (long) or high (short), the first extreme bar 1's high (low); a
 * reversal starts from the extreme, outside the last two bars; the acceleration starts at `step`, grows by
 * `step` on each new extreme, capped at `max`; the SAR never enters the last two bars' range.
 * Output from bar 1.
 */
export function sar(h: A, l: A, step: number, max: number): number[] {
  const out = nan(h.length);
  if (h.length < 2) return out;
  const upMove = h[1]! - h[0]!;
  const downMove = l[0]! - l[1]!;
  let long = !(downMove > 0 && downMove > upMove);
  let af = step;
  let ep: number;
  let s: number;
  if (long) {
    ep = h[1]!;
    s = l[0]!;
  } else {
    ep = l[1]!;
    s = h[0]!;
  }
  // TA-Lib's first step compares bar 1 with itself
  let prevH = h[1]!;
  let prevL = l[1]!;
  for (let i = 1; i < h.length; i++) {
    const hi = h[i]!;
    const lo = l[i]!;
    if (long) {
      if (lo <= s) {
        long = false;
        s = Math.max(ep, prevH, hi);
        out[i] = s;
        af = step;
        ep = lo;
        s = s + af * (ep - s);
        s = Math.max(s, hi, prevH);
      } else {
        out[i] = s;
        if (hi > ep) {
          ep = hi;
          af = Math.min(af + step, max);
        }
        s = s + af * (ep - s);
        s = Math.min(s, lo, prevL);
      }
    } else if (hi >= s) {
      long = true;
      s = Math.min(ep, prevL, lo);
      out[i] = s;
      af = step;
      ep = hi;
      s = s + af * (ep - s);
      s = Math.min(s, lo, prevL);
    } else {
      out[i] = s;
      if (lo < ep) {
        ep = lo;
        af = Math.min(af + step, max);
      }
      s = s + af * (ep - s);
      s = Math.max(s, hi, prevH);
    }
    prevH = hi;
    prevL = lo;
  }
  return out;
}
