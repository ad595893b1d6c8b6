import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import { cleanupTmpDirs, makeTmpDir, runCli } from '../support/cli.js';
import { liveSim } from '../support/live.js';
import { botDoc, writeBot } from '../support/bot-fixture.js';
import { logRecords, startBot } from '../support/bot-start.js';

/** A start that fails or is declined leaves no bot directory behind, and never removes an existing bot's files. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(cleanupTmpDirs);

async function sim(): Promise<SimServer> {
  const s = await liveSim();
  cleanups.push(() => s.close());
  return s;
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const bots = (home: string) => JSON.parse(runCli(['bots', '--json'], { cwd: home, env: { TRADEBOT_HOME: home } }).stdout) as { bots: { name: string }[] };
const dirs = (home: string) => (existsSync(path.join(home, 'bots')) ? readdirSync(path.join(home, 'bots')) : []);

describe('no ghosts', { timeout: 180_000 }, () => {
  it('a first start that fails leaves no bot directory: unknown exchange, pair, timeframe or strategy, no exchange, unreachable exchange, no keys', async () => {
    const s = await sim();
    const home = makeTmpDir();
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const common = ['--poll', '100', '--warmup', '50'];
    const cases: [string, string[], number, Record<string, string>?][] = [
      ['unknown exchange', ['paper', '--bot', 'g1', '--exchange', 'nosuchexchange', '--pair', 'BTC/USDT', '--timeframe', '5m'], 2],
      ['unknown pair', ['paper', '--bot', 'g2', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'NOPE/USDT', '--timeframe', '5m'], 2],
      ['unknown timeframe', ['paper', '--bot', 'g3', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '7m'], 2],
      ['unknown strategy', ['paper', '--bot', 'g4', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--strategy', 'nope'], 2],
      ['no exchange', ['paper', '--bot', 'g5', '--pair', 'BTC/USDT', '--timeframe', '5m'], 2],
      ['unreachable exchange', ['paper', '--bot', 'g6', '--exchange', 'binance', '--exchange-url', dead, '--pair', 'BTC/USDT', '--timeframe', '5m'], 4],
      ['live without keys', ['live', '--bot', 'g7', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--yes'], 2, { TRADEBOT_API_KEY: undefined, TRADEBOT_API_SECRET: undefined } as unknown as Record<string, string>],
      ['live on an unknown pair', ['live', '--bot', 'g8', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'NOPE/USDT', '--timeframe', '5m', '--yes'], 2],
    ];
    for (const [what, args, code, env] of cases) {
      const r = await startBot([...args, ...common], { home, keys: args[0] === 'live' && !env, ...(env ? { env } : {}) }).done;
      expect(r.code, `${what}: ${r.stderr}`).toBe(code);
      // one error line (a paper start prints its settings first)
      expect(r.stderr.split('\n').filter((l) => l.startsWith('tradebot:')), what).toHaveLength(1);
      expect(dirs(home), what).toEqual([]);
    }
    expect(bots(home).bots).toEqual([]);
  });

  it("a failed restart of an existing bot keeps every one of its files, and records why", async () => {
    const home = makeTmpDir();
    const doc = botDoc('kept');
    doc.bot.apiUrl = `http://127.0.0.1:${await closedPort()}`;
    const dir = writeBot(home, 'kept', doc);
    const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
    const r = await startBot(['paper', '--bot', 'kept'], { home }).done;
    expect(r.code, r.stderr).toBe(4);
    for (const f of Object.keys(before)) expect(existsSync(path.join(dir, f)), f).toBe(true);
    for (const [f, text] of Object.entries(before)) expect(readFileSync(path.join(dir, f), 'utf8'), f).toBe(text);
    const view = JSON.parse(runCli(['status', 'kept', '--json'], { cwd: home, env: { TRADEBOT_HOME: home } }).stdout) as { lastError: { message: string } | null };
    expect(view.lastError?.message).toBe(`start refused: ${r.stderr.trim().split('\n').at(-1)!.replace(/^tradebot: /, '')}`);
    expect(logRecords(home, 'kept').at(-1)).toMatchObject({ event: 'start-refused', exitCode: 4 });
    expect(bots(home).bots.map((b) => b.name)).toEqual(['kept']);
  });
});
