/**
 * Adding candles to a cache file: read, merge and write under the file's lock, so that what
 * another writer added in the meantime is merged too, never overwritten.
 */
import type { CandleSeries } from '../core/candles.js';
import { acquireCacheLock, type CacheLockOptions } from './cache-lock.js';
import { loadCandleCache, mergeCandles, writeCandleCache, type CachedCandles, type CandleCacheMeta } from './candle-cache.js';
import { unionSpans, type Span } from './coverage.js';

export interface CacheUpdate {
  /** the cache as written (or as found, when there was nothing to add) */
  cached: CachedCandles;
  /** candles new to the cache */
  added: number;
}

/**
 * Merges `incoming` (any order; duplicates dropped; cached candles win on equal times) and the
 * fetched spans `fetched` into the cache file `file` of market `meta`. The file is re-read under
 * the lock: candles and spans another writer stored are kept. Nothing is written when nothing is
 * new. Lock and write failures are StateErrors (exit 5); a corrupt cache file is a UsageError.
 */
export async function updateCandleCache(
  file: string,
  meta: CandleCacheMeta,
  incoming: CandleSeries,
  fetched: readonly Span[],
  lockOpts: CacheLockOptions = {},
): Promise<CacheUpdate> {
  const lock = await acquireCacheLock(file, lockOpts);
  try {
    const existing = await loadCandleCache(file, meta);
    const merged = mergeCandles(existing?.series ?? null, incoming);
    const spans = unionSpans(existing?.fetched ?? [], fetched);
    const sameSpans = existing !== null && spans.length === existing.fetched.length && spans.every(([a, b], i) => existing.fetched[i]![0] === a && existing.fetched[i]![1] === b);
    if (existing && merged.added === 0 && sameSpans) return { cached: existing, added: 0 };
    await writeCandleCache(file, meta, merged.series, { fetched: spans, beforeRename: () => lock.assertHeld() });
    return {
      cached: { meta: { ...meta, timeframeMs: merged.series.timeframeMs }, series: merged.series, fetched: spans, path: file },
      added: merged.added,
    };
  } finally {
    await lock.release();
  }
}
