/**
 * Small optimize and walk-forward documents of the shapes issue 11 defines for `optimize --json`
 * and `walk-forward --json` (trials[] with params and metrics, the robustness block; windows and
 * the stitched out-of-sample equity), for the HTML report's tests until those commands land.
 */
export function optimizeDoc() {
  const trials = [];
  for (const fast of [5, 10, 15]) {
    for (const slow of [20, 30]) {
      for (const stop of [0.01, 0.02]) {
        trials.push({ params: { fast, slow, 'stop-loss': stop }, metrics: { sharpe: fast / 10 - slow / 100 + stop, totalReturn: 0.1, maxDrawdown: 0.05, trades: 12, winRate: 0.5, sharpePerPeriod: 0.01 } });
      }
    }
  }
  return {
    schemaVersion: 1,
    tradebot: '0.2.0',
    objective: 'sharpe',
    trials,
    robustness: { dsr: 0.97, psr: 0.99, sharpe: 0.012, periods: { count: 1000, period: '5m' }, skew: -0.2, kurtosis: 4.1, trials: 12, sharpeVariance: 0.0001, expectedMaxSharpe: 0.009, pbo: 0.12, minBacktestLength: 800, monteCarlo: { finalReturn: { p5: -0.05, p50: 0.1, p95: 0.3 } } },
  };
}


export function walkForwardDoc() {
  const day = 86_400_000;
  const t0 = Date.UTC(2024, 0, 1);
  const windows = [0, 1, 2].map((k) => ({
    train: { from: t0 + k * 30 * day, to: t0 + (k * 30 + 90) * day },
    test: { from: t0 + (k * 30 + 90) * day, to: t0 + (k * 30 + 120) * day },
    params: { fast: 5 + k, slow: 30 },
    inSample: 1.5 - k * 0.1,
    outOfSample: 0.7 - k * 0.2,
    efficiency: (0.7 - k * 0.2) / (1.5 - k * 0.1),
  }));
  const equityCurve = Array.from({ length: 90 }, (_, i) => ({ time: t0 + (90 + i) * day, equity: 10_000 * (1 + 0.001 * i + 0.01 * Math.sin(i / 5)) }));
  return { schemaVersion: 1, tradebot: '0.2.0', objective: 'sharpe', windows, equityCurve, metrics: { totalReturn: 0.09, sharpe: 0.8, maxDrawdown: 0.04 } };
}
