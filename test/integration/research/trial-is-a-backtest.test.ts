/**
 * "A trial is a backtest": the code path a trial takes in a worker thread (the candles in shared
 * memory, the strategy loaded once, the point put into the configuration) gives the result
 * document `tradebot backtest` prints for the same parameters, trades and metrics to the last digit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/backtest.js';
import { resolveConfig } from '../../../src/config/load-config.js';
import { serializeResult } from '../../../src/report/result-json.js';
import { prepareSearch } from '../../../src/research/prepare.js';
import { candlesFrom, shareCandles } from '../../../src/research/shared-candles.js';
import { trialConfig } from '../../../src/research/trial-config.js';
import { runTrial } from '../../../src/research/run-trial.js';
import { loadStrategy } from '../../../src/strategies/registry.js';
import { cleanupTmpDirs, makeTmpDir, runCli } from '../../support/cli.js';

afterAll(cleanupTmpDirs);

describe('a trial is a backtest', { timeout: 120_000 }, () => {
  it('gives the trades and metrics of `tradebot backtest`, digit for digit', async () => {
    const cwd = makeTmpDir();
    const base = resolveConfig({ backtest: { from: '2024-01-01', to: '2024-01-15' } });
    const spaceFlags = ['fast=5,9', 'slow=21', 'stop-loss=none,0.01', 'take-profit=0.02'];
    const prep = await prepareSearch(base, spaceFlags, [], { cwd, processEnv: {} });
    const candles = candlesFrom(shareCandles(prep.loaded));
    const strategy = await loadStrategy(base.strategy.name, cwd);
    for (const point of [
      { fast: 5, slow: 21, 'stop-loss': null, 'take-profit': 0.02 },
      { fast: 9, slow: 21, 'stop-loss': 0.01, 'take-profit': 0.02 },
    ]) {
      const cfg = trialConfig(base, prep.spaces, point);
      const trial = await runBacktest(cfg, { cwd, candles, strategy });
      const cli = runCli(['backtest', '--from', '2024-01-01', '--to', '2024-01-15', '--param', `fast=${point.fast}`, '--param', 'slow=21', ...(point['stop-loss'] ? ['--stop-loss', '0.01'] : []), '--take-profit', '0.02', '--json']);
      expect(cli.code).toBe(0);
      const plain = JSON.parse(cli.stdout) as { trades: unknown[]; metrics: unknown };
      const mine = JSON.parse(serializeResult(trial.result)) as { trades: unknown[]; metrics: unknown };
      expect(plain.trades.length).toBeGreaterThan(10);
      expect(mine.trades).toEqual(plain.trades);
      expect(mine.metrics).toEqual(plain.metrics);
      // and what the trial log keeps of it
      const outcome = await runTrial(cfg, { candles, strategy, cwd, blocks: 16 });
      const { sharpePerPeriod, ...metrics } = outcome.metrics;
      expect(metrics).toEqual(plain.metrics);
      expect(outcome.trades).toBe((plain.metrics as { trades: number }).trades);
      // two weeks: the annualised sharpe is null (under 30 days), the per-period one is defined
      expect((plain.metrics as { sharpe: number | null }).sharpe).toBeNull();
      expect(typeof sharpePerPeriod).toBe('number');
    }
  });
});
