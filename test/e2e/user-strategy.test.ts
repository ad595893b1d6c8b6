/**
 * A strategy of the user's own, loaded from a .mjs file with --strategy ./file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/report/result.js';
import { SHORT_RANGE, TINY_RANGE, cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli, stackLines, writeFile } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const MY_SMA = `export default {
  name: 'my-sma',
  description: 'close above its SMA: long',
  params: { period: { type: 'int', default: 20, min: 2, max: 500, description: 'SMA period' } },
  create(params, { indicators }) {
    const sma = indicators.sma(params.period);
    return {
      onCandle(ctx) {
        const v = sma.update(ctx.close);
        if (v !== v) return;
        if (!ctx.inPosition && ctx.close > v) ctx.buy();
        else if (ctx.inPosition && ctx.close < v) ctx.sell();
      },
    };
  },
};
`;

/** Throws on the candle that opens at 2024-01-01T04:05Z. */
const THROWS_ON_CANDLE = `export default {
  name: 'boom',
  params: {},
  create() {
    return {
      onCandle(ctx) {
        if (ctx.time === Date.UTC(2024, 0, 1, 4, 5)) throw new Error('kaboom from my strategy');
      },
    };
  },
};
`;

function errorCase(file: string, source: string, args: string[] = []): ReturnType<typeof runCli> {
  const cwd = makeTmpDir();
  writeFile(cwd, file, source);
  return runCli(['backtest', ...TINY_RANGE, '--strategy', `./${file}`, ...args], { cwd });
}

describe('user strategy files', { timeout: 30_000 }, () => {
  it('runs a strategy module with its parameters', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'my-strategy.mjs', MY_SMA);
    const r = runCli(['backtest', ...SHORT_RANGE, '--strategy', './my-strategy.mjs', '--param', 'period=30', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as BacktestResult;
    expect(doc.strategy).toEqual({ name: 'my-sma', params: { period: 30 } });
    expect(doc.trades.length).toBeGreaterThan(0);
    expect(doc.metrics.trades).toBeGreaterThan(0);
  });

  it('uses the parameter defaults declared by the module', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'my-strategy.mjs', MY_SMA);
    const r = runCli(['backtest', ...TINY_RANGE, '--strategy', './my-strategy.mjs', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as BacktestResult).strategy.params).toEqual({ period: 20 });
  });

  it('gives different results for different parameter values', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'my-strategy.mjs', MY_SMA);
    const a = runCli(['backtest', ...SHORT_RANGE, '--strategy', './my-strategy.mjs', '--param', 'period=30', '--json'], { cwd });
    const b = runCli(['backtest', ...SHORT_RANGE, '--strategy', './my-strategy.mjs', '--param', 'period=100', '--json'], { cwd });
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ma = (JSON.parse(a.stdout) as BacktestResult).metrics;
    const mb = (JSON.parse(b.stdout) as BacktestResult).metrics;
    expect(ma.trades).not.toBe(mb.trades);
  });

  it("checks --param against the module's schema: out of range exits 2", () => {
    const r = errorCase('my-strategy.mjs', MY_SMA, ['--param', 'period=1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('period');
  });

  it("checks --param against the module's schema: an unknown name exits 2 suggesting the declared one", () => {
    const r = errorCase('my-strategy.mjs', MY_SMA, ['--param', 'perod=30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('perod');
    expect(r.stderr).toContain('period');
  });

  it('a strategy that throws inside onCandle exits 2, naming the candle time and the error', () => {
    const r = errorCase('throws.mjs', THROWS_ON_CANDLE);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = nonEmptyLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('2024-01-01T04:05');
    expect(lines[0]).toContain('kaboom from my strategy');
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('a strategy that throws inside onCandle shows its stack with --debug', () => {
    const r = errorCase('throws.mjs', THROWS_ON_CANDLE, ['--debug']);
    expect(r.code).toBe(2);
    expect(stackLines(r.stderr).length).toBeGreaterThan(0);
  });

  it('a module without create() exits 2 naming the file', () => {
    const r = errorCase('no-create.mjs', "export default { name: 'no-create', params: {} };\n");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('no-create.mjs');
    expect(r.stderr).toContain('create');
  });

  it('a module without a default export exits 2 naming the file', () => {
    const r = errorCase('no-default.mjs', 'export const x = 1;\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-default.mjs');
  });

  it('a module with a syntax error exits 2 naming the file', () => {
    const r = errorCase('broken.mjs', 'export default {\n');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('broken.mjs');
  });

  it('a missing strategy file exits 2 naming it', () => {
    const r = runCli(['backtest', ...TINY_RANGE, '--strategy', './nowhere.mjs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nowhere.mjs');
  });

  it('a strategy whose create() throws is a problem with the strategy file (exit 2), not a tradebot bug (exit 3)', () => {
    const r = errorCase(
      'bad-create.mjs',
      "export default { name: 'bad-create', params: {}, create() { throw new Error('cannot set up'); } };\n",
    );
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/internal error/i);
    expect(r.stderr).toContain('cannot set up');
    expect(r.code).toBe(2);
  });

  it('a strategy whose instance has no onCandle exits 2', () => {
    const r = errorCase('no-oncandle.mjs', "export default { name: 'no-oncandle', params: {}, create() { return {}; } };\n");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/onCandle/);
  });
});
