import { UsageError } from '../core/errors.js';
import { Grid } from './grid.js';
import { Rng, STREAM } from './random.js';
import { randomPoint } from './random-point.js';
import type { Point, Space } from './space.js';
import { proposeTpe, TPE_DEFAULTS, type Observation } from './tpe.js';
import type { Method } from './trial-log.js';

export interface SearchSpec {
  method: Method;
  /** points to draw for random and tpe; null for a grid (every combination) */
  trials: number | null;
  seed: number;
}

/**
 * TPE proposes this many points at a time from the results of all earlier ones. A fixed batch (not
 * the number of workers) keeps a seeded run the same for any --jobs, and on resume.
 */
export const TPE_BATCH = 8;

/** The points of a search, numbered 0 … total − 1. */
export function searchTotal(spec: SearchSpec, spaces: readonly Space[]): number {
  return spec.method === 'grid' ? new Grid(spaces).size : spec.trials!;
}

/** `--shard K/N`: the K-th of N contiguous slices of the point indices (K from 1). */
export function shardRange(total: number, shard: { k: number; n: number } | null): [number, number] {
  if (!shard) return [0, total];
  return [Math.floor(((shard.k - 1) * total) / shard.n), Math.floor((shard.k * total) / shard.n)];
}

export function parseShard(s: string): { k: number; n: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s);
  if (!m) throw new UsageError(`--shard ${JSON.stringify(s)} must look like K/N, e.g. 2/4`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || k < 1 || k > n) throw new UsageError(`--shard ${s}: K must be from 1 to N (${n < 1 ? 'N must be at least 1' : `shard ${k} of ${n} does not exist`})`);
  return { k, n };
}

export interface Proposal {
  index: number;
  point: Point;
}

/**
 * Walks a search over the indices [from, to): proposes points in batches, skips those `done`
 * already holds (a resumed run), and hands each batch to `evaluate`, which returns what the points
 * scored. Grid and random search are one batch (every point is known up front); TPE proposes
 * TPE_BATCH points at a time from the points before the batch, its first `startup` at random.
 * A resumed point whose logged parameters differ from the proposal means the inputs changed.
 */
export async function walkSearch(p: {
  spaces: readonly Space[];
  spec: SearchSpec;
  range: [number, number];
  done: ReadonlyMap<number, Observation>;
  evaluate: (batch: Proposal[]) => Promise<ReadonlyMap<number, Observation>>;
}): Promise<void> {
  const [from, to] = p.range;
  const { spec, spaces } = p;
  if (spec.method !== 'tpe') {
    const grid = spec.method === 'grid' ? new Grid(spaces) : null;
    const batch: Proposal[] = [];
    for (let i = from; i < to; i++) {
      const pr = { index: i, point: grid ? grid.point(i) : randomPoint(spaces, new Rng(spec.seed, STREAM.randomSearch, i)) };
      if (!p.done.has(i)) batch.push(pr);
      else checkLogged(p.done.get(i)!, pr);
    }
    if (batch.length > 0) await p.evaluate(batch);
    return;
  }
  const history: Observation[] = [];
  let start = from;
  while (start < to) {
    const size = start - from < TPE_DEFAULTS.startup ? Math.min(TPE_DEFAULTS.startup, to - from) : TPE_BATCH;
    const end = Math.min(to, start + size);
    const proposals: Proposal[] = [];
    for (let i = start; i < end; i++) {
      const rng = new Rng(spec.seed, STREAM.tpe, i);
      const point = history.length < TPE_DEFAULTS.startup ? randomPoint(spaces, rng) : proposeTpe(spaces, history, rng);
      proposals.push({ index: i, point });
    }
    const todo: Proposal[] = [];
    for (const pr of proposals) {
      const logged = p.done.get(pr.index);
      if (!logged) todo.push(pr);
      else checkLogged(logged, pr);
    }
    const results = todo.length > 0 ? await p.evaluate(todo) : new Map<number, Observation>();
    for (const pr of proposals) history.push(p.done.get(pr.index) ?? results.get(pr.index)!);
    start = end;
  }
}

function checkLogged(logged: Observation, pr: Proposal): void {
  if (JSON.stringify(logged.point) !== JSON.stringify(pr.point)) {
    throw new UsageError(`trial ${pr.index} of the log was made with ${JSON.stringify(logged.point)} but the search now proposes ${JSON.stringify(pr.point)}: the inputs changed; start a new --run`);
  }
}
