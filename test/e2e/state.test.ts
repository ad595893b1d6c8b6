/**
 * tradebot state check and tradebot state restore, on state files written by the fixture builder
 * (the paper-bot integration test checks a real bot's state).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmpDirs, hasAnsi, makeTmpDir, nonEmptyLines, runCli } from '../support/cli.js';
import { botDoc, idleProcess, ownBot, writeBot } from '../support/bot-fixture.js';
import { STATE_SCHEMA_VERSION } from '../../src/store/bot-state.js';

afterAll(cleanupTmpDirs);
const children: { kill(): boolean }[] = [];
afterAll(() => children.forEach((c) => c.kill()));

function setup() {
  const dir = makeTmpDir();
  const home = path.join(dir, 'home');
  return { dir, home, run: (args: string[]) => runCli(args, { cwd: dir, env: { TRADEBOT_HOME: home } }) };
}

describe('tradebot state check', { timeout: 60_000 }, () => {
  it('passes on consistent bots, one line per check, exit 0', () => {
    const t = setup();
    writeBot(t.home, 'alpha');
    writeBot(t.home, 'bravo', botDoc('bravo', { position: false }));
    const r = t.run(['state', 'check']);
    expect(r.code).toBe(0);
    expect(hasAnsi(r.stdout)).toBe(false);
    const lines = nonEmptyLines(r.stdout);
    expect(lines.filter((l) => l.startsWith('ok ')).length).toBe(14); // 7 checks × 2 bots
    expect(lines.at(-1)).toMatch(/all checks passed \(2 bots\)/);
    const one = t.run(['state', 'check', 'bravo']);
    expect(one.code).toBe(0);
    expect(nonEmptyLines(one.stdout).every((l) => !l.includes('alpha'))).toBe(true);
  });

  it('fails (exit 5) on a doctored balance, naming the check and the difference', () => {
    const t = setup();
    writeBot(t.home, 'alpha');
    const doc = botDoc('bravo');
    doc.engine!.portfolio.balances.USDT = '6185.9';
    writeBot(t.home, 'bravo', doc);
    const r = t.run(['state', 'check']);
    expect(r.code).toBe(5);
    const fails = nonEmptyLines(r.stdout).filter((l) => l.startsWith('FAIL'));
    expect(fails.map((l) => l.split(/\s+/).slice(1, 3).join(' '))).toEqual(['bravo quote-balance', 'bravo exchange-balances']);
    expect(fails[0]).toContain('off by 100');
    const j = JSON.parse(t.run(['state', 'check', '--json']).stdout) as { schemaVersion: number; ok: boolean; checks: { bot: string; check: string; status: string }[] };
    expect(j.schemaVersion).toBe(1);
    expect(j.ok).toBe(false);
    expect(j.checks.filter((c) => c.status === 'fail').map((c) => c.check)).toEqual(['quote-balance', 'exchange-balances']);
  });

  it('fails on a corrupt state file, naming it; an unknown bot is a usage error', () => {
    const t = setup();
    writeBot(t.home, 'alpha', '', { bak: botDoc('alpha') });
    const r = t.run(['state', 'check', 'alpha']);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/^FAIL\s+alpha\s+state\s+state file .*state\.json is unusable: it is empty/m);
    expect(t.run(['state', 'check', 'nope']).code).toBe(2);
  });
});

describe('tradebot state restore', { timeout: 60_000 }, () => {
  it('puts the backup in place, keeping the broken file; the bot then checks clean', () => {
    const t = setup();
    const dir = writeBot(t.home, 'alpha', '{"schemaVersion":1,"bot":{', { bak: botDoc('alpha') });
    const bak = readFileSync(path.join(dir, 'state.json.bak'), 'utf8');
    expect(t.run(['state', 'check', 'alpha']).code).toBe(5);
    const r = t.run(['state', 'restore', 'alpha', '--from-backup']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restored bot alpha from state\.json\.bak .*kept as .*state\.json\.broken-\d+/);
    expect(readFileSync(path.join(dir, 'state.json'), 'utf8')).toBe(bak);
    const broken = readdirSync(dir).filter((f) => /^state\.json\.broken-\d+$/.test(f));
    expect(broken).toHaveLength(1);
    expect(readFileSync(path.join(dir, broken[0]!), 'utf8')).toBe('{"schemaVersion":1,"bot":{');
    expect(t.run(['state', 'check', 'alpha']).code).toBe(0);
    expect(existsSync(path.join(dir, 'lock.json'))).toBe(false);
  });

  it('refuses while the bot runs (exit 5) and changes nothing', () => {
    const t = setup();
    const child = idleProcess();
    children.push(child);
    const dir = writeBot(t.home, 'alpha', botDoc('alpha', { status: 'running', pid: child.pid }));
    ownBot(t.home, 'alpha', child.pid);
    // a live owner holds the lock directory too, as proper-lockfile leaves it
    mkdirSync(path.join(dir, 'state.lock'));
    const before = readFileSync(path.join(dir, 'state.json'), 'utf8');
    const r = t.run(['state', 'restore', 'alpha', '--from-backup']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(new RegExp(`bot alpha is running \\(pid ${child.pid}`));
    expect(readFileSync(path.join(dir, 'state.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir).some((f) => f.includes('broken'))).toBe(false);
  });

  it('refuses a corrupt backup (exit 5), and needs --from-backup (exit 2)', () => {
    const t = setup();
    const dir = writeBot(t.home, 'alpha', botDoc('alpha'), { bak: `{"schemaVersion":${STATE_SCHEMA_VERSION},"bot":{}}` });
    const r = t.run(['state', 'restore', 'alpha', '--from-backup']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/backup cannot be restored: .*state\.json\.bak is invalid.*nothing was changed/);
    expect(readdirSync(dir).some((f) => f.includes('broken'))).toBe(false);
    expect(t.run(['state', 'restore', 'alpha']).code).toBe(2);
    expect(t.run(['state', 'restore', 'nope', '--from-backup']).code).toBe(2);
  });
});
