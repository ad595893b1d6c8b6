import { describe, expect, it } from 'vitest';
import { defaultBlockLength, monteCarlo, percentile, tradeReturnsOnEquity } from '../../../src/research/monte-carlo.js';
import { Rng } from '../../../src/research/random.js';

const returns = (() => {
  const rng = new Rng(11);
  return Float64Array.from({ length: 500 }, () => (rng.next() - 0.49) * 0.02);
})();

describe('Monte Carlo bands', () => {
  it('are reproducible from the seed and change with it', () => {
    const a = monteCarlo({ returns, tradeReturns: [0.1, -0.05, 0.02, -0.2, 0.3], simulations: 200, seed: 7 });
    const b = monteCarlo({ returns, tradeReturns: [0.1, -0.05, 0.02, -0.2, 0.3], simulations: 200, seed: 7 });
    const c = monteCarlo({ returns, tradeReturns: [0.1, -0.05, 0.02, -0.2, 0.3], simulations: 200, seed: 8 });
    expect(a).toEqual(b);
    expect(c.bootstrap!.finalReturn).not.toEqual(a.bootstrap!.finalReturn);
    expect(a.bootstrap!.blockLength).toBe(defaultBlockLength(500));
    expect(a.bootstrap!.finalReturn.p5).toBeLessThanOrEqual(a.bootstrap!.finalReturn.p50);
    expect(a.bootstrap!.finalReturn.p50).toBeLessThanOrEqual(a.bootstrap!.finalReturn.p95);
  });

  it('one block as long as the series resamples it whole: the bands are the series\' own figures', () => {
    // a single block of length T starting anywhere is a rotation: the final return is the same
    const r = new Float64Array([0.1, -0.2, 0.05, 0.1]);
    const mc = monteCarlo({ returns: r, tradeReturns: [], simulations: 50, seed: 1, blockLength: 4 });
    const final = 1.1 * 0.8 * 1.05 * 1.1 - 1;
    expect(mc.bootstrap!.finalReturn.p5).toBeCloseTo(final, 12);
    expect(mc.bootstrap!.finalReturn.p95).toBeCloseTo(final, 12);
    expect(mc.tradeShuffle).toBeNull();
  });

  it('measures drawdowns on compounded equity: never more than 100 % (Jesse reported −2,204 % from summed PnL)', () => {
    // a trade list whose summed absolute PnL would go far below zero
    const pnls = [5000, -7000, 4000, -6000, 8000, -9000];
    const g = tradeReturnsOnEquity(10_000, pnls);
    // each trade as a fraction of the equity it was taken from
    expect(g[0]).toBeCloseTo(0.5, 12);
    expect(g[1]).toBeCloseTo(-7000 / 15000, 12);
    const mc = monteCarlo({ returns: new Float64Array(0), tradeReturns: g, simulations: 300, seed: 3 });
    const t = mc.tradeShuffle!;
    for (const v of [t.maxDrawdown.p5, t.maxDrawdown.p50, t.maxDrawdown.p95]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    // compounding does not depend on the order: every shuffle ends where the realised run ended
    const realised = (10_000 + pnls.reduce((a, b) => a + b, 0)) / 10_000 - 1;
    expect(t.finalReturn.p5).toBeCloseTo(realised, 12);
    expect(t.finalReturn.p95).toBeCloseTo(realised, 12);
    expect(mc.bootstrap).toBeNull();
  });

  it('the drawdown of one shuffle is computed on its equity path (checked by hand on a small list)', () => {
    // orders of [+100 %, −50 %]: either 1 → 2 → 1 (drawdown 50 %) or 1 → 0.5 → 1 (drawdown 50 %)
    const mc = monteCarlo({ returns: new Float64Array(0), tradeReturns: [1, -0.5], simulations: 20, seed: 5 });
    expect(mc.tradeShuffle!.maxDrawdown.p50).toBeCloseTo(0.5, 12);
    expect(mc.tradeShuffle!.finalReturn.p50).toBeCloseTo(0, 12);
  });

  it('the block bootstrap equals a long-way reference: blocks drawn from the same seeded streams, resampled series built, then measured', () => {
    const T = returns.length;
    const L = 7;
    const sims = 60;
    const finals: number[] = [];
    const dds: number[] = [];
    for (let s = 0; s < sims; s++) {
      const rng = new Rng(21, 3 /* the bootstrap stream */, s);
      const series: number[] = [];
      while (series.length < T) {
        const start = rng.int(T);
        for (let k = 0; k < L; k++) series.push(returns[(start + k) % T]!);
      }
      series.length = T;
      const path = series.reduce<number[]>((eq, r) => [...eq, eq[eq.length - 1]! * (1 + r)], [1]);
      finals.push(path[T]! - 1);
      let peak = -Infinity;
      dds.push(Math.max(...path.map((e) => ((peak = Math.max(peak, e)), 1 - e / peak))));
    }
    const q = (xs: number[], p: number) => {
      const v = [...xs].sort((a, b) => a - b);
      const h = (v.length - 1) * p;
      return v[Math.floor(h)]! + (h - Math.floor(h)) * (v[Math.ceil(h)]! - v[Math.floor(h)]!);
    };
    const mc = monteCarlo({ returns, tradeReturns: [], simulations: sims, seed: 21, blockLength: L }).bootstrap!;
    for (const p of ['p5', 'p50', 'p95'] as const) {
      const level = { p5: 0.05, p50: 0.5, p95: 0.95 }[p];
      expect(mc.finalReturn[p]).toBeCloseTo(q(finals, level), 12);
      expect(mc.maxDrawdown[p]).toBeCloseTo(q(dds, level), 12);
    }
  });

  it('percentiles interpolate linearly between order statistics (numpy\'s default)', () => {
    const sorted = [1, 2, 3, 4, 10];
    expect(percentile(sorted, 0.5)).toBe(3);
    expect(percentile(sorted, 0.05)).toBeCloseTo(1 + 0.2 * 1, 12); // pos 0.2
    expect(percentile(sorted, 0.95)).toBeCloseTo(4 + 0.8 * 6, 12); // pos 3.8
  });
});
