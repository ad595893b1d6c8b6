import { runBacktest, type BacktestCandles } from '../backtest.js';
import type { StrategyDefinition } from '../strategies/types.js';
import { resolveHome } from '../config/home.js';
import type { TradebotConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import { acquireStateLock } from '../store/state-lock.js';
import { canonicalJson, shortHash, tradingSettingsOf, type TrialHashes } from './hashes.js';
import type { MonteCarloResult } from './monte-carlo.js';
import { monteCarloOf } from './backtest-monte-carlo.js';
import { checkObjectiveSpan, type Objective } from './objective.js';
import { metricsSpanMs } from '../core/metrics.js';
import { anchorConfig, prepareSearch } from './prepare.js';
import { checkRunName, defaultRunName, makeRunDir, runLogPath } from './run-dir.js';
import { runSearchTrials, type SearchProgress } from './run-search.js';
import { searchTotal, shardRange, type SearchSpec } from './search.js';
import { shareCandles } from './shared-candles.js';
import { describeSpace, type Space } from './space.js';
import { summarize, type SearchSummary } from './summarize.js';
import { trialConfig } from './trial-config.js';
import { readTrialLog, TRIAL_LOG_SCHEMA_VERSION, TrialLogWriter, type LogHeader, type LogLine, type RunData, type RunRequest } from './trial-log.js';
import { startPool, type TrialPool } from './trial-pool.js';
import { VERSION } from '../version.js';

export interface OptimizeRequest {
  config: TradebotConfig;
  spaceFlags: string[];
  /** parameters fixed with --param: a search without --space leaves them out */
  fixedParams: string[];
  search: SearchSpec;
  objective: Objective;
  minTrades: number;
  shard: { k: number; n: number } | null;
  blocks: number;
  run: string | null;
  /** --resume: the run must exist */
  resume: boolean;
  jobs: number;
  monteCarlo: { simulations: number; seed: number } | null;
}

export interface OptimizeEnv {
  cwd: string;
  processEnv: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (p: SearchProgress) => void;
}

export interface OptimizeOutcome {
  run: { name: string; log: string; resumedTrials: number };
  request: RunRequest;
  hashes: TrialHashes;
  data: RunData;
  spaces: Space[];
  summary: SearchSummary;
  monteCarlo: MonteCarloResult | null;
}

/** The part of a request that decides which trials run and what they give: equal identities may share a log. */
export function runIdentity(r: RunRequest): string {
  const c = r.config;
  return canonicalJson({
    strategy: c.strategy.name,
    data: { file: c.backtest.data, exchange: c.exchange.id, pair: c.pair, timeframe: c.timeframe, from: c.backtest.from, to: c.backtest.to },
    settings: tradingSettingsOf(c),
    spaces: r.spaces,
    search: r.search,
    // what TPE proposes depends on how trials are scored; a grid or random search can be re-ranked
    ...(r.search.method === 'tpe' ? { objective: r.objective, minTrades: r.minTrades } : {}),
    blocks: r.blocks,
    shard: r.shard,
  });
}

/**
 * `tradebot optimize`: a search whose every trial is a backtest, logged as it finishes, resumable,
 * shardable, and summarised with its robustness statistics. All validation happens before the
 * run's log is created or touched.
 */
export async function runOptimize(req: OptimizeRequest, env: OptimizeEnv): Promise<OptimizeOutcome> {
  const config = anchorConfig(req.config, env.cwd);
  const prep = await prepareSearch(config, req.spaceFlags, req.fixedParams, env);
  checkObjectiveSpan(req.objective, metricsSpanMs(prep.selected.series), 'the backtest range');
  const total = searchTotal(req.search, prep.spaces);
  const range = shardRange(total, req.shard);
  const request: RunRequest = {
    config,
    spaceFlags: req.spaceFlags,
    fixedParams: req.fixedParams,
    spaces: prep.spaces.map(describeSpace),
    search: req.search,
    objective: req.objective,
    minTrades: req.minTrades,
    shard: req.shard,
    blocks: req.blocks,
    total,
    range,
  };
  const identity = runIdentity(request);
  // the shards of one search share the hash of their name and differ in its suffix
  const name = req.run !== null ? checkRunName(req.run) : defaultRunName(config.strategy.name, shortHash(runIdentity({ ...request, shard: null, range: [0, total] })), req.shard);
  const home = resolveHome({ configHome: config.home, env: env.processEnv, cwd: env.cwd });
  const logPath = runLogPath(home, name);

  const existing = await readTrialLog(logPath);
  if (!existing && req.resume) throw new UsageError(`--resume: there is no run named ${name} (${logPath})`);
  if (existing) refuseToMix(existing.header, request, identity, prep.hashes, name);

  const s = prep.selected.series;
  const data: RunData = { source: prep.loaded.source, symbol: prep.symbol, timeframe: prep.selected.timeframe, candles: s.length, from: s.time[0] ?? 0, to: s.time[s.length - 1] ?? 0 };
  const lines = new Map<number, LogLine>(existing?.lines ?? []);
  const dir = await makeRunDir(home, name);
  const lock = await acquireStateLock(dir, 'tradebot optimize', Date.now());
  let writer: TrialLogWriter | null = null;
  let pool: TrialPool | null = null;
  const shared = shareCandles(prep.loaded);
  try {
    const header: LogHeader = { type: 'header', schemaVersion: TRIAL_LOG_SCHEMA_VERSION, run: name, tradebot: VERSION, hashes: prep.hashes, request, data };
    writer = existing ? TrialLogWriter.open(logPath, existing.validBytes) : await TrialLogWriter.create(logPath, header);
    const pending = range[1] - range[0] - lines.size;
    const w = writer;
    await runSearchTrials({
      base: config,
      strategy: prep.strategy,
      spaces: prep.spaces,
      spec: req.search,
      range,
      objective: req.objective,
      minTrades: req.minTrades,
      hashes: prep.hashes,
      done: new Map(lines),
      pool: async () => (pool ??= await startPool({ candles: shared, strategy: config.strategy.name, cwd: env.cwd, blocks: req.blocks }, Math.min(req.jobs, Math.max(1, pending)))),
      onLine: (line) => {
        w.append(line);
        lines.set(line.index, line);
      },
      ...(env.onProgress ? { onProgress: env.onProgress } : {}),
      ...(env.signal ? { signal: env.signal } : {}),
    });
  } finally {
    await (pool as TrialPool | null)?.terminate();
    await writer?.close();
    await lock.release();
  }

  const summary = summarize(lines.values(), { objective: req.objective, minTrades: req.minTrades, blocks: req.blocks, period: prep.selected.timeframe });
  let mc: MonteCarloResult | null = null;
  if (req.monteCarlo && summary.best) {
    mc = await bestMonteCarlo(trialConfig(config, prep.spaces, summary.best.params), prep, env.cwd, req.monteCarlo);
  }
  return {
    run: { name, log: logPath, resumedTrials: existing?.lines.size ?? 0 },
    request,
    hashes: prep.hashes,
    data,
    spaces: prep.spaces,
    summary,
    monteCarlo: mc,
  };
}

/** A changed input never joins an existing run: one line saying what differs, and nothing written. */
function refuseToMix(header: LogHeader, request: RunRequest, identity: string, hashes: TrialHashes, name: string): void {
  const what: string[] = [];
  for (const k of ['data', 'strategy', 'settings', 'version'] as const) {
    if (header.hashes[k] !== hashes[k]) what.push(k === 'version' ? `tradebot version (${header.hashes.version} → ${hashes.version})` : `${k === 'strategy' ? 'strategy code' : k}`);
  }
  if (what.length === 0 && runIdentity(header.request) !== identity) {
    const a = header.request;
    if (canonicalJson(a.spaces) !== canonicalJson(request.spaces)) what.push('spaces');
    if (canonicalJson(a.search) !== canonicalJson(request.search)) what.push('search');
    if (canonicalJson(a.shard) !== canonicalJson(request.shard)) what.push('shard');
    if (a.blocks !== request.blocks) what.push('--pbo-blocks');
    if (what.length === 0) what.push('settings');
  }
  if (what.length > 0) {
    throw new UsageError(`run ${name} was made with other ${what.join(', ')}: its trials cannot be mixed with these; start a new run with --run NAME (or delete ${name})`);
  }
}

/** Monte Carlo bands of the best trial: it is run again (a backtest is deterministic) for its per-bar returns and trades. */
export async function bestMonteCarlo(cfg: TradebotConfig, prep: { strategy: StrategyDefinition; loaded: BacktestCandles }, cwd: string, mc: { simulations: number; seed: number }): Promise<MonteCarloResult> {
  const run = await runBacktest(cfg, { cwd, candles: prep.loaded, strategy: prep.strategy });
  return monteCarloOf(run, mc);
}
