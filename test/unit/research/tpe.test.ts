import { describe, expect, it } from 'vitest';
import { walkSearch, TPE_BATCH } from '../../../src/research/search.js';
import { gamma, observationWeights, proposeTpe, type Observation } from '../../../src/research/tpe.js';
import { Rng } from '../../../src/research/random.js';
import type { Point, Space } from '../../../src/research/space.js';

const num = (name: string, min: number, max: number, step: number | null = null): Space => ({ name, target: { kind: 'param', param: name }, type: step === 1 ? 'int' : 'number', range: { min, max, step } });
const choice = (name: string, choices: string[]): Space => ({ name, target: { kind: 'param', param: name }, type: 'string', choices });

/** The best value a search finds for `f` within `trials` points, seeded. */
async function bestOf(method: 'random' | 'tpe', spaces: Space[], f: (p: Point) => number, trials: number, seed: number): Promise<number> {
  let best = -Infinity;
  await walkSearch({
    spaces,
    spec: { method, trials, seed },
    range: [0, trials],
    done: new Map(),
    evaluate: async (batch) => {
      const out = new Map<number, Observation>();
      for (const pr of batch) {
        const score = f(pr.point);
        best = Math.max(best, score);
        out.set(pr.index, { point: pr.point, score });
      }
      return out;
    },
  });
  return best;
}

/** TPE against random search on the same budget over ten seeds: regret to the known optimum. */
async function duel(spaces: Space[], f: (p: Point) => number, optimum: number, trials: number): Promise<{ tpeWins: number; tpeRegret: number; randomRegret: number }> {
  let tpeWins = 0;
  let tpeRegret = 0;
  let randomRegret = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const t = optimum - (await bestOf('tpe', spaces, f, trials, seed));
    const r = optimum - (await bestOf('random', spaces, f, trials, seed));
    if (t < r) tpeWins++;
    tpeRegret += t / 10;
    randomRegret += r / 10;
  }
  return { tpeWins, tpeRegret, randomRegret };
}

describe('TPE', { timeout: 60_000 }, () => {
  it('beats seeded random search on a smooth function of two continuous parameters', async () => {
    const spaces = [num('x', -5, 5), num('y', -5, 5)];
    const f = (p: Point) => -(((p.x as number) - 1.3) ** 2) - ((p.y as number) + 0.7) ** 2;
    const d = await duel(spaces, f, 0, 100);
    expect(d.tpeWins).toBeGreaterThanOrEqual(8);
    expect(d.tpeRegret).toBeLessThan(d.randomRegret / 3);
  });

  it('beats seeded random search on an integer grid (an optimum at fast=37, slow=81)', async () => {
    const spaces = [num('fast', 1, 100, 1), num('slow', 1, 100, 1)];
    const f = (p: Point) => -Math.abs((p.fast as number) - 37) - Math.abs((p.slow as number) - 81);
    const d = await duel(spaces, f, 0, 100);
    expect(d.tpeWins).toBeGreaterThanOrEqual(7);
    expect(d.tpeRegret).toBeLessThan(d.randomRegret / 2);
  });

  it('beats seeded random search with a choice among six, a continuous and an integer parameter', async () => {
    const spaces = [choice('mode', ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']), num('k', 0, 10), num('j', 1, 50, 1)];
    const f = (p: Point) => (p.mode === 'm4' ? 2 : 0) - ((p.k as number) - 7.1) ** 2 / 4 - Math.abs((p.j as number) - 12) / 10;
    const d = await duel(spaces, f, 2, 100);
    expect(d.tpeWins).toBeGreaterThanOrEqual(7);
    expect(d.tpeRegret).toBeLessThan(d.randomRegret / 2);
  });

  it('proposes points inside the spaces, on the step grid, the same for the same seed', () => {
    const spaces = [num('a', 2, 50, 1), num('b', 0.005, 0.05, 0.005), num('c', -1, 1), choice('m', ['x', 'y'])];
    const history: Observation[] = Array.from({ length: 30 }, (_, i) => ({
      point: { a: 2 + (i % 49), b: Number((0.005 * (1 + (i % 10))).toPrecision(12)), c: (i % 7) / 7 - 0.5, m: i % 3 === 0 ? 'x' : 'y' },
      score: i % 5 === 0 ? -Infinity : Math.sin(i),
    }));
    for (let k = 0; k < 50; k++) {
      const p = proposeTpe(spaces, history, new Rng(9, k));
      expect(Number.isInteger(p.a) && (p.a as number) >= 2 && (p.a as number) <= 50).toBe(true);
      const steps = ((p.b as number) - 0.005) / 0.005;
      expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-9);
      expect((p.c as number) >= -1 && (p.c as number) <= 1).toBe(true);
      expect(['x', 'y']).toContain(p.m);
      expect(proposeTpe(spaces, history, new Rng(9, k))).toEqual(p);
    }
  });

  it("splits and weighs observations as Optuna's defaults do", () => {
    expect([1, 10, 11, 100, 250, 251, 1000].map(gamma)).toEqual([1, 1, 2, 10, 25, 25, 25]);
    expect(observationWeights(3)).toEqual([1, 1, 1]);
    const w = observationWeights(30); // a ramp of 5 from 1/30 to 1, then 25 ones
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30, 15);
    expect(w[4]).toBe(1);
    expect(w.slice(5).every((x) => x === 1)).toBe(true);
  });

  it('proposes in fixed batches, so a run does not depend on how many evaluate at once', async () => {
    const spaces = [num('x', 0, 10, 1)];
    const sizes: number[] = [];
    await walkSearch({
      spaces,
      spec: { method: 'tpe', trials: 30, seed: 1 },
      range: [0, 30],
      done: new Map(),
      evaluate: async (batch) => {
        sizes.push(batch.length);
        return new Map(batch.map((b) => [b.index, { point: b.point, score: b.point.x as number }]));
      },
    });
    expect(sizes).toEqual([10, TPE_BATCH, TPE_BATCH, 30 - 10 - 2 * TPE_BATCH]);
  });
});
