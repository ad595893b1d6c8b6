/**
 * The read and control commands against a real `tradebot paper` bot trading on `tradebot sim`
 * (replaying the bundled sample fast): status sees it running, pause/resume are acknowledged,
 * logs show the requests, stop makes it exit 0, and state check passes on what it wrote and
 * fails once a balance is doctored. The simulator runs in this process, so the CLI is spawned
 * asynchronously (a blocking spawn would freeze the simulator).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA, hasAnsi, nonEmptyLines } from '../support/cli.js';
import { runCliAsync } from '../support/cli-async.js';
import { Dec } from '../../src/core/money.js';
import { readState, spawnPaper, waitFor, type PaperChild } from '../support/paper.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('status, control, logs and state check on a real paper bot', () => {
  it('follows the bot through pause, resume and stop', async () => {
    const sim: SimServer = await startSim({ data: SAMPLE_DATA, speed: 3000 });
    cleanups.push(() => sim.close());
    const home = mkdtempSync(path.join(os.tmpdir(), 'tradebot-paper-control-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const cli = (args: string[]) => runCliAsync(args, { cwd: home, env: { TRADEBOT_HOME: home } });
    const status = async () => JSON.parse((await cli(['status', 'p1', '--json'])).stdout) as Record<string, any>;

    const bot: PaperChild = spawnPaper({ home, bot: 'p1', url: sim.url, extra: ['--param', 'fast=3', '--param', 'slow=6'] });
    cleanups.push(() => bot.child.kill('SIGKILL'));
    await waitFor('a closed round trip', () => (readState(home, 'p1')?.engine?.portfolio.closed.length ?? 0) >= 1, 60_000);

    const running = await status();
    expect(running.state).toBe('running');
    expect(running.pid).toBe(bot.child.pid);
    expect(running.heartbeatAgeMs).toBeLessThan(10_000);
    expect(running.equity.start).toBe('10000');
    expect(running.realizedPnl).toMatch(/^-?\d+(\.\d+)?$/);
    const overview = await cli(['status']);
    expect(hasAnsi(overview.stdout)).toBe(false);
    expect(nonEmptyLines(overview.stdout)[1]).toMatch(/^p1\s+paper\s+running\s+BTC\/USDT\s/);

    const paused = await cli(['pause', 'p1']);
    expect(paused.stderr).toBe('');
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/^bot p1 paused \(acknowledged after \d+\.\d s\)/);
    expect((await status()).state).toBe('paused');

    const resumed = await cli(['resume', 'p1']);
    expect(resumed.code).toBe(0);
    expect((await status()).state).toBe('running');

    const logs = await cli(['logs', 'p1', '--since', '10m']);
    expect(logs.stdout).toMatch(/ info  control command=pause seq=1 by=/);
    expect(logs.stdout).toMatch(/ info  control command=resume seq=2 /);

    const stopped = await cli(['stop', 'p1']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^bot p1 stopped \(acknowledged after/);
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect((await status()).state).toBe('stopped');
    expect((await cli(['status'])).stdout).toMatch(/no bot is running \(1 stopped bot/);
    // the bot left a summary of its last state: the list reads it, and it says what the state file says
    expect(existsSync(path.join(home, 'bots', 'p1', 'summary.json'))).toBe(true);
    const timeless = (v: Record<string, any>) => ({ ...v, schemaVersion: 1, heartbeatAgeMs: 0, lastDecision: v.lastDecision && { ...v.lastDecision, ageMs: 0 } });
    const listed = (JSON.parse((await cli(['bots', '--json'])).stdout) as { bots: Record<string, any>[] }).bots[0]!;
    expect(timeless(listed)).toEqual(timeless(await status()));

    const check = await cli(['state', 'check', 'p1']);
    expect(check.stdout).not.toMatch(/^FAIL/m);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^ok\s+p1\s+exchange-balances/m);

    // doctor the quote balance: the books no longer add up
    const file = path.join(home, 'bots', 'p1', 'state.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    // in decimal: a float sum (88.8886826909 + 500 = 588.8886826908999) would be off by 499.9999999999999
    doc.engine.portfolio.balances.USDT = new Dec(doc.engine.portfolio.balances.USDT).plus(500).toFixed();
    writeFileSync(file, JSON.stringify(doc));
    const bad = await cli(['state', 'check', 'p1']);
    expect(bad.code).toBe(5);
    expect(bad.stdout).toMatch(/^FAIL\s+p1\s+quote-balance .*off by 500/m);

    // the last good snapshot comes back
    const restored = await cli(['state', 'restore', 'p1', '--from-backup']);
    expect(restored.code).toBe(0);
    expect((await cli(['state', 'check', 'p1'])).code).toBe(0);
  }, 120_000);
});
