/**
 * Environment problems are not internal errors: a home that is a file, a home that cannot be
 * created (/proc, where Node's recursive mkdir spins forever) or written give one line naming
 * the path and exit 5, never exit 3 "internal error".
 */
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA, cleanupTmpDirs, makeTmpDir, sampleCsvHead, stackLines, writeFile, type CliResult } from '../support/cli.js';
// not spawnSync: this process serves the exchange paper talks to
import { runCliAsync as runCli } from '../support/cli-async.js';

const T0 = Date.UTC(2024, 0, 1);
const M5 = 5 * 60_000;

let sim: SimServer;
beforeAll(async () => {
  sim = await startSim({ data: SAMPLE_DATA, start: T0 + 600 * M5 + 60_000, speed: 0 });
});
afterAll(async () => {
  await sim?.close();
  cleanupTmpDirs();
});

const IMPORT = ['data', 'import', 'candles.csv', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m'];
const paper = (): string[] => ['paper', '--bot', 'p', '--exchange', 'binance', '--exchange-url', sim.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--warmup', '10'];

function expectEnvironmentError(r: CliResult, what: string, culprit: string): void {
  expect(r.code, `${what}: ${r.stderr}`).toBe(5);
  const lines = r.stderr.trim().split('\n');
  expect(lines, what).toHaveLength(1);
  expect(lines[0], what).toContain(culprit);
  expect(lines[0], what).not.toMatch(/internal error/);
  expect(stackLines(r.stderr), what).toEqual([]);
}

function workDir(): string {
  const dir = makeTmpDir();
  writeFile(dir, 'candles.csv', sampleCsvHead(50));
  return dir;
}

describe('a home that is a file', { timeout: 120_000 }, () => {
  it('TRADEBOT_HOME naming a file: every command exits 5 naming it', async () => {
    const dir = workDir();
    const file = writeFile(dir, 'not-a-dir', 'x');
    for (const args of [['bots'], ['status'], ['data', 'list'], IMPORT, paper()]) {
      const r = await runCli(args, { cwd: dir, env: { TRADEBOT_HOME: file } });
      expectEnvironmentError(r, args.slice(0, 2).join(' '), file);
    }
  });

  it('--home naming a file: the same', async () => {
    const dir = workDir();
    const file = writeFile(dir, 'not-a-dir', 'x');
    for (const args of [['bots', '--home', file], ['status', '--home', file], ['data', 'list', '--home', file], [...IMPORT, '--home', file], [...paper(), '--home', file]]) {
      const r = await runCli(args, { cwd: dir });
      expectEnvironmentError(r, args.slice(0, 2).join(' '), file);
    }
  });
});

describe.runIf(process.platform === 'linux' && existsSync('/proc/self'))('a home that cannot be created', { timeout: 120_000 }, () => {
  it('TRADEBOT_HOME under /proc ends at once with exit 5 (it spun at 100 % CPU forever)', async () => {
    const dir = workDir();
    const home = `/proc/tradebot-${process.pid}/home`;
    for (const args of [IMPORT, paper()]) {
      const r = await runCli(args, { cwd: dir, env: { TRADEBOT_HOME: home }, timeoutMs: 30_000 });
      expectEnvironmentError(r, args[0]!, `/proc/tradebot-${process.pid}`);
    }
  });
});

describe('a home that cannot be written', { timeout: 60_000 }, () => {
  const root = process.getuid?.() === 0;
  // root ignores file modes: use a file system that refuses root too (sysfs)
  it.runIf(!root || (process.platform === 'linux' && existsSync('/sys/kernel')))('data import and paper exit 5 naming the directory', async () => {
    const dir = workDir();
    let home: string;
    if (root) {
      home = `/sys/tradebot-${process.pid}`;
    } else {
      const locked = path.join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      home = path.join(locked, 'home');
    }
    try {
      for (const args of [IMPORT, paper()]) {
        const r = await runCli(args, { cwd: dir, env: { TRADEBOT_HOME: home } });
        expectEnvironmentError(r, args[0]!, home);
      }
    } finally {
      if (!root) chmodSync(path.join(dir, 'locked'), 0o700);
    }
  });
});
