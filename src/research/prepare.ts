import { resolve } from 'node:path';
import { loadBacktestCandles, symbolFromFileName, type BacktestCandles } from '../backtest.js';
import { configDefaults, type TradebotConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import { parseDate } from '../data/parse-date.js';
import { selectRange } from '../data/select-range.js';
import { tradingSettings } from '../engine-settings.js';
import { resolveParams } from '../strategies/params.js';
import { loadStrategy } from '../strategies/registry.js';
import type { StrategyDefinition } from '../strategies/types.js';
import { dataHash, settingsHash, strategyHash, versionHash, type TrialHashes } from './hashes.js';
import { parseSpaces, type Space } from './space.js';

/** Where a data path or strategy file lives, whatever directory a resumed run is started from. */
export function anchorConfig(cfg: TradebotConfig, cwd: string): TradebotConfig {
  const out = structuredClone(cfg);
  if (out.backtest.data !== null) out.backtest.data = resolve(cwd, out.backtest.data);
  if (/[/\\]|\.(m?js|cjs)$/.test(out.strategy.name)) out.strategy.name = resolve(cwd, out.strategy.name);
  // outputs are the command's business, not the run's
  const d = configDefaults().backtest;
  out.backtest = { ...out.backtest, json: d.json, out: d.out, tradesCsv: d.tradesCsv, assert: d.assert, baseline: d.baseline, tolerance: d.tolerance };
  return out;
}

export interface Prepared {
  strategy: StrategyDefinition;
  spaces: Space[];
  /** every candle loaded (a walk-forward selects windows from them) */
  loaded: BacktestCandles;
  /** the candles the trials run on: --from/--to applied */
  selected: BacktestCandles;
  symbol: string;
  hashes: TrialHashes;
}

/**
 * Everything a search needs before it may write anything: the strategy and its spaces checked,
 * the base settings checked, the candles loaded once, and the hashes of what the trials depend on.
 */
export async function prepareSearch(cfg: TradebotConfig, spaceFlags: readonly string[], fixedParams: readonly string[], env: { cwd: string; processEnv: NodeJS.ProcessEnv }): Promise<Prepared> {
  tradingSettings(cfg);
  const strategy = await loadStrategy(cfg.strategy.name, env.cwd);
  resolveParams({ ...strategy, validate: undefined }, cfg.strategy.params);
  const fixed = Object.fromEntries(fixedParams.map((k) => [k, true]));
  const spaces = parseSpaces(spaceFlags, strategy, fixed);
  const from = cfg.backtest.from === null ? undefined : parseDate(String(cfg.backtest.from), '--from');
  const to = cfg.backtest.to === null ? undefined : parseDate(String(cfg.backtest.to), '--to');
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${String(cfg.backtest.from)} is after --to ${String(cfg.backtest.to)}`);
  const loaded = await loadBacktestCandles(cfg, { cwd: env.cwd, processEnv: env.processEnv });
  const sel = selectRange(loaded, from, to);
  const selected: BacktestCandles = { ...sel, ...(loaded.market ? { market: loaded.market } : {}) };
  const hashes: TrialHashes = {
    data: dataHash(selected.series, loaded.market),
    strategy: await strategyHash(cfg.strategy.name, env.cwd),
    settings: settingsHash(cfg),
    version: versionHash(),
  };
  return { strategy, spaces, loaded, selected, symbol: cfg.pair ?? symbolFromFileName(loaded.source) ?? 'BASE/QUOTE', hashes };
}
