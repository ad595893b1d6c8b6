/**
 * The candle cache's lock, with real files: a second writer waits and merges, a writer that waits
 * too long gives up with exit 5 naming the holder, and a lock left behind by a dead writer is
 * taken over.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MutableCandleSeries } from '../../../src/core/candles.js';
import { StateError } from '../../../src/core/errors.js';
import { acquireCacheLock, cacheLockPath, type CacheLockOwner } from '../../../src/data/cache-lock.js';
import { loadCandleCache, writeCandleCache } from '../../../src/data/candle-cache.js';
import { updateCandleCache } from '../../../src/data/update-cache.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-cache-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const META = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const M1 = 60_000;
const T0 = Date.UTC(2024, 0, 1);
let seq = 0;
const fileName = () => path.join(dir, `case-${++seq}`, 'BTC_USDT-1m.tbc');

function candles(from: number, n: number): MutableCandleSeries {
  const s = new MutableCandleSeries(M1, n);
  for (let k = from; k < from + n; k++) s.push(T0 + k * M1, 100 + k, 101 + k, 99 + k, 100.5 + k, 1 + k);
  return s;
}
const times = async (file: string) => {
  const c = (await loadCandleCache(file, META))!;
  return Array.from(c.series.time.subarray(0, c.series.length), (t) => (t - T0) / M1);
};
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('the candle cache lock', { timeout: 60_000 }, () => {
  it('makes a second writer wait, then merge into what the first one wrote: nothing is lost', async () => {
    const file = fileName();
    const first = await acquireCacheLock(file, { command: 'first writer' });
    let waitedFor: CacheLockOwner | null | undefined;
    let waitStarted!: () => void;
    const waiting = new Promise<void>((r) => (waitStarted = r));
    const second = updateCandleCache(file, META, candles(100, 50), [[T0 + 100 * M1, T0 + 150 * M1]], {
      onWait: (owner) => {
        waitedFor = owner;
        waitStarted();
      },
    });
    await waiting;
    expect(waitedFor).toMatchObject({ pid: process.pid, command: 'first writer' });
    // the first writer writes while the second waits, then lets go
    await writeCandleCache(file, META, candles(0, 100), { fetched: [[T0, T0 + 100 * M1]] });
    await first.release();
    const u = await second;
    expect(u.added).toBe(50);
    expect(await times(file)).toEqual(range(0, 150));
    expect((await loadCandleCache(file, META))!.fetched).toEqual([[T0, T0 + 150 * M1]]);
    expect(existsSync(cacheLockPath(file))).toBe(false);
  });

  it('gives up after the wait bound with a StateError (exit 5) naming the holder, and writes nothing', async () => {
    const file = fileName();
    await writeCandleCache(file, META, candles(0, 10));
    const holder = await acquireCacheLock(file, { command: 'tradebot data download BTC/USDT 1m' });
    try {
      const err = await updateCandleCache(file, META, candles(10, 10), [], { waitMs: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StateError);
      expect((err as StateError).exitCode).toBe(5);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toContain(`pid ${process.pid}`);
    } finally {
      await holder.release();
    }
    expect(await times(file)).toEqual(range(0, 10));
  });

  it('takes over a lock that its holder stopped refreshing (a killed writer)', async () => {
    const file = fileName();
    const lock = cacheLockPath(file);
    mkdirSync(lock, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const u = await updateCandleCache(file, META, candles(0, 5), [], { waitMs: 2_000 });
    expect(u.added).toBe(5);
    expect(existsSync(lock)).toBe(false);
  });
});
