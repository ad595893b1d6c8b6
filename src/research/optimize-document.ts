import { InternalError } from '../core/errors.js';
import { VERSION } from '../version.js';
import type { TrialHashes } from './hashes.js';
import type { MonteCarloResult } from './monte-carlo.js';
import type { SearchSummary } from './summarize.js';
import type { RunData, RunRequest } from './trial-log.js';

/**
 * The `tradebot optimize --json` document (also `optimize merge --json`). A public interface:
 * bump the version on any incompatible change.
 */
export const OPTIMIZE_SCHEMA_VERSION = 1;

export interface OptimizeDocInput {
  /** a run: its name and log; a merge: the logs it joined */
  run: { name: string; log: string } | { merged: string[] };
  request: RunRequest;
  hashes: TrialHashes;
  data: RunData;
  summary: SearchSummary;
  monteCarlo: MonteCarloResult | null;
}

export function optimizeDocument(p: OptimizeDocInput): Record<string, unknown> {
  const r = p.request;
  const c = r.config;
  const s = p.summary;
  const risk: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.risk)) if (v !== null) risk[k] = v;
  const trial = (t: SearchSummary['trials'][number]) => ({
    index: t.index,
    params: t.params,
    objective: t.objective,
    eligible: t.eligible,
    trades: t.trades,
    metrics: t.metrics,
    returns: t.returns,
  });
  return {
    schemaVersion: OPTIMIZE_SCHEMA_VERSION,
    tradebot: VERSION,
    run: p.run,
    strategy: { name: c.strategy.name, params: c.strategy.params },
    data: p.data,
    settings: { cash: c.cash, stake: c.stake, fee: c.fee, slippageBps: c.slippage, risk },
    hashes: p.hashes,
    search: {
      method: r.search.method,
      trials: r.search.trials,
      seed: r.search.seed,
      objective: r.objective,
      minTrades: r.minTrades,
      points: r.total,
      shard: r.shard,
      range: r.range,
    },
    spaces: r.spaces,
    counts: { points: r.range[1] - r.range[0], trials: s.trials.length, skipped: s.skipped.length },
    trials: s.trials.map(trial),
    skipped: s.skipped,
    ranking: s.ranking,
    best: s.best ? { index: s.best.index, params: s.best.params, objective: s.best.objective, metrics: s.best.metrics } : null,
    robustness: s.robustness,
    monteCarlo: p.monteCarlo,
  };
}

/** The document as text: 2-space JSON with a trailing newline; a non-finite number is a bug upstream. */
export function serializeDocument(doc: unknown): string {
  return `${JSON.stringify(doc, (key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new InternalError(`non-finite number ${v} in the document at "${key}"`);
    return v;
  }, 2)}\n`;
}
