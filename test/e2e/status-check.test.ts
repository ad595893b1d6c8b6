/**
 * `tradebot status NAME --check` for probes: exit 0 and "ok" for a healthy bot, exit 1 and one
 * line why otherwise (stopped, a stale candle, halted), exit 2 for usage errors. (A real bot going
 * from healthy to stopped: test/e2e/notify.test.ts.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli } from '../support/cli.js';
import { botDoc, writeBot } from '../support/bot-fixture.js';
import { startFakeBot, type FakeBot } from '../support/fake-bot.js';

afterAll(cleanupTmpDirs);
const bots: FakeBot[] = [];
afterAll(() => bots.forEach((b) => b.child.kill('SIGKILL')));

describe('tradebot status NAME --check', { timeout: 60_000 }, () => {
  it('exit 0 for a running bot with a fresh candle, 1 with the reason otherwise, 2 for usage errors', async () => {
    const home = makeTmpDir();
    const run = (args: string[]) => runCli(args, { cwd: home, env: { TRADEBOT_HOME: home } });
    const fresh = botDoc('fresh', { status: 'running' });
    fresh.runtime.lastCandleAt = Date.now() - 5_000;
    const late = botDoc('late', { status: 'running' });
    late.runtime.lastCandleAt = Date.now() - 30 * 60_000;
    late.runtime.startedAt = Date.now() - 3_600_000;
    const halted = botDoc('halted', { status: 'halted', halt: { code: 'daily-loss-limit', since: Date.now(), message: "today's loss 6.00% exceeds the limit 5.00%" } });
    halted.runtime.lastCandleAt = Date.now();
    for (const d of [fresh, late, halted]) bots.push(await startFakeBot(writeBot(home, d.bot.name, d)));
    writeBot(home, 'idle', botDoc('idle'));

    const ok = run(['status', 'fresh', '--check']);
    expect(ok.code).toBe(0);
    expect(nonEmptyLines(ok.stdout)).toEqual([expect.stringMatching(/^ok fresh: running: heartbeat \d+ s old, last candle \d+ s ago$/)]);
    const j = run(['status', 'fresh', '--check', '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ schemaVersion: 1, name: 'fresh', ok: true });

    const stale = run(['status', 'late', '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/^FAIL late: last candle handled \d+ s ago \(max 420 s: one 5m candle plus 120 s\)\n$/);
    expect(run(['status', 'late', '--check', '--max-age', '1h']).code).toBe(0);

    const h = run(['status', 'halted', '--check']);
    expect(h.code).toBe(1);
    expect(h.stdout).toBe("FAIL halted: halted: today's loss 6.00% exceeds the limit 5.00%\n");

    const idle = run(['status', 'idle', '--check']);
    expect(idle.code).toBe(1);
    expect(idle.stdout).toBe('FAIL idle: not running (stopped)\n');

    expect(run(['status', '--check']).code).toBe(2);
    expect(run(['status', 'nobody', '--check']).code).toBe(2);
    const bad = run(['status', 'fresh', '--check', '--max-age', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tradebot: --max-age must be a duration/);
  });
});
