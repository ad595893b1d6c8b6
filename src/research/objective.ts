import { UsageError } from '../core/errors.js';
import { didYouMean } from '../config/did-you-mean.js';
import { MIN_ANNUALISED_SPAN_MS, type Metrics } from '../core/metrics.js';

export const OBJECTIVES = ['sharpe', 'sortino', 'calmar', 'profit', 'profit-drawdown', 'expectancy'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export function parseObjective(s: string): Objective {
  if ((OBJECTIVES as readonly string[]).includes(s)) return s as Objective;
  const hint = didYouMean(s, OBJECTIVES);
  throw new UsageError(`--objective ${JSON.stringify(s)} is not one of ${OBJECTIVES.join(', ')}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

/** A trial's metrics, with the per-period Sharpe ratio when the caller computed it. */
export type ObjectiveMetrics = Metrics & { sharpePerPeriod?: number | null };

/**
 * What a trial is ranked by, higher is better: the annualised sharpe, sortino or calmar ratio, the
 * total return (profit), the total return less the maximum drawdown (profit-drawdown), or the mean
 * PnL per closed trade (expectancy). Null when the metric is undefined for the trial.
 *
 * Under 30 days the annualised figures are null (see MIN_ANNUALISED_SPAN_MS); the sharpe objective
 * then ranks by the per-period Sharpe ratio, which orders trials of one span exactly as the
 * annualised one would. Sortino and calmar have no such stand-in: checkObjectiveSpan refuses them.
 */
export function objectiveValue(objective: Objective, m: ObjectiveMetrics): number | null {
  switch (objective) {
    case 'sharpe':
      return m.sharpe ?? m.sharpePerPeriod ?? null;
    case 'sortino':
      return m.sortino;
    case 'calmar':
      return m.calmar;
    case 'profit':
      return m.totalReturn;
    case 'profit-drawdown':
      return m.totalReturn - m.maxDrawdown;
    case 'expectancy':
      return m.expectancy;
  }
}

/** A trial's place in the ranking: −Infinity (last) below --min-trades or with an undefined objective. */
export function rankScore(objective: Objective, m: ObjectiveMetrics, minTrades: number): number {
  if (m.trades < minTrades) return -Infinity;
  return objectiveValue(objective, m) ?? -Infinity;
}

/**
 * Sortino and calmar are annualised and null under 30 days, so a search ranked by them on a
 * shorter span could only end without a winner: refuse it before any trial runs.
 */
export function checkObjectiveSpan(objective: Objective, spanMs: number, what: string): void {
  if (objective !== 'sortino' && objective !== 'calmar') return;
  if (spanMs >= MIN_ANNUALISED_SPAN_MS) return;
  const days = (spanMs / 86_400_000).toFixed(1);
  throw new UsageError(`--objective ${objective} needs at least ${MIN_ANNUALISED_SPAN_MS / 86_400_000} days of candles; ${what} spans ${days} days (use sharpe, profit, profit-drawdown or expectancy, or a longer span)`);
}
