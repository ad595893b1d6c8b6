import { Dec, parseDecimal } from './core/money.js';
import { UsageError } from './core/errors.js';
import { tradingSettings } from './engine-settings.js';
import { OrderIds } from './core/ids.js';
import { computeMetrics, metricsNotes } from './core/metrics.js';
import type { TradebotConfig } from './config/schema.js';
import type { LoadedCandles } from './data/read-candles.js';
import { selectRange } from './data/select-range.js';
import { checkPairMatchesFile, symbolFromFileName } from './data/pair-from-file-name.js';
import { parseDate } from './data/parse-date.js';
import { loadStrategy } from './strategies/registry.js';
import { resolveParams } from './strategies/params.js';
import { strategyNeeds } from './strategies/strategy-needs.js';
import { formatStake } from './core/sizing.js';
import { indicators } from './indicators/index.js';
import { composeReplay } from './compose.js';
import type { MarketInfo } from './core/market.js';
import { RESULT_SCHEMA_VERSION, tradeRecord, type BacktestResult, type PairSummary, type TradeRecord } from './report/result.js';
import { VERSION } from './version.js';
import { loadBacktestCandles, marketFromConfig, type BacktestEnv, type BacktestRun } from './backtest.js';

/** `a,b , c` → ['a','b','c']; null or empty → []. */
export function splitList(v: string | null | undefined): string[] {
  if (v === null || v === undefined) return [];
  return String(v)
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/** Several pairs in one backtest: `--pair A,B` with `--exchange`, or `--data a.csv,b.csv`. */
export function isSeveralPairs(cfg: TradebotConfig): boolean {
  return splitList(cfg.backtest.data).length > 1 || (cfg.backtest.data === null && splitList(cfg.pair).length > 1);
}

const EQUITY_POINTS = 400;

/**
 * A backtest of several pairs as one portfolio: one quote balance, one engine, the risk limits
 * (--max-open-positions) across all pairs. The candles of all pairs go through the engine in time
 * order, ties in the order the pairs were given (src/data/time-merged-feed.ts), as a paper bot of
 * these pairs sees them.
 */
export async function runPairsBacktest(cfg: TradebotConfig, env: BacktestEnv): Promise<BacktestRun> {
  const cash = parseDecimal(cfg.cash, { name: 'cash' });
  const trading = tradingSettings(cfg);
  const from = cfg.backtest.from === null ? undefined : parseDate(String(cfg.backtest.from), '--from');
  const to = cfg.backtest.to === null ? undefined : parseDate(String(cfg.backtest.to), '--to');
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${String(cfg.backtest.from)} is after --to ${String(cfg.backtest.to)}`);
  if (cfg.backtest.html !== null) throw new UsageError('--html shows one pair: it is not available for a backtest of several pairs');
  const def = env.strategy ?? (await loadStrategy(cfg.strategy.name, env.cwd));
  if (def.name === 'webhook' || def.name === 'http-signal') throw new UsageError(`strategy ${def.name} backtests one pair at a time`);
  const params = resolveParams(def, cfg.strategy.params);

  const files = splitList(cfg.backtest.data);
  const pairsGiven = splitList(cfg.pair);
  if (files.length > 1 && pairsGiven.length > 0 && pairsGiven.length !== files.length) {
    throw new UsageError(`--pair names ${pairsGiven.length} pairs for ${files.length} --data files: give one pair per file, in the same order, or none`);
  }
  if (files.length <= 1 && cfg.exchange.id === null) throw new UsageError(`--pair ${pairsGiven.join(',')}: several pairs need --exchange (the candle cache) or one --data file per pair`);
  const n = files.length > 1 ? files.length : pairsGiven.length;
  const seen = new Set<string>();
  const legs: { data: LoadedCandles; market: MarketInfo }[] = [];
  env.onPhase?.('loading data');
  for (let k = 0; k < n; k++) {
    const one: TradebotConfig = { ...cfg, pair: pairsGiven[k] ?? null, backtest: { ...cfg.backtest, data: files.length > 1 ? files[k]! : null } };
    const loaded = await loadBacktestCandles(one, env);
    const data = selectRange(loaded, from, to);
    if (one.pair !== null && loaded.file !== undefined) checkPairMatchesFile(one.pair, loaded.file, data.source);
    const symbol = one.pair ?? symbolFromFileName(data.source) ?? null;
    if (symbol === null) throw new UsageError(`${data.source}: the pair is not in the file name; give --pair with one pair per --data file`);
    if (seen.has(symbol)) throw new UsageError(`pair ${symbol} is given twice`);
    seen.add(symbol);
    if (legs.length > 0 && data.series.timeframeMs !== legs[0]!.data.series.timeframeMs) {
      throw new UsageError(`${data.source} has ${data.timeframe} candles but ${legs[0]!.data.source} has ${legs[0]!.data.timeframe}: the pairs of one backtest need one timeframe`);
    }
    if (data.series.length === 0) throw new UsageError(`${data.source} has no candles${from !== undefined || to !== undefined ? ' in the --from/--to range' : ''}`);
    legs.push({ data, market: marketFromConfig(symbol, cfg, loaded.market) });
  }
  const quote = legs[0]!.market.quote;
  for (const l of legs) if (l.market.quote !== quote) throw new UsageError(`pair ${l.market.symbol} is not quoted in ${quote}: the pairs of one backtest share one quote balance`);

  // warmup counts candles of the earliest pair; every pair trades from the same moment
  const t0 = Math.min(...legs.map((l) => l.data.series.time[0]!));
  const tf = legs[0]!.data.series.timeframeMs;
  const needs = strategyNeeds(def, params, tf);
  const instruments = legs.map((l) => {
    try {
      const strategy = def.create(params, { indicators });
      if (!strategy || typeof strategy.onCandle !== 'function') throw new TypeError('create() must return an object with an onCandle(ctx) function');
      return { symbol: l.market.symbol, market: l.market, strategy };
    } catch (err) {
      throw new UsageError(`strategy ${def.name} failed to start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  });
  const { engine } = composeReplay({
    series: legs.map((l) => l.data.series),
    instruments,
    slippageBps: cfg.slippage,
    balances: { [quote]: cash },
    settings: {
      quote,
      initialBalances: { [quote]: cash },
      ...trading,
      maxEntries: trading.maxEntries ?? needs.maxEntries,
      ids: new OrderIds('bt'),
      onStrategyError: 'throw',
      ...(cfg.backtest.warmup > 0 ? { warmupUntil: t0 + (cfg.backtest.warmup - 1) * tf } : {}),
    },
  });

  env.onPhase?.('running');
  const started = performance.now();
  await engine.run();
  const engineMs = performance.now() - started;

  const warnings: string[] = [];
  if (engine.unfilledEntries > 0) warnings.push(`${engine.unfilledEntries} ${engine.unfilledEntries === 1 ? 'entry' : 'entries'} expired unfilled: the free balance could not pay ${engine.unfilledEntries === 1 ? 'it' : 'them'} at the fill price`);

  const pf = engine.portfolio;
  const lastClose = new Map(legs.map((l) => [l.market.symbol, new Dec(l.data.series.close[l.data.series.length - 1]!)]));
  const trades: TradeRecord[] = [];
  for (const rt of pf.closed) trades.push(tradeRecord(rt, false));
  for (const rt of pf.open.values()) trades.push(tradeRecord(rt, true, lastClose.get(rt.symbol)));
  trades.sort((a, b) => a.entryTime - b.entryTime);

  let finalEquity = pf.balance(quote);
  for (const l of legs) finalEquity = finalEquity.plus(pf.balance(l.market.base).mul(lastClose.get(l.market.symbol)!));

  // The engine marks equity after every candle of every pair: keep the last mark of each time.
  const eqLen = engine.equityLength;
  const time: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < eqLen; i++) {
    const t = engine.equityTime[i]!;
    if (time.length > 0 && time[time.length - 1] === t) value[value.length - 1] = engine.equityValue[i]!;
    else {
      time.push(t);
      value.push(engine.equityValue[i]!);
    }
  }
  if (value.length > 0) value[value.length - 1] = finalEquity.toNumber();
  const eqTime = Float64Array.from(time);
  const eqValue = Float64Array.from(value);

  const pairs: PairSummary[] = legs.map((l) => {
    const s = l.data.series;
    const own = trades.filter((t) => t.symbol === l.market.symbol);
    return {
      symbol: l.market.symbol,
      source: l.data.source,
      candles: s.length,
      trades: own.length,
      wins: own.filter((t) => !t.open && Number(t.pnl) > 0).length,
      pnl: own.reduce((a, t) => a.plus(new Dec(t.pnl)), new Dec(0)).toFixed(),
      fees: own.reduce((a, t) => a.plus(new Dec(t.fees)), new Dec(0)).toFixed(),
      buyAndHoldReturn: s.close[s.length - 1]! / s.open[0]! - 1,
    };
  });

  const metrics = computeMetrics({
    equity: eqValue,
    time: eqTime,
    timeframeMs: tf,
    startEquity: cash.toNumber(),
    trades: trades.map((t) => ({ pnl: Number(t.pnl), open: t.open })),
    // a bar of the portfolio is a candle time; the engine counts candles of every pair
    barsInMarket: engine.barsProcessed > 0 ? Math.round((engine.barsInMarket / engine.barsProcessed) * eqTime.length) : 0,
    feesPaid: pf.feesPaid.toNumber(),
    // equal weights in every pair, bought at the first open and held
    buyAndHoldReturn: pairs.reduce((a, p) => a + p.buyAndHoldReturn, 0) / pairs.length,
  });

  const curve: { time: number; equity: number }[] = [];
  const m = eqTime.length;
  if (m > 0) {
    const step = Math.max(1, Math.ceil(m / EQUITY_POINTS));
    for (let i = 0; i < m; i += step) curve.push({ time: eqTime[i]!, equity: eqValue[i]! });
    if ((m - 1) % step !== 0) curve.push({ time: eqTime[m - 1]!, equity: eqValue[m - 1]! });
  }
  const risk: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg.risk)) if (v !== null) risk[k] = v;

  const result: BacktestResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tradebot: VERSION,
    strategy: { name: def.name, params },
    data: {
      source: legs.map((l) => l.data.source).join(' + '),
      symbol: legs.map((l) => l.market.symbol).join(','),
      candles: legs.reduce((a, l) => a + l.data.series.length, 0),
      from: t0,
      to: Math.max(...legs.map((l) => l.data.series.time[l.data.series.length - 1]!)),
      timeframe: legs[0]!.data.timeframe,
      gaps: legs.flatMap((l) => l.data.gaps),
    },
    settings: { cash: cash.toFixed(), stake: formatStake(trading.stake), fee: trading.feeRate.toFixed(), slippageBps: cfg.slippage, risk },
    metrics,
    metricsNotes: metricsNotes({ time: eqTime, timeframeMs: tf }),
    warnings,
    trades,
    equityCurve: curve,
    pairs,
  };
  return { engineMs, result, series: legs[0]!.data.series, equity: { time: eqTime, value: eqValue }, dataFile: null, signals: [] };
}
