import { UsageError } from '../../core/errors.js';

/**
 * The optimize and walk-forward documents as the report reads them: the shapes issue 11 gives
 * `tradebot optimize --json` (trials[] with params and metrics, a robustness block) and
 * `tradebot walk-forward --json` (windows and the stitched out-of-sample equity). Only what the
 * report shows is required; other fields are ignored, so the research code may add to them.
 */
export interface OptimizeReport {
  /** the metric trials are ranked by (a key of each trial's metrics) */
  objective: string;
  /** `objective`: the trial's own objective value when the document gives one, else metrics[objective] */
  trials: { params: Record<string, unknown>; metrics: Record<string, number | null>; objective: number | null }[];
  /** the robustness block as written (dsr, psr, pbo, Monte Carlo bands ...), shown field by field */
  robustness: Record<string, unknown> | null;
  /** the heatmap's parameters (--x, --y, or the two with the most distinct values) */
  x: string | null;
  y: string | null;
}

export interface WalkForwardWindow {
  train: { from: number; to: number };
  test: { from: number; to: number };
  params: Record<string, unknown>;
  inSample: number | null;
  outOfSample: number | null;
  efficiency: number | null;
}

export interface WalkForwardReport {
  objective: string;
  windows: WalkForwardWindow[];
  /** stitched out-of-sample equity */
  equityCurve: { time: number; equity: number }[];
  metrics: Record<string, number | null> | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Which research document a parsed JSON value is, if any. */
export function researchKind(doc: unknown): 'optimize' | 'walk-forward' | null {
  if (!isObj(doc)) return null;
  if (Array.isArray(doc.windows)) return 'walk-forward';
  if (Array.isArray(doc.trials)) return 'optimize';
  return null;
}

export function parseOptimizeDoc(doc: unknown, source: string, axes: { x?: string; y?: string } = {}): OptimizeReport {
  const bad = (what: string): never => {
    throw new UsageError(`${source} is not a valid optimize document: ${what}`);
  };
  if (!isObj(doc) || !Array.isArray(doc.trials)) return bad('trials must be an array');
  const trials = doc.trials.map((t, i) => {
    if (!isObj(t) || !isObj(t.params) || !isObj(t.metrics)) return bad(`trials[${i}] needs params and metrics objects`);
    const metrics: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(t.metrics)) metrics[k] = numOrNull(v);
    return { params: t.params, metrics, objective: numOrNull(t.objective) };
  });
  const objective = typeof doc.objective === 'string' ? doc.objective : 'sharpe';
  for (const t of trials) t.objective ??= t.metrics[objective] ?? null;
  const robustness = isObj(doc.robustness) ? doc.robustness : null;
  const names = paramNames(trials);
  for (const [flag, name] of [['--x', axes.x], ['--y', axes.y]] as const) {
    if (name !== undefined && !names.includes(name)) {
      throw new UsageError(`${flag} ${name}: no such parameter in ${source} (parameters: ${names.join(', ') || 'none'})`);
    }
  }
  const ranked = [...names].sort((a, b) => distinct(trials, b) - distinct(trials, a));
  const x = axes.x ?? ranked.find((n) => n !== axes.y) ?? null;
  const y = axes.y ?? ranked.find((n) => n !== x) ?? null;
  return { objective, trials, robustness, x, y };
}

export function parseWalkForwardDoc(doc: unknown, source: string): WalkForwardReport {
  const bad = (what: string): never => {
    throw new UsageError(`${source} is not a valid walk-forward document: ${what}`);
  };
  if (!isObj(doc) || !Array.isArray(doc.windows)) return bad('windows must be an array');
  const span = (v: unknown, path: string): { from: number; to: number } =>
    isObj(v) && typeof v.from === 'number' && typeof v.to === 'number' ? { from: v.from, to: v.to } : bad(`${path} needs from and to (epoch ms)`);
  const windows = doc.windows.map((w, i) => {
    if (!isObj(w)) return bad(`windows[${i}] must be an object`);
    return {
      train: span(w.train, `windows[${i}].train`),
      test: span(w.test, `windows[${i}].test`),
      params: isObj(w.params) ? w.params : {},
      inSample: numOrNull(w.inSample),
      outOfSample: numOrNull(w.outOfSample),
      efficiency: numOrNull(w.efficiency),
    };
  });
  const curve = Array.isArray(doc.equityCurve) ? doc.equityCurve : [];
  const equityCurve = curve.map((p, i) =>
    isObj(p) && typeof p.time === 'number' && typeof p.equity === 'number' && Number.isFinite(p.equity) ? { time: p.time, equity: p.equity } : bad(`equityCurve[${i}] needs time and equity numbers`),
  );
  let metrics: Record<string, number | null> | null = null;
  if (isObj(doc.metrics)) {
    metrics = {};
    for (const [k, v] of Object.entries(doc.metrics)) metrics[k] = numOrNull(v);
  }
  return { objective: typeof doc.objective === 'string' ? doc.objective : 'sharpe', windows, equityCurve, metrics };
}

function paramNames(trials: { params: Record<string, unknown> }[]): string[] {
  const names = new Set<string>();
  for (const t of trials) for (const k of Object.keys(t.params)) names.add(k);
  return [...names];
}

function distinct(trials: { params: Record<string, unknown> }[], name: string): number {
  return new Set(trials.map((t) => JSON.stringify(t.params[name] ?? null))).size;
}
