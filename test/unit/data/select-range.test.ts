import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { parseDate } from '../../../src/data/parse-date.js';
import { type LoadedCandles, readCandleFile } from '../../../src/data/read-candles.js';
import { selectRange } from '../../../src/data/select-range.js';

const tmp = mkdtempSync(join(tmpdir(), 'tradebot-select-range-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
// hourly candles 00:00..09:00 with 04:00 and 05:00 missing (one gap of 2 bars)
const HOURS = [0, 1, 2, 3, 6, 7, 8, 9];
const PATH = join(tmp, 'hourly.csv');
let loaded: LoadedCandles;

beforeAll(async () => {
  writeFileSync(PATH, ['timestamp,open,high,low,close,volume', ...HOURS.map((h) => `${T0 + h * H},1,2,0.5,1.5,${h}`)].join('\n'));
  loaded = await readCandleFile(PATH);
});

const hoursOf = (l: LoadedCandles) => Array.from(l.series.time, (t) => (t - T0) / H);

function usageError(fn: () => unknown): UsageError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UsageError);
  expect((err as UsageError).exitCode).toBe(2);
  expect((err as UsageError).message).not.toMatch(/[\r\n]/);
  return err as UsageError;
}

describe('selectRange', () => {
  it('the loaded file has one gap of 2 bars', () => {
    expect(loaded.timeframe).toBe('1h');
    expect(loaded.gaps).toEqual([{ after: T0 + 3 * H, before: T0 + 6 * H, missing: 2 }]);
  });

  it('without bounds keeps everything', () => {
    const r = selectRange(loaded);
    expect(hoursOf(r)).toEqual(HOURS);
    expect(r.gaps).toEqual(loaded.gaps);
  });

  it('from is inclusive on the candle open time', () => {
    expect(hoursOf(selectRange(loaded, T0 + 2 * H))).toEqual([2, 3, 6, 7, 8, 9]);
    // a from between candles starts at the next candle
    expect(hoursOf(selectRange(loaded, T0 + 2 * H + 1))).toEqual([3, 6, 7, 8, 9]);
    expect(hoursOf(selectRange(loaded, T0 + 4 * H))).toEqual([6, 7, 8, 9]);
  });

  it('to is inclusive on the candle open time', () => {
    expect(hoursOf(selectRange(loaded, undefined, T0 + 7 * H))).toEqual([0, 1, 2, 3, 6, 7]);
    expect(hoursOf(selectRange(loaded, undefined, T0 + 7 * H - 1))).toEqual([0, 1, 2, 3, 6]);
  });

  it('from === to selects the single candle opening then', () => {
    const r = selectRange(loaded, T0 + 6 * H, T0 + 6 * H);
    expect(hoursOf(r)).toEqual([6]);
    expect(r.gaps).toEqual([]);
  });

  it('bounds beyond the data clamp to it', () => {
    expect(hoursOf(selectRange(loaded, T0 - 100 * H, T0 + 100 * H))).toEqual(HOURS);
  });

  it('recomputes gaps for the slice and keeps source, timeframe and shared memory', () => {
    const inner = selectRange(loaded, T0 + 1 * H, T0 + 7 * H);
    expect(hoursOf(inner)).toEqual([1, 2, 3, 6, 7]);
    expect(inner.gaps).toEqual([{ after: T0 + 3 * H, before: T0 + 6 * H, missing: 2 }]);
    expect(inner.source).toBe(PATH);
    expect(inner.timeframe).toBe('1h');
    expect(inner.series.timeframeMs).toBe(H);
    expect(inner.series.volume.buffer).toBe(loaded.series.volume.buffer);
    expect(Array.from(inner.series.volume)).toEqual([1, 2, 3, 6, 7]);

    const noGap = selectRange(loaded, T0 + 6 * H, T0 + 9 * H);
    expect(noGap.gaps).toEqual([]);
    expect(noGap.series.length).toBe(4);
  });

  it('from after to is a UsageError naming both', () => {
    const err = usageError(() => selectRange(loaded, parseDate('2024-02-01', '--from'), parseDate('2024-01-01', '--to')));
    expect(err.message).toContain('2024-02-01');
    expect(err.message).toContain('2024-01-01');
  });

  it.each([
    ['inside a gap', T0 + 4 * H, T0 + 5 * H],
    ['before the data', T0 - 10 * H, T0 - H],
    ['after the data', T0 + 10 * H, undefined],
    ['before the data, open-ended start', undefined, T0 - 1],
  ])('an empty selection (%s) is a UsageError naming the file and its range', (_label, from, to) => {
    const err = usageError(() => selectRange(loaded, from, to));
    expect(err.message).toContain(PATH);
    expect(err.message).toContain('2024-01-01T00:00:00.000Z'); // first candle
    expect(err.message).toContain('2024-01-01T09:00:00.000Z'); // last candle
  });
});
