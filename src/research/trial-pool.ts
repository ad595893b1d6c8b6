import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TradebotConfig } from '../config/schema.js';
import { InternalError, TradebotError } from '../core/errors.js';
import { loadStrategy } from '../strategies/registry.js';
import { runTrial, type TrialOutcome } from './run-trial.js';
import { candlesFrom, type SharedCandles } from './shared-candles.js';

/** What every worker needs once: the shared candles, the strategy to load, the CSCV blocks. */
export interface PoolInit {
  candles: SharedCandles;
  strategy: string;
  cwd: string;
  blocks: number;
}

export interface TrialJob {
  index: number;
  config: TradebotConfig;
}

export type TrialReply = { index: number; outcome: TrialOutcome } | { index: number; error: { message: string; exitCode: number | null; name: string } };

/**
 * Runs trials on `jobs` threads. With one job the trials run on this thread (no worker to start);
 * with more, each worker thread loads the strategy once and reads the candles from shared memory.
 * Every trial is independent, so results do not depend on the number of jobs, only the order in
 * which they arrive.
 */
export interface TrialPool {
  readonly jobs: number;
  /** runs every job, calling onResult as each finishes (in any order); rejects on the first failure */
  run(jobs: readonly TrialJob[], onResult: (index: number, outcome: TrialOutcome) => void): Promise<void>;
  /** stops the workers at once: trials in flight are lost */
  terminate(): Promise<void>;
}

export function defaultJobs(): number {
  return availableParallelism();
}

export async function startPool(init: PoolInit, jobs: number): Promise<TrialPool> {
  if (jobs <= 1) return inlinePool(init);
  return workerPool(init, jobs);
}

async function inlinePool(init: PoolInit): Promise<TrialPool> {
  const candles = candlesFrom(init.candles);
  const strategy = await loadStrategy(init.strategy, init.cwd);
  let stopped = false;
  return {
    jobs: 1,
    async run(list, onResult) {
      for (const job of list) {
        if (stopped) return;
        const outcome = await runTrial(job.config, { candles, strategy, cwd: init.cwd, blocks: init.blocks });
        if (stopped) return; // interrupted while it ran: it counts as in flight
        onResult(job.index, outcome);
        // let signals and timers in between trials
        await new Promise<void>((r) => setImmediate(r));
      }
    },
    async terminate() {
      stopped = true;
    },
  };
}

async function workerPool(init: PoolInit, n: number): Promise<TrialPool> {
  const url = new URL('./trial-worker.js', import.meta.url);
  const workers = Array.from({ length: n }, () => new Worker(url, { workerData: init }));
  let terminated = false;
  let current: { reject: (e: unknown) => void } | null = null;
  for (const w of workers) {
    w.on('error', (err) => current?.reject(new InternalError(`a trial worker failed: ${err.message}`, { cause: err })));
    w.on('exit', (code) => {
      if (!terminated) current?.reject(new InternalError(`a trial worker exited (code ${code})`));
    });
  }
  return {
    jobs: n,
    run(list, onResult) {
      return new Promise<void>((resolve, reject) => {
        let next = 0;
        let done = 0;
        let failed = false;
        current = {
          reject: (e) => {
            if (failed) return;
            failed = true;
            reject(e);
          },
        };
        if (list.length === 0) return resolve();
        const feed = (w: Worker) => {
          if (failed || terminated || next >= list.length) return;
          w.postMessage(list[next++]);
        };
        for (const w of workers) {
          w.removeAllListeners('message');
          w.on('message', (reply: TrialReply) => {
            if (failed || terminated) return;
            if ('error' in reply) {
              current?.reject(reply.error.exitCode !== null ? new TradebotError(reply.error.message, reply.error.exitCode) : new InternalError(`trial ${reply.index}: ${reply.error.message}`));
              return;
            }
            try {
              onResult(reply.index, reply.outcome);
            } catch (err) {
              current?.reject(err);
              return;
            }
            if (++done === list.length) resolve();
            else feed(w);
          });
          feed(w);
        }
      });
    },
    async terminate() {
      terminated = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
