import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { parseShard, shardRange, walkSearch, type Proposal } from '../../../src/research/search.js';
import type { Space } from '../../../src/research/space.js';
import type { Observation } from '../../../src/research/tpe.js';

const int = (name: string, min: number, max: number): Space => ({ name, target: { kind: 'param', param: name }, type: 'int', range: { min, max, step: 1 } });

async function collect(method: 'grid' | 'random' | 'tpe', range: [number, number], done = new Map<number, Observation>(), trials: number | null = 40): Promise<Proposal[]> {
  const seen: Proposal[] = [];
  await walkSearch({
    spaces: [int('a', 1, 9), int('b', 1, 9)],
    spec: { method, trials: method === 'grid' ? null : trials, seed: 5 },
    range,
    done,
    evaluate: async (batch) => {
      seen.push(...batch);
      return new Map(batch.map((p) => [p.index, { point: p.point, score: (p.point.a as number) * (p.point.b as number) }]));
    },
  });
  return seen;
}

describe('shards and resumption of a search', () => {
  it('--shard K/N cuts the indices into N contiguous slices that cover them once', () => {
    const total = 1722;
    const slices = [1, 2, 3, 4, 5, 6, 7].map((k) => shardRange(total, { k, n: 7 }));
    expect(slices[0]![0]).toBe(0);
    expect(slices[6]![1]).toBe(total);
    for (let k = 1; k < 7; k++) expect(slices[k]![0]).toBe(slices[k - 1]![1]);
    expect(parseShard('3/4')).toEqual({ k: 3, n: 4 });
    for (const bad of ['3/2', '0/2', '1/0', 'x', '1-2']) expect(() => parseShard(bad), bad).toThrow(UsageError);
  });

  it('grid and random shards propose exactly the points of the whole search', async () => {
    for (const method of ['grid', 'random'] as const) {
      const total = method === 'grid' ? 81 : 40;
      const whole = await collect(method, [0, total]);
      const parts = [];
      for (let k = 1; k <= 3; k++) parts.push(...(await collect(method, shardRange(total, { k, n: 3 }))));
      expect(parts, method).toEqual(whole);
    }
  });

  it('a resumed search runs only the missing points, and TPE proposes the same points as without the interruption', async () => {
    const whole = await collect('tpe', [0, 40]);
    const done = new Map<number, Observation>();
    for (const p of whole.filter((p) => p.index % 3 !== 0 && p.index < 30)) done.set(p.index, { point: p.point, score: (p.point.a as number) * (p.point.b as number) });
    const rest = await collect('tpe', [0, 40], done);
    expect(rest.map((p) => p.index)).toEqual(whole.filter((p) => !done.has(p.index)).map((p) => p.index));
    expect(rest).toEqual(whole.filter((p) => !done.has(p.index)));
  });

  it('a logged point that differs from what the search proposes means the inputs changed', async () => {
    const done = new Map<number, Observation>([[3, { point: { a: 9, b: 9 }, score: 81 }]]);
    await expect(collect('grid', [0, 81], done)).rejects.toThrow(/inputs changed/);
  });
});
