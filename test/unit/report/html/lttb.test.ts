import { describe, expect, it } from 'vitest';
import { lttb } from '../../../../src/report/html/lttb.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('lttb', () => {
  it('keeps every point when the threshold is not below the length', () => {
    expect(lttb([0, 1, 2], [5, 6, 7], 3)).toEqual([0, 1, 2]);
    expect(lttb([0, 1, 2], [5, 6, 7], 10)).toEqual([0, 1, 2]);
  });

  it('returns exactly threshold ascending indices, the first and last included', () => {
    const x = range(1000);
    const y = x.map((i) => Math.sin(i / 17) * 100 + i);
    const kept = lttb(x, y, 50);
    expect(kept).toHaveLength(50);
    expect(kept[0]).toBe(0);
    expect(kept[49]).toBe(999);
    for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
  });

  it('keeps a one-point spike and a one-point crash that striding would drop', () => {
    const x = range(10_000);
    const y = x.map(() => 100);
    y[4_321] = 180;
    y[7_777] = 20;
    const kept = lttb(x, y, 100);
    expect(kept).toContain(4_321);
    expect(kept).toContain(7_777);
  });

  it('picks, in each bucket, the point of the largest triangle (hand-computed case)', () => {
    // 8 points, threshold 4: buckets [1,4) and [4,7) (every = 3); the spike at 2 and the dip at 5 win
    const x = range(8);
    const y = [0, 1, 9, 1, 1, -7, 1, 0];
    expect(lttb(x, y, 4)).toEqual([0, 2, 5, 7]);
  });

  it('handles uneven spacing in x (times with gaps)', () => {
    const x = [0, 1, 2, 100, 101, 102, 103];
    const y = [0, 0, 5, 5, 0, 0, 0];
    const kept = lttb(x, y, 4);
    expect(kept).toHaveLength(4);
    expect(kept[0]).toBe(0);
    expect(kept[3]).toBe(6);
  });
});
