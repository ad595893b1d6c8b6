import { describe, expect, it } from 'vitest';
import { MutableCandleSeries } from '../../../src/core/candles.js';
import { candleRuns, missingSpans, normalizeSpans, subtractSpans } from '../../../src/data/coverage.js';
import { candleClose } from '../../../src/data/download.js';

const M1 = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const m = (k: number) => T0 + k * M1;
const closes1m = candleClose('1m', M1);

/** 1m candles at the given minutes. */
function candles(...minutes: number[]) {
  const s = new MutableCandleSeries(M1);
  for (const k of minutes) s.push(m(k), 1, 1, 1, 1, 1);
  return s;
}
const run = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('spans', () => {
  it('normalize: sorted, overlapping and touching spans merged, empty ones dropped', () => {
    expect(normalizeSpans([[5, 9], [1, 3], [3, 4], [8, 12], [20, 20]])).toEqual([[1, 4], [5, 12]]);
  });

  it('subtract: the parts of a span outside the known ones', () => {
    expect(subtractSpans([0, 100], [])).toEqual([[0, 100]]);
    expect(subtractSpans([0, 100], [[10, 20], [50, 150]])).toEqual([[0, 10], [20, 50]]);
    expect(subtractSpans([30, 40], [[10, 20], [50, 150]])).toEqual([[30, 40]]);
    expect(subtractSpans([0, 100], [[-5, 200]])).toEqual([]);
  });
});

describe('candleRuns', () => {
  it('is one span per run of consecutive candles, from the first open to the last close', () => {
    expect(candleRuns(candles(...run(0, 9), ...run(15, 19)), closes1m)).toEqual([
      [m(0), m(10)],
      [m(15), m(20)],
    ]);
    expect(candleRuns(null, closes1m)).toEqual([]);
  });

  it('runs month candles across calendar months of different lengths', () => {
    const s = new MutableCandleSeries(30 * 86_400_000);
    for (const mo of [0, 1, 2, 4]) s.push(Date.UTC(2024, mo, 1), 1, 1, 1, 1, 1);
    expect(candleRuns(s, candleClose('1M', 30 * 86_400_000))).toEqual([
      [Date.UTC(2024, 0, 1), Date.UTC(2024, 3, 1)],
      [Date.UTC(2024, 4, 1), Date.UTC(2024, 5, 1)],
    ]);
  });
});

describe('missingSpans', () => {
  it('is the whole request without a cache', () => {
    expect(missingSpans(null, [], m(0), m(10), closes1m)).toEqual([[m(0), m(10)]]);
  });

  it('is the hole at the front, the hole between two runs and the part after the cache', () => {
    expect(missingSpans(candles(...run(5, 9), ...run(20, 24)), [], m(0), m(30), closes1m)).toEqual([
      [m(0), m(5)],
      [m(10), m(20)],
      [m(25), m(30)],
    ]);
  });

  it('leaves out a gap inside a fetched span: the exchange has nothing there', () => {
    const s = candles(...run(0, 9), ...run(20, 29));
    expect(missingSpans(s, [[m(0), m(30)]], m(0), m(30), closes1m)).toEqual([]);
    // fetched up to minute 25 only: the rest is still missing
    expect(missingSpans(candles(...run(0, 9)), [[m(0), m(25)]], m(0), m(30), closes1m)).toEqual([[m(25), m(30)]]);
  });

  it('is nothing for an empty request', () => {
    expect(missingSpans(null, [], m(9), m(9), closes1m)).toEqual([]);
    expect(missingSpans(null, [], m(9), m(0), closes1m)).toEqual([]);
  });
});
