import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanupTmpDirs, makeTmpDir, runCli } from '../support/cli.js';
import { botDoc, writeBot } from '../support/bot-fixture.js';
import { startFakeBot, type FakeBot } from '../support/fake-bot.js';
import type { BotStateDoc } from '../../src/store/bot-state.js';

/**
 * `tradebot panic` where it cannot do its job: a bot that is not running, and one that does not
 * stop in time. (Panic on a real live bot with a resting stop-loss: test/e2e/confirm-pty.test.ts.)
 */
afterAll(cleanupTmpDirs);
const bots: FakeBot[] = [];
afterAll(() => bots.forEach((b) => b.child.kill('SIGKILL')));

describe('tradebot panic', { timeout: 60_000 }, () => {
  it('a bot that is not running: exit 2, nothing requested, its state untouched', () => {
    const home = makeTmpDir();
    const dir = writeBot(home, 'idle', botDoc('idle'));
    const before = readFileSync(path.join(dir, 'state.json'), 'utf8');
    const r = runCli(['panic', 'idle', '--yes'], { cwd: home, env: { TRADEBOT_HOME: home } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tradebot: bot idle is not running/);
    expect(existsSync(path.join(dir, 'control.json'))).toBe(false);
    expect(readFileSync(path.join(dir, 'state.json'), 'utf8')).toBe(before);
    expect(runCli(['panic', 'nobody', '--yes'], { cwd: home, env: { TRADEBOT_HOME: home } }).code).toBe(2);
  });

  it('a bot that does not stop in time: exit 5 after --timeout, the panic request left for it, the bot still running', async () => {
    const home = makeTmpDir();
    const dir = writeBot(home, 'deaf', botDoc('deaf', { status: 'running' }));
    const bot = await startFakeBot(dir, { deaf: true });
    bots.push(bot);
    const r = runCli(['panic', 'deaf', '--yes', '--timeout', '1'], { cwd: home, env: { TRADEBOT_HOME: home } });
    expect(r.code).toBe(5);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('tradebot:'))).toHaveLength(1); // after the summary of what was asked
    const req = JSON.parse(readFileSync(path.join(dir, 'control.json'), 'utf8')) as { command: string; seq: number };
    expect(req.command).toBe('panic');
    const doc = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as BotStateDoc;
    expect(doc.runtime.status).toBe('running');
    expect(doc.runtime.ack?.seq ?? 0).toBeLessThan(req.seq);
    expect(bot.child.exitCode).toBeNull(); // still alive: nothing was stopped behind the operator's back
    expect(runCli(['panic', 'deaf', '--yes', '--timeout', '0'], { cwd: home, env: { TRADEBOT_HOME: home } }).code).toBe(2);
  });
});
