/**
 * `tradebot backtest` of several pairs as one portfolio: one quote balance, one engine, the risk
 * limits across pairs, a per-pair table in text and JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/money.js';
import type { BacktestResult } from '../../src/report/result.js';
import { cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli, sampleCsvHead, writeFile } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const CANDLES = 1500;
let dir: string;

/** ETH: the sample's later candles on the BTC file's times, scaled down; it starts 50 candles later. */
function ethCsv(btc: string): string {
  const rows = btc.trim().split('\n');
  const later = sampleCsvHead(CANDLES * 2).trim().split('\n').slice(CANDLES + 1);
  const out = [rows[0]!];
  for (let i = 51; i < rows.length; i++) {
    const t = rows[i]!.split(',')[0]!;
    const f = later[i - 1]!.split(',');
    out.push([t, ...f.slice(1, 5).map((x) => (Number(x) / 20).toFixed(2)), f[5]!].join(','));
  }
  return out.join('\n') + '\n';
}

/** Open intervals [entry, exit) of the trades, end of the run for an open one. */
function overlaps(trades: BacktestResult['trades']): boolean {
  const iv = trades.map((t) => [t.entryTime, t.exitTime ?? Infinity] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < iv.length; i++) if (iv[i]![0] < iv[i - 1]![1]) return true;
  return false;
}

describe('backtest of several pairs', { timeout: 60_000 }, () => {
  let one: BacktestResult;
  let two: BacktestResult;
  let oneText: string;

  beforeAll(() => {
    dir = makeTmpDir();
    const btc = sampleCsvHead(CANDLES);
    writeFile(dir, 'BTC_USDT-5m.csv', btc);
    writeFile(dir, 'ETH_USDT-5m.csv', ethCsv(btc));
    const a = runCli(['backtest', '--data', 'BTC_USDT-5m.csv,ETH_USDT-5m.csv', '--max-open-positions', '1', '--json'], { cwd: dir });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    one = JSON.parse(a.stdout) as BacktestResult;
    oneText = a.stdout;
    const b = runCli(['backtest', '--data', 'BTC_USDT-5m.csv,ETH_USDT-5m.csv', '--max-open-positions', '2', '--json'], { cwd: dir });
    expect(b.code).toBe(0);
    two = JSON.parse(b.stdout) as BacktestResult;
  }, 60_000);

  it('reports a row per pair in the order given, and trades of both pairs', () => {
    expect(one.pairs!.map((p) => p.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(one.pairs!.map((p) => p.candles)).toEqual([CANDLES, CANDLES - 50]);
    expect(one.data.symbol).toBe('BTC/USDT,ETH/USDT');
    expect(one.data.candles).toBe(CANDLES * 2 - 50);
    for (const p of one.pairs!) {
      const own = one.trades.filter((t) => t.symbol === p.symbol);
      expect(own.length).toBe(p.trades);
      expect(p.trades).toBeGreaterThan(0);
      expect(own.reduce((s, t) => s.plus(t.pnl), new Dec(0)).toFixed()).toBe(p.pnl);
    }
  });

  it('trades one quote balance: the final equity is the cash plus the pnl of every trade of every pair', () => {
    const pnl = one.trades.reduce((s, t) => s.plus(t.pnl), new Dec(0));
    expect(one.metrics.finalEquity).toBeCloseTo(new Dec(one.settings.cash).plus(pnl).toNumber(), 6);
  });

  it('holds --max-open-positions across the pairs: one position at a time with 1, overlapping ones with 2', () => {
    expect(overlaps(one.trades)).toBe(false);
    expect(overlaps(two.trades)).toBe(true);
  });

  it('is deterministic: the same run prints the same document', () => {
    const again = runCli(['backtest', '--data', 'BTC_USDT-5m.csv,ETH_USDT-5m.csv', '--max-open-positions', '1', '--json'], { cwd: dir });
    expect(again.stdout).toBe(oneText);
  });

  it('shows the per-pair table in the text report', () => {
    const r = runCli(['backtest', '--data', 'BTC_USDT-5m.csv,ETH_USDT-5m.csv'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    const lines = nonEmptyLines(r.stdout);
    const at = lines.findIndex((l) => l.startsWith('Pairs (2)'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 2]).toMatch(/^\s+BTC\/USDT\s+1500\s/);
    expect(lines[at + 3]).toMatch(/^\s+ETH\/USDT\s+1450\s/);
    // the trades table names each trade's pair
    const head = lines.findIndex((l) => /^\s+Entry \(UTC\)\s+Exit \(UTC\)\s+Pair\s/.test(l));
    expect(head).toBeGreaterThan(at);
    const rows = lines.slice(head + 1).filter((l) => /^\s+\d{4}-\d\d-\d\d/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/\s(BTC|ETH)\/USDT\s/);
  });

  it('backtests several pairs from the candle cache with --exchange, offline when the cache covers the range', () => {
    const home = makeTmpDir();
    for (const p of ['BTC', 'ETH']) {
      const r = runCli(['data', 'import', `${dir}/${p}_USDT-5m.csv`, '--exchange', 'binance', '--pair', `${p}/USDT`, '--timeframe', '5m'], { cwd: dir, env: { TRADEBOT_HOME: home } });
      expect(r.code).toBe(0);
    }
    const from = new Date(one.data.from + 60 * 5 * 60_000).toISOString();
    const r = runCli(['backtest', '--exchange', 'binance', '--pair', 'BTC/USDT,ETH/USDT', '--timeframe', '5m', '--from', from, '--to', new Date(one.data.to).toISOString(), '--json'], {
      cwd: dir,
      env: { TRADEBOT_HOME: home },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as BacktestResult;
    expect(doc.pairs!.map((p) => [p.symbol, p.candles])).toEqual([
      ['BTC/USDT', CANDLES - 60],
      ['ETH/USDT', CANDLES - 60],
    ]);
  });

  it('refuses pairs of different timeframes with one line and exit 2', () => {
    const rows = sampleCsvHead(300).trim().split('\n');
    writeFile(dir, 'SOL_USDT-10m.csv', [rows[0], ...rows.slice(1).filter((_, i) => i % 2 === 0)].join('\n') + '\n');
    const r = runCli(['backtest', '--data', 'BTC_USDT-5m.csv,SOL_USDT-10m.csv'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/SOL_USDT-10m\.csv.*10m.*5m/);
    expect(r.stdout).toBe('');
  });

  it('refuses a --pair list that does not name one pair per --data file with exit 2', () => {
    const r = runCli(['backtest', '--data', 'BTC_USDT-5m.csv,ETH_USDT-5m.csv', '--pair', 'BTC/USDT'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
  });

  it('refuses several pairs without --exchange or --data files with exit 2', () => {
    const r = runCli(['backtest', '--pair', 'BTC/USDT,ETH/USDT'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/--exchange/);
  });
});
