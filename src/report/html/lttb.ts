/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013, "Downsampling Time Series for Visual
 * Representation", ch. 4.2): keeps the first and last points and, from each of `threshold - 2`
 * equal buckets between them, the point that spans the largest triangle with the point kept from
 * the previous bucket and the mean of the next bucket. Peaks and troughs survive, unlike striding.
 *
 * Returns the indices kept, ascending, so one selection can be applied to several columns.
 * Non-finite y values are never kept unless they are the first or last point.
 */
export function lttb(x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): number[] {
  const n = Math.min(x.length, y.length);
  const want = Math.floor(threshold);
  if (want >= n || n <= 2) return Array.from({ length: n }, (_, i) => i);
  if (want < 3) return n === 0 ? [] : [0, n - 1];

  const kept: number[] = [0];
  const every = (n - 2) / (want - 2);
  let a = 0;
  for (let b = 0; b < want - 2; b++) {
    const start = Math.floor(b * every) + 1;
    const end = Math.min(Math.floor((b + 1) * every) + 1, n - 1);
    // the mean of the next bucket (the last point alone for the last bucket)
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((b + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    let count = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      const yj = y[j]!;
      if (!Number.isFinite(yj)) continue;
      avgX += x[j]!;
      avgY += yj;
      count++;
    }
    if (count === 0) {
      avgX = x[n - 1]!;
      avgY = y[n - 1]!;
    } else {
      avgX /= count;
      avgY /= count;
    }
    const ax = x[a]!;
    const ay = y[a]!;
    let best = -1;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const yj = y[j]!;
      if (!Number.isFinite(yj)) continue;
      const area = Math.abs((ax - avgX) * (yj - ay) - (ax - x[j]!) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    if (best >= 0) {
      kept.push(best);
      a = best;
    }
  }
  kept.push(n - 1);
  return kept;
}
