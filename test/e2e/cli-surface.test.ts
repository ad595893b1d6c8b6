/**
 * The command line as a whole: every command is walked from the real commander tree.
 * - commander's own usage errors are one `tradebot:` line with a suggestion, exit 2;
 * - every single-value flag given twice is refused (exit 2) before anything runs; --param stays repeatable;
 * - --debug is in every command's --help;
 * - paper --home and live --home put the bot where they say.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../commands/options.js';
import { buildProgram, run } from '../../src/cli.js';
import type { CommandEnv } from '../../src/io.js';
import { runCliAsync } from '../support/cli-async.js';
import { TINY_RANGE, cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli } from '../support/cli.js';
import { liveSim, spawnLive } from '../support/live.js';
import { spawnPaper, waitFor } from '../support/paper.js';
import type { SimServer } from '../../src/exchange/sim-server/server.js';

afterAll(cleanupTmpDirs);

/** Runs the CLI in this process against buffers: only for argv that never reaches an action. */
async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const env: CommandEnv = { cwd: makeTmpDir(), env: {}, stdout: out, stderr: err };
  const code = await run(['node', 'tradebot', ...args], env);
  return { code, stdout, stderr };
}

/** The whole command tree, every lazily loaded command included. */
const PROGRAM = await buildProgram({ cwd: process.cwd(), env: {}, stdout: process.stdout, stderr: process.stderr });

/** Every command of the tree with its path (`data import`), leaves and groups alike. */
function allCommands(): { path: string[]; cmd: Command }[] {
  const out: { path: string[]; cmd: Command }[] = [];
  const walk = (cmd: Command, prefix: string[]) => {
    for (const sub of cmd.commands) {
      const p = [...prefix, sub.name()];
      out.push({ path: p, cmd: sub });
      walk(sub, p);
    }
  };
  walk(PROGRAM, []);
  return out;
}

/** Options that take one value; repeatable ones (--param, --space) accumulate with collect. */
const takesOneValue = (o: Option): boolean => (o.required || o.optional) && !o.variadic && o.parseArg !== collect;

describe('usage errors of commander itself', { timeout: 60_000 }, () => {
  it.each([
    [['backtest', '--stratgy', 'rsi'], '--strategy'],
    [['status', '--jsno'], '--json'],
    [['data', 'list', '--hom', 'x'], '--home'],
    [['bakctest'], 'backtest'],
  ])('%j: one tradebot: line with the suggestion, exit 2', (args, suggestion) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = nonEmptyLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tradebot: /);
    expect(lines[0]).toContain(args.find((a) => a !== 'data' && a !== 'list')!);
    expect(lines[0]).toContain(suggestion);
  });

  it('a missing option value or required option is one tradebot: line too', async () => {
    for (const args of [['backtest', '--cash'], ['paper'], ['data', 'import']]) {
      const r = await runInProcess(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(nonEmptyLines(r.stderr), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(/^tradebot: /);
    }
  });
});

describe('a single-value flag given twice', { timeout: 120_000 }, () => {
  const cases = allCommands().flatMap(({ path: p, cmd }) =>
    cmd.options.filter(takesOneValue).map((o) => {
      const [a, b] = o.argChoices && o.argChoices.length >= 2 ? o.argChoices : ['aaa', 'bbb'];
      return { name: `${p.join(' ')} ${o.long!}`, args: [...p, o.long!, a!, o.long!, b!], flag: o.long!, values: [a!, b!] };
    }),
  );

  it('the walk finds the options (strategy, home, exchange, ...)', () => {
    expect(cases.length).toBeGreaterThan(50);
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['backtest --strategy', 'paper --bot', 'live --exchange', 'data import --home', 'status --home']));
  });

  it('is refused for every single-value option of every command, naming the flag and both values', async () => {
    for (const c of cases) {
      const r = await runInProcess(c.args);
      expect(r.code, `${c.name}: ${r.stderr}`).toBe(2);
      expect(nonEmptyLines(r.stderr), c.name).toHaveLength(1);
      for (const s of [c.flag, ...c.values]) expect(r.stderr, c.name).toContain(s);
    }
  });

  it('--strategy rsi --strategy macd no longer runs macd', () => {
    const r = runCli(['backtest', ...TINY_RANGE, '--strategy', 'rsi', '--strategy', 'macd', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('--param stays repeatable', () => {
    const r = runCli(['backtest', ...TINY_RANGE, '--strategy', 'rsi', '--param', 'period=10', '--param', 'lower=25', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { strategy: { params: Record<string, number> } }).strategy.params).toMatchObject({ period: 10, lower: 25 });
  });
});

describe('--debug in every command\'s help', { timeout: 60_000 }, () => {
  it('each command lists --debug', async () => {
    for (const { path: p } of allCommands()) {
      const r = await runInProcess([...p, '--help']);
      expect(r.code, p.join(' ')).toBe(0);
      expect(r.stdout, p.join(' ')).toMatch(/^\s+--debug\b/m);
    }
  });
});

describe('paper --home and live --home', { timeout: 120_000 }, () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await liveSim();
  });
  afterAll(async () => {
    await sim?.close();
  });

  for (const mode of ['paper', 'live'] as const) {
    it(`${mode} --home DIR keeps the bot in DIR (not TRADEBOT_HOME), where stop and bots find it with --home`, async () => {
      const dir = makeTmpDir();
      const envHome = path.join(dir, 'env-home');
      mkdirSync(envHome);
      const home = path.join(dir, 'chosen');
      const extra = ['--home', home];
      const bot = `${mode}-h`;
      const child =
        mode === 'paper'
          ? spawnPaper({ home: envHome, bot, url: sim.url, extra })
          : spawnLive({ home: envHome, bot, url: sim.url, extra });
      try {
        await waitFor(`${bot} running`, () => existsSync(path.join(home, 'bots', bot, 'heartbeat.json')), 60_000);
        expect(existsSync(path.join(envHome, 'bots', bot))).toBe(false);
        const stop = await runCliAsync(['stop', bot, '--home', home], { cwd: dir });
        expect(stop.code, stop.stderr).toBe(0);
        expect((await child.exited).code).toBe(0);
        const bots = await runCliAsync(['bots', '--json', '--home', home], { cwd: dir });
        expect((JSON.parse(bots.stdout) as { bots: { name: string; state: string }[] }).bots).toEqual([expect.objectContaining({ name: bot, state: 'stopped' })]);
      } finally {
        child.child.kill('SIGKILL');
      }
    });
  }
});
