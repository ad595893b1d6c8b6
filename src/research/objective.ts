import { UsageError } from '../core/errors.js';
import { didYouMean } from '../config/did-you-mean.js';
import type { Metrics } from '../core/metrics.js';

export const OBJECTIVES = ['sharpe', 'sortino', 'calmar', 'profit', 'profit-drawdown', 'expectancy'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export function parseObjective(s: string): Objective {
  if ((OBJECTIVES as readonly string[]).includes(s)) return s as Objective;
  const hint = didYouMean(s, OBJECTIVES);
  throw new UsageError(`--objective ${JSON.stringify(s)} is not one of ${OBJECTIVES.join(', ')}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

/**
 * What a trial is ranked by, higher is better: the annualised sharpe, sortino or calmar ratio, the
 * total return (profit), the total return less the maximum drawdown (profit-drawdown), or the mean
 * PnL per closed trade (expectancy). Null when the metric is undefined for the trial.
 */
export function objectiveValue(objective: Objective, m: Metrics): number | null {
  switch (objective) {
    case 'sharpe':
      return m.sharpe;
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
export function rankScore(objective: Objective, m: Metrics, minTrades: number): number {
  if (m.trades < minTrades) return -Infinity;
  return objectiveValue(objective, m) ?? -Infinity;
}
