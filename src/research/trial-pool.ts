import { Worker } from 'node:worker_threads';
import type { TradebotConfig } from '../config/schema.js';
import { InternalError, StateError, TradebotError } from '../core/errors.js';
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
  /** names the trial in an error: "trial 12 (fast=2 slow=10)" */
  label: string;
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

/**
 * Heap limits of a worker thread. Without them V8 sizes a worker's heap from the machine's memory
 * and lets the garbage of trade-heavy backtests pile up: two workers on the 1m grid of the bench
 * peaked at 390-440 MB of RSS, against about 230 MB with these limits, for the same CPU time. The
 * old generation's limit is far above what one backtest keeps alive; it steers how V8 grows the heap.
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 } as const;

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
        let outcome;
        try {
          outcome = await runTrial(job.config, { candles, strategy, cwd: init.cwd, blocks: init.blocks });
        } catch (err) {
          throw err instanceof TradebotError ? new TradebotError(`${job.label}: ${err.message}`, err.exitCode, { cause: err }) : err;
        }
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
  const workers = Array.from({ length: n }, () => new Worker(url, { workerData: init, resourceLimits: WORKER_HEAP }));
  let terminated = false;
  let current: { reject: (e: unknown) => void } | null = null;
  for (const w of workers) {
    w.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        current?.reject(new StateError(`a trial needed more than the ${WORKER_HEAP.maxOldGenerationSizeMb} MB heap of a worker thread: run it with --jobs 1 (trials on the main thread have no such limit); the finished trials are kept`));
      } else current?.reject(new InternalError(`a trial worker failed: ${err.message}`, { cause: err }));
    });
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
              const label = list.find((j) => j.index === reply.index)?.label ?? `trial ${reply.index}`;
              current?.reject(reply.error.exitCode !== null ? new TradebotError(`${label}: ${reply.error.message}`, reply.error.exitCode) : new InternalError(`${label}: ${reply.error.message}`));
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
