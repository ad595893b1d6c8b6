import { UsageError } from '../core/errors.js';
import { higherTimeframeMs } from '../core/timeframe.js';
import type { ParamValues, StrategyDefinition } from './types.js';

/**
 * What a strategy definition asks of the engine beyond candles, checked before it runs: the
 * higher timeframes it reads (each larger than the base timeframe and a whole multiple of it) and
 * the entries a position may take. A bad value is a usage error (exit 2), not a failure mid-run.
 */
export function strategyNeeds(def: StrategyDefinition, params: ParamValues, baseMs: number): { maxEntries: number; timeframes: string[] } {
  const v = def.apiVersion;
  if (v !== undefined && v !== 1 && v !== 2) throw new UsageError(`strategy ${def.name}: apiVersion ${String(v)} is not one this tradebot runs (1 or 2)`);
  let tfs: readonly string[] = [];
  try {
    tfs = typeof def.timeframes === 'function' ? def.timeframes(params) : (def.timeframes ?? []);
  } catch (err) {
    throw new UsageError(`strategy ${def.name}: timeframes(params) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!Array.isArray(tfs) || tfs.some((t) => typeof t !== 'string')) throw new UsageError(`strategy ${def.name}: timeframes must be a list of timeframes such as ['1h']`);
  for (const tf of tfs) {
    try {
      higherTimeframeMs(tf, baseMs);
    } catch (err) {
      throw new UsageError(`strategy ${def.name}: ${(err as Error).message}`);
    }
  }
  const m = def.maxEntries ?? 1;
  if (!Number.isInteger(m) || m < 1) throw new UsageError(`strategy ${def.name}: maxEntries must be an integer >= 1, got ${String(m)}`);
  return { maxEntries: m, timeframes: [...tfs] };
}
