/**
 * Per-bar returns of an equity curve and the statistics the robustness block needs from them:
 * the per-period Sharpe ratio with the moments of the returns (for the Deflated Sharpe ratio), and
 * sums over S equal blocks (so that CSCV can form the Sharpe ratio of any union of blocks without
 * keeping every trial's returns).
 */

/** r_t = e_t / e_{t−1} − 1, with e_{−1} the starting equity: the returns the metrics use. */
export function perBarReturns(equity: ArrayLike<number>, startEquity: number): Float64Array {
  const n = equity.length;
  const r = new Float64Array(n);
  let prev = startEquity;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    r[i] = prev !== 0 ? e / prev - 1 : 0;
    prev = e;
  }
  return r;
}

export interface ReturnStats {
  /** number of returns (one per bar) */
  count: number;
  mean: number;
  /** sample standard deviation (n − 1) */
  sd: number;
  /** mean / sd, per period (not annualised); null without volatility */
  sharpe: number | null;
  /** population skewness m3 / m2^1.5; null without volatility */
  skew: number | null;
  /** ordinary (not excess) kurtosis m4 / m2², 3 for a normal distribution; null without volatility */
  kurtosis: number | null;
  /** Σr over each of the S equal blocks (see blockLayout) */
  blockSum: number[];
  /** Σr² over each block */
  blockSumSq: number[];
}

/** Below this a standard deviation counts as none (a flat equity curve), as in the metrics. */
export const MIN_SD = 1e-15;

/**
 * CSCV splits the returns into S blocks of equal length; the first T mod S returns are left out
 * (as pypbo does), so that every half of the blocks holds exactly T/2 returns' worth.
 */
export function blockLayout(count: number, blocks: number): { skip: number; size: number } {
  const size = Math.floor(count / blocks);
  return { skip: count - size * blocks, size };
}

export function returnStats(r: Float64Array, blocks: number): ReturnStats {
  const n = r.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += r[i]!;
  const mean = n > 0 ? sum / n : 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  const hasVol = n > 1 && sd > MIN_SD;
  const pm2 = m2 / n;
  const { skip, size } = blockLayout(n, blocks);
  const blockSum: number[] = [];
  const blockSumSq: number[] = [];
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    let q = 0;
    const end = skip + (b + 1) * size;
    for (let i = skip + b * size; i < end; i++) {
      const x = r[i]!;
      s += x;
      q += x * x;
    }
    blockSum.push(s);
    blockSumSq.push(q);
  }
  return {
    count: n,
    mean,
    sd,
    sharpe: hasVol ? mean / sd : null,
    skew: hasVol ? m3 / n / Math.pow(pm2, 1.5) : null,
    kurtosis: hasVol ? m4 / n / (pm2 * pm2) : null,
    blockSum,
    blockSumSq,
  };
}
