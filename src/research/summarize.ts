import { objectiveValue, rankScore, type Objective } from './objective.js';
import { computeRobustness, type Robustness, type TrialStats } from './robustness.js';
import type { TrialMetrics, TrialOutcome } from './run-trial.js';
import type { Point } from './space.js';
import type { LogLine } from './trial-log.js';

export interface RankedTrial {
  index: number;
  params: Point;
  metrics: TrialMetrics;
  trades: number;
  returns: TrialOutcome['returns'];
  /** the objective's value; null when undefined for the trial */
  objective: number | null;
  /** false below --min-trades or with an undefined objective: such a trial is never selected */
  eligible: boolean;
}

export interface SkippedPoint {
  index: number;
  params: Point;
  reason: string;
}

export interface SearchSummary {
  /** completed trials in index order */
  trials: RankedTrial[];
  skipped: SkippedPoint[];
  /** indices of the completed trials, best first (ineligible ones last, by index) */
  ranking: number[];
  best: RankedTrial | null;
  robustness: Robustness;
}

/**
 * Ranks the trials of a search and computes the robustness statistics. Everything is ordered by
 * point index first, so a run, its resumption and a merge of its shards give the same summary.
 */
export function summarize(lines: Iterable<LogLine>, p: { objective: Objective; minTrades: number; blocks: number; period: string }): SearchSummary {
  const sorted = [...lines].sort((a, b) => a.index - b.index);
  const trials: RankedTrial[] = [];
  const skipped: SkippedPoint[] = [];
  for (const l of sorted) {
    if (l.type === 'skip') {
      skipped.push({ index: l.index, params: l.params, reason: l.reason });
      continue;
    }
    const score = rankScore(p.objective, l.metrics, p.minTrades);
    trials.push({
      index: l.index,
      params: l.params,
      metrics: l.metrics,
      trades: l.trades,
      returns: l.returns,
      objective: objectiveValue(p.objective, l.metrics),
      eligible: score !== -Infinity,
    });
  }
  const scores = new Map(trials.map((t) => [t.index, rankScore(p.objective, t.metrics, p.minTrades)]));
  const ranked = [...trials].sort((a, b) => {
    const sa = scores.get(a.index)!;
    const sb = scores.get(b.index)!;
    if (sa !== sb) return sb > sa ? 1 : -1;
    return a.index - b.index;
  });
  const best = ranked[0]?.eligible ? ranked[0] : null;
  const stats = (t: RankedTrial): TrialStats => ({
    sharpePerPeriod: t.metrics.sharpePerPeriod,
    count: t.returns.count,
    skew: t.returns.skew,
    kurtosis: t.returns.kurtosis,
    blockSum: t.returns.blockSum,
    blockSumSq: t.returns.blockSumSq,
  });
  const robustness = computeRobustness({
    all: trials.map(stats),
    eligible: trials.filter((t) => t.eligible).map(stats),
    best: best ? stats(best) : null,
    blocks: p.blocks,
    period: p.period,
  });
  return { trials, skipped, ranking: ranked.map((t) => t.index), best, robustness };
}
