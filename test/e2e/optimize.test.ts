/**
 * tradebot optimize end to end: every trial a backtest, results independent of --jobs, a killed
 * run resumed with no lost or repeated trial, changed inputs refused, shards merged into the
 * unsharded run, bad input refused before the log is touched.
 */
import { appendFileSync, copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmpDirs, hasAnsi, makeTmpDir, nonEmptyLines, runCli, stackLines, writeFile, sampleCsvHead } from '../support/cli.js';
import { runCliAsync, spawnCli } from '../support/cli-async.js';

afterAll(cleanupTmpDirs);

const RANGE = ['--from', '2024-01-01', '--to', '2024-01-12'] as const;
const GRID = ['--space', 'fast=4:12:4', '--space', 'slow=10:30:10', '--space', 'stop-loss=none,0.01'] as const;
type Doc = {
  schemaVersion: number;
  run: unknown;
  trials: { index: number; params: Record<string, number | null>; metrics: Record<string, number | null>; trades: number }[];
  skipped: { index: number; reason: string }[];
  ranking: number[];
  best: { index: number; params: Record<string, number | null>; metrics: Record<string, number | null> } | null;
  robustness: Record<string, unknown>;
  counts: { points: number; trials: number; skipped: number };
};
const withoutRun = (d: Doc) => ({ ...d, run: null });

function optimize(home: string, args: readonly string[], cwd?: string) {
  return runCli(['optimize', ...args, '--home', home], { timeoutMs: 120_000, ...(cwd ? { cwd } : {}) });
}

function logLines(file: string): { type: string; index?: number }[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; index?: number });
}

describe('tradebot optimize', { timeout: 180_000 }, () => {
  const home = makeTmpDir();
  let whole: Doc;

  it('runs a grid: one backtest per point, the fast < slow rule skipping points, a robustness block', () => {
    const r = optimize(home, [...RANGE, ...GRID, '--jobs', '1', '--run', 'whole', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    whole = JSON.parse(r.stdout) as Doc;
    expect(whole.schemaVersion).toBe(1);
    expect(whole.counts).toEqual({ points: 18, trials: 16, skipped: 2 });
    expect(whole.skipped.map((s) => s.reason)).toEqual(['fast (12) must be below slow (10)', 'fast (12) must be below slow (10)']);
    for (const k of ['dsr', 'psr', 'sharpe', 'periods', 'skew', 'kurtosis', 'trials', 'sharpeVariance', 'expectedMaxSharpe', 'pbo', 'minBacktestLength']) expect(whole.robustness, k).toHaveProperty(k);
    expect(whole.robustness.trials).toBe(16);
    expect(whole.ranking).toHaveLength(16);
    expect(whole.best!.index).toBe(whole.ranking[0]);
    const log = path.join(home, 'research', 'whole', 'trials.jsonl');
    const lines = logLines(log);
    expect(lines[0]!.type).toBe('header');
    expect(lines.slice(1).map((l) => l.index).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 18 }, (_, i) => i));
  });

  it('each trial has the metrics of `tradebot backtest` with the same parameters, to the last digit', () => {
    for (const t of [whole.trials[0]!, whole.trials[5]!, whole.trials.find((x) => x.params['stop-loss'] !== null)!]) {
      const p = t.params;
      const args = ['backtest', ...RANGE, '--param', `fast=${p.fast}`, '--param', `slow=${p.slow}`, ...(p['stop-loss'] !== null ? ['--stop-loss', String(p['stop-loss'])] : []), '--json'];
      const r = runCli(args);
      expect(r.code).toBe(0);
      const { sharpePerPeriod, ...metrics } = t.metrics;
      expect(metrics, JSON.stringify(p)).toEqual((JSON.parse(r.stdout) as { metrics: unknown }).metrics);
      expect(typeof sharpePerPeriod).toBe('number');
    }
  });

  it('--monte-carlo N adds the bands of the best trial, seeded by --seed', () => {
    const r = optimize(home, [...RANGE, ...GRID, '--jobs', '1', '--run', 'whole', '--monte-carlo', '50', '--seed', '42', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { data: { candles: number }; monteCarlo: { simulations: number; seed: number; bootstrap: { periods: number }; tradeShuffle: { trades: number } } };
    expect(doc.monteCarlo.simulations).toBe(50);
    expect(doc.monteCarlo.seed).toBe(42);
    expect(doc.monteCarlo.bootstrap.periods).toBe(doc.data.candles);
    expect(doc.monteCarlo.tradeShuffle.trades).toBe(whole.best!.metrics.trades);
  });

  it('gives the same document with any --jobs', () => {
    const r = optimize(home, [...RANGE, ...GRID, '--jobs', '2', '--run', 'two-jobs', '--json']);
    expect(r.code).toBe(0);
    expect(withoutRun(JSON.parse(r.stdout) as Doc)).toEqual(withoutRun(whole));
  });

  it('the same command again reports the run without running a trial; a text report on a pipe has no colour', () => {
    const r = optimize(home, [...RANGE, ...GRID, '--jobs', '1', '--run', 'whole']);
    expect(r.code).toBe(0);
    expect(hasAnsi(r.stdout)).toBe(false);
    expect(r.stdout).toMatch(/Top 10 of 16 trials/);
    expect(r.stdout).toMatch(/Deflated Sharpe ratio/);
    expect(r.stdout).toMatch(/PBO/);
    expect(r.stdout).toMatch(/resumed: 18 points were already in the log/);
    expect(r.stderr).toBe('');
    expect(logLines(path.join(home, 'research', 'whole', 'trials.jsonl'))).toHaveLength(19);
  });

  it('killed with SIGKILL mid-run, the same command resumes with no lost or repeated trial and ends as an uninterrupted run', async () => {
    const args = ['optimize', '--from', '2024-01-01', '--to', '2024-01-25', '--space', 'fast=2:7', '--space', 'slow=14:30:4', '--jobs', '1', '--run', 'killed', '--json', '--home', home];
    const log = path.join(home, 'research', 'killed', 'trials.jsonl');
    const child = spawnCli(args, { timeoutMs: 120_000 });
    let seenAtKill = 0;
    for (let i = 0; i < 3000; i++) {
      await new Promise((r) => setTimeout(r, 20));
      if (existsSync(log) && (seenAtKill = logLines(log).length - 1) >= 3) break;
    }
    child.child.kill('SIGKILL');
    await child.done;
    expect(seenAtKill).toBeGreaterThanOrEqual(3);
    expect(logLines(log).length - 1, 'the run was killed before it finished').toBeLessThan(30);
    appendFileSync(log, '{"type":"trial","index":5'); // and the last write torn, as by a power cut
    const resumed = await runCliAsync(args, { timeoutMs: 120_000 });
    expect(resumed.code).toBe(0);
    const lines = logLines(log).slice(1);
    expect(lines.map((l) => l.index).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const straight = optimize(home, ['--from', '2024-01-01', '--to', '2024-01-25', '--space', 'fast=2:7', '--space', 'slow=14:30:4', '--jobs', '2', '--run', 'straight', '--json']);
    expect(straight.code).toBe(0);
    expect(withoutRun(JSON.parse(resumed.stdout) as Doc)).toEqual(withoutRun(JSON.parse(straight.stdout) as Doc));
  });

  it('Ctrl+C stops the workers, keeps the finished trials and exits 130; the same command finishes the run', async () => {
    const args = ['optimize', '--from', '2024-01-01', '--to', '2024-01-25', '--space', 'fast=2:7', '--space', 'slow=14:30:4', '--jobs', '2', '--run', 'interrupted', '--home', home];
    const log = path.join(home, 'research', 'interrupted', 'trials.jsonl');
    const child = spawnCli(args, { timeoutMs: 120_000 });
    for (let i = 0; i < 3000 && !(existsSync(log) && logLines(log).length - 1 >= 2); i++) await new Promise((r) => setTimeout(r, 20));
    child.child.kill('SIGINT');
    const r = await child.done;
    expect(r.code).toBe(130);
    expect(nonEmptyLines(r.stderr)).toEqual([expect.stringMatching(/interrupted: the finished trials are in the log/)]);
    const kept = logLines(log).length - 1;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(30);
    const again = await runCliAsync(args, { timeoutMs: 120_000 });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`resumed: ${kept} points were already in the log`));
    expect(logLines(log)).toHaveLength(31);
  });

  it('--run NAME --resume continues a run from its name alone', () => {
    const log = path.join(home, 'research', 'whole', 'trials.jsonl');
    const text = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    writeFileSync(log, `${text.slice(0, 8).join('\n')}\n`); // as if it had stopped after 7 points
    const r = optimize(home, ['--run', 'whole', '--resume', '--json', '--jobs', '1']);
    expect(r.code).toBe(0);
    expect(withoutRun(JSON.parse(r.stdout) as Doc)).toEqual(withoutRun(whole));
    expect(logLines(log)).toHaveLength(19);
  });

  it('refuses to mix trials when the data or the strategy code changed: one line, exit 2, the log untouched', () => {
    const dir = makeTmpDir();
    const data = writeFile(dir, 'btc-5m.csv', sampleCsvHead(1500));
    const strategy = writeFile(dir, 'cross.mjs', readFileSync(fileURLToPath(new URL('../fixtures/research/cross.mjs', import.meta.url)), 'utf8'));
    const args = ['--data', data, '--strategy', strategy, '--space', 'fast=3:6', '--space', 'slow=8,12', '--jobs', '1', '--run', 'mixed'];
    expect(optimize(home, args, dir).code).toBe(0);
    const log = path.join(home, 'research', 'mixed', 'trials.jsonl');
    const before = readFileSync(log);
    const rows = sampleCsvHead(1500).split('\n');
    rows[10] = rows[10]!.replace(/,[^,]*$/, ',12345.6'); // one candle's volume
    writeFileSync(data, rows.join('\n'));
    const r = optimize(home, args, dir);
    expect(r.code).toBe(2);
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/run mixed was made with other data/);
    expect(readFileSync(log).equals(before)).toBe(true);
    writeFileSync(data, sampleCsvHead(1500));
    appendFileSync(strategy, '\n// edited\n');
    const s = optimize(home, args, dir);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/strategy code/);
    expect(readFileSync(log).equals(before)).toBe(true);
  });

  it('--export-config writes the best point as a config that `backtest --config` runs to the same metrics', () => {
    const dir = makeTmpDir();
    const r = optimize(home, [...RANGE, ...GRID, '--jobs', '1', '--run', 'whole', '--export-config', 'best.yaml'], dir);
    expect(r.code).toBe(0);
    const b = runCli(['backtest', '--config', 'best.yaml', '--json'], { cwd: dir });
    expect(b.code).toBe(0);
    const { sharpePerPeriod: _, ...metrics } = whole.best!.metrics;
    expect((JSON.parse(b.stdout) as { metrics: unknown }).metrics).toEqual(metrics);
  });

  it('--assert gates on the robustness statistics too: exit 1 with one line per breach, 0 when they hold', () => {
    const fail = optimize(home, [...RANGE, ...GRID, '--jobs', '1', '--run', 'whole', '--assert', 'dsr>=1.5,pbo<=1']);
    expect(fail.code).toBe(1);
    expect(nonEmptyLines(fail.stderr)).toEqual([expect.stringMatching(/^assertion failed: dsr .* \(required dsr>=1.5\)$/)]);
    expect(optimize(home, [...RANGE, ...GRID, '--jobs', '1', '--run', 'whole', '--assert', 'pbo<=1,trades>=1']).code).toBe(0);
    const typo = optimize(home, [...RANGE, ...GRID, '--jobs', '1', '--run', 'whole', '--assert', 'dsrr>=1']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean "dsr"/);
  });

  it('a seeded TPE search gives the same trials with one job or two', () => {
    const args = [...RANGE, '--space', 'fast=2:20', '--space', 'slow=10:60:2', '--search', 'tpe', '--trials', '14', '--seed', '7', '--json'];
    const a = optimize(home, [...args, '--jobs', '1', '--run', 'tpe-1']);
    const b = optimize(home, [...args, '--jobs', '2', '--run', 'tpe-2']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const da = JSON.parse(a.stdout) as Doc;
    expect(withoutRun(JSON.parse(b.stdout) as Doc)).toEqual(withoutRun(da));
    expect(da.counts.points).toBe(14);
  });
});

describe('tradebot optimize --shard K/N and optimize merge', { timeout: 180_000 }, () => {
  const args = [...RANGE, '--space', 'fast=3:14', '--space', 'slow=8:24:4', '--jobs', '1'];

  it('N shard processes side by side merge into exactly the unsharded run', async () => {
    const home = makeTmpDir();
    const results = await Promise.all([1, 2, 3].map((k) => runCliAsync(['optimize', ...args, '--shard', `${k}/3`, '--home', home], { timeoutMs: 120_000 })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const merged = runCli(['optimize', 'merge', path.join(home, 'research'), '--expect', '3', '--json']);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    const other = makeTmpDir();
    const unsharded = optimize(other, [...args, '--json']);
    expect(unsharded.code).toBe(0);
    const m = JSON.parse(merged.stdout) as Doc;
    expect((m.run as { merged: string[] }).merged).toHaveLength(3);
    expect(withoutRun(m)).toEqual(withoutRun(JSON.parse(unsharded.stdout) as Doc));

    // a missing shard, one given twice, a wrong --expect, a shard of other data: one line, exit 2
    const runs = readdirSync(path.join(home, 'research')).sort();
    const logOf = (name: string) => path.join(home, 'research', name, 'trials.jsonl');
    const missing = runCli(['optimize', 'merge', logOf(runs[0]!), logOf(runs[1]!)]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/shard 3\/3 is missing/);
    const dupDir = makeTmpDir();
    copyFileSync(logOf(runs[0]!), path.join(dupDir, 'trials.jsonl'));
    const dup = runCli(['optimize', 'merge', path.join(home, 'research'), dupDir]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/given twice/);
    const expect4 = runCli(['optimize', 'merge', path.join(home, 'research'), '--expect', '4']);
    expect(expect4.code).toBe(2);
    expect(expect4.stderr).toMatch(/--expect 4/);
    const otherData = makeTmpDir();
    expect(optimize(otherData, ['--from', '2024-01-02', '--to', '2024-01-12', '--space', 'fast=3:14', '--space', 'slow=8:24:4', '--jobs', '1', '--shard', '3/3']).code).toBe(0);
    const foreign = runCli(['optimize', 'merge', logOf(runs[0]!), logOf(runs[1]!), path.join(otherData, 'research')]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/other data/);
    for (const r of [missing, dup, expect4, foreign]) {
      expect(nonEmptyLines(r.stderr)).toHaveLength(1);
      expect(stackLines(r.stderr)).toEqual([]);
    }
  });
});

describe('tradebot optimize refuses bad input before writing anything', { timeout: 120_000 }, () => {
  const cases: [string, string[], RegExp][] = [
    ['a space outside the schema range', ['--space', 'fast=0:50'], /outside the allowed range/],
    ['an empty space', ['--space', 'fast=50:2'], /empty/],
    ['a step that does not divide', ['--space', 'slow=10:200:7'], /does not divide/],
    ['an unknown parameter', ['--space', 'fsat=2:50'], /no parameter fsat \(did you mean fast\?\)/],
    ['--shard 3/2', ['--space', 'fast=2:5', '--shard', '3/2'], /shard 3 of 2 does not exist/],
    ['--trials 0', ['--space', 'fast=2:5', '--search', 'random', '--trials', '0'], /--trials must be a whole number/],
    ['--trials on a grid', ['--space', 'fast=2:5', '--trials', '5'], /a grid runs every combination/],
    ['--resume of a run that does not exist', ['--run', 'nothing', '--resume'], /no run named nothing/],
    ['an annualised objective other than sharpe on a span under 30 days', ['--space', 'fast=2:5', '--objective', 'sortino'], /--objective sortino/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: one line, exit 2, no run created`, () => {
      const home = makeTmpDir();
      const r = optimize(home, [...RANGE, ...args]);
      expect(r.code).toBe(2);
      expect(nonEmptyLines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(stackLines(r.stderr)).toEqual([]);
      expect(existsSync(path.join(home, 'research'))).toBe(false);
    });
  }
});

describe('tradebot optimize: a failing trial and a bad merge flag', { timeout: 60_000 }, () => {
  it('a strategy that throws in one trial stops the run with exit 2 naming the trial; the finished trials stay in the log', () => {
    const home = makeTmpDir();
    const dir = makeTmpDir();
    const strategy = writeFile(dir, 'throws.mjs', readFileSync(fileURLToPath(new URL('../fixtures/research/throws.mjs', import.meta.url)), 'utf8'));
    const r = optimize(home, [...RANGE, '--strategy', strategy, '--space', 'n=1:5', '--jobs', '1', '--run', 'broken'], dir);
    expect(r.code).toBe(2);
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/trial 2 \(n=3\): strategy threw .*n=3 is broken/);
    expect(logLines(path.join(home, 'research', 'broken', 'trials.jsonl')).map((l) => l.index)).toEqual([undefined, 0, 1]);
  });

  it('an unknown flag of optimize merge is a usage error, exit 2', () => {
    const r = runCli(['optimize', 'merge', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--nope');
  });
});

describe('tradebot backtest --monte-carlo', { timeout: 60_000 }, () => {
  it('adds seeded, reproducible bands of final return and drawdown to the result', () => {
    const a = runCli(['backtest', ...RANGE, '--monte-carlo', '200', '--seed', '3', '--json']);
    const b = runCli(['backtest', ...RANGE, '--monte-carlo', '200', '--seed', '3', '--json']);
    const c = runCli(['backtest', ...RANGE, '--monte-carlo', '200', '--seed', '4', '--json']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    type Mc = { monteCarlo: { simulations: number; seed: number; bootstrap: { finalReturn: { p5: number; p50: number; p95: number }; maxDrawdown: { p95: number } }; tradeShuffle: { trades: number } } };
    const mc = (JSON.parse(a.stdout) as Mc).monteCarlo;
    expect(mc.simulations).toBe(200);
    expect(mc.seed).toBe(3);
    expect(mc.bootstrap.finalReturn.p5).toBeLessThan(mc.bootstrap.finalReturn.p95);
    expect(mc.bootstrap.maxDrawdown.p95).toBeLessThan(1);
    expect(mc.tradeShuffle.trades).toBeGreaterThan(0);
    expect((JSON.parse(c.stdout) as Mc).monteCarlo.bootstrap).not.toEqual(mc.bootstrap);
    const text = runCli(['backtest', ...RANGE, '--monte-carlo', '50']);
    expect(text.stdout).toMatch(/Monte Carlo \(50 simulations, seed 42\)/);
    const seedAlone = runCli(['backtest', ...RANGE, '--seed', '3']);
    expect(seedAlone.code).toBe(2);
  });
});
