import { describe, expect, it } from 'vitest';
import { decimalsOf, packInts, unpackInts } from '../../../../src/report/html/pack-ints.js';
import { packLine } from '../../../../src/report/html/pack-line.js';

describe('packInts', () => {
  it('round-trips small, negative and large integers', () => {
    const values = [0, 1, -1, 63, -64, 64, 127, 128, -129, 300, 2 ** 31, -(2 ** 31) - 5, 2 ** 40 + 3, 2 ** 52 - 1, -(2 ** 52 - 1)];
    expect(unpackInts(packInts(values))).toEqual(values);
  });

  it('spends one byte on a value in -64..63', () => {
    expect(Buffer.from(packInts([0, 5, -5, 63, -64]), 'base64')).toHaveLength(5);
  });

  it('refuses fractions, NaN and magnitudes it could not round-trip', () => {
    expect(() => packInts([1.5])).toThrow(RangeError);
    expect(() => packInts([NaN])).toThrow(RangeError);
    expect(() => packInts([Number.MAX_SAFE_INTEGER])).toThrow(RangeError);
  });
});

describe('decimalsOf', () => {
  it('finds the tick of prices', () => {
    expect(decimalsOf([105123.45, 105200.1, 99000])).toBe(2);
    expect(decimalsOf([1, 2, 3])).toBe(0);
    expect(decimalsOf([0.00012345])).toBe(8);
    expect(decimalsOf([0.1 + 0.2])).toBe(1);
  });
});

describe('packLine', () => {
  it('keeps times and values to the scale', () => {
    const p = packLine([1000, 61_000, 121_000], [[10_000, 10_000.1234, 9_999.5]], 1000, 1000);
    expect(p.t0).toBe(1000);
    let t = 0;
    expect(unpackInts(p.t).map((d) => p.t0 + (t += d) * p.tUnit)).toEqual([1000, 61_000, 121_000]);
    let v = 0;
    expect(unpackInts(p.values[0]!).map((d) => (v += d) / p.scale)).toEqual([10_000, 10_000.123, 9_999.5]);
  });
});
