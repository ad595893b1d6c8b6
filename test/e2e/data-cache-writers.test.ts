/**
 * Several tradebot processes writing one candle cache at once: every writer goes through the
 * cache's lock and merges into what is on disk, so no candle is lost.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sliceSeries, type CandleSeries } from '../../src/core/candles.js';
import { acquireCacheLock } from '../../src/data/cache-lock.js';
import { cachePath, loadCandleCache, writeCandleCache } from '../../src/data/candle-cache.js';
import { readCandleFile } from '../../src/data/read-candles.js';
import { SAMPLE_DATA, cleanupTmpDirs, makeTmpDir, sampleCsvHead, writeFile, type CliResult } from '../support/cli.js';
import { runCliAsync, spawnCli } from '../support/cli-async.js';
import { startSimProcess, type SimProcess } from '../support/sim-process.js';

afterAll(cleanupTmpDirs);

const M5 = 300_000;
const T0 = Date.UTC(2024, 0, 1);
const META = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m' };
const HISTORY = 8000;

let sample: CandleSeries;
let sim: SimProcess | undefined;
beforeAll(async () => {
  sample = (await readCandleFile(SAMPLE_DATA)).series;
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const iso = (k: number) => new Date(T0 + k * M5).toISOString();
function download(home: string, fromK: number, toK: number): string[] {
  return ['data', 'download', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m', '--from', iso(fromK), '--to', iso(toK), '--exchange-url', sim!.url, '--home', home];
}

/** The cache is the sample's first n candles exactly: no hole, no duplicate. */
async function expectCachePrefix(home: string, n: number): Promise<void> {
  const c = (await loadCandleCache(cachePath(home, META)))!;
  expect(c, 'cache file').not.toBeNull();
  const s = c.series;
  expect(s.length).toBe(n);
  for (const col of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect(Array.from(s[col].subarray(0, n)), col).toEqual(Array.from(sample[col].subarray(0, n)));
  }
}

const ok = (r: CliResult) => expect(r.code, r.stderr).toBe(0);

describe('two data downloads into one cache at once', { timeout: 120_000 }, () => {
  it('keeps the union of adjacent ranges: both exit 0 and the cache has no hole', async () => {
    sim = await startSimProcess(['--data', SAMPLE_DATA, '--speed', '0', '--start', String(T0 + HISTORY * M5 + 60_000)]);
    // every page is slow, so that both runs are fetching (and writing) at the same time
    await sim.control('POST', '/__sim/faults', { kind: 'delay', ms: 300, method: 'GET', path: '/api/v3/klines', count: 1000 });
    const home = makeTmpDir();
    const [a, b] = await Promise.all([runCliAsync(download(home, 0, 3999)), runCliAsync(download(home, 4000, HISTORY - 1))]);
    ok(a);
    ok(b);
    await expectCachePrefix(home, HISTORY);
  });

  it('keeps the union of overlapping ranges', async () => {
    sim = await startSimProcess(['--data', SAMPLE_DATA, '--speed', '0', '--start', String(T0 + HISTORY * M5 + 60_000)]);
    await sim.control('POST', '/__sim/faults', { kind: 'delay', ms: 300, method: 'GET', path: '/api/v3/klines', count: 1000 });
    const home = makeTmpDir();
    const [a, b] = await Promise.all([runCliAsync(download(home, 0, 4999)), runCliAsync(download(home, 3000, HISTORY - 1))]);
    ok(a);
    ok(b);
    await expectCachePrefix(home, HISTORY);
  });
});

describe('data import while another writer holds the cache', { timeout: 60_000 }, () => {
  it('waits for the lock, then merges into what the other writer wrote: exit 0, nothing lost', async () => {
    const home = makeTmpDir();
    const lines = sampleCsvHead(3000).trimEnd().split('\n');
    const csv = writeFile(home, 'later.csv', `${[lines[0], ...lines.slice(2001)].join('\n')}\n`);
    const file = cachePath(home, META);
    const held = await acquireCacheLock(file, { command: 'test writer' });
    const run = spawnCli(['data', 'import', csv, '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m'], { env: { TRADEBOT_HOME: home } });
    // the import says it is waiting (on stderr) and has written nothing
    for (let i = 0; i < 300 && run.stderr() === '' && run.child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    expect(run.child.exitCode).toBeNull();
    expect(run.stderr()).not.toBe('');
    expect(await loadCandleCache(file)).toBeNull();
    // meanwhile the holder writes the first 2,000 candles, then lets go
    await writeCandleCache(file, META, sliceSeries(sample, 0, 2000));
    await held.release();
    ok(await run.done);
    await expectCachePrefix(home, 3000);
  });
});
