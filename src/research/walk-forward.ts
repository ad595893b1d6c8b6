import { runBacktest } from '../backtest.js';
import type { TradebotConfig } from '../config/schema.js';
import { computeMetrics, type Metrics } from '../core/metrics.js';
import { UsageError } from '../core/errors.js';
import { probabilisticSharpe, minBacktestLength } from './deflated-sharpe.js';
import { checkObjectiveSpan, objectiveValue, type Objective } from './objective.js';
import { anchorConfig, prepareSearch } from './prepare.js';
import { perBarReturns, returnStats } from './return-stats.js';
import type { Robustness } from './robustness.js';
import { runSearchTrials, type SearchProgress } from './run-search.js';
import { searchTotal, type SearchSpec } from './search.js';
import { shareCandles } from './shared-candles.js';
import { describeSpace, type Point, type Space } from './space.js';
import { summarize, type SearchSummary } from './summarize.js';
import { trialConfig } from './trial-config.js';
import type { LogLine, RunData } from './trial-log.js';
import { startPool, type TrialPool } from './trial-pool.js';
import { planWindows, type Window } from './windows.js';

export interface WalkForwardRequest {
  config: TradebotConfig;
  spaceFlags: string[];
  fixedParams: string[];
  search: SearchSpec;
  objective: Objective;
  minTrades: number;
  blocks: number;
  jobs: number;
  trainMs: number;
  testMs: number;
  stepMs: number;
  anchored: boolean;
}

export interface WindowOutcome {
  index: number;
  train: { from: number; to: number; candles: number };
  test: { from: number; to: number; candles: number };
  /** the best trial's point, null when no trial qualified (the test span then stays in cash) */
  params: Point | null;
  inSample: { objective: number | null; metrics: Metrics | null };
  outOfSample: { objective: number | null; metrics: Metrics | null };
  /** out-of-sample CAGR over in-sample CAGR (Pardo); null when the in-sample CAGR is not positive */
  efficiency: number | null;
  trials: number;
  skipped: number;
  robustness: Robustness;
}

export interface WalkForwardOutcome {
  data: RunData;
  spaces: Space[];
  spacesDescribed: Record<string, unknown>[];
  windows: WindowOutcome[];
  outOfSample: { metrics: Metrics & { sharpePerPeriod: number | null }; equityCurve: { time: number; equity: number }[] };
  efficiency: number | null;
  robustness: Robustness;
}

export interface WalkForwardEnv {
  cwd: string;
  processEnv: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (window: number, windows: number, p: SearchProgress) => void;
}

const EQUITY_POINTS = 400;

/**
 * `tradebot walk-forward`: per window, a search on the train span, then the best point backtested
 * on the test span that follows, its indicators warmed on the train span's candles with no trade
 * decided on them (the engine's warmup). The test spans' equity is chained into one out-of-sample
 * curve whose metrics are what --assert checks.
 */
export async function runWalkForward(req: WalkForwardRequest, env: WalkForwardEnv): Promise<WalkForwardOutcome> {
  if (!(req.trainMs > 0) || !(req.testMs > 0) || !(req.stepMs > 0)) throw new UsageError('--train, --test and --step must be positive spans');
  const config = anchorConfig(req.config, env.cwd);
  checkObjectiveSpan(req.objective, Math.min(req.trainMs, req.testMs), req.trainMs <= req.testMs ? '--train' : '--test');
  const prep = await prepareSearch(config, req.spaceFlags, req.fixedParams, env);
  const s = prep.selected.series;
  const windows = planWindows(s, req);
  const total = searchTotal(req.search, prep.spaces);
  const shared = shareCandles(prep.loaded);
  let pool: TrialPool | null = null;
  const outcomes: WindowOutcome[] = [];
  const stitched: number[] = [];
  const stitchedTime: number[] = [];
  const trades: { pnl: number; open: boolean }[] = [];
  let barsInMarket = 0;
  let feesPaid = 0;
  let equity = config.cash;
  const t = (i: number) => s.time[i]!;
  try {
    for (const [k, w] of windows.entries()) {
      const trainCfg = withRange(config, t(w.trainStart), t(w.testStart - 1), 0);
      const lines = new Map<number, LogLine>();
      await runSearchTrials({
        base: trainCfg,
        strategy: prep.strategy,
        spaces: prep.spaces,
        spec: req.search,
        range: [0, total],
        objective: req.objective,
        minTrades: req.minTrades,
        hashes: prep.hashes,
        done: new Map(),
        pool: async () => (pool ??= await startPool({ candles: shared, strategy: config.strategy.name, cwd: env.cwd, blocks: req.blocks }, Math.min(req.jobs, Math.max(1, total)))),
        onLine: (line) => lines.set(line.index, line),
        ...(env.onProgress ? { onProgress: (p: SearchProgress) => env.onProgress!(k, windows.length, p) } : {}),
        ...(env.signal ? { signal: env.signal } : {}),
      });
      const summary = summarize(lines.values(), { objective: req.objective, minTrades: req.minTrades, blocks: req.blocks, period: prep.selected.timeframe });
      const scale = equity / config.cash;
      let oos: WindowOutcome['outOfSample'] = { objective: null, metrics: null };
      if (summary.best) {
        // warm on the train span, decide only on the test span
        const testCfg = withRange(trialConfig(config, prep.spaces, summary.best.params), t(w.trainStart), t(w.testEnd - 1), w.testStart - w.trainStart);
        const run = await runBacktest(testCfg, { cwd: env.cwd, candles: prep.loaded, strategy: prep.strategy });
        const m = run.result.metrics;
        const sharpePerPeriod = returnStats(perBarReturns(run.equity.value, m.startEquity), req.blocks).sharpe;
        oos = { objective: objectiveValue(req.objective, { ...m, sharpePerPeriod }), metrics: m };
        for (let i = 0; i < run.equity.value.length; i++) {
          stitched.push(run.equity.value[i]! * scale);
          stitchedTime.push(run.equity.time[i]!);
        }
        for (const tr of run.result.trades) trades.push({ pnl: Number(tr.pnl) * scale, open: tr.open });
        barsInMarket += Math.round(m.exposure * run.equity.value.length);
        feesPaid += m.feesPaid * scale;
        equity = stitched[stitched.length - 1] ?? equity;
      } else {
        for (let i = w.testStart; i < w.testEnd; i++) {
          stitched.push(equity);
          stitchedTime.push(t(i));
        }
      }
      outcomes.push(windowOutcome(k, w, s.time, summary, oos));
    }
  } finally {
    await (pool as TrialPool | null)?.terminate();
  }

  const first = windows[0]!;
  const last = windows[windows.length - 1]!;
  const eq = Float64Array.from(stitched);
  const metrics = computeMetrics({
    equity: eq,
    time: Float64Array.from(stitchedTime),
    timeframeMs: s.timeframeMs,
    startEquity: config.cash,
    trades,
    barsInMarket,
    feesPaid,
    buyAndHoldReturn: s.close[last.testEnd - 1]! / s.open[first.testStart]! - 1,
  });
  const stats = returnStats(perBarReturns(eq, config.cash), req.blocks);
  const isCagrs = outcomes.map((o) => o.inSample.metrics?.cagr ?? null).filter((x): x is number => x !== null);
  const meanIs = isCagrs.length > 0 ? isCagrs.reduce((a, b) => a + b, 0) / isCagrs.length : null;
  const pbos = outcomes.map((o) => o.robustness.pbo).filter((x): x is number => x !== null);
  const robustness: Robustness = {
    dsr: null,
    psr: stats.sharpe !== null && stats.skew !== null && stats.kurtosis !== null ? probabilisticSharpe({ sharpe: stats.sharpe, benchmark: 0, count: stats.count, skew: stats.skew, kurtosis: stats.kurtosis }) : null,
    sharpe: stats.sharpe,
    periods: { count: stats.count, period: prep.selected.timeframe },
    skew: stats.skew,
    kurtosis: stats.kurtosis,
    trials: 1,
    sharpeVariance: null,
    expectedMaxSharpe: 0,
    pbo: pbos.length > 0 ? pbos.reduce((a, b) => a + b, 0) / pbos.length : null,
    minBacktestLength: stats.sharpe !== null ? minBacktestLength(1, stats.sharpe) : null,
    pboBlocks: req.blocks,
    pboCombinations: outcomes[0]?.robustness.pboCombinations ?? 0,
  };
  // nothing was selected on the out-of-sample returns: the deflated Sharpe ratio is their PSR
  robustness.dsr = robustness.psr;
  return {
    data: { source: prep.loaded.source, symbol: prep.symbol, timeframe: prep.selected.timeframe, candles: s.length, from: s.time[0]!, to: s.time[s.length - 1]! },
    spaces: prep.spaces,
    spacesDescribed: prep.spaces.map(describeSpace),
    windows: outcomes,
    outOfSample: { metrics: { ...metrics, sharpePerPeriod: stats.sharpe }, equityCurve: downsample(stitchedTime, stitched) },
    efficiency: meanIs !== null && meanIs > 0 && metrics.cagr !== null ? metrics.cagr / meanIs : null,
    robustness,
  };
}

function withRange(cfg: TradebotConfig, from: number, to: number, warmup: number): TradebotConfig {
  return { ...cfg, backtest: { ...cfg.backtest, from, to, warmup } };
}

function windowOutcome(k: number, w: Window, time: Float64Array, summary: SearchSummary, oos: WindowOutcome['outOfSample']): WindowOutcome {
  const isM = summary.best?.metrics ?? null;
  const isCagr = isM?.cagr ?? null;
  const oosCagr = oos.metrics?.cagr ?? null;
  return {
    index: k,
    train: { from: time[w.trainStart]!, to: time[w.testStart - 1]!, candles: w.testStart - w.trainStart },
    test: { from: time[w.testStart]!, to: time[w.testEnd - 1]!, candles: w.testEnd - w.testStart },
    params: summary.best?.params ?? null,
    inSample: { objective: summary.best?.objective ?? null, metrics: isM },
    outOfSample: oos,
    efficiency: isCagr !== null && isCagr > 0 && oosCagr !== null ? oosCagr / isCagr : null,
    trials: summary.trials.length,
    skipped: summary.skipped.length,
    robustness: summary.robustness,
  };
}

function downsample(time: number[], equity: number[]): { time: number; equity: number }[] {
  const n = equity.length;
  const out: { time: number; equity: number }[] = [];
  if (n === 0) return out;
  const step = Math.max(1, Math.ceil(n / EQUITY_POINTS));
  for (let i = 0; i < n; i += step) out.push({ time: time[i]!, equity: equity[i]! });
  if ((n - 1) % step !== 0) out.push({ time: time[n - 1]!, equity: equity[n - 1]! });
  return out;
}
