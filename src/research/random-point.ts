import { orderLike } from './grid.js';
import type { Rng } from './random.js';
import { stepValue, type Point, type Space } from './space.js';

/** A point drawn uniformly: on the grid of a stepped range, anywhere in a continuous one, any choice. */
export function randomPoint(spaces: readonly Space[], rng: Rng): Point {
  const p: Point = {};
  for (const s of spaces) {
    if (s.choices) {
      p[s.name] = s.choices[rng.int(s.choices.length)]!;
      continue;
    }
    const r = s.range!;
    if (r.step === null) p[s.name] = r.min + rng.next() * (r.max - r.min);
    else p[s.name] = stepValue(r.min, r.step, rng.int(Math.round((r.max - r.min) / r.step) + 1));
  }
  return orderLike(spaces, p);
}
