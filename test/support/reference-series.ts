/**
 * Shared mechanics of the indicator tests: deterministic input series and float comparisons.
 *
 * Deliberately independent of src/: the reference implementations the indicators are checked
 * against live in each test file; this module only generates inputs and compares outputs.
 */

/** Deterministic LCG (Numerical Recipes constants), uniform in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Geometric random walk from `start`: each step multiplies by 1 ± step/2 (±2% by default). */
export function randomWalk(n: number, seed: number, start = 100, step = 0.04): number[] {
  const rnd = lcg(seed);
  const out: number[] = [];
  let p = start;
  for (let i = 0; i < n; i++) {
    p *= 1 + (rnd() - 0.5) * step;
    out.push(p);
  }
  return out;
}

export interface Bar {
  high: number;
  low: number;
  close: number;
}

/** Random OHLC bars; ~10% of bars open with a gap of up to ±8% away from the previous close. */
export function randomBars(n: number, seed: number): Bar[] {
  const rnd = lcg(seed);
  const bars: Bar[] = [];
  let prevClose = 100;
  for (let i = 0; i < n; i++) {
    const gap = rnd() < 0.1 ? (rnd() - 0.5) * 0.16 : 0;
    const open = prevClose * (1 + gap);
    const close = open * (1 + (rnd() - 0.5) * 0.04);
    const high = Math.max(open, close) * (1 + rnd() * 0.01);
    const low = Math.min(open, close) * (1 - rnd() * 0.01);
    bars.push({ high, low, close });
    prevClose = close;
  }
  return bars;
}

/** Feeds xs one by one to a single-input indicator and collects what each update() returns. */
export function runSeries(ind: { update(x: number): number }, xs: readonly number[]): number[] {
  return xs.map((x) => ind.update(x));
}

/**
 * First index where the series disagree beyond `rel` relative tolerance (|a - e| <= rel·|e|; NaN
 * must match NaN), or a length mismatch; null when they agree.
 */
export function firstMismatch(actual: readonly number[], expected: readonly number[], rel: number): string | null {
  return firstMismatchWhere(actual, expected, (a, e) => Math.abs(a - e) <= rel * Math.abs(e));
}

/**
 * Like firstMismatch, with an absolute tolerance |a - e| <= tol (for series hovering around 0;
 * callers scale tol to the input level).
 */
export function firstMismatchAbs(actual: readonly number[], expected: readonly number[], tol: number): string | null {
  return firstMismatchWhere(actual, expected, (a, e) => Math.abs(a - e) <= tol);
}

function firstMismatchWhere(
  actual: readonly number[],
  expected: readonly number[],
  close: (a: number, e: number) => boolean,
): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) return `index ${i}: got ${a}, expected NaN`;
    } else if (!close(a, e)) {
      return `index ${i}: got ${a}, expected ${e}`;
    }
  }
  return null;
}
