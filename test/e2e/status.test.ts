/**
 * tradebot status and tradebot bots, run as the built CLI against bot state files written by the
 * fixture builder, with real processes standing in for live owners.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, childEnv, cleanupTmpDirs, hasAnsi, makeTmpDir, nonEmptyLines, runCli, DECIMAL_STRING_RE } from '../support/cli.js';
import { botDir, botDoc, deadPid, idleProcess, ownBot, writeBot } from '../support/bot-fixture.js';
import { BotStateFile } from '../../src/store/bot-state-file.js';
import type { BotStateDoc } from '../../src/store/bot-state.js';

afterAll(cleanupTmpDirs);

const children: { kill(): boolean }[] = [];
afterAll(() => {
  for (const c of children) c.kill();
});

function home(): { dir: string; run: (args: string[], env?: Record<string, string | undefined>) => ReturnType<typeof runCli> } {
  const dir = makeTmpDir();
  return { dir, run: (args, env = {}) => runCli(args, { cwd: dir, env: { TRADEBOT_HOME: path.join(dir, 'home'), ...env } }) };
}

function live(h: string, name: string, o: { ageMs?: number; status?: 'running' | 'paused' | 'halted' } = {}): number {
  const child = idleProcess();
  children.push(child);
  writeBot(h, name, botDoc(name, { status: o.status ?? 'running', pid: child.pid, heartbeatAgeMs: Math.max(1_000, o.ageMs ?? 0) }));
  ownBot(h, name, child.pid, { ageMs: o.ageMs ?? 0 });
  return child.pid;
}

describe('tradebot status', { timeout: 60_000 }, () => {
  it('says so when there is no bot at all, and --json gives an empty list', () => {
    const t = home();
    const r = t.run(['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no bot is running/);
    expect(r.stderr).toBe('');
    const j = t.run(['status', '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({ schemaVersion: 1, bots: [], accounts: [] });
  });

  it('lists running, paused, stale and crashed bots one line each, and leaves stopped ones to tradebot bots', async () => {
    const t = home();
    const h = path.join(t.dir, 'home');
    const runningPid = live(h, 'alpha');
    live(h, 'bravo', { status: 'paused' });
    live(h, 'charlie', { ageMs: 60_000 });
    // crashed: the file says running, lock.json names a pid that is gone
    const gone = await deadPid();
    writeBot(h, 'delta', botDoc('delta', { status: 'running', pid: gone }));
    ownBot(h, 'delta', gone, { ageMs: 120_000 });
    writeBot(h, 'echo', botDoc('echo', { status: 'stopped', position: false }));

    const r = t.run(['status']);
    expect(r.code).toBe(0);
    expect(hasAnsi(r.stdout)).toBe(false);
    const lines = nonEmptyLines(r.stdout);
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} `)) ?? '';
    expect(row('alpha')).toMatch(/\bpaper\s+running\s+BTC\/USDT\s+10,185\.90 USDT\s+\+1\.86%\s+1\s+buy BTC\/USDT submitted/);
    expect(row('bravo')).toMatch(/\bpaused\b/);
    expect(row('charlie')).toMatch(/\bstale\b/);
    expect(row('delta')).toMatch(/\bcrashed\b/);
    expect(row('echo')).toBe('');
    expect(r.stdout).toMatch(/1 stopped bot/);

    const j = JSON.parse(t.run(['status', '--json']).stdout) as { schemaVersion: number; bots: Record<string, any>[] };
    expect(j.schemaVersion).toBe(1);
    expect(j.bots.map((b) => [b.name, b.state])).toEqual([
      ['alpha', 'running'],
      ['bravo', 'paused'],
      ['charlie', 'stale'],
      ['delta', 'crashed'],
    ]);
    const a = j.bots[0]!;
    expect(a).toMatchObject({ mode: 'paper', exchange: 'binance', strategy: { name: 'ema-cross', params: { fast: 12, slow: 26 } }, pairs: ['BTC/USDT'], timeframe: '5m' });
    expect(a.pid).toBe(runningPid);
    expect(a.pidAlive).toBe(true);
    expect(a.heartbeatAgeMs).toBeLessThan(10_000);
    expect(a.uptimeMs).toBeGreaterThan(0);
    expect(a.equity).toMatchObject({ start: '10000', last: '10185.9', pnl: '185.9' });
    expect(a.equity.pnlPct).toBeCloseTo(0.01859, 5);
    expect(a.equity.today).toBe('85.9');
    expect(a.realizedPnl).toBe('89.9');
    expect(a.unrealizedPnl).toBe('96'); // 0.1 × 41000 − 4000 − 4
    expect(a.positions).toEqual([{ symbol: 'BTC/USDT', qty: '0.1', entryPrice: '40000', lastPrice: '41000', unrealizedPnl: '96' }]);
    expect(a.openOrders).toEqual([
      { clientOrderId: 'alpha-4', symbol: 'BTC/USDT', side: 'sell', type: 'limit', amount: '0.1', price: '44000', stopPrice: null, filled: '0', status: 'open', purpose: 'take-profit' },
    ]);
    expect(a.lastDecision).toMatchObject({ side: 'buy', outcome: 'submitted' });
    for (const k of ['realizedPnl', 'unrealizedPnl']) expect(a[k]).toMatch(DECIMAL_STRING_RE);
    expect(j.bots[3]!.pidAlive).toBe(false);
  });

  it('shows one bot in detail, plain text without escape codes unless FORCE_COLOR', () => {
    const t = home();
    const h = path.join(t.dir, 'home');
    live(h, 'alpha', { status: 'halted' });
    const r = t.run(['status', 'alpha']);
    expect(r.code).toBe(0);
    expect(hasAnsi(r.stdout)).toBe(false);
    expect(r.stdout).toMatch(/^alpha\s+paper\s+halted \(pid \d+, heartbeat .* ago, up /);
    expect(r.stdout).toMatch(/strategy\s+ema-cross fast=12 slow=26/);
    expect(r.stdout).toMatch(/BTC\/USDT\s+qty 0\.1\s+entry 40000\s+last 41000\s+unrealized \+96\.00/);
    expect(r.stdout).toMatch(/alpha-4\s+BTC\/USDT sell limit 0\.1 @ 44000\s+filled 0\s+open\s+\(take-profit\)/);
    expect(r.stdout).toMatch(/realized \+89\.90, unrealized \+96\.00/);
    expect(hasAnsi(t.run(['status', 'alpha'], { FORCE_COLOR: '1' }).stdout)).toBe(true);
    expect(hasAnsi(t.run(['status', 'alpha'], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout)).toBe(false);

    const j = JSON.parse(t.run(['status', 'alpha', '--json']).stdout) as Record<string, any>;
    expect(j.schemaVersion).toBe(1);
    expect(j.name).toBe('alpha');
    expect(j.state).toBe('halted');
  });

  it('shows a corrupt state file as an error line naming the file, and still lists the others', () => {
    const t = home();
    const h = path.join(t.dir, 'home');
    live(h, 'alpha');
    writeBot(h, 'broken', '{"schemaVersion": 1, "bot": ', { bak: null });
    const r = t.run(['status']);
    expect(r.code).toBe(0);
    const lines = nonEmptyLines(r.stdout);
    expect(lines.find((l) => l.startsWith('alpha '))).toMatch(/running/);
    const bad = lines.find((l) => l.startsWith('broken ')) ?? '';
    expect(bad).toMatch(/error/);
    expect(bad).toContain(path.join(botDir(h, 'broken'), 'state.json'));
    const j = JSON.parse(t.run(['status', '--json']).stdout) as { bots: Record<string, any>[] };
    expect(j.bots.find((b) => b.name === 'broken')!.error).toMatch(/not valid JSON/);
    const one = t.run(['status', 'broken']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/error\s+state file .* is unusable/);
  });

  it("reads each bot's summary while it describes the state file, and the state file itself once it does not", async () => {
    const t = home();
    const h = path.join(t.dir, 'home');
    const pid = live(h, 'alpha');
    live(h, 'bravo');
    // bravo's state written as the runner writes it: with summary.json beside it
    const state = path.join(botDir(h, 'bravo'), 'state.json');
    const summary = path.join(botDir(h, 'bravo'), 'summary.json');
    const file = new BotStateFile(state, summary);
    await file.read();
    await file.write(botDoc('bravo', { status: 'running', pid }));
    const timeless = (v: Record<string, any>) => ({ ...v, heartbeatAgeMs: 0, uptimeMs: 0, lastDecision: { ...v.lastDecision, ageMs: 0 } });
    const listed = () => (JSON.parse(t.run(['status', '--json']).stdout) as { bots: Record<string, any>[] }).bots.find((b) => b.name === 'bravo')!;
    const detail = () => JSON.parse(t.run(['status', 'bravo', '--json']).stdout) as Record<string, any>;

    // the list (from the summary) and the detail (from the state file) agree
    const { schemaVersion, ...fromState } = detail();
    expect(schemaVersion).toBe(1);
    expect(timeless(listed())).toEqual(timeless(fromState));

    // the list does read the summary: a summary that still names the state file is believed
    const doc = JSON.parse(readFileSync(summary, 'utf8')) as { digest: { strategy: { name: string } } };
    doc.digest.strategy.name = 'from-the-summary';
    writeFileSync(summary, JSON.stringify(doc));
    expect(listed().strategy.name).toBe('from-the-summary');
    expect(detail().strategy.name).toBe('ema-cross');

    // a state file changed after its summary (a hand edit here) is read itself
    const edited = JSON.parse(readFileSync(state, 'utf8')) as BotStateDoc;
    edited.runtime.lastError = { time: Date.now(), message: 'edited by hand' };
    writeFileSync(state, JSON.stringify(edited));
    expect(listed()).toMatchObject({ strategy: { name: 'ema-cross' }, lastError: { message: 'edited by hand' } });

    // and a damaged one is shown as such, summary or not
    writeFileSync(state, '{"schemaVersion": 3, "bot": ');
    expect(listed().error).toMatch(/not valid JSON/);
    expect(t.run(['status', '--json']).code).toBe(0);
  });

  it('refuses an unknown bot (exit 2, naming the known ones) and --watch without a terminal (exit 2)', () => {
    const t = home();
    writeBot(path.join(t.dir, 'home'), 'alpha');
    const r = t.run(['status', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no bot named nope .*alpha/);
    const w = t.run(['status', '--watch']);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/--watch needs a terminal/);
    expect(w.stdout).toBe('');
  });

  it('finds the bots under --home, and under the config file home key', () => {
    const t = home();
    const other = path.join(t.dir, 'elsewhere');
    writeBot(other, 'zulu');
    writeBot(other, 'yankee', botDoc('yankee', { status: 'crashed' }));
    expect(t.run(['bots', '--home', other]).stdout).toMatch(/^zulu\s/m);
    writeFileSync(path.join(t.dir, 'tradebot.config.yaml'), 'home: elsewhere\n');
    const r = t.run(['status']);
    expect(r.stdout).toMatch(/^yankee\s+paper\s+crashed/m);
  });
});

describe('tradebot bots', { timeout: 60_000 }, () => {
  it('lists stopped bots too', () => {
    const t = home();
    const h = path.join(t.dir, 'home');
    expect(t.run(['bots']).stdout).toMatch(/no bots in/);
    writeBot(h, 'alpha');
    writeBot(h, 'bravo', botDoc('bravo', { position: false }));
    const r = t.run(['bots']);
    expect(r.code).toBe(0);
    expect(nonEmptyLines(r.stdout).slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['alpha', 'paper', 'stopped'],
      ['bravo', 'paper', 'stopped'],
    ]);
    const j = JSON.parse(t.run(['bots', '--json']).stdout) as { schemaVersion: number; bots: { name: string; positions: unknown[] }[] };
    expect(j.bots.map((b) => [b.name, b.positions.length])).toEqual([
      ['alpha', 1],
      ['bravo', 0],
    ]);
  });

  it('rm refuses a running bot (exit 5), asks for --yes without a terminal (exit 2), and removes with --yes', () => {
    const t = home();
    const h = path.join(t.dir, 'home');
    live(h, 'alpha');
    writeBot(h, 'bravo');
    const running = t.run(['bots', 'rm', 'alpha', '--yes']);
    expect(running.code).toBe(5);
    expect(running.stderr).toMatch(/bot alpha is running .*tradebot stop alpha/);
    expect(existsSync(botDir(h, 'alpha'))).toBe(true);

    const noYes = t.run(['bots', 'rm', 'bravo']);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/--yes/);
    expect(existsSync(botDir(h, 'bravo'))).toBe(true);

    expect(t.run(['bots', 'rm', 'nope', '--yes']).code).toBe(2);

    const ok = t.run(['bots', 'rm', 'bravo', '--yes']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/removed bot bravo/);
    expect(existsSync(botDir(h, 'bravo'))).toBe(false);
    expect(nonEmptyLines(t.run(['bots']).stdout).some((l) => l.startsWith('bravo'))).toBe(false);
  });

  it('rm removes a crashed bot (its lock names a dead pid)', async () => {
    const t = home();
    const h = path.join(t.dir, 'home');
    const gone = await deadPid();
    writeBot(h, 'alpha', botDoc('alpha', { status: 'running', pid: gone }));
    ownBot(h, 'alpha', gone, { ageMs: 60_000 });
    const r = t.run(['bots', 'rm', 'alpha', '-y']);
    expect(r.code).toBe(0);
    expect(existsSync(botDir(h, 'alpha'))).toBe(false);
  });
});

// util-linux `script` gives the CLI a terminal; where it is missing these are skipped
const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

/** `tradebot ...args` on a pseudo-terminal, `input` typed into it; the output and the exit code. */
function onTerminal(dir: string, home: string, args: string, o: { input?: string; interruptAfterS?: number } = {}): { out: string; code: number } {
  const node = JSON.stringify(process.execPath);
  const cmd = o.interruptAfterS
    ? `${node} ${BIN} ${args} & P=$!; sleep ${o.interruptAfterS}; kill -INT $P; wait $P; echo EXIT=$?`
    : `${node} ${BIN} ${args}; echo EXIT=$?`;
  const r = spawnSync('sh', ['-c', `(printf '${o.input ?? ''}'; sleep 2) | script -qfc '${cmd}' /dev/null`], { cwd: dir, env: childEnv(dir, { TRADEBOT_HOME: home }), encoding: 'utf8', timeout: 30_000 });
  const m = /EXIT=(\d+)/.exec(r.stdout);
  return { out: r.stdout, code: m ? Number(m[1]) : -1 };
}

describe.skipIf(!hasScript)('on a terminal', { timeout: 60_000 }, () => {
  it('status --watch redraws until Ctrl+C, then exits 0', () => {
    const dir = makeTmpDir();
    const home = path.join(dir, 'home');
    writeBot(home, 'alpha', botDoc('alpha', { status: 'crashed' }));
    const r = onTerminal(dir, home, 'status --watch', { interruptAfterS: 2.5 });
    expect(r.code).toBe(0);
    expect(r.out.split('\u001b[2J').length).toBeGreaterThanOrEqual(3); // drawn at least twice
    expect(r.out).toMatch(/alpha\s+paper\s+\S*crashed/);
  });

  it('bots rm asks, and keeps the bot unless told yes', () => {
    const dir = makeTmpDir();
    const home = path.join(dir, 'home');
    writeBot(home, 'alpha');
    const no = onTerminal(dir, home, 'bots rm alpha', { input: 'n\\r' });
    expect(no.out).toMatch(/Remove bot alpha/);
    expect(no.out).toMatch(/kept bot alpha/);
    expect(no.code).toBe(0);
    expect(existsSync(botDir(home, 'alpha'))).toBe(true);
    const yes = onTerminal(dir, home, 'bots rm alpha', { input: 'y\\r' });
    expect(yes.out).toMatch(/removed bot alpha/);
    expect(existsSync(botDir(home, 'alpha'))).toBe(false);
  });
});
