/**
 * A --data file parsed once is kept in the home's cache and loaded from there while it is
 * unchanged; the file itself always wins.
 */
import { appendFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmpDirs, makeTmpDir, runCli } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const T0 = Date.UTC(2024, 0, 1);
const STEP = 300_000; // 5m: rows enough for days of data (over a few hours a CAGR overflows to Infinity)

/** Prices between 111 and 129, so every row of every phase has the same length. */
function csvRows(from: number, n: number, phase = 0): string {
  let out = '';
  for (let i = from; i < from + n; i++) {
    const p = 120 + 8 * Math.sin((i + phase) / 15) + (i % 7) * 0.1;
    out += `${T0 + i * STEP},${p.toFixed(2)},${(p + 0.5).toFixed(2)},${(p - 0.5).toFixed(2)},${(p + 0.1).toFixed(2)},${(10 + (i % 5)).toFixed(1)}\n`;
  }
  return out;
}

describe('backtest --data: the parsed-file cache', { timeout: 60_000 }, () => {
  const args = (file: string) => ['backtest', '--data', file, '--pair', 'BTC/USDT', '--param', 'fast=5', '--param', 'slow=12', '--json'];
  const cacheDir = (home: string) => path.join(home, '.local', 'share', 'tradebot', 'cache', 'files');

  it('writes the parsed file once, and the next run from the cache prints the same document byte for byte', () => {
    const dir = makeTmpDir();
    const file = path.join(dir, 'candles.csv');
    writeFileSync(file, `timestamp,open,high,low,close,volume\n${csvRows(0, 3000)}`);
    const first = runCli(args(file), { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const cached = readdirSync(cacheDir(dir)).filter((f) => f.endsWith('.tbc'));
    expect(cached).toHaveLength(1);
    const written = statSync(path.join(cacheDir(dir), cached[0]!)).mtimeMs;
    const second = runCli(args(file), { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    // a hit: the cached copy was read, not written again
    expect(statSync(path.join(cacheDir(dir), cached[0]!)).mtimeMs).toBe(written);
  });

  it('a changed file is parsed again: appended rows, and an edit in place that keeps the size', () => {
    const dir = makeTmpDir();
    const file = path.join(dir, 'candles.csv');
    writeFileSync(file, csvRows(0, 3000));
    const before = JSON.parse(runCli(args(file), { cwd: dir }).stdout) as { data: { candles: number }; metrics: { finalEquity: number } };
    expect(before.data.candles).toBe(3000);

    appendFileSync(file, csvRows(3000, 50));
    const grown = JSON.parse(runCli(args(file), { cwd: dir }).stdout) as { data: { candles: number } };
    expect(grown.data.candles).toBe(3050);

    // rewritten in place to the same size with other prices: a new modification time
    const original = csvRows(0, 3050);
    const edited = csvRows(0, 3050, 7);
    expect(edited.length).toBe(original.length);
    writeFileSync(file, edited);
    const after = runCli(args(file), { cwd: dir });
    expect(after.code, after.stderr).toBe(0);
    expect((JSON.parse(after.stdout) as { metrics: { finalEquity: number } }).metrics.finalEquity).not.toBe(before.metrics.finalEquity);
  });

  it('a home that cannot be written is no error: the backtest runs from the file', () => {
    const dir = makeTmpDir();
    const file = path.join(dir, 'candles.csv');
    writeFileSync(file, csvRows(0, 3000));
    const home = path.join(dir, 'home');
    writeFileSync(home, 'not a directory');
    const r = runCli(args(file), { cwd: dir, env: { TRADEBOT_HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(existsSync(path.join(dir, '.local'))).toBe(false);
  });
});
