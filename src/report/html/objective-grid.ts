import type { ObjectiveGrid } from './page-data.js';
import type { OptimizeReport } from './research-input.js';

/** The grid of the heatmap, or null when the trials have fewer than two parameters. */
export function objectiveGrid(r: OptimizeReport): ObjectiveGrid | null {
  if (r.x === null || r.y === null) return null;
  const { x, y } = r;
  const xs = sortedValues(r.trials.map((t) => t.params[x]));
  const ys = sortedValues(r.trials.map((t) => t.params[y]));
  const xi = new Map(xs.map((v, i) => [v, i]));
  const yi = new Map(ys.map((v, i) => [v, i]));
  const cells: (number | null)[][] = ys.map(() => xs.map(() => null));
  for (const t of r.trials) {
    const v = t.objective;
    if (v === null) continue;
    const row = cells[yi.get(label(t.params[y]))!]!;
    const c = xi.get(label(t.params[x]))!;
    if (row[c] === null || v > row[c]!) row[c] = v;
  }
  return { objective: r.objective, x, y, xs, ys, cells, trials: r.trials.length };
}

function label(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

/** Distinct values as labels: numbers in numeric order, anything else after, in text order. */
function sortedValues(values: unknown[]): string[] {
  const seen = new Map<string, unknown>();
  for (const v of values) seen.set(label(v), v);
  return [...seen.entries()]
    .sort(([la, a], [lb, b]) => (typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'number' ? -1 : typeof b === 'number' ? 1 : la < lb ? -1 : la > lb ? 1 : 0))
    .map(([l]) => l);
}
