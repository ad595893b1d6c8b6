import { EULER_GAMMA, normalCdf, normalQuantile } from './normal.js';

/**
 * The Probabilistic Sharpe ratio (Bailey & López de Prado 2012): the probability that the true
 * Sharpe ratio exceeds `benchmark`, given the observed per-period Sharpe ratio `sharpe` over
 * `count` returns with skewness `skew` and ORDINARY kurtosis `kurtosis` (3 for normal returns):
 *
 *   PSR = Φ( (SR − SR*) · √(T − 1) / √(1 − γ3·SR + (γ4 − 1)/4 · SR²) )
 *
 * (vectorbt passes excess kurtosis as γ4, which understates the variance of fat-tailed returns.)
 * Null when the variance term is not positive.
 */
export function probabilisticSharpe(p: { sharpe: number; benchmark: number; count: number; skew: number; kurtosis: number }): number | null {
  const v = 1 - p.skew * p.sharpe + ((p.kurtosis - 1) / 4) * p.sharpe * p.sharpe;
  if (!(v > 0) || p.count < 2) return null;
  return normalCdf(((p.sharpe - p.benchmark) * Math.sqrt(p.count - 1)) / Math.sqrt(v));
}

/**
 * (1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)): the expected maximum of N independent standard normal
 * draws (Bailey, Borwein, López de Prado & Zhu 2014). 0 for N ≤ 1: nothing was selected.
 */
export function expectedMaxFactor(trials: number): number {
  if (trials <= 1) return 0;
  return (1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E));
}

/** SR₀ = √V[SR] · E[max of N]: the Sharpe ratio the best of N skill-less trials is expected to show. */
export function expectedMaxSharpe(trials: number, sharpeVariance: number): number {
  return Math.sqrt(Math.max(sharpeVariance, 0)) * expectedMaxFactor(trials);
}

/**
 * The Deflated Sharpe ratio (Bailey & López de Prado 2014): the PSR of the selected trial against
 * the expected maximum Sharpe ratio of `trials` trials whose Sharpe ratios vary by `sharpeVariance`.
 */
export function deflatedSharpe(p: { sharpe: number; count: number; skew: number; kurtosis: number; trials: number; sharpeVariance: number }): number | null {
  return probabilisticSharpe({ ...p, benchmark: expectedMaxSharpe(p.trials, p.sharpeVariance) });
}

/**
 * Minimum backtest length (Bailey, Borwein, López de Prado & Zhu 2014): the number of periods below
 * which the best of `trials` skill-less configurations is expected to show a per-period Sharpe
 * ratio of `sharpe` by luck alone: (E[max of N] / SR)². Null unless SR > 0.
 */
export function minBacktestLength(trials: number, sharpe: number): number | null {
  if (!(sharpe > 0)) return null;
  const z = expectedMaxFactor(trials);
  return (z / sharpe) ** 2;
}
