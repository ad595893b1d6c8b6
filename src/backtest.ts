import { basename, join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { Dec, parseDecimal } from './core/money.js';
import { UsageError } from './core/errors.js';
import { marketFor, type MarketInfo } from './core/market.js';
import { formatStake } from './core/sizing.js';
import { tradingSettings } from './engine-settings.js';
import { OrderIds } from './core/ids.js';
import { computeMetrics, metricsNotes, type Metrics } from './core/metrics.js';
import type { ConfigInput, TradebotConfig } from './config/schema.js';
import { readCandleFile, type LoadedCandles } from './data/read-candles.js';
import { marketInfoPath } from './data/candle-cache.js';
import { readCandleFileCached } from './data/file-cache.js';
import { resolveHome } from './config/home.js';
import type { StoredMarketInfo } from './exchange/ccxt-market.js';
import { findGaps, type CandleSeries } from './core/candles.js';
import { selectRange } from './data/select-range.js';
import { checkPairMatchesFile, symbolFromFileName } from './data/pair-from-file-name.js';
import { parseDate } from './data/parse-date.js';
import { loadStrategy } from './strategies/registry.js';
import { checkSignalSettings, openBacktestSignals } from './signals/open-signals.js';
import { resolveParams } from './strategies/params.js';
import { strategyNeeds } from './strategies/strategy-needs.js';
import type { StrategyDefinition } from './strategies/types.js';
import { indicators } from './indicators/index.js';
import { composeBacktest } from './compose.js';
import { isSeveralPairs, runPairsBacktest } from './backtest-pairs.js';
import type { Engine } from './engine/engine.js';
import { RESULT_SCHEMA_VERSION, tradeRecord, type BacktestResult, type TradeRecord } from './report/result.js';
import { VERSION } from './version.js';
import { PACKAGE_ROOT } from './paths.js';

/** The sample shipped in the repo, used when no data is given. */
export const SAMPLE_DATA = join(PACKAGE_ROOT, 'data', 'binance_BTC_USDT-5m_2024-01-01_2024-09-06.csv.gz');

export interface BacktestEnv {
  cwd: string;
  /** progress for a spinner: called with short phase names, and a detail while downloading candles */
  onPhase?: (phase: 'loading data' | 'downloading candles' | 'running', detail?: string) => void;
  /** environment variables (TRADEBOT_HOME for the candle cache); default process.env */
  processEnv?: NodeJS.ProcessEnv;
  /**
   * Keep a parsed --data file in the home's cache and load it from there while the file is
   * unchanged (the CLI does; a library caller that runs many backtests keeps its own candles).
   */
  cacheParsedFiles?: boolean;
  /** what the command line and the config file gave, before defaults: a signal flag for the wrong strategy is refused */
  given?: ConfigInput;
  /** candles already loaded by loadBacktestCandles (research runs many backtests on one load) */
  candles?: BacktestCandles;
  /** the strategy already loaded */
  strategy?: StrategyDefinition;
}

/** The candles of a backtest before --from/--to select from them, with the exchange's market rules when known. */
export type BacktestCandles = LoadedCandles & { market?: StoredMarketInfo; file?: string };

export interface BacktestRun {
  result: BacktestResult;
  /** time spent in the engine loop, for benchmarks (not part of the result document) */
  engineMs: number;
  /** the candles traded and the equity after each of them, for the HTML report */
  series: CandleSeries;
  equity: { time: Float64Array; value: Float64Array };
  /** the candle file read (absolute path); null for exchange data from the cache */
  dataFile: string | null;
  /** a signal strategy's account of its signals, a line each (not part of the result document) */
  signals: string[];
}

/**
 * A backtest: validate everything, load the candles, hand the engine backtest adapters, build the
 * result document. All validation happens before the data is read.
 */
export async function runBacktest(cfg: TradebotConfig, env: BacktestEnv): Promise<BacktestRun> {
  if (isSeveralPairs(cfg)) return runPairsBacktest(cfg, env);
  const cash = parseDecimal(cfg.cash, { name: 'cash' });
  const trading = tradingSettings(cfg);
  const { stake, feeRate: fee } = trading;
  const from = cfg.backtest.from === null ? undefined : parseDate(String(cfg.backtest.from), '--from');
  const to = cfg.backtest.to === null ? undefined : parseDate(String(cfg.backtest.to), '--to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new UsageError(`--from ${String(cfg.backtest.from)} is after --to ${String(cfg.backtest.to)}`);
  }
  const def = env.strategy ?? (await loadStrategy(cfg.strategy.name, env.cwd));
  const params = resolveParams(def, cfg.strategy.params);
  checkSignalSettings(def, cfg, env.given ?? null, 'backtest');

  const warnings: string[] = [];
  // a fixed stake the cash cannot pay spends all of it, and a buy the next open makes dearer expires
  if (stake.kind === 'fixed' && stake.value.mul(fee.plus(1)).gt(cash)) {
    warnings.push(`stake ${stake.value.toFixed()} (plus fees) is more than the cash ${cash.toFixed()}: each entry spends the whole free balance, and a buy whose fill price is above its signal price expires unfilled`);
  }

  env.onPhase?.('loading data');
  const loaded = env.candles ?? (await loadData(cfg, env, from, to));
  const data = selectRange(loaded, from, to);
  if (cfg.pair !== null && loaded.file !== undefined) checkPairMatchesFile(cfg.pair, loaded.file, data.source);
  const symbol = cfg.pair ?? symbolFromFileName(data.source) ?? 'BASE/QUOTE';
  if (cfg.backtest.warmup >= data.series.length) {
    throw new UsageError(`--warmup ${cfg.backtest.warmup} (backtest.warmup) leaves nothing to trade: the data has ${data.series.length} candles${from !== undefined || to !== undefined ? ' in the --from/--to range' : ''}`);
  }
  const market = marketFromConfig(symbol, cfg, loaded.market);

  const signals = await openBacktestSignals({ def, cfg, series: data.series, pair: market.symbol, timeframe: data.timeframe, stake, cwd: env.cwd, env: env.processEnv ?? process.env });
  const needs = strategyNeeds(def, params, data.series.timeframeMs);
  let strategy;
  try {
    strategy = def.create(params, { indicators, ...(signals ? { signals: signals.tools } : {}) });
    if (!strategy || typeof strategy.onCandle !== 'function') throw new TypeError('create() must return an object with an onCandle(ctx) function');
  } catch (err) {
    throw new UsageError(`strategy ${def.name} failed to start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const { engine } = composeBacktest({
    ...(signals ? { wrapFeed: (f) => signals.wrapFeed(f) } : {}),
    series: data.series,
    market,
    strategy,
    slippageBps: cfg.slippage,
    balances: { [market.quote]: cash },
    settings: {
      quote: market.quote,
      initialBalances: { [market.quote]: cash },
      ...trading,
      maxEntries: trading.maxEntries ?? needs.maxEntries,
      ids: new OrderIds('bt'),
      onStrategyError: 'throw',
      ...(cfg.backtest.warmup > 0 ? { warmupUntil: data.series.time[Math.min(cfg.backtest.warmup, data.series.length) - 1]! } : {}),
    },
  });

  signals?.attach(engine);

  env.onPhase?.('running');
  // Benchmarks run with --expose-gc: collect the loader's garbage so it is not billed to the engine loop.
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  await engine.run();
  const engineMs = performance.now() - t0;
  signals?.settle();

  if (engine.unfilledEntries > 0) {
    warnings.push(`${engine.unfilledEntries} ${engine.unfilledEntries === 1 ? 'entry' : 'entries'} expired unfilled: the free balance could not pay ${engine.unfilledEntries === 1 ? 'it' : 'them'} at the fill price (a smaller stake leaves room for the move to the next open)`);
  }
  const result = buildResult({ cfg, engine, data, market, params, name: def.name, cash, stakeText: formatStake(stake), fee, warnings });
  const eqLen = engine.equityLength;
  return {
    engineMs,
    result,
    series: data.series,
    equity: { time: engine.equityTime.subarray(0, eqLen), value: engine.equityValue.subarray(0, eqLen) },
    dataFile: loaded.file ?? null,
    signals: signals?.summary() ?? [],
  };
}

/** The candles a backtest of `cfg` runs on (before --from/--to select from them): loaded once, they serve many backtests. */
export async function loadBacktestCandles(cfg: TradebotConfig, env: BacktestEnv): Promise<BacktestCandles> {
  const from = cfg.backtest.from === null ? undefined : parseDate(String(cfg.backtest.from), '--from');
  const to = cfg.backtest.to === null ? undefined : parseDate(String(cfg.backtest.to), '--to');
  return loadData(cfg, env, from, to);
}

/** The candles, and the file they were read from (none for the exchange's cache). */
async function loadData(cfg: TradebotConfig, env: BacktestEnv, from: number | undefined, to: number | undefined): Promise<LoadedCandles & { market?: StoredMarketInfo; file?: string }> {
  const cwd = env.cwd;
  if (cfg.backtest.data !== null) {
    const file = resolve(cwd, cfg.backtest.data);
    const opts = cfg.timeframe ? { timeframe: cfg.timeframe } : {};
    const home = env.cacheParsedFiles ? resolveHome({ configHome: cfg.home, env: env.processEnv ?? process.env, cwd }) : null;
    const loaded = await readCandleFileCached(file, opts, home);
    return { ...loaded, source: cfg.backtest.data, file };
  }
  if (cfg.exchange.id !== null) return loadExchangeCandles(cfg, cfg.exchange.id, env, from, to);
  const loaded = await readCandleFile(SAMPLE_DATA, cfg.timeframe ? { timeframe: cfg.timeframe } : {});
  return { ...loaded, source: `sample:${basename(SAMPLE_DATA)}`, file: SAMPLE_DATA };
}

/**
 * Exchange data (`--exchange ID --pair P --timeframe TF`): the candle cache of `tradebot data`,
 * completed from the exchange first when it lacks part of [from, to] (a cache that covers the
 * range is used offline).
 */
async function loadExchangeCandles(
  cfg: TradebotConfig,
  exchange: string,
  env: BacktestEnv,
  from: number | undefined,
  to: number | undefined,
): Promise<LoadedCandles & { market?: StoredMarketInfo }> {
  const pair = cfg.pair?.trim() ?? '';
  if (pair === '' || pair.includes(',')) throw new UsageError(`a backtest from exchange data (--exchange ${exchange}) needs one --pair, e.g. BTC/USDT`);
  if (cfg.timeframe === null) throw new UsageError(`a backtest from exchange data (--exchange ${exchange}) needs --timeframe, e.g. 5m`);
  const timeframe = cfg.timeframe;
  const { ensureCandles } = await import('./data/download.js');
  const processEnv = env.processEnv ?? process.env;
  const home = resolveHome({ configHome: cfg.home, env: processEnv, cwd: env.cwd });
  const cached = await ensureCandles(
    {
      exchange,
      ...(cfg.exchange.apiUrl ? { apiUrl: cfg.exchange.apiUrl } : {}),
      sandbox: cfg.exchange.sandbox,
      symbol: pair,
      timeframe,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      home,
    },
    {
      onEvent: (e) => {
        if (e.type === 'start') env.onPhase?.('downloading candles', `${pair} ${timeframe}`);
        else if (e.type === 'page') env.onPhase?.('downloading candles', `${pair} ${timeframe} ${e.fetched}/${e.expected}`);
        else if (e.type === 'lock-wait') env.onPhase?.('downloading candles', `${pair} ${timeframe}: waiting for another writer of the cache`);
      },
    },
  );
  const market = await readStoredMarket(marketInfoPath(home, exchange, pair));
  return { series: cached.series, source: `${exchange} ${pair} ${timeframe} (cache)`, timeframe, gaps: findGaps(cached.series), ...(market ? { market } : {}) };
}

export { symbolFromFileName } from './data/pair-from-file-name.js';

/** Precision and minimums: the config's `market` keys, else what the exchange said when the candles were downloaded. */
export function marketFromConfig(symbol: string, cfg: TradebotConfig, fromExchange?: StoredMarketInfo): MarketInfo {
  const extra: Partial<MarketInfo> = {};
  const x = fromExchange;
  const m = {
    amountStep: cfg.market.amountStep ?? x?.amountStep ?? null,
    priceTick: cfg.market.priceTick ?? x?.priceTick ?? null,
    minAmount: cfg.market.minAmount ?? x?.minAmount ?? null,
    minNotional: cfg.market.minNotional ?? x?.minNotional ?? null,
  };
  if (m.amountStep !== null) extra.amountStep = parseDecimal(m.amountStep, { name: 'market.amountStep' });
  if (m.priceTick !== null) extra.priceTick = parseDecimal(m.priceTick, { name: 'market.priceTick' });
  if (m.minAmount !== null) extra.minAmount = parseDecimal(m.minAmount, { name: 'market.minAmount' });
  if (m.minNotional !== null) extra.minNotional = parseDecimal(m.minNotional, { name: 'market.minNotional' });
  return marketFor(symbol, extra);
}

const EQUITY_POINTS = 400;

function buildResult(p: {
  cfg: TradebotConfig;
  engine: Engine;
  data: LoadedCandles;
  market: MarketInfo;
  params: Record<string, unknown>;
  name: string;
  cash: Dec;
  stakeText: string;
  fee: Dec;
  warnings: string[];
}): BacktestResult {
  const { engine, data, market } = p;
  const s = data.series;
  const n = s.length;
  const lastClose = new Dec(s.close[n - 1]!);
  const pf = engine.portfolio;

  const trades: TradeRecord[] = [];
  for (const rt of pf.closed) trades.push(tradeRecord(rt, false));
  for (const rt of pf.open.values()) trades.push(tradeRecord(rt, true, lastClose));

  // The ledger's own final equity (Decimal), not the float mirror used per bar.
  const finalEquity = pf.balance(market.quote).plus(pf.balance(market.base).mul(lastClose));
  const eqLen = engine.equityLength;
  const equity = engine.equityValue.subarray(0, eqLen);
  if (eqLen > 0) equity[eqLen - 1] = finalEquity.toNumber();
  const metrics: Metrics = computeMetrics({
    equity,
    time: engine.equityTime.subarray(0, eqLen),
    timeframeMs: s.timeframeMs,
    startEquity: p.cash.toNumber(),
    trades: trades.map((t) => ({ pnl: Number(t.pnl), open: t.open })),
    barsInMarket: engine.barsInMarket,
    feesPaid: pf.feesPaid.toNumber(),
    buyAndHoldReturn: n > 0 ? s.close[n - 1]! / s.open[0]! - 1 : 0,
  });

  const notes = metricsNotes({ time: engine.equityTime.subarray(0, eqLen), timeframeMs: s.timeframeMs });

  const curve: { time: number; equity: number }[] = [];
  if (eqLen > 0) {
    const step = Math.max(1, Math.ceil(eqLen / EQUITY_POINTS));
    for (let i = 0; i < eqLen; i += step) curve.push({ time: engine.equityTime[i]!, equity: equity[i]! });
    if ((eqLen - 1) % step !== 0) curve.push({ time: engine.equityTime[eqLen - 1]!, equity: equity[eqLen - 1]! });
  }

  const risk: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p.cfg.risk)) if (v !== null) risk[k] = v;

  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tradebot: VERSION,
    strategy: { name: p.name, params: p.params },
    data: {
      source: data.source,
      symbol: market.symbol,
      candles: n,
      from: n > 0 ? s.time[0]! : 0,
      to: n > 0 ? s.time[n - 1]! : 0,
      timeframe: data.timeframe,
      gaps: data.gaps,
    },
    settings: {
      cash: p.cash.toFixed(),
      stake: p.stakeText,
      fee: p.fee.toFixed(),
      slippageBps: p.cfg.slippage,
      risk,
    },
    metrics,
    metricsNotes: notes,
    warnings: p.warnings,
    trades,
    equityCurve: curve,
  };
}

async function readStoredMarket(file: string): Promise<StoredMarketInfo | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredMarketInfo;
  } catch {
    return undefined; // a cache imported from a file has no market info: nothing is rounded
  }
}
