/**
 * CI gating: --assert conditions and --baseline comparisons, and their exit codes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/report/result.js';
import { SHORT_RANGE, cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli, stackLines, writeFile } from '../support/cli.js';

afterAll(cleanupTmpDirs);

/** Long enough (over 30 days) for Sharpe to be annualised, so a baseline can compare it. */
const MONTH_RANGE = ['--from', '2024-01-01', '--to', '2024-02-05'] as const;

describe('backtest --assert', { timeout: 30_000 }, () => {
  it('exits 1 when a condition is breached, with one stderr line naming the metric', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--assert', 'trades>=1000000']);
    expect(r.code).toBe(1);
    const lines = nonEmptyLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('trades');
    expect(lines[0]).toContain('1000000');
    expect(stackLines(r.stderr)).toEqual([]);
    // the report is still printed
    expect(r.stdout).toContain('ema-cross');
  });

  it('prints one line per breached condition', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--assert', 'trades>=1000000,sharpe>=100']);
    expect(r.code).toBe(1);
    const lines = nonEmptyLines(r.stderr);
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.includes('trades'))).toBe(true);
    expect(lines.some((l) => l.includes('sharpe'))).toBe(true);
  });

  it('reports only the breached conditions when some hold', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--assert', 'trades>=1, maxDrawdown<=1, sharpe>=100']);
    expect(r.code).toBe(1);
    const lines = nonEmptyLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('sharpe');
  });

  it('exits 0 when every condition holds', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--assert', 'trades>=1,maxDrawdown<=1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('still prints the JSON document on stdout when an assertion fails with --json', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--json', '--assert', 'trades>=1000000']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as BacktestResult;
    expect(doc.schemaVersion).toBe(2);
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
  });

  it('rejects an unknown metric with exit 2 before running, suggesting the right name', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--assert', 'sharp>=1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('sharp');
    expect(r.stderr).toContain('sharpe');
  });

  it('rejects a malformed condition with exit 2', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--assert', 'trades>=lots']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('trades>=lots');
  });
});

describe('backtest --baseline', { timeout: 30_000 }, () => {
  let dir: string;
  let baselineText: string;

  beforeAll(() => {
    dir = makeTmpDir();
    const r = runCli(['backtest', ...MONTH_RANGE, '--out', 'baseline.json'], { cwd: dir });
    expect(r.code).toBe(0);
    baselineText = readFileSync(path.join(dir, 'baseline.json'), 'utf8');
    // A baseline that did much better than this run will.
    const better = JSON.parse(baselineText) as BacktestResult;
    better.metrics.finalEquity = better.metrics.finalEquity * 2;
    better.metrics.totalReturn = better.metrics.finalEquity / better.metrics.startEquity - 1;
    better.metrics.sharpe = Math.abs(better.metrics.sharpe ?? 0) + 10;
    writeFileSync(path.join(dir, 'better.json'), JSON.stringify(better, null, 2));
  }, 30_000);

  it('passes when the run is compared with its own earlier result', () => {
    const r = runCli(['backtest', ...MONTH_RANGE, '--baseline', 'baseline.json', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    // nothing changed, so nothing to say
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(baselineText);
  });

  it('exits 1 when the metrics regressed against a better baseline, naming each regressed metric', () => {
    const r = runCli(['backtest', ...MONTH_RANGE, '--baseline', 'better.json', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toContain('finalEquity');
    expect(r.stderr).toContain('totalReturn');
    expect(r.stderr).toContain('sharpe');
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('exits 1 in text mode too', () => {
    const r = runCli(['backtest', ...MONTH_RANGE, '--baseline', 'better.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('finalEquity');
  });

  it('passes against the better baseline with a large enough --tolerance', () => {
    const r = runCli(['backtest', ...MONTH_RANGE, '--baseline', 'better.json', '--tolerance', '100', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('rejects a baseline file that is not a tradebot result with exit 2, naming the file', () => {
    writeFile(dir, 'not-a-result.json', JSON.stringify({ hello: 'world' }));
    const r = runCli(['backtest', ...MONTH_RANGE, '--baseline', 'not-a-result.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('not-a-result.json');
  });

  it('rejects a baseline file that is not JSON with exit 2', () => {
    writeFile(dir, 'garbage.json', 'this is { not json');
    const r = runCli(['backtest', ...MONTH_RANGE, '--baseline', 'garbage.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('garbage.json');
  });

  it('rejects a missing baseline file with exit 2', () => {
    const r = runCli(['backtest', ...MONTH_RANGE, '--baseline', 'missing.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('missing.json');
  });

  it('rejects a baseline written with a newer result schema with exit 2', () => {
    const newer = JSON.parse(baselineText) as BacktestResult;
    newer.schemaVersion = 99;
    writeFile(dir, 'newer.json', JSON.stringify(newer));
    const r = runCli(['backtest', ...MONTH_RANGE, '--baseline', 'newer.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('newer.json');
  });

  it('rejects a negative --tolerance with exit 2', () => {
    const r = runCli(['backtest', ...MONTH_RANGE, '--baseline', 'baseline.json', '--tolerance', '-1'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tolerance');
  });
});
