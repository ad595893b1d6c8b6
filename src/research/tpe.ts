import { orderLike } from './grid.js';
import { logNormalCdf, normalMass, normalCdf, normalQuantile } from './normal.js';
import type { Rng } from './random.js';
import { stepValue, type Point, type Space, type SpaceValue } from './space.js';

/**
 * The Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl 2011), with the defaults
 * of Optuna's TPESampler (independent sampling per parameter): after `startup` random points, the
 * observations are split into the best γ(n) = min(⌈0.1·n⌉, 25) and the rest; each group gets a
 * Parzen estimator (truncated Gaussians at the observations, plus a prior spanning the range; a
 * weighted histogram with a uniform prior for choices); 24 candidates are drawn from the good
 * group's estimator and the one maximising l(x)/g(x) is proposed.
 */
export const TPE_DEFAULTS = { startup: 10, candidates: 24, priorWeight: 1 } as const;

export interface Observation {
  point: Point;
  /** the objective, higher is better; −Infinity for skipped or rejected points */
  score: number;
}

export function gamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Weights of n observations in chronological order: older ones fade once there are more than 25. */
export function observationWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = linspace(1 / n, 1, n - 25);
  return [...ramp, ...new Array<number>(25).fill(1)];
}

function linspace(a: number, b: number, num: number): number[] {
  if (num <= 0) return [];
  if (num === 1) return [a];
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(a + ((b - a) * i) / (num - 1));
  return out;
}

/** A proposal from `history` (chronological). The caller draws the startup points at random. */
export function proposeTpe(spaces: readonly Space[], history: readonly Observation[], rng: Rng): Point {
  const n = history.length;
  const order = history.map((_, i) => i).sort((a, b) => history[b]!.score - history[a]!.score || a - b);
  const nBelow = gamma(n);
  const belowSet = new Set(order.slice(0, nBelow));
  const below: Observation[] = [];
  const above: Observation[] = [];
  history.forEach((o, i) => (belowSet.has(i) ? below : above).push(o));

  const p: Point = {};
  for (const s of spaces) {
    const l = estimator(s, below.map((o) => o.point[s.name]!));
    const g = estimator(s, above.map((o) => o.point[s.name]!));
    let best: SpaceValue = null;
    let bestScore = -Infinity;
    for (let c = 0; c < TPE_DEFAULTS.candidates; c++) {
      const x = l.sample(rng);
      const score = l.logPdf(x) - g.logPdf(x);
      if (c === 0 || score > bestScore) {
        best = x;
        bestScore = score;
      }
    }
    p[s.name] = best;
  }
  return orderLike(spaces, p);
}

interface Estimator {
  sample(rng: Rng): SpaceValue;
  logPdf(x: SpaceValue): number;
}

function estimator(s: Space, values: SpaceValue[]): Estimator {
  return s.choices ? categorical(s.choices, values) : numerical(s.range!, values as number[]);
}

function mixtureWeights(n: number): number[] {
  const w = n === 0 ? [] : observationWeights(n);
  w.push(TPE_DEFAULTS.priorWeight);
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

function categorical(choices: readonly SpaceValue[], values: SpaceValue[]): Estimator {
  const keys = choices.map((c) => JSON.stringify(c));
  const k = choices.length;
  const n = values.length;
  const pmf = new Array<number>(k).fill(0);
  if (n === 0) pmf.fill(1 / k);
  else {
    const weights = mixtureWeights(n);
    const kernels = n + 1;
    const base = TPE_DEFAULTS.priorWeight / kernels;
    values.forEach((v, i) => {
      const row = new Array<number>(k).fill(base);
      row[keys.indexOf(JSON.stringify(v))]! += 1;
      const sum = base * k + 1;
      for (let j = 0; j < k; j++) pmf[j]! += (weights[i]! * row[j]!) / sum;
    });
    for (let j = 0; j < k; j++) pmf[j]! += weights[n]! / k; // the prior kernel: uniform
  }
  return {
    sample(rng) {
      const u = rng.next();
      let acc = 0;
      for (let j = 0; j < k; j++) {
        acc += pmf[j]!;
        if (u < acc) return choices[j]!;
      }
      return choices[k - 1]!;
    },
    logPdf(x) {
      return Math.log(pmf[keys.indexOf(JSON.stringify(x))]!);
    },
  };
}

function numerical(range: NonNullable<Space['range']>, values: number[]): Estimator {
  const { min, max, step } = range;
  // a stepped range is a discrete one: its kernels live on [min − step/2, max + step/2]
  const low = step === null ? min : min - step / 2;
  const high = step === null ? max : max + step / 2;
  const n = values.length;
  const weights = mixtureWeights(n);
  const prior = 0.5 * (low + high);
  const mus = [...values, prior];
  const sigmas = kernelWidths(values, low, high);
  sigmas.push(high - low);
  const m = mus.length;
  // per kernel: log(weight / normalising mass), and for a continuous range also − log(σ√(2π))
  const base = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const mass = normalMass((low - mus[k]!) / sigmas[k]!, (high - mus[k]!) / sigmas[k]!);
    base[k] = Math.log(weights[k]!) - Math.log(mass) - (step === null ? Math.log(sigmas[k]!) + 0.5 * Math.log(2 * Math.PI) : 0);
  }
  const terms = new Float64Array(m);

  const snap = (x: number): number => {
    if (step === null) return Math.min(max, Math.max(min, x));
    const i = Math.min(Math.round((max - min) / step), Math.max(0, Math.round((x - min) / step)));
    return stepValue(min, step, i);
  };
  return {
    sample(rng) {
      const u = rng.next();
      let k = 0;
      for (let acc = weights[0]!; u >= acc && k < weights.length - 1; acc += weights[++k]!);
      const mu = mus[k]!;
      const sigma = sigmas[k]!;
      const a = normalCdf((low - mu) / sigma);
      const b = normalCdf((high - mu) / sigma);
      const z = normalQuantile(a + rng.next() * (b - a));
      return snap(Number.isFinite(z) ? mu + sigma * z : mu);
    },
    logPdf(xv) {
      const x = xv as number;
      let top = -Infinity;
      for (let k = 0; k < m; k++) {
        const mu = mus[k]!;
        const sigma = sigmas[k]!;
        let logp: number;
        if (step === null) {
          const z = (x - mu) / sigma;
          logp = -0.5 * z * z;
        } else {
          const lo = (x - step / 2 - mu) / sigma;
          const hi = (x + step / 2 - mu) / sigma;
          const mass = normalMass(lo, hi);
          logp = mass > 0 ? Math.log(mass) : tailLogMass(lo, hi);
        }
        const t = base[k]! + logp;
        terms[k] = t;
        if (t > top) top = t;
      }
      if (!Number.isFinite(top)) return top;
      let sum = 0;
      for (let k = 0; k < m; k++) sum += Math.exp(terms[k]! - top);
      return top + Math.log(sum);
    },
  };
}

/**
 * Each kernel is as wide as the larger gap to its neighbours among the sorted observations, the
 * prior's centre and the range's ends (the first and last use their inner gap only), clipped to
 * [range / min(100, n + 2), range]: Optuna's rule with its "magic clip".
 */
function kernelWidths(values: number[], low: number, high: number): number[] {
  const n = values.length;
  if (n === 0) return [];
  const withPrior = [...values, 0.5 * (low + high)];
  const idx = withPrior.map((_, i) => i).sort((a, b) => withPrior[a]! - withPrior[b]! || a - b);
  const sorted = [low, ...idx.map((i) => withPrior[i]!), high];
  const m = withPrior.length;
  const sortedSigma: number[] = [];
  for (let j = 1; j <= m; j++) sortedSigma.push(Math.max(sorted[j]! - sorted[j - 1]!, sorted[j + 1]! - sorted[j]!));
  if (sorted.length >= 4) {
    sortedSigma[0] = sorted[2]! - sorted[1]!;
    sortedSigma[m - 1] = sorted[m]! - sorted[m - 1]!;
  }
  const sigma = new Array<number>(m);
  idx.forEach((orig, j) => (sigma[orig] = sortedSigma[j]!));
  const maxSigma = high - low;
  const minSigma = (high - low) / Math.min(100, 1 + (n + 1));
  return sigma.slice(0, n).map((s) => Math.min(maxSigma, Math.max(minSigma, s)));
}

/** log(Φ(b) − Φ(a)) when the difference underflows: both bounds far in one tail. */
function tailLogMass(a: number, b: number): number {
  if (b <= 0) return logNormalCdf(b) + Math.log1p(-Math.exp(logNormalCdf(a) - logNormalCdf(b)));
  return logNormalCdf(-a) + Math.log1p(-Math.exp(logNormalCdf(-b) - logNormalCdf(-a)));
}
