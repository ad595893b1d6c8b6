import { VERSION } from '../version.js';
import type { WalkForwardOutcome, WalkForwardRequest } from './walk-forward.js';

/** The `tradebot walk-forward --json` document. A public interface, versioned like optimize's. */
export const WALK_FORWARD_SCHEMA_VERSION = 1;

export function walkForwardDocument(w: WalkForwardOutcome, req: WalkForwardRequest): Record<string, unknown> {
  const c = req.config;
  const risk: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.risk)) if (v !== null) risk[k] = v;
  return {
    schemaVersion: WALK_FORWARD_SCHEMA_VERSION,
    tradebot: VERSION,
    strategy: { name: c.strategy.name, params: c.strategy.params },
    data: w.data,
    settings: { cash: c.cash, stake: c.stake, fee: c.fee, slippageBps: c.slippage, risk },
    search: { method: req.search.method, trials: req.search.trials, seed: req.search.seed, objective: req.objective, minTrades: req.minTrades },
    spaces: w.spacesDescribed,
    walkForward: { trainMs: req.trainMs, testMs: req.testMs, stepMs: req.stepMs, anchored: req.anchored },
    windows: w.windows,
    outOfSample: w.outOfSample,
    efficiency: w.efficiency,
    robustness: w.robustness,
  };
}
