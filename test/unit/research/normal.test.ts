import { describe, expect, it } from 'vitest';
import { logNormalCdf, normalCdf, normalMass, normalQuantile } from '../../../src/research/normal.js';

// Reference values from scipy.stats.norm (cdf, ppf), quoted to full double precision.
const CDF: [number, number][] = [
  [0, 0.5],
  [-1, 0.15865525393145707],
  [1.96, 0.9750021048517795],
  [-3, 0.0013498980316301035],
  [-5, 2.866515718791939e-7],
  [-10, 7.619853024160527e-24],
  [2.5, 0.9937903346742238],
];

describe('the normal distribution', () => {
  it('Φ agrees with reference values to a relative 1e-13, far into the lower tail', () => {
    for (const [x, p] of CDF) expect(Math.abs(normalCdf(x) - p) / p, `Φ(${x})`).toBeLessThan(1e-13);
  });

  it('Φ⁻¹ inverts Φ to the last digits and matches known quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 11);
    for (const p of [1e-12, 1e-6, 0.01, 0.3, 0.7, 0.999]) expect(Math.abs(normalCdf(normalQuantile(p)) - p) / p, `p ${p}`).toBeLessThan(1e-12);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });

  it('the mass of an interval does not cancel when both ends lie in one tail', () => {
    // Φ(7) − Φ(6) computed as Q(6) − Q(7): about 9.8658e-10, which 1 − Φ would round badly
    const q6 = 9.865876450376946e-10;
    const q7 = 1.279812543885835e-12;
    expect(Math.abs(normalMass(6, 7) - (q6 - q7)) / (q6 - q7)).toBeLessThan(1e-12);
    expect(normalMass(-1, 1)).toBeCloseTo(0.6826894921370859, 14);
    expect(Math.exp(logNormalCdf(-10))).toBeCloseTo(7.619853024160527e-24, 35);
  });
});
