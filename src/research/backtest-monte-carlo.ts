import type { BacktestRun } from '../backtest.js';
import { monteCarlo, tradeReturnsOnEquity, type MonteCarloResult } from './monte-carlo.js';
import { perBarReturns } from './return-stats.js';

/** Monte Carlo bands of a backtest: its per-bar returns bootstrapped, its closed trades shuffled. */
export function monteCarloOf(run: BacktestRun, mc: { simulations: number; seed: number }): MonteCarloResult {
  const m = run.result.metrics;
  const pnls = run.result.trades.filter((t) => !t.open).map((t) => Number(t.pnl));
  return monteCarlo({
    returns: perBarReturns(run.equity.value, m.startEquity),
    tradeReturns: tradeReturnsOnEquity(m.startEquity, pnls),
    simulations: mc.simulations,
    seed: mc.seed,
  });
}
