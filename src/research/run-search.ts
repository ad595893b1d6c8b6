import type { TradebotConfig } from '../config/schema.js';
import { TradebotError, ExitCode } from '../core/errors.js';
import type { StrategyDefinition } from '../strategies/types.js';
import type { TrialHashes } from './hashes.js';
import { rankScore, type Objective } from './objective.js';
import { walkSearch, type SearchSpec } from './search.js';
import { formatPoint, type Point, type Space } from './space.js';
import type { Observation } from './tpe.js';
import { skipReason, trialConfig } from './trial-config.js';
import type { LogLine } from './trial-log.js';
import type { TrialJob, TrialPool } from './trial-pool.js';

export interface SearchProgress {
  /** points finished (trials and skipped points, resumed ones included) */
  done: number;
  total: number;
  /** the best objective so far, null while no trial qualifies */
  best: number | null;
}

/**
 * Runs the trials of a search over [from, to): skipped points are recorded at once, the others go to
 * the pool; `onLine` receives every finished line (the trial log appends it). `done` holds lines
 * already logged (a resumed run); they are not run again.
 */
export async function runSearchTrials(p: {
  base: TradebotConfig;
  strategy: StrategyDefinition;
  spaces: readonly Space[];
  spec: SearchSpec;
  range: [number, number];
  objective: Objective;
  minTrades: number;
  hashes: TrialHashes;
  done: ReadonlyMap<number, LogLine>;
  pool: () => Promise<TrialPool>;
  onLine: (line: LogLine) => void;
  onProgress?: (p: SearchProgress) => void;
  signal?: AbortSignal;
}): Promise<void> {
  const total = p.range[1] - p.range[0];
  let finished = p.done.size;
  let best: number | null = null;
  const observe = (line: LogLine): Observation => {
    const score = line.type === 'trial' ? rankScore(p.objective, line.metrics, p.minTrades) : -Infinity;
    if (score !== -Infinity && (best === null || score > best)) best = score;
    return { point: line.params, score };
  };
  const done = new Map<number, Observation>();
  for (const [i, line] of p.done) done.set(i, observe(line));
  p.onProgress?.({ done: finished, total, best });

  const interrupted = new Promise<never>((_, reject) => {
    const fail = () => reject(new TradebotError('interrupted: the finished trials are in the log; run the same command again to resume', ExitCode.interrupted));
    if (p.signal?.aborted) fail();
    p.signal?.addEventListener('abort', fail, { once: true });
  });
  interrupted.catch(() => undefined);

  await walkSearch({
    spaces: p.spaces,
    spec: p.spec,
    range: p.range,
    done,
    evaluate: async (batch) => {
      const results = new Map<number, Observation>();
      const points = new Map<number, Point>();
      const jobs: TrialJob[] = [];
      const finish = (line: LogLine) => {
        p.onLine(line);
        results.set(line.index, observe(line));
        finished++;
        p.onProgress?.({ done: finished, total, best });
      };
      for (const pr of batch) {
        const config = trialConfig(p.base, p.spaces, pr.point);
        const reason = skipReason(p.strategy, config);
        if (reason) finish({ type: 'skip', index: pr.index, params: pr.point, reason, hashes: p.hashes });
        else {
          points.set(pr.index, pr.point);
          jobs.push({ index: pr.index, config, label: `trial ${pr.index} (${formatPoint(pr.point)})` });
        }
      }
      if (jobs.length > 0) {
        const pool = await p.pool();
        const running = pool.run(jobs, (index, outcome) =>
          finish({ type: 'trial', index, params: points.get(index)!, metrics: outcome.metrics, trades: outcome.trades, returns: outcome.returns, hashes: p.hashes }),
        );
        await Promise.race([running, interrupted]);
      }
      return results;
    },
  });
}
