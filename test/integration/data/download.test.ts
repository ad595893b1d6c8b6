/**
 * Downloading candles with the real ccxt binance class from the loopback simulator replaying the
 * bundled sample: pagination, incremental runs, faults, interruption, validation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import type { CandleSeries } from '../../../src/core/candles.js';
import { cachePath, loadCandleCache } from '../../../src/data/candle-cache.js';
import { downloadCandles, ensureCandles, type DownloadEnv, type DownloadEvent, type DownloadRequest } from '../../../src/data/download.js';
import { readCandleFile } from '../../../src/data/read-candles.js';
import { makeCcxt } from '../../../src/exchange/make-ccxt.js';
import { startSim, type SimServer } from '../../../src/exchange/sim-server/server.js';
import type { RequestLogEntry } from '../../../src/exchange/sim-server/control-plane.js';
import { SAMPLE_DATA } from '../../support/cli.js';

const M5 = 300_000;
const T0 = Date.UTC(2024, 0, 1); // the sample's first candle
const HISTORY = 3500; // candles closed at the sim's start: 4 pages of 1000
const META = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m' };

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tradebot-download-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let sample: CandleSeries;
let sim: SimServer;
let homeSeq = 0;
const newHome = () => path.join(tmp, `home-${++homeSeq}`);

beforeAll(async () => {
  sample = (await readCandleFile(SAMPLE_DATA)).series;
});

/** A fresh simulator, clock frozen in the middle of candle HISTORY (so that candle is forming). */
async function freshSim(): Promise<SimServer> {
  sim = await startSim({ data: SAMPLE_DATA, start: T0 + HISTORY * M5 + 60_000, speed: 0 });
  return sim;
}
afterEach(async () => {
  await sim?.close();
});

const sleeps: number[] = [];
function env(extra: DownloadEnv = {}): DownloadEnv {
  return {
    makeExchange: (o) => makeCcxt({ ...o, rateLimit: 1 }),
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((r) => setTimeout(r, 5));
    },
    flushMinIntervalMs: 0,
    ...extra,
  };
}
const req = (home: string, extra: Partial<DownloadRequest> = {}): DownloadRequest => ({
  exchange: 'binance',
  apiUrl: sim.url,
  symbols: ['BTC/USDT'],
  timeframes: ['5m'],
  from: T0,
  home,
  ...extra,
});
const klines = (): RequestLogEntry[] => sim.control.requests().filter((r) => r.path === '/api/v3/klines');

/** The cache equals the sample's candles [a, b) exactly. */
async function expectCacheIs(home: string, a: number, b: number, timeframe = '5m'): Promise<void> {
  const c = (await loadCandleCache(cachePath(home, { ...META, timeframe })))!;
  expect(c, 'cache file').not.toBeNull();
  const s = c.series;
  expect(s.length).toBe(b - a);
  for (const col of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect(Array.from(s[col].subarray(0, s.length)), col).toEqual(Array.from(sample[col].subarray(a, b)));
  }
}

describe('data download (real ccxt against the loopback exchange)', { timeout: 30_000 }, () => {
  it('pages through 3,500 candles 1,000 at a time and stores exactly the closed ones', async () => {
    await freshSim();
    const home = newHome();
    const events: DownloadEvent[] = [];
    const report = await downloadCandles(req(home), env({ onEvent: (e) => events.push(e) }));
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ status: 'complete', added: HISTORY, candles: HISTORY, first: T0, last: T0 + (HISTORY - 1) * M5, gaps: 0 });
    expect(klines().length).toBe(4);
    expect(klines().every((r) => r.params.limit === '1000')).toBe(true);
    // the forming candle (open time T0 + HISTORY·5m) was served but never stored
    await expectCacheIs(home, 0, HISTORY);
    expect(events.filter((e) => e.type === 'page')).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });

  it('a second run fetches only the candles that closed since, in one request', async () => {
    await freshSim();
    const home = newHome();
    await downloadCandles(req(home), env());
    sim.control.advance(10 * M5);
    sim.control.clearRequests();
    const report = await downloadCandles(req(home), env());
    expect(report.results[0]).toMatchObject({ status: 'complete', added: 10, candles: HISTORY + 10 });
    expect(klines().map((r) => Number(r.params.startTime))).toEqual([T0 + HISTORY * M5]);
    await expectCacheIs(home, 0, HISTORY + 10);
  });

  it('fills a hole at the front when --from is earlier than the cache, and nothing else', async () => {
    await freshSim();
    const home = newHome();
    await downloadCandles(req(home, { from: T0 + 2000 * M5 }), env());
    sim.control.clearRequests();
    const report = await downloadCandles(req(home), env());
    expect(report.results[0]).toMatchObject({ added: 2000, candles: HISTORY });
    const starts = klines().map((r) => Number(r.params.startTime));
    expect(starts[0]).toBe(T0);
    expect(starts.every((t) => t < T0 + 2000 * M5)).toBe(true);
    await expectCacheIs(home, 0, HISTORY);
  });

  it('survives a 429 and a dropped connection mid-download, waiting at least Retry-After', async () => {
    await freshSim();
    const home = newHome();
    sim.control.addFault({ action: { kind: 'rate-limit', retryAfter: 1 }, method: 'GET', path: '/api/v3/klines', after: 1 });
    sim.control.addFault({ action: { kind: 'drop' }, method: 'GET', path: '/api/v3/klines', after: 3 });
    sleeps.length = 0;
    const retries: DownloadEvent[] = [];
    const report = await downloadCandles(req(home), env({ onEvent: (e) => e.type === 'retry' && retries.push(e) }));
    expect(report.results[0]!.status).toBe('complete');
    expect(klines().map((r) => r.fault ?? 'ok')).toEqual(['ok', 'rate-limit', 'ok', 'ok', 'drop', 'ok']);
    expect(retries).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000); // Retry-After: 1
    await expectCacheIs(home, 0, HISTORY);
  });

  it('reports a pair and timeframe that keeps failing and completes the others', async () => {
    await freshSim();
    const home = newHome();
    sim.control.addFault({ action: { kind: 'html', status: 502 }, method: 'GET', path: '/api/v3/klines', count: 3 });
    const report = await downloadCandles(req(home, { timeframes: ['5m', '15m'] }), env({ maxAttempts: 3 }));
    expect(report.results.map((r) => [r.timeframe, r.status])).toEqual([
      ['5m', 'failed'],
      ['15m', 'complete'],
    ]);
    expect(report.results[0]!.error).toMatch(/3 attempts/);
    expect(report.results[0]!.cause?.exitCode).toBe(4);
    // 15m candles closed at the sim's clock: the one holding the forming 5m candle is not
    expect(report.results[1]!.candles).toBe(Math.floor(HISTORY / 3));
  });

  it('stops after the current page when aborted, keeping what was flushed; the next run completes without duplicates', async () => {
    await freshSim();
    const home = newHome();
    const ac = new AbortController();
    const report = await downloadCandles(
      req(home),
      env({ signal: ac.signal, flushEveryPages: 1, onEvent: (e) => e.type === 'flush' && ac.abort() }),
    );
    expect(report.interrupted).toBe(true);
    expect(report.results[0]!.status).toBe('interrupted');
    expect(klines().length).toBe(1);
    await expectCacheIs(home, 0, 1000);
    sim.control.clearRequests();
    const again = await downloadCandles(req(home), env());
    expect(again.results[0]!.status).toBe('complete');
    expect(Number(klines()[0]!.params.startTime)).toBe(T0 + 1000 * M5);
    await expectCacheIs(home, 0, HISTORY);
  });

  it('refuses an unknown pair before requesting any candle, listing the closest markets', async () => {
    await freshSim();
    const err = await downloadCandles(req(newHome(), { symbols: ['BTC/USDX'] }), env()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('BTC/USDX');
    expect((err as Error).message).toContain('BTC/USDT');
    expect(klines()).toEqual([]);
  });

  it("refuses a timeframe the exchange does not offer, listing the ones it does, without any request", async () => {
    await freshSim();
    const err = await downloadCandles(req(newHome(), { timeframes: ['7m'] }), env()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/7m/);
    expect((err as Error).message).toMatch(/1m, 3m, 5m/);
    expect(sim.control.requests()).toEqual([]);
  });

  it('refuses --from after --to and an unknown exchange without any request', async () => {
    await freshSim();
    await expect(downloadCandles(req(newHome(), { from: T0 + M5, to: T0 }), env())).rejects.toThrow(/after/);
    await expect(downloadCandles(req(newHome(), { exchange: 'nosuchexchange' }), env())).rejects.toThrow(/unknown exchange/);
    expect(sim.control.requests()).toEqual([]);
  });

  it('a backtest-style ensureCandles uses a cache that covers the range without touching the network', async () => {
    await freshSim();
    const home = newHome();
    const to = T0 + 3000 * M5;
    const first = await ensureCandles({ ...META, apiUrl: sim.url, from: T0, to, home }, env());
    expect(first.series.length).toBe(3001);
    sim.control.clearRequests();
    const again = await ensureCandles({ ...META, apiUrl: 'http://127.0.0.1:9', from: T0 + M5, to: T0 + 2000 * M5, home }, env());
    expect(again.series.length).toBe(3001);
    expect(sim.control.requests()).toEqual([]);
  });
});
