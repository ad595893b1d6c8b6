import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { CandleSeries } from '../../core/candles.js';
import { TradebotError } from '../../core/errors.js';
import { cachePath, loadCandleCache } from '../../data/candle-cache.js';
import { readCandleFile } from '../../data/read-candles.js';
import { selectRange } from '../../data/select-range.js';
import { findGaps } from '../../core/candles.js';
import { PACKAGE_ROOT } from '../../paths.js';
import { formatTime } from '../../data/parse-date.js';
import type { BacktestResult } from '../result.js';
import { curveMismatch, equityFromTrades } from './equity-from-trades.js';
import { resultSettings } from './from-backtest.js';
import { candlesSha256, fileSha256 } from './provenance.js';
import type { ReportInput } from './report-input.js';

export interface ResultFileEnv {
  cwd: string;
  /** the tradebot home, for results of exchange data (the candle cache) */
  home: string;
}

// A rebuilt curve within this of the document's points is the same run on the same candles.
const SAME_RUN = 1e-6;

/**
 * A result document (backtest --out/--json). The document keeps ~400 equity points and no
 * candles, so the candles are read again from the data source it names (the path as given, from
 * the current directory, then from the result file's directory; the bundled sample; the candle
 * cache) and the equity is rebuilt from them and the trades. The rebuilt curve must match the
 * document's own points; when the candles cannot be read or do not match, the page shows the
 * document's curve without a price chart, and says why.
 */
export async function reportFromResult(result: BacktestResult, resultPath: string, env: ResultFileEnv): Promise<ReportInput> {
  const notes: string[] = [];
  const base: ReportInput = {
    kind: 'backtest',
    title: `Backtest: ${result.strategy.name} on ${result.data.symbol} ${result.data.timeframe}`,
    producedBy: result.tradebot,
    strategy: result.strategy,
    settings: resultSettings(result),
    provenance: { ...result.data },
    metrics: result.metrics,
    trades: result.trades,
    startEquity: result.metrics.startEquity,
    candles: null,
    equity: result.equityCurve.length > 0 ? { time: result.equityCurve.map((p) => p.time), value: result.equityCurve.map((p) => p.equity), perBar: false } : null,
    notes,
  };
  const found = await reloadCandles(result, resultPath, env).catch((err: unknown) => {
    if (err instanceof TradebotError) return { error: err.message };
    throw err;
  });
  if ('error' in found) {
    notes.push(`No price chart, buy-and-hold or zoom detail: ${found.error}. Equity is the result file's ${result.equityCurve.length} points.`);
    return base;
  }
  const { series, file } = found;
  if (series.length !== result.data.candles) {
    const span = `${formatTime(result.data.from)} to ${formatTime(result.data.to)}`;
    notes.push(`No price chart: ${found.label} now has ${series.length} candles from ${span}, the run had ${result.data.candles}. Equity is the result file's ${result.equityCurve.length} points.`);
    return base;
  }
  const equity = equityFromTrades(series, result.trades, result.metrics.startEquity);
  const off = curveMismatch(series.time, equity, result.equityCurve);
  if (!(off <= SAME_RUN)) {
    notes.push(`No price chart: the candles in ${found.label} are not the ones this run traded (the equity rebuilt from them differs from the result's). Equity is the result file's ${result.equityCurve.length} points.`);
    return base;
  }
  const fileHash = file ? await fileSha256(file) : null;
  notes.push(`Equity rebuilt from the trades and the candles of ${found.label} (it matches the result file's ${result.equityCurve.length} points).`);
  return {
    ...base,
    provenance: { ...result.data, ...(fileHash ? { fileSha256: fileHash } : {}), candlesSha256: candlesSha256(series) },
    candles: series,
    equity: { time: series.time, value: equity, perBar: true },
  };
}

type Reloaded = { series: CandleSeries; file: string | null; label: string } | { error: string };

async function reloadCandles(result: BacktestResult, resultPath: string, env: ResultFileEnv): Promise<Reloaded> {
  const d = result.data;
  const cache = /^(\S+) (\S+) (\S+) \(cache\)$/.exec(d.source);
  if (cache) {
    const [, exchange, symbol, timeframe] = cache as unknown as [string, string, string, string];
    const file = cachePath(env.home, { exchange, symbol, timeframe });
    const loaded = await loadCandleCache(file, { exchange, symbol, timeframe });
    if (!loaded) return { error: `the candle cache ${file} is gone` };
    const sel = selectRange({ series: loaded.series, source: file, timeframe, gaps: findGaps(loaded.series) }, d.from, d.to);
    return { series: sel.series, file: null, label: `the candle cache (${exchange} ${symbol} ${timeframe})` };
  }
  let file: string | undefined;
  if (d.source.startsWith('sample:')) {
    const sample = resolve(PACKAGE_ROOT, 'data', basename(d.source.slice('sample:'.length)));
    if (existsSync(sample)) file = sample;
  } else {
    const candidates = isAbsolute(d.source) ? [d.source] : [resolve(env.cwd, d.source), resolve(dirname(resultPath), d.source)];
    file = candidates.find((c) => existsSync(c));
  }
  if (!file) return { error: `the data file ${d.source} was not found (looked from the current directory and from the result file's)` };
  const loaded = await readCandleFile(file, { timeframe: d.timeframe });
  const sel = selectRange(loaded, d.from, d.to);
  return { series: sel.series, file, label: d.source };
}
