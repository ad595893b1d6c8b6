/**
 * What `tradebot data` does to the cache besides downloading: list it, import a file into it,
 * export from it, build a higher timeframe from a lower one.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { findGaps, type CandleSeries } from '../core/candles.js';
import { StateError, UsageError } from '../core/errors.js';
import { describeFsError } from '../store/environment-error.js';
import { msToTimeframe, timeframeToMs } from '../core/timeframe.js';
import { cacheRoot } from '../config/home.js';
import type { CacheLockOptions } from './cache-lock.js';
import { CACHE_EXTENSION, cachePath, loadCandleCache, type CachedCandles, type CandleCacheMeta } from './candle-cache.js';
import { readCandleFile } from './read-candles.js';
import { resampleCandles } from './resample.js';
import { updateCandleCache } from './update-cache.js';

export interface CacheListEntry {
  exchange: string;
  symbol: string;
  timeframe: string;
  file: string;
  candles: number;
  first: number | null;
  last: number | null;
  gaps: number;
  /** candles missing in the gaps */
  missing: number;
  /** why the file cannot be read (then the other fields are empty) */
  error?: string;
}

/** Every cache file under <home>/cache, sorted by exchange, pair and timeframe length. Unreadable files are listed with their error. */
export async function listCandleCaches(home: string): Promise<CacheListEntry[]> {
  const root = cacheRoot(home);
  const out: CacheListEntry[] = [];
  let exchanges: string[];
  try {
    exchanges = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StateError(`cannot read the candle cache ${root}: ${describeFsError(err)}`, { cause: err });
  }
  for (const ex of exchanges.sort()) {
    const dir = path.join(root, ex);
    const files = (await readdir(dir)).filter((f) => f.endsWith(CACHE_EXTENSION) && !f.startsWith('.')).sort();
    for (const f of files) {
      const file = path.join(dir, f);
      try {
        const c = (await loadCandleCache(file))!;
        const s = c.series;
        const gaps = findGaps(s);
        out.push({
          exchange: c.meta.exchange,
          symbol: c.meta.symbol,
          timeframe: c.meta.timeframe,
          file,
          candles: s.length,
          first: s.length > 0 ? s.time[0]! : null,
          last: s.length > 0 ? s.time[s.length - 1]! : null,
          gaps: gaps.length,
          missing: gaps.reduce((a, g) => a + g.missing, 0),
        });
      } catch (err) {
        out.push({ exchange: ex, symbol: '?', timeframe: '?', file, candles: 0, first: null, last: null, gaps: 0, missing: 0, error: (err as Error).message });
      }
    }
  }
  return out.sort(
    (a, b) => a.exchange.localeCompare(b.exchange) || a.symbol.localeCompare(b.symbol) || tfOrder(a.timeframe) - tfOrder(b.timeframe),
  );
}

function tfOrder(tf: string): number {
  try {
    return timeframeToMs(tf);
  } catch {
    return Infinity;
  }
}

/** Loads one market's cache; UsageError naming the market when there is none. */
export async function requireCache(home: string, meta: CandleCacheMeta): Promise<CachedCandles> {
  const c = await loadCandleCache(cachePath(home, meta), meta);
  if (!c || c.series.length === 0) {
    throw new UsageError(
      `no cached candles for ${meta.exchange} ${meta.symbol} ${meta.timeframe} (${cachePath(home, meta)}): download them with 'tradebot data download' or import a file with 'tradebot data import'`,
    );
  }
  return c;
}

export interface MergeOutcome {
  file: string;
  /** candles new to the cache */
  added: number;
  /** candles offered that the cache already had (the cached ones were kept) */
  kept: number;
  series: CandleSeries;
}

/** Under the cache's lock: candles not fetched from an exchange add no fetched span (their gaps stay unknown). */
async function mergeIntoCache(home: string, meta: CandleCacheMeta, incoming: CandleSeries, lock: CacheLockOptions): Promise<MergeOutcome> {
  const file = cachePath(home, meta);
  const { cached, added } = await updateCandleCache(file, meta, incoming, [], lock);
  return { file, added, kept: incoming.length - added, series: cached.series };
}

/**
 * Imports a CSV or freqtrade JSON candle file (optionally .gz) into the cache of one market. The
 * file is read and validated like a backtest's --data file, at the given timeframe; candles
 * already cached are kept.
 */
export async function importCandleFile(file: string, home: string, meta: CandleCacheMeta, lock: CacheLockOptions = {}): Promise<MergeOutcome> {
  const loaded = await readCandleFile(file, { timeframe: meta.timeframe });
  return mergeIntoCache(home, meta, loaded.series, lock);
}

export interface ResampleOutcome extends MergeOutcome {
  source: number;
  built: number;
}

/**
 * Builds the `meta.timeframe` cache from the `fromTimeframe` cache of the same market (see
 * resampleCandles for which buckets are kept) and merges it in; candles already cached are kept.
 */
export async function resampleCache(home: string, meta: CandleCacheMeta, fromTimeframe: string, lock: CacheLockOptions = {}): Promise<ResampleOutcome> {
  const target = timeframeToMs(meta.timeframe);
  if (meta.timeframe.endsWith('M')) throw new UsageError(`cannot build ${meta.timeframe} candles: months are not a fixed number of smaller candles`);
  const src = await requireCache(home, { ...meta, timeframe: fromTimeframe });
  if (!(target > src.series.timeframeMs) || target % src.series.timeframeMs !== 0) {
    throw new UsageError(`cannot build ${meta.timeframe} candles from ${fromTimeframe} ones: --timeframe must be a whole multiple of --from-timeframe, larger than it`);
  }
  const built = resampleCandles(src.series, target);
  if (built.length === 0) {
    throw new UsageError(`the ${fromTimeframe} cache holds no complete ${msToTimeframe(target)} candle`);
  }
  const m = await mergeIntoCache(home, meta, built, lock);
  return { ...m, source: src.series.length, built: built.length };
}

// ---------------------------------------------------------------------------------------------
// Export

export type ExportFormat = 'csv' | 'json';

/**
 * A series as text, in chunks (a million candles is tens of MB): CSV with the header
 * `timestamp_ms,open,high,low,close,volume`, or freqtrade's JSON array form
 * `[[ts_ms,open,high,low,close,volume],...]`. Numbers are written as JavaScript prints them
 * (the shortest text that reads back as the same double).
 */
export function* formatCandles(s: CandleSeries, format: ExportFormat, chunkRows = 10_000): Generator<string> {
  const n = s.length;
  if (format === 'csv') yield 'timestamp_ms,open,high,low,close,volume\n';
  else yield '[';
  for (let start = 0; start < n; start += chunkRows) {
    const end = Math.min(n, start + chunkRows);
    const rows: string[] = [];
    for (let i = start; i < end; i++) {
      const row = `${s.time[i]},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`;
      rows.push(format === 'csv' ? row : `${i === 0 ? '' : ','}[${row}]`);
    }
    yield format === 'csv' ? `${rows.join('\n')}\n` : rows.join('');
  }
  if (format === 'json') yield ']\n';
}
