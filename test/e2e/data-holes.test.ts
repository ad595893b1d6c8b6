/**
 * Holes in the candle cache: a range tradebot never fetched is fetched when asked for (by
 * `data download` or a backtest), while a gap the exchange itself has is remembered and not asked
 * for again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../src/core/candles.js';
import { cachePath, loadCandleCache } from '../../src/data/candle-cache.js';
import { readCandleFile } from '../../src/data/read-candles.js';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA, cleanupTmpDirs, makeTmpDir, sampleCsvHead, writeFile, type CliResult } from '../support/cli.js';
import { runCliAsync } from '../support/cli-async.js';

afterAll(cleanupTmpDirs);

const M5 = 300_000;
const T0 = Date.UTC(2024, 0, 1);
const META = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m' };

let sample: CandleSeries;
let sim: SimServer | undefined;
beforeAll(async () => {
  sample = (await readCandleFile(SAMPLE_DATA)).series;
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const iso = (k: number) => new Date(T0 + k * M5).toISOString();
const klineStarts = () =>
  sim!.control
    .requests()
    .filter((r) => r.path === '/api/v3/klines')
    .map((r) => (Number(r.params.startTime) - T0) / M5);
function download(home: string, fromK: number, toK: number, extra: string[] = []): string[] {
  return ['data', 'download', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m', '--from', iso(fromK), '--to', iso(toK), '--exchange-url', sim!.url, '--home', home, ...extra];
}
const ok = (r: CliResult) => expect(r.code, r.stderr).toBe(0);

async function cachedTimes(home: string): Promise<number[]> {
  const c = (await loadCandleCache(cachePath(home, META)))!;
  return Array.from(c.series.time.subarray(0, c.series.length), (t) => (t - T0) / M5);
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('a hole tradebot left in the cache', { timeout: 90_000 }, () => {
  it('is fetched by a later download that spans it, and only the hole is requested', async () => {
    sim = await startSim({ data: SAMPLE_DATA, start: T0 + 7000 * M5 + 60_000, speed: 0 });
    const home = makeTmpDir();
    ok(await runCliAsync(download(home, 0, 1999)));
    ok(await runCliAsync(download(home, 4000, 5999)));
    expect(await cachedTimes(home)).toEqual([...range(0, 2000), ...range(4000, 6000)]);

    sim.control.clearRequests();
    const fill = await runCliAsync(download(home, 0, 5999, ['--json']));
    ok(fill);
    expect(await cachedTimes(home)).toEqual(range(0, 6000));
    const starts = klineStarts();
    expect(starts[0]).toBe(2000);
    expect(starts.every((k) => k >= 2000 && k < 4000)).toBe(true);
    const doc = JSON.parse(fill.stdout) as { failures: number; results: Record<string, unknown>[] };
    expect(doc.failures).toBe(0);
    expect(doc.results[0]).toMatchObject({
      status: 'complete',
      requested: { from: T0, to: T0 + 5999 * M5 },
      added: 2000,
      candles: 6000,
      gaps: [],
      missing: [],
      error: null,
      exitCode: null,
    });
    // the page at the hole's start ran into the cached candles after it: one span from 2000 on
    expect((doc.results[0]!.fetched as { start: number }[])[0]!.start).toBe(T0 + 2000 * M5);

    // now complete: asking again requests no candle
    sim.control.clearRequests();
    ok(await runCliAsync(download(home, 0, 5999)));
    expect(klineStarts()).toEqual([]);
  });

  it('is fetched by a backtest over it', async () => {
    sim = await startSim({ data: SAMPLE_DATA, start: T0 + 7000 * M5 + 60_000, speed: 0 });
    const home = makeTmpDir();
    ok(await runCliAsync(download(home, 0, 999)));
    ok(await runCliAsync(download(home, 2000, 2999)));
    const bt = await runCliAsync(
      ['backtest', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m', '--exchange-url', sim.url, '--from', iso(0), '--to', iso(2999), '--json'],
      { env: { TRADEBOT_HOME: home } },
    );
    ok(bt);
    expect((JSON.parse(bt.stdout) as { data: { candles: number } }).data.candles).toBe(3000);
    expect(await cachedTimes(home)).toEqual(range(0, 3000));
  });
});

describe('a gap the exchange itself has', { timeout: 90_000 }, () => {
  it('is asked for once, then remembered: a second download and a backtest request nothing', async () => {
    // the sample's first 3,000 candles without 400..699: the exchange has nothing there
    const dir = makeTmpDir();
    const lines = sampleCsvHead(3000).trimEnd().split('\n');
    const file = writeFile(dir, 'BTC_USDT-5m-gap.csv', `${[lines[0], ...lines.slice(1, 401), ...lines.slice(701)].join('\n')}\n`);
    sim = await startSim({ data: file, pair: 'BTC/USDT', timeframe: '5m', start: T0 + 3000 * M5 + 60_000, speed: 0 });
    const home = makeTmpDir();

    const first = await runCliAsync(download(home, 0, 2999, ['--json']));
    ok(first);
    expect(await cachedTimes(home)).toEqual([...range(0, 400), ...range(700, 3000)]);
    const doc = JSON.parse(first.stdout) as { schemaVersion: number; results: { gaps: { after: number; before: number; missing: number }[] }[] };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.results[0]!.gaps).toEqual([{ after: T0 + 399 * M5, before: T0 + 700 * M5, missing: 300 }]);

    sim.control.clearRequests();
    ok(await runCliAsync(download(home, 0, 2999)));
    expect(klineStarts()).toEqual([]);

    const bt = await runCliAsync(
      ['backtest', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m', '--exchange-url', sim.url, '--from', iso(0), '--to', iso(2999), '--json'],
      { env: { TRADEBOT_HOME: home } },
    );
    ok(bt);
    expect(klineStarts()).toEqual([]);
  });
});
