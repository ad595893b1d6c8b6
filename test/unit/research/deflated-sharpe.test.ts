import { describe, expect, it } from 'vitest';
import { deflatedSharpe, expectedMaxFactor, expectedMaxSharpe, minBacktestLength, probabilisticSharpe } from '../../../src/research/deflated-sharpe.js';

/**
 * An independent Φ for the reference computations: Simpson's rule over the normal density (the
 * code under test uses series and continued fractions).
 */
function phiBySimpson(x: number): number {
  const lo = -12;
  const n = 20_000;
  const h = (x - lo) / n;
  const f = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let s = f(lo) + f(x);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

describe('the Deflated Sharpe ratio (Bailey & López de Prado 2014)', () => {
  // The paper's numerical example: 100 independent trials whose annualised Sharpe ratios vary by
  // 1/2; the selected one shows an annualised Sharpe ratio of 2.5 over 5 years of daily returns
  // (T = 1250, 250 a year) with skewness −3 and kurtosis 10. The paper gives SR₀ ≈ 0.1132 per day
  // and DSR ≈ 0.9004.
  const perDay = (annual: number) => annual / Math.sqrt(250);
  const example = { sharpe: perDay(2.5), count: 1250, skew: -3, kurtosis: 10, trials: 100, sharpeVariance: 0.5 / 250 };

  it("reproduces the paper's worked example", () => {
    expect(expectedMaxSharpe(100, example.sharpeVariance)).toBeCloseTo(0.1132, 4);
    expect(deflatedSharpe(example)!).toBeCloseTo(0.9004, 4);
  });

  it('equals PSR against SR₀ computed separately (Simpson-rule Φ)', () => {
    const sr0 = Math.sqrt(example.sharpeVariance) * expectedMaxFactor(100);
    const z = ((example.sharpe - sr0) * Math.sqrt(example.count - 1)) / Math.sqrt(1 - example.skew * example.sharpe + ((example.kurtosis - 1) / 4) * example.sharpe ** 2);
    expect(deflatedSharpe(example)!).toBeCloseTo(phiBySimpson(z), 10);
  });

  it('uses ordinary kurtosis: passing excess kurtosis (as vectorbt does) overstates the confidence', () => {
    const ordinary = deflatedSharpe(example)!;
    const excess = deflatedSharpe({ ...example, kurtosis: example.kurtosis - 3 })!;
    expect(excess).toBeGreaterThan(ordinary);
    // normal returns: kurtosis 3 makes the variance term 1 + SR²/2
    const p = probabilisticSharpe({ sharpe: 0.1, benchmark: 0, count: 101, skew: 0, kurtosis: 3 })!;
    expect(p).toBeCloseTo(phiBySimpson((0.1 * 10) / Math.sqrt(1 + 0.01 / 2)), 10);
  });

  it('with one trial nothing is deflated: DSR is the PSR against 0', () => {
    const one = { ...example, trials: 1 };
    expect(deflatedSharpe(one)).toBe(probabilisticSharpe({ ...example, benchmark: 0 }));
  });

  it('is null when the variance term is not positive', () => {
    expect(probabilisticSharpe({ sharpe: 1, benchmark: 0, count: 100, skew: 5, kurtosis: 1 })).toBeNull();
  });
});

describe('the expected maximum and the minimum backtest length (Bailey, Borwein, López de Prado & Zhu 2014)', () => {
  it('E[max] of 10 standard normals is about 1.575, below the √(2 ln N) bound', () => {
    expect(expectedMaxFactor(10)).toBeCloseTo(1.575, 3);
    for (const n of [2, 10, 100, 1000]) expect(expectedMaxFactor(n)).toBeLessThan(Math.sqrt(2 * Math.log(n)));
  });

  it('five years of data allow about 45 independent trials for an annualised Sharpe ratio of 1', () => {
    // the paper: "no more than 45 independent model configurations should be tried" with 5 years
    expect(minBacktestLength(45, 1)!).toBeCloseTo(5, 1);
    expect(minBacktestLength(45, 1)!).toBeCloseTo(expectedMaxFactor(45) ** 2, 12);
    expect(minBacktestLength(45, -0.1)).toBeNull();
  });
});
