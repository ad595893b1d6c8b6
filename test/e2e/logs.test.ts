/**
 * tradebot logs: the bot's log and its rotations, filtered by --since, and followed with -f.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BotLog } from '../../src/bot/bot-log.js';
import { BIN, childEnv, cleanupTmpDirs, hasAnsi, makeTmpDir, nonEmptyLines, runCli } from '../support/cli.js';
import { botDir, writeBot, writeLog } from '../support/bot-fixture.js';

afterAll(cleanupTmpDirs);

const MIN = 60_000;

function setup() {
  const dir = makeTmpDir();
  const home = path.join(dir, 'home');
  const now = Date.now();
  writeBot(home, 'alpha');
  writeLog(home, 'alpha', [{ time: now - 5 * 60 * MIN, level: 'info', event: 'started', mode: 'paper' }], 'log.jsonl.1');
  writeLog(home, 'alpha', [
    { time: now - 30 * MIN, level: 'warn', event: 'feed-degraded', message: 'request timed out' },
    { time: now - 5 * MIN, level: 'info', event: 'control', command: 'pause', seq: 1 },
  ]);
  const run = (args: string[]) => runCli(args, { cwd: dir, env: { TRADEBOT_HOME: home } });
  return { dir, home, now, run };
}

describe('tradebot logs', { timeout: 60_000 }, () => {
  it('prints the rotations oldest first as time level event key=value lines, without escape codes', () => {
    const t = setup();
    const r = t.run(['logs', 'alpha']);
    expect(r.code).toBe(0);
    expect(hasAnsi(r.stdout)).toBe(false);
    const lines = nonEmptyLines(r.stdout);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info  started mode=paper$/);
    expect(lines[1]).toMatch(/ warn  feed-degraded message="request timed out"$/);
    expect(lines[2]).toMatch(/ info  control command=pause seq=1$/);
  });

  it('--since keeps the recent records (a duration or a date), --json prints the stored lines', () => {
    const t = setup();
    expect(nonEmptyLines(t.run(['logs', 'alpha', '--since', '10m']).stdout)).toHaveLength(1);
    expect(nonEmptyLines(t.run(['logs', 'alpha', '--since', '1h']).stdout)).toHaveLength(2);
    expect(nonEmptyLines(t.run(['logs', 'alpha', '--since', '1d']).stdout)).toHaveLength(3);
    expect(nonEmptyLines(t.run(['logs', 'alpha', '--since', new Date(t.now - 40 * MIN).toISOString()]).stdout)).toHaveLength(2);
    const j = nonEmptyLines(t.run(['logs', 'alpha', '--json', '--since', '1h']).stdout).map((l) => JSON.parse(l) as { event: string });
    expect(j.map((x) => x.event)).toEqual(['feed-degraded', 'control']);
    const bad = t.run(['logs', 'alpha', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since/);
    expect(t.run(['logs', 'nope']).code).toBe(2);
  });

  it('--level and --event keep the records asked for; a bad one is a usage error', () => {
    const t = setup();
    expect(nonEmptyLines(t.run(['logs', 'alpha', '--level', 'warn']).stdout)).toEqual([expect.stringMatching(/ warn  feed-degraded /)]);
    const j = nonEmptyLines(t.run(['logs', 'alpha', '--event', 'control,started', '--json']).stdout).map((l) => (JSON.parse(l) as { event: string }).event);
    expect(j).toEqual(['started', 'control']);
    expect(nonEmptyLines(t.run(['logs', 'alpha', '--event', 'feed-*', '--since', '1h']).stdout)).toHaveLength(1);
    const bad = t.run(['logs', 'alpha', '--level', 'loud']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tradebot: --level "loud"/);
  });

  it('a bot with no log yet prints nothing and exits 0', () => {
    const t = setup();
    writeBot(t.home, 'bravo');
    const r = t.run(['logs', 'bravo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('-f prints what is appended until Ctrl+C, then exits 0', async () => {
    const t = setup();
    const child = spawn(process.execPath, [BIN, 'logs', 'alpha', '-f', '--since', '10m'], { cwd: t.dir, env: childEnv(t.dir, { TRADEBOT_HOME: t.home }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(re);
    };
    await waitFor(/control command=pause/);
    appendFileSync(path.join(botDir(t.home, 'alpha'), 'log.jsonl'), `${JSON.stringify({ time: Date.now(), level: 'error', event: 'crashed', message: 'boom' })}\n`);
    await waitFor(/error crashed message=boom/);
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(nonEmptyLines(out)).toHaveLength(2);
  });

  it('-f across rotations at 5 MB prints every line once, in order', async () => {
    const t = setup();
    const log = new BotLog(path.join(botDir(t.home, 'alpha'), 'log.jsonl')); // rotates at 5 MB, as a bot's does
    const child = spawn(process.execPath, [BIN, 'logs', 'alpha', '-f', '--json', '--since', '1m'], { cwd: t.dir, env: childEnv(t.dir, { TRADEBOT_HOME: t.home }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const until = async (cond: () => boolean, what: string) => {
      for (let i = 0; i < 1200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!cond()) throw new Error(`timed out waiting for ${what}`);
    };
    await log.write(Date.now(), 'info', 'tick', { seq: 0 });
    await until(() => out.includes('"seq":0'), 'the first line');
    // ~12 MB of 2 kB lines: two rotations while the follower reads
    const N = 6_000;
    const pad = 'x'.repeat(1_950);
    for (let seq = 1; seq < N; seq++) await log.write(Date.now(), 'info', 'tick', { seq, pad });
    expect(readFileSync(`${log.path}.2`, 'utf8')).toContain('"event":"tick"');
    await until(() => out.includes(`"seq":${N - 1},`), 'the last line');
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    const seqs = nonEmptyLines(out)
      .map((l) => JSON.parse(l) as { event: string; seq?: number })
      .filter((r) => r.event === 'tick')
      .map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: N }, (_, i) => i));
  });
});

