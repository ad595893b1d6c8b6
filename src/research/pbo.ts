import { MIN_SD } from './return-stats.js';

/** What CSCV needs of one trial: its returns summed over each of the S equal blocks. */
export interface BlockSums {
  blockSum: readonly number[];
  blockSumSq: readonly number[];
}

export interface PboResult {
  /** the fraction of splits whose in-sample best trial ranks at or below the median out of sample; null with fewer than 2 trials */
  pbo: number | null;
  /** the number of splits of S blocks into two halves: C(S, S/2) */
  combinations: number;
}

/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey,
 * Borwein, López de Prado & Zhu 2014). The T returns of every trial are cut into S blocks of
 * `blockSize`; for each of the C(S, S/2) ways to pick half of the blocks as in-sample (the rest is
 * out-of-sample), the trial with the best in-sample Sharpe ratio is found and the relative rank ω of
 * its out-of-sample Sharpe ratio among all trials taken (average rank for ties, over N + 1). PBO is
 * the share of splits with logit(ω) ≤ 0.
 *
 * The Sharpe ratio of a union of blocks comes from the block sums, so no trial's returns are kept.
 * A half without volatility has a Sharpe ratio of 0.
 */
export function probabilityOfOverfitting(trials: readonly BlockSums[], blocks: number, blockSize: number): PboResult {
  const n = trials.length;
  const half = blocks / 2;
  const masks: number[] = [];
  for (let m = 0; m < 1 << blocks; m++) if (popcount(m) === half) masks.push(m);
  if (n < 2 || blockSize < 1 || blocks < 2) return { pbo: null, combinations: masks.length };

  const sum = new Float64Array(n * blocks);
  const sq = new Float64Array(n * blocks);
  trials.forEach((t, k) => {
    for (let b = 0; b < blocks; b++) {
      sum[k * blocks + b] = t.blockSum[b]!;
      sq[k * blocks + b] = t.blockSumSq[b]!;
    }
  });
  const count = half * blockSize;
  const inSample = new Float64Array(n);
  const outOfSample = new Float64Array(n);
  let overfit = 0;
  for (const mask of masks) {
    for (let k = 0; k < n; k++) {
      let s1 = 0;
      let q1 = 0;
      let s2 = 0;
      let q2 = 0;
      const o = k * blocks;
      for (let b = 0; b < blocks; b++) {
        if ((mask >>> b) & 1) {
          s1 += sum[o + b]!;
          q1 += sq[o + b]!;
        } else {
          s2 += sum[o + b]!;
          q2 += sq[o + b]!;
        }
      }
      inSample[k] = sharpeOf(s1, q1, count);
      outOfSample[k] = sharpeOf(s2, q2, count);
    }
    let best = 0;
    for (let k = 1; k < n; k++) if (inSample[k]! > inSample[best]!) best = k;
    const v = outOfSample[best]!;
    let below = 0;
    let equal = 0;
    for (let k = 0; k < n; k++) {
      const x = outOfSample[k]!;
      if (x < v) below++;
      else if (x === v) equal++;
    }
    const rank = below + (equal + 1) / 2;
    const omega = rank / (n + 1);
    if (Math.log(omega / (1 - omega)) <= 0) overfit++;
  }
  return { pbo: overfit / masks.length, combinations: masks.length };
}

function sharpeOf(sum: number, sumSq: number, count: number): number {
  if (count < 2) return 0;
  const mean = sum / count;
  const variance = (sumSq - sum * mean) / (count - 1);
  const sd = variance > 0 ? Math.sqrt(variance) : 0;
  return sd > MIN_SD ? mean / sd : 0;
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v !== 0; v &= v - 1) c++;
  return c;
}
