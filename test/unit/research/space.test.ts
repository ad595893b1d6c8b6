import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { Grid } from '../../../src/research/grid.js';
import { gridValues, parseSpaces } from '../../../src/research/space.js';
import { skipReason, trialConfig } from '../../../src/research/trial-config.js';
import { emaCross } from '../../../src/strategies/ema-cross.js';
import { bollingerBreakout } from '../../../src/strategies/bollinger.js';
import { configDefaults } from '../../../src/config/schema.js';
import type { StrategyDefinition } from '../../../src/strategies/types.js';

const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('search spaces', () => {
  it('reads ranges, steps, choices and protections', () => {
    const [fast, slow, sl, tp] = parseSpaces(['fast=2:50', 'slow=10:200:5', 'stop-loss=0.005:0.05:0.005', 'take-profit=none,0.02,0.04'], emaCross);
    expect(fast!.range).toEqual({ min: 2, max: 50, step: 1 });
    expect(gridValues(fast!)).toHaveLength(49);
    expect(gridValues(slow!)).toHaveLength(39);
    expect(sl!.target).toEqual({ kind: 'protection', key: 'stopLoss' });
    expect(gridValues(sl!)).toEqual([0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05]);
    expect(tp!.choices).toEqual([null, 0.02, 0.04]);
  });

  it('the ema-cross grid fast=2:50, slow=10:200:5 has 1,911 points, of which the fast < slow rule skips 189', () => {
    const spaces = parseSpaces(['fast=2:50', 'slow=10:200:5'], emaCross);
    const grid = new Grid(spaces);
    expect(grid.size).toBe(1911);
    const base = configDefaults();
    let skipped = 0;
    for (let i = 0; i < grid.size; i++) if (skipReason(emaCross, trialConfig(base, spaces, grid.point(i)))) skipped++;
    expect(skipped).toBe(189);
    expect(grid.point(0)).toEqual({ fast: 2, slow: 10 });
    expect(grid.point(1)).toEqual({ fast: 2, slow: 15 });
    expect(grid.point(39)).toEqual({ fast: 3, slow: 10 });
  });

  it('puts a point into the backtest configuration: parameters and protections', () => {
    const spaces = parseSpaces(['fast=5,8', 'stop-loss=none,0.02'], emaCross);
    const base = configDefaults();
    base.risk.stopLoss = 0.1;
    const cfg = trialConfig(base, spaces, { fast: 8, 'stop-loss': null });
    expect(cfg.strategy.params).toEqual({ fast: 8 });
    expect(cfg.risk.stopLoss).toBeNull();
    expect(base.risk.stopLoss).toBe(0.1);
    expect(trialConfig(base, spaces, { fast: 5, 'stop-loss': 0.02 }).risk.stopLoss).toBe(0.02);
  });

  it('with no --space searches the schema ranges, leaving out fixed parameters', () => {
    const spaces = parseSpaces([], bollingerBreakout);
    expect(spaces.map((s) => s.name)).toEqual(Object.keys(bollingerBreakout.params));
    expect(parseSpaces([], emaCross, { fast: true }).map((s) => s.name)).toEqual(['slow']);
  });

  it('refuses, in one line: a range outside the schema, an empty space, a step that does not divide, an unknown name', () => {
    expect(usage(() => parseSpaces(['fast=0:50'], emaCross))).toMatch(/outside the allowed range.*1 to 1000/);
    expect(usage(() => parseSpaces(['fast=50:2'], emaCross))).toMatch(/empty/);
    expect(usage(() => parseSpaces(['fast='], emaCross))).toMatch(/empty/);
    expect(usage(() => parseSpaces(['fast=1,,3'], emaCross))).toMatch(/empty item/);
    expect(usage(() => parseSpaces(['slow=10:200:7'], emaCross))).toMatch(/does not divide/);
    expect(usage(() => parseSpaces(['stop-loss=0.01:0.05:0.015'], emaCross))).toMatch(/does not divide/);
    expect(usage(() => parseSpaces(['fsat=2:50'], emaCross))).toMatch(/no parameter fsat \(did you mean fast\?\)/);
    expect(usage(() => parseSpaces(['stoploss=0.01:0.02'], emaCross))).toMatch(/did you mean stop-loss/);
    expect(usage(() => parseSpaces(['fast=2.5:10'], emaCross))).toMatch(/integer/);
    expect(usage(() => parseSpaces(['stop-loss=0:0.05:0.01'], emaCross))).toMatch(/outside the allowed range/);
    expect(usage(() => parseSpaces(['fast=2:5', 'fast=3:9'], emaCross))).toMatch(/twice/);
    expect(usage(() => parseSpaces(['fast'], emaCross))).toMatch(/name=min:max/);
  });

  it('a grid needs a step for a continuous range; a schema without a range needs --space', () => {
    const [k] = parseSpaces(['k=1:3'], bollingerBreakout);
    expect(usage(() => gridValues(k!))).toMatch(/needs a step/);
    const noRange: StrategyDefinition = { name: 'x', description: '', params: { n: { type: 'int', default: 3, description: '' } }, create: () => ({ onCandle() {} }) };
    expect(usage(() => parseSpaces([], noRange))).toMatch(/--space n=min:max/);
  });
});
