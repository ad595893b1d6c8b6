/**
 * The standard normal distribution, written out because Node has no erf: density, distribution
 * function with relative accuracy in both tails, its inverse, and the mass of an interval.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LOG_SQRT_2PI = Math.log(SQRT_2PI);

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Φ(x) as φ(x)·R(|x|), R being Mills' ratio (1 − Φ(z)) / φ(z), which keeps the relative accuracy of
 * tiny tail probabilities that `1 − Φ` would lose. R comes from its Taylor expansion around the
 * nearest even z, whose coefficients follow from R' = z·R − 1 (Marsaglia 2004, "Evaluating the
 * Normal Distribution"); the values R(0), R(2), …, R(14) are computed once at load.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x <= 0 ? upperTail(-x) : 1 - upperTail(x);
}

/** 1 − Φ(t) for t ≥ 0. */
function upperTail(t: number): number {
  if (t >= 15) return t > 40 ? 0 : normalPdf(t) * millsRatio(t);
  const j = Math.floor(t / 2 + 0.5);
  const z = 2 * j;
  const h = t - z;
  let a = MILLS_AT_EVEN[j]!;
  let b = z * a - 1;
  let pwr = 1;
  let sum = a + h * b;
  for (let i = 2; i < 100; i += 2) {
    a = (a + z * b) / i;
    b = (b + z * a) / (i + 1);
    pwr *= h * h;
    const next = sum + pwr * (a + h * b);
    if (next === sum) break;
    sum = next;
  }
  return sum * normalPdf(t);
}

/** 1 − Φ(x), accurate in the upper tail. */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

/** log Φ(x), finite far into the lower tail. */
export function logNormalCdf(x: number): number {
  if (x <= -3) return -0.5 * x * x - LOG_SQRT_2PI + Math.log(millsRatio(-x));
  return Math.log(normalCdf(x));
}

function taylorSum(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let k = 1; k < 200; k++) {
    term *= x2 / (2 * k + 1);
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return sum;
}

/** R(0), R(2), …, R(14): from the Taylor series of Φ at 0 and 2, the continued fraction beyond. */
const MILLS_AT_EVEN: readonly number[] = Array.from({ length: 8 }, (_, j) => {
  const z = 2 * j;
  if (z === 0) return Math.sqrt(Math.PI / 2);
  if (z === 2) return (0.5 - normalPdf(2) * taylorSum(2)) / normalPdf(2);
  return millsRatio(z);
});

/**
 * Mills' ratio R(t) = (1 − Φ(t)) / φ(t) = 1/(t + 1/(t + 2/(t + 3/(t + …)))), by the modified Lentz
 * method; converges quickly for t ≥ 3.
 */
function millsRatio(t: number): number {
  const tiny = 1e-300;
  let f = t;
  let c = f;
  let d = 0;
  for (let j = 1; j < 500; j++) {
    d = t + j * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = t + j / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/**
 * Φ⁻¹(p): Abramowitz & Stegun 26.2.23 as a start (error < 4.5e-4), then Halley steps on Φ, which
 * reach full double precision in two or three.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -normalQuantile(1 - p);
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 4; i++) {
    const e = normalCdf(x) - p;
    const u = (e * SQRT_2PI) * Math.exp(0.5 * x * x);
    const step = u / (1 + 0.5 * x * u);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Φ(hi) − Φ(lo) for lo ≤ hi, computed in the tail where both lie so that it does not cancel. */
export function normalMass(lo: number, hi: number): number {
  if (!(hi > lo)) return 0;
  if (lo >= 0) return normalCdf(-lo) - normalCdf(-hi);
  if (hi <= 0) return normalCdf(hi) - normalCdf(lo);
  return 1 - normalCdf(lo) - normalCdf(-hi);
}

/** The Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;
