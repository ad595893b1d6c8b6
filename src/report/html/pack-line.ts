import { packInts } from './pack-ints.js';
import type { PackedLine } from './page-data.js';


export function packLine(time: ArrayLike<number>, columns: ArrayLike<number>[], scale: number, tUnit = 1): PackedLine {
  const n = time.length;
  const t0 = n > 0 ? time[0]! : 0;
  const dt: number[] = new Array<number>(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.round((time[i]! - t0) / tUnit);
    dt[i] = v - prev;
    prev = v;
  }
  return { t0, tUnit, t: packInts(dt), scale, values: columns.map((c) => packInts(deltas(c, scale))) };
}

function deltas(values: ArrayLike<number>, scale: number): number[] {
  const out: number[] = new Array<number>(values.length);
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(values[i]! * scale);
    out[i] = v - prev;
    prev = v;
  }
  return out;
}

/** A scale that keeps about `digits` significant digits of values around `magnitude`. */
export function scaleFor(magnitude: number, digits = 7): number {
  const m = Math.abs(magnitude);
  if (!(m > 0) || !Number.isFinite(m)) return 100;
  return 10 ** Math.max(0, Math.min(12, digits - Math.ceil(Math.log10(m))));
}
