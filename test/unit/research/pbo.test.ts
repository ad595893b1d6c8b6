import { describe, expect, it } from 'vitest';
import { probabilityOfOverfitting } from '../../../src/research/pbo.js';
import { Rng } from '../../../src/research/random.js';
import { blockLayout, returnStats } from '../../../src/research/return-stats.js';

/**
 * CSCV written out the long way, separately from the code under test: for every half of the
 * blocks, the in-sample and out-of-sample returns of every trial are concatenated and their
 * Sharpe ratios computed directly (two-pass mean and variance); ranks are average ranks (as
 * scipy's rankdata); PBO is the share of splits with logit(rank / (N + 1)) ≤ 0.
 */
function referencePbo(matrix: Float64Array[], blocks: number): number {
  const T = matrix[0]!.length;
  const size = Math.floor(T / blocks);
  const skip = T - size * blocks;
  const combos: number[][] = [];
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === blocks / 2) return void combos.push([...chosen]);
    for (let b = start; b < blocks; b++) pick(b + 1, [...chosen, b]);
  };
  pick(0, []);
  const sharpe = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
    return sd > 0 ? m / sd : 0;
  };
  let overfit = 0;
  for (const c of combos) {
    const isRows: number[] = [];
    const oosRows: number[] = [];
    for (let b = 0; b < blocks; b++) for (let i = 0; i < size; i++) (c.includes(b) ? isRows : oosRows).push(skip + b * size + i);
    const R = matrix.map((r) => sharpe(isRows.map((i) => r[i]!)));
    const Rb = matrix.map((r) => sharpe(oosRows.map((i) => r[i]!)));
    const nStar = R.indexOf(Math.max(...R));
    const v = Rb[nStar]!;
    const rank = Rb.filter((x) => x < v).length + (Rb.filter((x) => x === v).length + 1) / 2;
    const w = rank / (matrix.length + 1);
    if (Math.log(w / (1 - w)) <= 0) overfit++;
  }
  return overfit / combos.length;
}

function randomMatrix(n: number, T: number, seed: number, drift: (k: number) => number): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, k) => Float64Array.from({ length: T }, () => drift(k) + (rng.next() - 0.5) * 0.02));
}

describe('PBO by combinatorially symmetric cross-validation', () => {
  it('equals the long-way reference computation on random trials', () => {
    for (const [seed, blocks] of [
      [1, 6],
      [2, 10],
      [3, 12],
    ] as const) {
      const m = randomMatrix(9, 245, seed, (k) => 0.0003 * Math.sin(k));
      const stats = m.map((r) => returnStats(r, blocks));
      const got = probabilityOfOverfitting(stats, blocks, blockLayout(245, blocks).size);
      expect(got.pbo, `seed ${seed}, S=${blocks}`).toBe(referencePbo(m, blocks));
    }
  });

  it('counts C(S, S/2) splits: 12,870 for the default S=16', () => {
    const m = randomMatrix(3, 64, 4, () => 0);
    expect(probabilityOfOverfitting(m.map((r) => returnStats(r, 16)), 16, 4).combinations).toBe(12870);
  });

  it('is about one half for skill-less trials and zero when one trial truly dominates', () => {
    const noise = randomMatrix(40, 1600, 5, () => 0);
    const p = probabilityOfOverfitting(noise.map((r) => returnStats(r, 16)), 16, 100).pbo!;
    expect(p).toBeGreaterThan(0.25);
    expect(p).toBeLessThan(0.75);
    const edge = randomMatrix(40, 1600, 6, (k) => (k === 7 ? 0.004 : 0));
    expect(probabilityOfOverfitting(edge.map((r) => returnStats(r, 16)), 16, 100).pbo).toBe(0);
  });

  it('is null with fewer than two trials', () => {
    const one = randomMatrix(1, 64, 7, () => 0);
    expect(probabilityOfOverfitting(one.map((r) => returnStats(r, 16)), 16, 4).pbo).toBeNull();
  });
});
