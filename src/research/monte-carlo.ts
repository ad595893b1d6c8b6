import { Rng, STREAM } from './random.js';

/** The 5th, 50th and 95th percentiles of a simulated quantity. */
export interface Bands {
  p5: number;
  p50: number;
  p95: number;
}

export interface MonteCarloResult {
  simulations: number;
  seed: number;
  /** per-bar returns resampled in blocks (circular moving-block bootstrap) */
  bootstrap: { periods: number; blockLength: number; finalReturn: Bands; maxDrawdown: Bands } | null;
  /** the closed trades in random order; compounding makes the final return the same in every order */
  tradeShuffle: { trades: number; finalReturn: Bands; maxDrawdown: Bands } | null;
}

/** Default block length: T^(1/3), the usual order for a moving-block bootstrap of a dependent series. */
export function defaultBlockLength(periods: number): number {
  return Math.max(1, Math.round(Math.cbrt(periods)));
}

/**
 * Monte Carlo bands of final return and maximum drawdown, seeded and reproducible:
 * - a circular moving-block bootstrap of the per-bar returns (blocks keep short-range dependence);
 * - a shuffle of the order of the closed trades' returns on equity.
 * Both compound returns into an equity path starting at 1 and measure drawdown on that equity, as
 * a fraction of its running peak: never on summed absolute PnL.
 */
export function monteCarlo(p: { returns: Float64Array; tradeReturns: readonly number[]; simulations: number; seed: number; blockLength?: number }): MonteCarloResult {
  const sims = p.simulations;
  let bootstrap: MonteCarloResult['bootstrap'] = null;
  const T = p.returns.length;
  if (T > 0) {
    const L = p.blockLength ?? defaultBlockLength(T);
    const finals = new Float64Array(sims);
    const dds = new Float64Array(sims);
    for (let s = 0; s < sims; s++) {
      const rng = new Rng(p.seed, STREAM.bootstrap, s);
      let equity = 1;
      let peak = 1;
      let maxDd = 0;
      let filled = 0;
      while (filled < T) {
        let j = rng.int(T);
        for (let k = 0; k < L && filled < T; k++, filled++) {
          equity *= 1 + p.returns[j]!;
          if (equity >= peak) peak = equity;
          else if (1 - equity / peak > maxDd) maxDd = 1 - equity / peak;
          if (++j === T) j = 0;
        }
      }
      finals[s] = equity - 1;
      dds[s] = maxDd;
    }
    bootstrap = { periods: T, blockLength: L, finalReturn: bands(finals), maxDrawdown: bands(dds) };
  }

  let tradeShuffle: MonteCarloResult['tradeShuffle'] = null;
  const n = p.tradeReturns.length;
  if (n > 0) {
    const finals = new Float64Array(sims);
    const dds = new Float64Array(sims);
    const order = Float64Array.from(p.tradeReturns);
    for (let s = 0; s < sims; s++) {
      new Rng(p.seed, STREAM.shuffle, s).shuffle(order);
      let equity = 1;
      let peak = 1;
      let maxDd = 0;
      for (let i = 0; i < n; i++) {
        equity *= 1 + order[i]!;
        if (equity >= peak) peak = equity;
        else if (1 - equity / peak > maxDd) maxDd = 1 - equity / peak;
      }
      finals[s] = equity - 1;
      dds[s] = maxDd;
    }
    tradeShuffle = { trades: n, finalReturn: bands(finals), maxDrawdown: bands(dds) };
  }
  return { simulations: sims, seed: p.seed, bootstrap, tradeShuffle };
}

/**
 * Each closed trade's PnL as a fraction of the equity it was taken from: the starting equity plus
 * the PnL of the trades closed before it (one position at a time, so equity between trades is
 * realised).
 */
export function tradeReturnsOnEquity(startEquity: number, pnls: readonly number[]): number[] {
  const out: number[] = [];
  let equity = startEquity;
  for (const pnl of pnls) {
    out.push(equity > 0 ? pnl / equity : 0);
    equity += pnl;
  }
  return out;
}

function bands(values: Float64Array): Bands {
  values.sort();
  return { p5: percentile(values, 0.05), p50: percentile(values, 0.5), p95: percentile(values, 0.95) };
}

/** The q-quantile of sorted values, interpolating linearly between order statistics (numpy's default). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}
