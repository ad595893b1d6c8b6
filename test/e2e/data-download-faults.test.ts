/**
 * `tradebot data download` when things go wrong: an IP ban, a second Ctrl+C, and the --json
 * document that says what happened. The loopback exchange is served by this test process.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../src/core/candles.js';
import { cachePath, loadCandleCache } from '../../src/data/candle-cache.js';
import { readCandleFile } from '../../src/data/read-candles.js';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA, cleanupTmpDirs, makeTmpDir, type CliResult } from '../support/cli.js';
import { runCliAsync, spawnCli } from '../support/cli-async.js';

afterAll(cleanupTmpDirs);

const M5 = 300_000;
const T0 = Date.UTC(2024, 0, 1);
const META = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m' };
const HISTORY = 8000;

let sample: CandleSeries;
let sim: SimServer | undefined;
beforeAll(async () => {
  sample = (await readCandleFile(SAMPLE_DATA)).series;
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function freshSim(): Promise<SimServer> {
  sim = await startSim({ data: SAMPLE_DATA, start: T0 + HISTORY * M5 + 60_000, speed: 0 });
  return sim;
}
const klines = () => sim!.control.requests().filter((r) => r.path === '/api/v3/klines');
function download(home: string, extra: string[] = []): string[] {
  // a flag in extra replaces the default (a repeated single-value flag is refused)
  const timeframe = extra.includes('--timeframe') ? [] : ['--timeframe', '5m'];
  return ['data', 'download', '--exchange', 'binance', '--pair', 'BTC/USDT', ...timeframe, '--from', '2024-01-01', '--exchange-url', sim!.url, '--home', home, ...extra];
}
const ok = (r: CliResult) => expect(r.code, r.stderr).toBe(0);

/** The cache is the sample's first n candles exactly. */
async function expectCachePrefix(home: string, n: number, timeframe = '5m'): Promise<void> {
  const c = (await loadCandleCache(cachePath(home, { ...META, timeframe })))!;
  expect(c, 'cache file').not.toBeNull();
  const s = c.series;
  expect(s.length).toBe(n);
  for (const col of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect(Array.from(s[col].subarray(0, n)), col).toEqual(Array.from(sample[col].subarray(0, n)));
  }
}

/** Nothing but cache files in the cache directory: no temp file, no lock left behind. */
function expectOnlyCacheFiles(home: string): void {
  const dir = path.dirname(cachePath(home, META));
  const stray = readdirSync(dir).filter((f) => !f.endsWith('.tbc') && !f.endsWith('.market.json'));
  expect(stray).toEqual([]);
}

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('data download under an IP ban (418)', { timeout: 60_000 }, () => {
  it('stops the whole download at once with exit 4, keeping every candle it had and fetched', async () => {
    await freshSim();
    const home = makeTmpDir();
    ok(await runCliAsync(download(home, ['--to', new Date(T0 + 999 * M5).toISOString()])));
    await expectCachePrefix(home, 1000);

    sim!.control.clearRequests();
    // five pages pass, the sixth is banned; 15m would come next
    sim!.control.addFault({ action: { kind: 'ban', retryAfter: 120 }, method: 'GET', path: '/api/v3/klines', after: 5 });
    const r = await runCliAsync(download(home, ['--timeframe', '5m,15m', '--json']));
    expect(r.code, r.stderr).toBe(4);
    // no retry of the banned request, no request for the next timeframe
    expect(klines().map((k) => k.fault ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ban']);
    expect(klines().every((k) => k.params.interval === '5m')).toBe(true);
    await expectCachePrefix(home, 6000);
    expect(existsSync(cachePath(home, { ...META, timeframe: '15m' }))).toBe(false);
    expectOnlyCacheFiles(home);

    const doc = JSON.parse(r.stdout) as {
      schemaVersion: number;
      failures: number;
      results: { timeframe: string; status: string; added: number; exitCode: number | null; error: string | null; fetched: { start: number; end: number }[]; missing: { start: number; end: number }[] }[];
    };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.failures).toBe(2);
    expect(doc.results.map((x) => [x.timeframe, x.status, x.exitCode])).toEqual([
      ['5m', 'failed', 4],
      ['15m', 'skipped', null],
    ]);
    expect(doc.results[0]!.added).toBe(5000);
    expect(doc.results[0]!.fetched).toEqual([{ start: T0 + 1000 * M5, end: T0 + 6000 * M5 }]);
    expect(doc.results[0]!.missing[0]!.start).toBe(T0 + 6000 * M5);
    expect(doc.results[1]!.error).toBeTruthy();
  });
});

describe('data download and a second Ctrl+C', { timeout: 60_000 }, () => {
  it('exits 130 at once while a page is still in flight, leaving the cache as it was', async () => {
    await freshSim();
    const home = makeTmpDir();
    ok(await runCliAsync(download(home, ['--to', new Date(T0 + 999 * M5).toISOString()])));
    // three pages pass quickly, the fourth is held far longer than this test may take
    sim!.control.clearRequests();
    sim!.control.addFault({ action: { kind: 'delay', ms: 50_000 }, method: 'GET', path: '/api/v3/klines', after: 3 });
    const run = spawnCli(download(home));
    await until(() => klines().some((k) => k.fault === 'delay'), 'the held page');
    run.child.kill('SIGINT');
    // the first Ctrl+C is acknowledged on stderr; the download waits for the page in flight
    await until(() => run.stderr() !== '', 'the first Ctrl+C to be acknowledged');
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    await expectCachePrefix(home, 1000);
    expectOnlyCacheFiles(home);
    // the next run resumes after the cache
    sim!.control.clearFaults();
    sim!.control.clearRequests();
    ok(await runCliAsync(download(home)));
    expect(Number(klines()[0]!.params.startTime)).toBe(T0 + 1000 * M5);
    await expectCachePrefix(home, HISTORY);
  });
});
