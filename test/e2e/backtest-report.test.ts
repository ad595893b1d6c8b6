/**
 * `tradebot backtest` as a person runs it: the text report, and when it is coloured.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SHORT_RANGE, cleanupTmpDirs, hasAnsi, runCli } from '../support/cli.js';

afterAll(cleanupTmpDirs);

describe('backtest text report', { timeout: 30_000 }, () => {
  it('runs on the bundled sample with no arguments and reports the strategy and the pair', () => {
    const r = runCli(['backtest']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ema-cross');
    expect(r.stdout).toContain('BTC/USDT');
    // the whole sample: from its first day to its last
    expect(r.stdout).toContain('2024-01-01');
    expect(r.stdout).toContain('2024-09-06');
  });

  it('writes no ANSI escape codes when stdout is not a terminal', () => {
    const r = runCli(['backtest', ...SHORT_RANGE]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(hasAnsi(r.stdout)).toBe(false);
    expect(hasAnsi(r.stderr)).toBe(false);
  });

  it('writes no ANSI escape codes with NO_COLOR=1', () => {
    const r = runCli(['backtest', ...SHORT_RANGE], { env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(hasAnsi(r.stdout)).toBe(false);
    expect(hasAnsi(r.stderr)).toBe(false);
  });

  it('colours the report with FORCE_COLOR=1 even when piped', () => {
    const r = runCli(['backtest', ...SHORT_RANGE], { env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(hasAnsi(r.stdout)).toBe(true);
    // the colours decorate the same report
    expect(r.stdout).toContain('ema-cross');
  });

  it('never colours --json output, even with FORCE_COLOR=1', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--json'], { env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(hasAnsi(r.stdout)).toBe(false);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('reports the range selected with --from/--to', () => {
    const r = runCli(['backtest', ...SHORT_RANGE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2024-01-01');
    expect(r.stdout).toContain('2024-01-10');
    expect(r.stdout).not.toContain('2024-09-06');
  });
});
