import { UsageError } from '../core/errors.js';
import { gridValues, type Point, type Space, type SpaceValue } from './space.js';

/** The most combinations a grid may have: its indices stay exact integers everywhere. */
const MAX_GRID = 2 ** 32;

/**
 * Every combination of the spaces' values, numbered in nested-loop order: the first space varies
 * slowest, the last fastest (`--space fast=2:4 --space slow=10:20:5` → 2/10, 2/15, 2/20, 3/10, …).
 */
export class Grid {
  readonly values: SpaceValue[][];
  readonly size: number;

  constructor(readonly spaces: readonly Space[]) {
    this.values = spaces.map(gridValues);
    this.size = this.values.reduce((n, v) => n * v.length, 1);
    if (this.size > MAX_GRID) throw new UsageError(`the grid has ${this.size.toExponential(2)} combinations, more than ${MAX_GRID}: narrow the spaces or use --search random or tpe`);
  }

  point(index: number): Point {
    const p: Point = {};
    let rest = index;
    for (let k = this.spaces.length - 1; k >= 0; k--) {
      const vals = this.values[k]!;
      p[this.spaces[k]!.name] = vals[rest % vals.length]!;
      rest = Math.floor(rest / vals.length);
    }
    return orderLike(this.spaces, p);
  }
}

/** The point's keys in space order, so its JSON reads as the command line does. */
export function orderLike(spaces: readonly Space[], p: Point): Point {
  const out: Point = {};
  for (const s of spaces) out[s.name] = p[s.name]!;
  return out;
}
