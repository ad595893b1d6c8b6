/**
 * `tradebot data` end to end: the built CLI as a child process, the real ccxt binance class, and
 * the loopback exchange (served by this test process) replaying the bundled sample.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../src/core/candles.js';
import { cachePath, loadCandleCache } from '../../src/data/candle-cache.js';
import { readCandleFile } from '../../src/data/read-candles.js';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA, cleanupTmpDirs, makeTmpDir, runCli, writeFile, type CliResult } from '../support/cli.js';
import { runCliAsync, spawnCli } from '../support/cli-async.js';

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

/** A simulator whose clock is frozen `history` candles into the sample (the next one is forming). */
async function simWith(history: number): Promise<SimServer> {
  sim = await startSim({ data: SAMPLE_DATA, start: T0 + history * M5 + 60_000, speed: 0 });
  return sim;
}
const klines = () => sim!.control.requests().filter((r) => r.path === '/api/v3/klines');

/** `data download` of BTC/USDT 5m from the sample's start; `home` null: none given (TRADEBOT_HOME decides). */
function download(home: string | null, extra: string[] = []): string[] {
  return ['data', 'download', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m', '--from', '2024-01-01', '--exchange-url', sim!.url, ...(home ? ['--home', home] : []), ...extra];
}

/** The cache is the sample's first n candles: sorted, no duplicates, values exact. */
async function expectCachePrefix(home: string, n: number): Promise<void> {
  const c = (await loadCandleCache(cachePath(home, META)))!;
  expect(c).not.toBeNull();
  const s = c.series;
  expect(s.length).toBe(n);
  for (const col of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect(Array.from(s[col].subarray(0, n)), col).toEqual(Array.from(sample[col].subarray(0, n)));
  }
}

const ok = (r: CliResult) => expect(r.code, r.stderr).toBe(0);

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tradebot data --help', { timeout: 30_000 }, () => {
  it('lists the subcommands, and import names the supported formats and refuses feather', () => {
    const r = runCli(['data', '--help']);
    ok(r);
    for (const sub of ['download', 'list', 'import', 'export', 'resample', 'check']) expect(r.stdout).toMatch(new RegExp(`^\\s+${sub}\\b`, 'm'));
    const imp = runCli(['data', 'import', '--help']);
    ok(imp);
    expect(imp.stdout).toMatch(/CSV/);
    expect(imp.stdout).toMatch(/freqtrade JSON/);
    expect(imp.stdout).toMatch(/feather.*NOT supported/s);
    expect(runCli(['--help']).stdout).toMatch(/^\s+data\b/m);
  });
});

describe('tradebot data download', { timeout: 60_000 }, () => {
  it('downloads 3,500 candles over 4 pages into TRADEBOT_HOME; a second run asks only for what closed since', async () => {
    await simWith(3500);
    const home = makeTmpDir();
    const r = await runCliAsync(download(null), { env: { TRADEBOT_HOME: home } });
    ok(r);
    expect(r.stdout).toMatch(/BTC\/USDT 5m/);
    expect(klines()).toHaveLength(4);
    await expectCachePrefix(home, 3500);

    sim!.control.advance(12 * M5);
    sim!.control.clearRequests();
    ok(await runCliAsync(download(home)));
    expect(klines().map((k) => Number(k.params.startTime))).toEqual([T0 + 3500 * M5]);
    await expectCachePrefix(home, 3512);

    const list = runCli(['data', 'list', '--json'], { env: { TRADEBOT_HOME: home } });
    ok(list);
    const doc = JSON.parse(list.stdout) as { schemaVersion: number; entries: Record<string, unknown>[] };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.entries).toEqual([
      expect.objectContaining({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m', candles: 3512, first: T0, last: T0 + 3511 * M5, gaps: 0 }),
    ]);
  });

  it('resumes after being killed (SIGKILL) mid-download: the end state is complete, without duplicates', async () => {
    await simWith(8000);
    const home = makeTmpDir();
    // pages 4 and later are slow: the first flush (after 5 pages) happens, then the kill lands mid-page
    sim!.control.addFault({ action: { kind: 'delay', ms: 1500 }, method: 'GET', path: '/api/v3/klines', after: 3, count: 20 });
    const file = cachePath(home, META);
    const run = spawnCli(download(home));
    await waitFor(() => existsSync(file), 30_000);
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    const partial = (await loadCandleCache(file))!.series.length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(8000);
    await expectCachePrefix(home, partial);

    sim!.control.clearFaults();
    sim!.control.clearRequests();
    ok(await runCliAsync(download(home)));
    expect(Number(klines()[0]!.params.startTime)).toBe(T0 + partial * M5);
    await expectCachePrefix(home, 8000);
  });

  it('stops on Ctrl+C after the current page, keeps it, and exits 130', async () => {
    await simWith(8000);
    const home = makeTmpDir();
    sim!.control.addFault({ action: { kind: 'delay', ms: 800 }, method: 'GET', path: '/api/v3/klines', after: 3, count: 20 });
    const run = spawnCli(download(home));
    await waitFor(() => existsSync(cachePath(home, META)), 30_000);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    const n = (await loadCandleCache(cachePath(home, META)))!.series.length;
    expect(n).toBeGreaterThanOrEqual(5000);
    expect(n).toBeLessThan(8000);
    await expectCachePrefix(home, n);
  });

  it('completes through a 429 and a dropped connection', async () => {
    await simWith(3500);
    const home = makeTmpDir();
    sim!.control.addFault({ action: { kind: 'rate-limit', retryAfter: 1 }, method: 'GET', path: '/api/v3/klines', after: 1 });
    sim!.control.addFault({ action: { kind: 'drop' }, method: 'GET', path: '/api/v3/klines', after: 2 });
    const r = await runCliAsync(download(home));
    ok(r);
    expect(klines().filter((k) => k.fault).map((k) => k.fault)).toEqual(['rate-limit', 'drop']);
    await expectCachePrefix(home, 3500);
  });

  it('exits 2 for an unknown pair, listing the closest markets, before any candle request', async () => {
    await simWith(100);
    const home = makeTmpDir();
    const r = await runCliAsync(download(home).map((a) => (a === 'BTC/USDT' ? 'BTC/USDX' : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('BTC/USDX');
    expect(r.stderr).toContain('BTC/USDT');
    expect(klines()).toEqual([]);
  });

  it('exits 2 for a timeframe the exchange does not offer, listing those it does', async () => {
    await simWith(100);
    const r = await runCliAsync(download(makeTmpDir()).map((a) => (a === '5m' ? '7m' : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/7m/);
    expect(r.stderr).toMatch(/\b1m\b.*\b5m\b.*\b1h\b/);
    expect(sim!.control.requests()).toEqual([]);
  });

  it('exits 2 when --from is after --to', async () => {
    await simWith(100);
    const r = await runCliAsync([...download(makeTmpDir()), '--to', '2023-12-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--from.*after.*--to/);
    expect(sim!.control.requests()).toEqual([]);
  });
});

describe('tradebot backtest from exchange data', { timeout: 60_000 }, () => {
  it('downloads what is missing and gives the same result as --data over the same candles', async () => {
    await simWith(4000);
    const home = makeTmpDir();
    const range = ['--from', '2024-01-02', '--to', '2024-01-12T23:55'];
    const fromExchange = await runCliAsync(
      ['backtest', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m', '--exchange-url', sim!.url, ...range, '--json'],
      { env: { TRADEBOT_HOME: home } },
    );
    ok(fromExchange);
    // the download saved the exchange's precision and minimums; a file run gets them from config
    const cwd = makeTmpDir();
    writeFileSync(path.join(cwd, 'tradebot.config.yaml'), 'market:\n  amountStep: 0.00001\n  priceTick: 0.01\n  minAmount: 0.00001\n  minNotional: 5\n');
    const fromFile = runCli(['backtest', '--data', SAMPLE_DATA, ...range, '--json'], { cwd });
    ok(fromFile);
    const a = JSON.parse(fromExchange.stdout) as Record<string, Record<string, unknown>>;
    const b = JSON.parse(fromFile.stdout) as Record<string, Record<string, unknown>>;
    expect(a.data!.candles).toBe(b.data!.candles);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.trades).toEqual(b.trades);
    expect(a.equityCurve).toEqual(b.equityCurve);
    // quantities were rounded to the exchange's step
    for (const t of a.trades as unknown as { qty: string }[]) expect(t.qty.split('.')[1]?.length ?? 0).toBeLessThanOrEqual(5);

    // the cache now covers the range: a second run needs no exchange at all
    await sim!.close();
    sim = undefined;
    const offline = runCli(['backtest', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m', '--exchange-url', 'http://127.0.0.1:9', ...range, '--json'], {
      env: { TRADEBOT_HOME: home },
    });
    ok(offline);
    expect((JSON.parse(offline.stdout) as Record<string, unknown>).metrics).toEqual(b.metrics);
  });
});

describe('tradebot data import, export, resample, check, list', { timeout: 60_000 }, () => {
  const market = ['--exchange', 'binance', '--pair', 'BTC/USDT'];

  it('imports the sample, exports it as CSV and JSON that read back identical', async () => {
    const home = makeTmpDir();
    const env = { TRADEBOT_HOME: home };
    ok(runCli(['data', 'import', SAMPLE_DATA, ...market, '--timeframe', '5m'], { env }));
    const again = runCli(['data', 'import', SAMPLE_DATA, ...market, '--timeframe', '5m'], { env });
    ok(again);
    expect(again.stdout).toMatch(/\+0 candles/);
    for (const format of ['csv', 'json']) {
      const out = runCli(['data', 'export', ...market, '--timeframe', '5m', '--format', format], { env });
      ok(out);
      if (format === 'csv') expect(out.stdout.split('\n', 1)[0]).toBe('timestamp_ms,open,high,low,close,volume');
      const file = writeFile(home, `export.${format}`, out.stdout);
      const back = (await readCandleFile(file)).series;
      expect(back.length).toBe(sample.length);
      for (const col of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(back[col].every((v, i) => v === sample[col][i]), `${format} ${col}`).toBe(true);
      }
    }
    const slice = runCli(['data', 'export', ...market, '--timeframe', '5m', '--from', '2024-01-01T00:10', '--to', '2024-01-01T00:20', '--out', 'part.csv'], { env, cwd: home });
    ok(slice);
    expect(readFileSync(path.join(home, 'part.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('resamples 5m into 1h and lists both', () => {
    const home = makeTmpDir();
    const env = { TRADEBOT_HOME: home };
    ok(runCli(['data', 'import', SAMPLE_DATA, ...market, '--timeframe', '5m'], { env }));
    ok(runCli(['data', 'resample', ...market, '--from-timeframe', '5m', '--timeframe', '1h'], { env }));
    const list = runCli(['data', 'list'], { env });
    ok(list);
    expect(list.stdout).toMatch(/BTC\/USDT\s+5m/);
    expect(list.stdout).toMatch(/BTC\/USDT\s+1h/);
    const bad = runCli(['data', 'resample', ...market, '--from-timeframe', '5m', '--timeframe', '7m'], { env });
    expect(bad.code).toBe(2);
  });

  it('checks a file: a report and exit 0, exit 1 with --strict, JSON on request', () => {
    const dir = makeTmpDir();
    const rows = ['timestamp,open,high,low,close,volume'];
    for (const k of [0, 1, 2, 2, 5, 6]) rows.push(`${T0 + k * M5},100,101,99,100.5,${k === 6 ? 0 : 10}`);
    rows.push(`${T0 + 7 * M5},100,99,99.5,100.5,10`); // high below open
    writeFile(dir, 'bad.csv', `${rows.join('\n')}\n`);
    const r = runCli(['data', 'check', 'bad.csv'], { cwd: dir });
    ok(r);
    expect(r.stdout).toMatch(/problems found/);
    const strict = runCli(['data', 'check', 'bad.csv', '--strict'], { cwd: dir });
    expect(strict.code).toBe(1);
    const json = runCli(['data', 'check', 'bad.csv', '--json'], { cwd: dir });
    ok(json);
    const doc = JSON.parse(json.stdout) as { duplicates: unknown[]; gaps: unknown[]; zeroVolumeRuns: unknown[]; ohlcViolations: unknown[]; problems: number };
    expect([doc.duplicates.length, doc.gaps.length, doc.zeroVolumeRuns.length, doc.ohlcViolations.length]).toEqual([1, 1, 1, 1]);
    const clean = runCli(['data', 'check', SAMPLE_DATA, '--strict']);
    ok(clean);
  });

  it('refuses a freqtrade feather file, naming the supported formats', () => {
    const dir = makeTmpDir();
    writeFileSync(path.join(dir, 'BTC_USDT-5m.feather'), Buffer.from('ARROW1\0\0 not really'));
    const r = runCli(['data', 'import', 'BTC_USDT-5m.feather', ...market, '--timeframe', '5m'], { cwd: dir, env: { TRADEBOT_HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/feather/i);
    expect(r.stderr).toMatch(/CSV/);
    expect(r.stderr).toMatch(/JSON/);
  });

  it('refuses a corrupt cache file, naming it and how to rebuild it', () => {
    const home = makeTmpDir();
    const file = cachePath(home, META);
    writeFile(path.dirname(file), path.basename(file), 'TBCANDL1 but then garbage');
    const r = runCli(['data', 'export', ...market, '--timeframe', '5m'], { env: { TRADEBOT_HOME: home } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/delete|download/);
    const list = runCli(['data', 'list', '--json'], { env: { TRADEBOT_HOME: home } });
    ok(list);
    expect((JSON.parse(list.stdout) as { entries: { error?: string }[] }).entries[0]!.error).toBeTruthy();
  });

  it('needs an exchange, a pair and a timeframe (exit 2), from flags or the config', () => {
    const dir = makeTmpDir();
    expect(runCli(['data', 'export', '--pair', 'BTC/USDT', '--timeframe', '5m'], { cwd: dir }).code).toBe(2);
    writeFile(dir, 'tradebot.config.yaml', `exchange:\n  id: binance\npair: BTC/USDT\ntimeframe: 5m\nhome: ./tbhome\n`);
    ok(runCli(['data', 'import', SAMPLE_DATA], { cwd: dir }));
    expect(existsSync(cachePath(path.join(dir, 'tbhome'), META))).toBe(true);
  });
});
