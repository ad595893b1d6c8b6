import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { formatTime, parseDate, parseIsoTimestamp } from '../../../src/data/parse-date.js';

const JAN1 = Date.UTC(2024, 0, 1);

describe('parseDate', () => {
  it('accepts ISO dates and date-times, UTC when no offset', () => {
    expect(parseDate('2024-01-01', '--from')).toBe(JAN1);
    expect(parseDate('2024-01-01T12:00', '--from')).toBe(JAN1 + 12 * 3_600_000);
    expect(parseDate('2024-01-01T12:00Z', '--from')).toBe(JAN1 + 12 * 3_600_000);
    expect(parseDate('2024-01-01 12:00:30', '--from')).toBe(JAN1 + 12 * 3_600_000 + 30_000);
    expect(parseDate('2024-01-01T12:00:30.250Z', '--from')).toBe(JAN1 + 12 * 3_600_000 + 30_250);
    expect(parseDate('2024-01-01T12:00:00+02:00', '--from')).toBe(JAN1 + 10 * 3_600_000);
    expect(parseDate('2024-01-01T12:00:00-0130', '--from')).toBe(JAN1 + 13.5 * 3_600_000);
    expect(parseDate('  2024-02-29  ', '--from')).toBe(Date.UTC(2024, 1, 29));
  });

  it('accepts epoch seconds and milliseconds as digit strings', () => {
    expect(parseDate('1704067200', '--from')).toBe(JAN1);
    expect(parseDate('1704067200000', '--from')).toBe(JAN1);
    expect(parseDate('0', '--from')).toBe(0);
  });

  it.each(['', 'yesterday', '2024-13-01', '2023-02-29', '2024-01-32', '2024-01-01T25:00', '2024-1-1', '2024-01-01T12', '-5', '1.5e12', '2024-01-01Tfoo'])(
    'rejects %j with a UsageError naming the flag',
    (input) => {
      let err: unknown;
      try {
        parseDate(input, '--to');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(2);
      expect((err as UsageError).message).toContain('--to');
      expect((err as UsageError).message).not.toContain('\n');
    },
  );

  it('parseIsoTimestamp returns NaN for non-dates', () => {
    expect(parseIsoTimestamp('2024-01-01x')).toBeNaN();
    expect(parseIsoTimestamp('2024-01-01T00:00:00Zz')).toBeNaN();
    expect(parseIsoTimestamp('2024-01-01T00:00:00.Z')).toBeNaN();
  });
});

describe('formatTime', () => {
  it('formats epoch ms as ISO 8601 UTC', () => {
    expect(formatTime(JAN1)).toBe('2024-01-01T00:00:00.000Z');
    expect(formatTime(parseDate('2024-03-05T06:07:08.009Z', 'x'))).toBe('2024-03-05T06:07:08.009Z');
  });
});
