import type { TradebotConfig } from '../config/schema.js';
import { resolveParams } from '../strategies/params.js';
import type { StrategyDefinition } from '../strategies/types.js';
import type { Point, Space } from './space.js';

/** The backtest configuration of one point: the base run's, with the point's parameters and protections. */
export function trialConfig(base: TradebotConfig, spaces: readonly Space[], point: Point): TradebotConfig {
  const params = { ...base.strategy.params };
  const risk = { ...base.risk };
  for (const s of spaces) {
    const v = point[s.name];
    if (v === undefined) continue;
    if (s.target.kind === 'param') params[s.target.param] = v as number | string | boolean;
    else risk[s.target.key] = v as number | null;
  }
  return { ...base, strategy: { ...base.strategy, params }, risk };
}

/**
 * Why a point is skipped rather than run: the strategy's cross-parameter rule refuses it
 * (fast < slow), or it switches off the stop a risk-per-trade sizing needs. Undefined when it runs.
 */
export function skipReason(def: StrategyDefinition, cfg: TradebotConfig): string | undefined {
  const params = resolveParams({ ...def, validate: undefined }, cfg.strategy.params);
  const problem = def.validate?.(params);
  if (problem) return problem;
  if (cfg.risk.riskPerTrade !== null && cfg.risk.stopLoss === null) return 'risk-per-trade needs a stop-loss';
  return undefined;
}
