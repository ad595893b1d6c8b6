import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { MutableCandleSeries } from '../../../src/core/candles.js';
import { parseSpan, planWindows } from '../../../src/research/windows.js';

const DAY = 86_400_000;
const hourly = (days: number) => {
  const s = new MutableCandleSeries(3_600_000);
  for (let i = 0; i < days * 24; i++) s.push(i * 3_600_000, 1, 1, 1, 1, 1);
  return s;
};

describe('walk-forward windows', () => {
  it('slide by the step and keep only test spans the data covers in full', () => {
    const w = planWindows(hourly(100), { trainMs: 30 * DAY, testMs: 10 * DAY, stepMs: 10 * DAY, anchored: false });
    expect(w).toHaveLength(7);
    expect(w[0]).toEqual({ trainStart: 0, testStart: 30 * 24, testEnd: 40 * 24 });
    expect(w[1]).toEqual({ trainStart: 10 * 24, testStart: 40 * 24, testEnd: 50 * 24 });
    expect(w[6]!.testEnd).toBe(100 * 24);
  });

  it('anchored windows all train from the first candle', () => {
    const w = planWindows(hourly(100), { trainMs: 30 * DAY, testMs: 20 * DAY, stepMs: 20 * DAY, anchored: true });
    expect(w.map((x) => [x.trainStart, x.testStart / 24, x.testEnd / 24])).toEqual([
      [0, 30, 50],
      [0, 50, 70],
      [0, 70, 90],
    ]);
  });

  it('a train span as long as the data, or train plus test longer than it, is a usage error', () => {
    expect(() => planWindows(hourly(60), { trainMs: 90 * DAY, testMs: 30 * DAY, stepMs: 30 * DAY, anchored: false })).toThrow(/--train 90 days is not shorter than the data \(60 days\)/);
    expect(() => planWindows(hourly(60), { trainMs: 50 * DAY, testMs: 30 * DAY, stepMs: 30 * DAY, anchored: false })).toThrow(UsageError);
    expect(parseSpan('90d', '--train')).toBe(90 * DAY);
    expect(() => parseSpan('ninety', '--train')).toThrow(/--train "ninety" is not a span/);
  });
});
