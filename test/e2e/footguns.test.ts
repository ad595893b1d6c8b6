/**
 * Backtests that would silently do something other than what was asked: each is now an error
 * (exit 2, nothing on stdout) or a warning (stderr and the result document).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import type { BacktestResult } from '../../src/report/result.js';
import { runCliAsync } from '../support/cli-async.js';
import { SAMPLE_DATA, TINY_RANGE, cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli, sampleCsvHead, stackLines, writeFile, type CliResult } from '../support/cli.js';

afterAll(cleanupTmpDirs);

/** Over 30 days: long enough for every metric to be annualised. */
const MONTH_RANGE = ['--from', '2024-01-01', '--to', '2024-02-05'] as const;

function expectUsageError(r: CliResult, ...culprits: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(nonEmptyLines(r.stderr)).toHaveLength(1);
  for (const c of culprits) expect(r.stderr).toContain(c);
  expect(stackLines(r.stderr)).toEqual([]);
}

describe('--warmup longer than the data', { timeout: 60_000 }, () => {
  it('is a usage error naming the warm-up and the candle count (it ran with 0 trades)', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'candles.csv', sampleCsvHead(200));
    expectUsageError(runCli(['backtest', '--data', 'candles.csv', '--warmup', '200'], { cwd }), '200');
    expectUsageError(runCli(['backtest', '--data', 'candles.csv', '--warmup', '5000'], { cwd }), '5000', '200');
  });

  it('from the config file too', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'backtest:\n  warmup: 100000\n');
    expectUsageError(runCli(['backtest', ...TINY_RANGE], { cwd }), '100000');
  });

  it('a warm-up shorter than the data still runs', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'candles.csv', sampleCsvHead(200));
    const r = runCli(['backtest', '--data', 'candles.csv', '--warmup', '199', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('a fixed stake above the cash', { timeout: 60_000 }, () => {
  it('warns on stderr and in the result document, and counts the buys that expired', () => {
    const r = runCli(['backtest', ...MONTH_RANGE, '--stake', '20000', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as BacktestResult;
    expect(doc.warnings).toHaveLength(2);
    expect(doc.warnings[0]).toContain('20000');
    // the second names how many entries expired: some did, or the warning would not be there
    const expired = Number(/^(\d+) entr/.exec(doc.warnings[1]!)?.[1]);
    expect(expired).toBeGreaterThan(0);
    const warned = nonEmptyLines(r.stderr);
    expect(warned).toHaveLength(2);
    for (const w of doc.warnings) expect(warned.some((l) => l.includes(w))).toBe(true);
  });

  it('a stake the cash pays with room to spare warns of nothing', () => {
    const r = runCli(['backtest', ...MONTH_RANGE, '--stake', '500', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as BacktestResult).warnings).toEqual([]);
    expect(r.stderr).toBe('');
  });
});

describe('--data with --exchange', { timeout: 60_000 }, () => {
  it('is a usage error: the exchange would be ignored', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'candles.csv', sampleCsvHead(200));
    expectUsageError(runCli(['backtest', '--data', 'candles.csv', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m'], { cwd }), '--data', '--exchange');
    expectUsageError(runCli(['backtest', '--data', 'candles.csv', '--exchange-url', 'http://127.0.0.1:9'], { cwd }), '--data', '--exchange-url');
  });

  describe('--exchange on the command line wins over a config file\'s backtest.data', () => {
    let sim: SimServer;
    const T0 = Date.UTC(2024, 0, 1);
    beforeAll(async () => {
      sim = await startSim({ data: SAMPLE_DATA, start: T0 + 2000 * 5 * 60_000, speed: 0 });
    });
    afterAll(async () => {
      await sim?.close();
    });

    it('backtests the exchange\'s candles, not the file', async () => {
      const cwd = makeTmpDir();
      writeFile(cwd, 'candles.csv', sampleCsvHead(200));
      writeFile(cwd, 'tradebot.config.yaml', 'backtest:\n  data: candles.csv\n');
      const args = ['backtest', '--exchange', 'binance', '--exchange-url', sim.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--from', '2024-01-02', '--to', '2024-01-03', '--json'];
      // not spawnSync: this process serves the exchange
      const r = await runCliAsync(args, { cwd, env: { TRADEBOT_HOME: path.join(cwd, 'home') } });
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as BacktestResult;
      expect(doc.data.source).toContain('binance');
      expect(doc.data.from).toBe(Date.UTC(2024, 0, 2));
    });
  });
});

describe('--pair on a file named for another pair', { timeout: 60_000 }, () => {
  it('backtest refuses to relabel the candles, naming both pairs', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'binance_BTC_USDT-5m.csv', sampleCsvHead(200));
    expectUsageError(runCli(['backtest', '--data', 'binance_BTC_USDT-5m.csv', '--pair', 'ETH/USDT'], { cwd }), 'ETH/USDT', 'BTC/USDT');
    // the bundled sample is BTC/USDT too
    expectUsageError(runCli(['backtest', ...TINY_RANGE, '--pair', 'ETH/USDT']), 'ETH/USDT', 'BTC/USDT');
    const same = runCli(['backtest', '--data', 'binance_BTC_USDT-5m.csv', '--pair', 'BTC/USDT', '--json'], { cwd });
    expect(same.code, same.stderr).toBe(0);
    expect((JSON.parse(same.stdout) as BacktestResult).data.symbol).toBe('BTC/USDT');
  });

  it('data import refuses it too, and caches nothing', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'BTC_USDT-5m.csv', sampleCsvHead(200));
    const home = path.join(cwd, 'home');
    const r = runCli(['data', 'import', 'BTC_USDT-5m.csv', '--exchange', 'binance', '--pair', 'ETH/USDT', '--timeframe', '5m', '--home', home], { cwd });
    expectUsageError(r, 'ETH/USDT', 'BTC/USDT');
    const list = runCli(['data', 'list', '--json', '--home', home], { cwd });
    expect((JSON.parse(list.stdout) as { entries: unknown[] }).entries).toEqual([]);
  });

  it('a file whose name names no pair takes any --pair', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'candles.csv', sampleCsvHead(200));
    const r = runCli(['backtest', '--data', 'candles.csv', '--pair', 'ETH/USDT', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as BacktestResult).data.symbol).toBe('ETH/USDT');
  });
});

describe('annualised figures on a short span', { timeout: 60_000 }, () => {
  it('a 16-hour file: CAGR, Calmar, Sharpe and Sortino are null with a reason in JSON, n/a in text', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'candles.csv', sampleCsvHead(16 * 12));
    const json = runCli(['backtest', '--data', 'candles.csv', '--json'], { cwd });
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as BacktestResult;
    for (const k of ['cagr', 'calmar', 'sharpe', 'sortino'] as const) {
      expect(doc.metrics[k], k).toBeNull();
      expect(doc.metricsNotes[k], k).toMatch(/30 days/);
    }
    const text = runCli(['backtest', '--data', 'candles.csv'], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/CAGR\s+n\/a/);
    expect(text.stdout).toMatch(/Calmar ratio\s+n\/a/);
  });

  it('over 30 days they are numbers, with no notes', () => {
    const r = runCli(['backtest', ...MONTH_RANGE, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as BacktestResult;
    for (const k of ['cagr', 'calmar', 'sharpe', 'sortino'] as const) expect(typeof doc.metrics[k], k).toBe('number');
    expect(doc.metricsNotes).toEqual({});
  });
});
