/**
 * tradebot stop / pause / resume against stand-in bots (real processes that answer control.json
 * as the runner does, or never answer). test/integration/paper-control.test.ts does the same
 * against a real paper bot.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmpDirs, makeTmpDir, runCli } from '../support/cli.js';
import { spawnCli } from '../support/cli-async.js';
import { waitFor } from '../support/paper.js';
import { botDoc, writeBot } from '../support/bot-fixture.js';
import { startFakeBot, type FakeBot } from '../support/fake-bot.js';
import type { BotRuntime, BotStateDoc } from '../../src/store/bot-state.js';

afterAll(cleanupTmpDirs);
const bots: FakeBot[] = [];
afterAll(() => bots.forEach((b) => b.child.kill()));

/** The pid lock.json names, null when nobody holds the bot. */
function lockPid(home: string, name: string): number | null {
  const f = path.join(home, 'bots', name, 'lock.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { pid: number }).pid : null;
}

function runtime(home: string, name: string): BotRuntime {
  return (JSON.parse(readFileSync(path.join(home, 'bots', name, 'state.json'), 'utf8')) as BotStateDoc).runtime;
}

function setup() {
  const dir = makeTmpDir();
  const home = path.join(dir, 'home');
  const run = (args: string[]) => runCli(args, { cwd: dir, env: { TRADEBOT_HOME: home } });
  const state = (name: string) => JSON.parse(run(['status', name, '--json']).stdout) as { state: string };
  const start = async (name: string, o: { deaf?: boolean } = {}) => {
    const b = await startFakeBot(writeBot(home, name, botDoc(name, { status: 'running' })), o);
    bots.push(b);
    return b;
  };
  return { dir, home, run, state, start };
}

describe('tradebot stop / pause / resume', { timeout: 60_000 }, () => {
  it('pause and resume are acknowledged and show in status; stop waits for the bot to exit', async () => {
    const t = setup();
    const bot = await t.start('alpha');
    expect(t.state('alpha').state).toBe('running');

    const p = t.run(['pause', 'alpha']);
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/^bot alpha paused \(acknowledged after \d+\.\d s\)\n$/);
    expect(t.state('alpha').state).toBe('paused');

    const r = t.run(['resume', 'alpha']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bot alpha resumed \(acknowledged after/);
    expect(t.state('alpha').state).toBe('running');

    // the bot it asks holds the lock; a stop is done when that process acknowledged, wrote its
    // state as stopped, let go of the lock and exited, in that order
    expect(lockPid(t.home, 'alpha')).toBe(bot.child.pid);
    const s = t.run(['stop', 'alpha']);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^bot alpha stopped \(acknowledged after/);
    expect(bot.child.exitCode ?? (await bot.exited)).toBe(0);
    expect(lockPid(t.home, 'alpha')).toBeNull();
    const req = JSON.parse(readFileSync(path.join(t.home, 'bots', 'alpha', 'control.json'), 'utf8')) as { seq: number; command: string; by: string };
    expect(req).toMatchObject({ seq: 3, command: 'stop' });
    expect(req.by).toMatch(/^tradebot stop \(pid \d+/);
    expect(runtime(t.home, 'alpha')).toMatchObject({ status: 'stopped', pid: null, ack: { seq: req.seq, command: 'stop' } });
    expect(t.state('alpha').state).toBe('stopped');
  });

  it('a bot that is not running: stop says so (exit 0), pause and resume refuse (exit 2)', () => {
    const t = setup();
    writeBot(t.home, 'alpha');
    const s = t.run(['stop', 'alpha']);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/bot alpha is not running \(stopped\)/);
    for (const cmd of ['pause', 'resume']) {
      const r = t.run([cmd, 'alpha']);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toMatch(/bot alpha is not running/);
    }
    expect(t.run(['stop', 'nope']).code).toBe(2);
    expect(t.run(['stop']).code).toBe(2);
    expect(t.run(['stop', 'alpha', '--all']).code).toBe(2);
    expect(t.run(['stop', 'alpha', '--timeout', '0']).code).toBe(2);
  });

  it('an owner that does not answer: exit 5 after --timeout, the request left for it', async () => {
    const t = setup();
    await t.start('alpha', { deaf: true });
    const t0 = Date.now();
    const r = t.run(['stop', 'alpha', '--timeout', '1']);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/bot alpha did not acknowledge stop within 1 s \(pid \d+, last heartbeat .* ago\); the request stays in .*control\.json/);
    expect(t.state('alpha').state).toBe('running');
    const p = t.run(['pause', 'alpha', '--timeout', '0.5']);
    expect(p.code).toBe(5);
  });

  it('an owner that dies instead of answering ends the wait at once: stop exits 0, and nothing claims it stopped', async () => {
    const t = setup();
    const bot = await t.start('alpha', { deaf: true });
    const stopping = spawnCli(['stop', 'alpha', '--timeout', '20'], { cwd: t.dir, env: { TRADEBOT_HOME: t.home } });
    // the request is out before the owner dies: the wait ends because the owner is gone, not by timeout
    await waitFor('the stop request', () => existsSync(path.join(t.home, 'bots', 'alpha', 'control.json')));
    bot.child.kill('SIGKILL');
    expect((await bot.exited)).toBeNull();
    const r = await stopping.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/bot alpha is not running \(crashed\)/);
    // unlike a stop: no acknowledgement, the state file still says running, the dead owner's lock is still there
    const req = JSON.parse(readFileSync(path.join(t.home, 'bots', 'alpha', 'control.json'), 'utf8')) as { seq: number };
    const rt = runtime(t.home, 'alpha');
    expect(rt.status).toBe('running');
    expect(rt.ack?.seq ?? 0).toBeLessThan(req.seq);
    expect(lockPid(t.home, 'alpha')).toBe(bot.child.pid);
    expect(t.state('alpha').state).toBe('crashed');
  });

  it('stop --all stops every running bot and leaves stopped ones alone', async () => {
    const t = setup();
    const a = await t.start('alpha');
    const b = await t.start('bravo');
    writeBot(t.home, 'charlie');
    const r = t.run(['stop', '--all']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([expect.stringMatching(/^bot alpha stopped/), expect.stringMatching(/^bot bravo stopped/)]);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    expect(t.run(['stop', '--all']).stdout).toBe('no bot is running\n');
  });
});

describe('tradebot forceexit', { timeout: 60_000 }, () => {
  it('refuses a pair the bot does not trade and a bot that is not running (exit 2), requesting nothing', async () => {
    const home = makeTmpDir();
    const run = (args: string[]) => runCli(args, { cwd: home, env: { TRADEBOT_HOME: home } });
    bots.push(await startFakeBot(writeBot(home, 'up', botDoc('up', { status: 'running' }))));
    writeBot(home, 'down', botDoc('down'));
    const wrong = run(['forceexit', 'up', 'ETH/USDT']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('tradebot: bot up trades BTC/USDT, not ETH/USDT\n');
    expect(existsSync(path.join(home, 'bots', 'up', 'control.json'))).toBe(false);
    const down = run(['forceexit', 'down', 'all']);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^tradebot: bot down is not running \(stopped\): nothing to forceexit/);
    expect(run(['forceexit', 'up']).code).toBe(2);
  });
});
