import type { CandleLevel } from './candle-levels.js';
import { packInts } from './pack-ints.js';
import type { PackedLevel } from './page-data.js';


export function packLevel(level: CandleLevel, priceScale: number, equity: { values: ArrayLike<number>; scale: number } | null): PackedLevel {
  const n = level.length;
  const ints: number[] = new Array<number>(n * 5);
  const q = (v: number) => Math.round(v * priceScale);
  let prevTime = n > 0 ? level.time[0]! : 0;
  let prevClose = 0; // so the first bar carries its absolute open
  for (let i = 0; i < n; i++) {
    const o = q(level.open[i]!);
    const c = q(level.close[i]!);
    const h = q(level.high[i]!);
    const l = q(level.low[i]!);
    const j = i * 5;
    ints[j] = Math.round((level.time[i]! - prevTime) / level.tfMs);
    ints[j + 1] = o - prevClose;
    ints[j + 2] = c - o;
    ints[j + 3] = Math.max(0, h - Math.max(o, c));
    ints[j + 4] = Math.max(0, Math.min(o, c) - l);
    prevTime = level.time[i]!;
    prevClose = c;
  }
  let packedEquity: string | null = null;
  if (equity) {
    const deltas: number[] = new Array<number>(n);
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.round(equity.values[level.last[i]!]! * equity.scale);
      deltas[i] = v - prev;
      prev = v;
    }
    packedEquity = packInts(deltas);
  }
  return { timeframe: level.timeframe, tfMs: level.tfMs, bars: n, t0: n > 0 ? level.time[0]! : 0, candles: packInts(ints), equity: packedEquity };
}
