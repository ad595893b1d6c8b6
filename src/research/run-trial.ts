import { runBacktest, type BacktestCandles } from '../backtest.js';
import type { TradebotConfig } from '../config/schema.js';
import type { Metrics } from '../core/metrics.js';
import type { StrategyDefinition } from '../strategies/types.js';
import { perBarReturns, returnStats, type ReturnStats } from './return-stats.js';

/** A backtest's metrics plus the per-period (not annualised) Sharpe ratio the statistics use. */
export type TrialMetrics = Metrics & { sharpePerPeriod: number | null };

export interface TrialOutcome {
  metrics: TrialMetrics;
  /** closed round trips */
  trades: number;
  /** the per-bar returns' moments and block sums, without the Sharpe ratio (it is in the metrics) */
  returns: Omit<ReturnStats, 'sharpe'>;
}

export interface TrialInputs {
  candles: BacktestCandles;
  strategy: StrategyDefinition;
  cwd: string;
  /** S, the number of CSCV blocks */
  blocks: number;
}

/**
 * One trial: a backtest, run by the same function as `tradebot backtest` on candles loaded once,
 * reduced to what the trial log keeps.
 */
export async function runTrial(cfg: TradebotConfig, inputs: TrialInputs): Promise<TrialOutcome> {
  const run = await runBacktest(cfg, {
    cwd: inputs.cwd,
    candles: inputs.candles,
    strategy: inputs.strategy,
  });
  const m = run.result.metrics;
  const { sharpe, ...returns } = returnStats(perBarReturns(run.equity.value, m.startEquity), inputs.blocks);
  return { metrics: { ...m, sharpePerPeriod: sharpe }, trades: m.trades, returns };
}
