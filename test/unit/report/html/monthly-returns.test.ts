import { describe, expect, it } from 'vitest';
import { monthlyReturns } from '../../../../src/report/html/monthly-returns.js';

describe('monthly returns', () => {
  it('chains each month from the end of the month before, and years from the end of the year before', () => {
    const t = (y: number, m: number, d: number) => Date.UTC(y, m, d);
    const time = [t(2024, 10, 1), t(2024, 10, 30), t(2024, 11, 15), t(2024, 11, 31), t(2025, 0, 10), t(2025, 2, 5)];
    const equity = [1000, 1100, 1050, 1210, 1331, 1197.9];
    const m = monthlyReturns(time, equity, 1000);
    expect(m.years.map((y) => y.year)).toEqual([2024, 2025]);
    const y24 = m.years[0]!;
    expect(y24.months.slice(0, 10).every((v) => v === null)).toBe(true);
    expect(y24.months[10]).toBeCloseTo(0.1, 12);
    expect(y24.months[11]).toBeCloseTo(0.1, 12);
    expect(y24.total).toBeCloseTo(0.21, 12);
    const y25 = m.years[1]!;
    expect(y25.months[0]).toBeCloseTo(0.1, 12);
    expect(y25.months[1]).toBeNull();
    expect(y25.months[2]).toBeCloseTo(-0.1, 12);
    expect(y25.total).toBeCloseTo(1197.9 / 1210 - 1, 12);
  });
});
