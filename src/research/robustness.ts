import { deflatedSharpe, expectedMaxSharpe, minBacktestLength, probabilisticSharpe } from './deflated-sharpe.js';
import { probabilityOfOverfitting, type BlockSums } from './pbo.js';
import { blockLayout } from './return-stats.js';

/** What the statistics need of one completed trial. */
export interface TrialStats extends BlockSums {
  sharpePerPeriod: number | null;
  count: number;
  skew: number | null;
  kurtosis: number | null;
}

/**
 * The robustness block of an optimisation: the Deflated Sharpe ratio of the best trial over the
 * true number of trials, its PSR (against 0) and the minimum backtest length, PBO by CSCV, and the
 * inputs they come from. A statistic that cannot be computed is null.
 */
export interface Robustness {
  dsr: number | null;
  psr: number | null;
  /** per period, not annualised, of the best trial */
  sharpe: number | null;
  /** the returns the statistics use: one per bar */
  periods: { count: number; period: string };
  skew: number | null;
  /** ordinary kurtosis (3 for normal returns) */
  kurtosis: number | null;
  /** completed trials, skipped points not counted */
  trials: number;
  /** sample variance (n − 1) of the trials' per-period Sharpe ratios */
  sharpeVariance: number | null;
  expectedMaxSharpe: number | null;
  pbo: number | null;
  /** in periods: below it, the best Sharpe ratio is what the best of `trials` skill-less trials would show */
  minBacktestLength: number | null;
  /** S, the blocks CSCV splits the periods into, and the C(S, S/2) splits it ranks */
  pboBlocks: number;
  pboCombinations: number;
}

/**
 * @param all every completed trial (the DSR counts them all)
 * @param eligible the trials that could be selected (PBO ranks these), best first or in any order
 * @param best the selected trial, or null when none qualifies
 */
export function computeRobustness(p: { all: readonly TrialStats[]; eligible: readonly TrialStats[]; best: TrialStats | null; blocks: number; period: string }): Robustness {
  const srs = p.all.map((t) => t.sharpePerPeriod).filter((x): x is number => x !== null);
  let sharpeVariance: number | null = null;
  if (srs.length >= 2) {
    const mean = srs.reduce((a, b) => a + b, 0) / srs.length;
    sharpeVariance = srs.reduce((a, b) => a + (b - mean) ** 2, 0) / (srs.length - 1);
  }
  const trials = p.all.length;
  const emax = trials <= 1 ? 0 : sharpeVariance === null ? null : expectedMaxSharpe(trials, sharpeVariance);
  const b = p.best;
  const count = b?.count ?? p.all[0]?.count ?? 0;
  const { size } = blockLayout(count, p.blocks);
  const pbo = probabilityOfOverfitting(p.eligible, p.blocks, size);
  const moments = b && b.sharpePerPeriod !== null && b.skew !== null && b.kurtosis !== null ? { sharpe: b.sharpePerPeriod, count: b.count, skew: b.skew, kurtosis: b.kurtosis } : null;
  return {
    dsr: moments && emax !== null ? deflatedSharpe({ ...moments, trials, sharpeVariance: sharpeVariance ?? 0 }) : null,
    psr: moments ? probabilisticSharpe({ ...moments, benchmark: 0 }) : null,
    sharpe: b?.sharpePerPeriod ?? null,
    periods: { count, period: p.period },
    skew: b?.skew ?? null,
    kurtosis: b?.kurtosis ?? null,
    trials,
    sharpeVariance,
    expectedMaxSharpe: emax,
    pbo: pbo.pbo,
    minBacktestLength: b?.sharpePerPeriod !== undefined && b.sharpePerPeriod !== null ? minBacktestLength(trials, b.sharpePerPeriod) : null,
    pboBlocks: p.blocks,
    pboCombinations: pbo.combinations,
  };
}
