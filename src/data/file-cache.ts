import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { findGaps } from '../core/candles.js';
import { msToTimeframe } from '../core/timeframe.js';
import { cacheRoot } from '../config/home.js';
import { loadCandleCache, writeCandleCache } from './candle-cache.js';
import { readCandleFile, type LoadedCandles, type ReadCandleOptions } from './read-candles.js';

/**
 * A candle file read once is kept parsed, in the candle cache's binary format, at
 * `<home>/cache/files/<hash of the file's real path>.tbc`: the next backtest of the same file loads
 * it in a few milliseconds instead of parsing it again.
 *
 * The file itself always wins: the cached copy is used only while the file has the same size,
 * modification time (ns) and inode as when it was parsed, and was read with the same --timeframe;
 * anything else is parsed afresh (and re-cached). The cache is an optimisation only: a cache that
 * cannot be read or written is ignored, never an error.
 */
export async function readCandleFileCached(file: string, opts: ReadCandleOptions, home: string | null): Promise<LoadedCandles> {
  if (home === null) return readCandleFile(file, opts);
  let key: string;
  let cached: string;
  try {
    const real = await realpath(file);
    const st = await stat(real, { bigint: true });
    if (!st.isFile()) return readCandleFile(file, opts);
    key = JSON.stringify([real, String(st.size), String(st.mtimeNs), String(st.ino), opts.timeframe ?? null]);
    cached = path.join(cacheRoot(home), 'files', `${createHash('sha256').update(real).digest('hex').slice(0, 32)}.tbc`);
  } catch {
    return readCandleFile(file, opts); // readCandleFile names what is wrong with the file
  }
  try {
    const hit = await loadCandleCache(cached);
    if (hit && hit.meta.exchange === FILE_SOURCE && hit.meta.symbol === key) {
      return { series: hit.series, source: file, timeframe: hit.meta.timeframe, gaps: findGaps(hit.series) };
    }
  } catch {
    // unreadable or from another version: parsed again below, and replaced
  }
  const loaded = await readCandleFile(file, opts);
  try {
    await writeCandleCache(cached, { exchange: FILE_SOURCE, symbol: key, timeframe: msToTimeframe(loaded.series.timeframeMs) }, loaded.series);
  } catch {
    // a read-only or full home: the next run parses the file again
  }
  return loaded;
}

/** the `exchange` field of a parsed file's cache entry */
const FILE_SOURCE = 'file';
