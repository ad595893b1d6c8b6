import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/core/errors.js';
import { objectiveGrid } from '../../../../src/report/html/objective-grid.js';
import { parseOptimizeDoc, parseWalkForwardDoc, researchKind } from '../../../../src/report/html/research-input.js';
import { optimizeDoc } from '../../../support/research-docs.js';

describe('optimize documents', () => {
  it('are recognised by their trials, walk-forward documents by their windows', () => {
    expect(researchKind(optimizeDoc())).toBe('optimize');
    expect(researchKind({ windows: [] })).toBe('walk-forward');
    expect(researchKind({ schemaVersion: 1, metrics: {} })).toBeNull();
  });

  it('default the heatmap to the two parameters with the most values', () => {
    const r = parseOptimizeDoc(optimizeDoc(), 'o.json');
    expect([r.x, r.y]).toEqual(['fast', 'slow']);
    expect(r.trials[0]!.objective).toBeCloseTo(0.5 - 0.2 + 0.01, 12);
  });

  it('take --x and --y, and refuse a parameter the trials do not have', () => {
    const r = parseOptimizeDoc(optimizeDoc(), 'o.json', { x: 'stop-loss', y: 'fast' });
    expect([r.x, r.y]).toEqual(['stop-loss', 'fast']);
    expect(() => parseOptimizeDoc(optimizeDoc(), 'o.json', { x: 'fsat' })).toThrow(UsageError);
    expect(() => parseOptimizeDoc({ trials: [{ params: 1 }] }, 'o.json')).toThrow(/trials\[0\]/);
  });

  it('grid the best objective per cell, other parameters free', () => {
    const g = objectiveGrid(parseOptimizeDoc(optimizeDoc(), 'o.json'))!;
    expect(g.xs).toEqual(['5', '10', '15']);
    expect(g.ys).toEqual(['20', '30']);
    // the best over stop-loss 0.01 / 0.02 is the 0.02 one
    expect(g.cells[0]![0]).toBeCloseTo(0.5 - 0.2 + 0.02, 12);
    expect(g.cells[1]![2]).toBeCloseTo(1.5 - 0.3 + 0.02, 12);
  });
});

describe('walk-forward documents', () => {
  it('keep the windows and the stitched equity, and name a malformed window', () => {
    const w = parseWalkForwardDoc(
      {
        objective: 'sharpe',
        windows: [{ train: { from: 0, to: 10 }, test: { from: 10, to: 20 }, params: { fast: 5 }, inSample: 1.2, outOfSample: 0.6, efficiency: 0.5 }],
        equityCurve: [{ time: 10, equity: 10_000 }, { time: 20, equity: 10_100 }],
        metrics: { totalReturn: 0.01 },
      },
      'w.json',
    );
    expect(w.windows[0]!.efficiency).toBe(0.5);
    expect(w.equityCurve).toHaveLength(2);
    expect(() => parseWalkForwardDoc({ windows: [{ train: { from: 0 } }] }, 'w.json')).toThrow(/windows\[0\]\.train/);
  });
});
