/**
 * A worker thread of the trial pool: loads the strategy once, views the shared candles, and runs
 * the trials it is sent one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TradebotError } from '../core/errors.js';
import { loadStrategy } from '../strategies/registry.js';
import { runTrial } from './run-trial.js';
import { candlesFrom } from './shared-candles.js';
import type { PoolInit, TrialJob, TrialReply } from './trial-pool.js';

const init = workerData as PoolInit;
const candles = candlesFrom(init.candles);
const strategyReady = loadStrategy(init.strategy, init.cwd);
strategyReady.catch(() => undefined); // reported with the first trial

parentPort!.on('message', (job: TrialJob) => {
  void (async () => {
    let reply: TrialReply;
    try {
      const strategy = await strategyReady;
      reply = { index: job.index, outcome: await runTrial(job.config, { candles, strategy, cwd: init.cwd, blocks: init.blocks }) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { index: job.index, error: { message: e.message, exitCode: err instanceof TradebotError ? err.exitCode : null, name: e.name } };
    }
    parentPort!.postMessage(reply);
  })();
});
