import { UsageError } from './errors.js';

/** significant digits of a quotient */
const PRECISION = 24;
const LIMIT = 10n ** BigInt(PRECISION);
/** significant digits an exact result may have before it is rounded (fills never come near) */
const EXACT_DIGITS = 60;
const EXACT_LIMIT = 10n ** BigInt(EXACT_DIGITS);
const TO_EXP_NEG = -30;
const TO_EXP_POS = 40;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_N = BigInt(Number.MAX_SAFE_INTEGER);
const DOWN = 1;
const CEIL = 2;
const FLOOR = 3;
const HALF_EVEN = 6;
const POW10_FLOAT = Array.from({ length: 23 }, (_, i) => 10 ** i);
const POW10: bigint[] = [1n];

/**
 * Money, quantities and balances are `Dec` wherever they are stored, sent or reported: an exact
 * decimal, a BigInt mantissa scaled by a power of ten (value = m × 10^-e).
 *
 * Why not decimal.js, which this replaced: a fill books a few dozen money operations, and at
 * decimal.js's ~0.5 µs and several objects each, a 1-minute backtest spent 95 % of its time in
 * them. Here a sum or a product is one BigInt operation on a few machine words (a BigInt division
 * costs ~100 ns, so only div divides).
 *
 * The rules (README, "Money"):
 * - values read or built from input keep every digit they were given;
 * - plus, minus and mul are exact (a balance is exactly its start plus its fills); a result past
 *   60 significant digits, which no fill comes near, is rounded to 60, half to even;
 * - div rounds its quotient to 24 significant digits, half to even, correctly (the exact quotient
 *   rounded once): sizes (spend / price), average prices, stake fractions;
 * - floor, ceil, round, mod, toDecimalPlaces and toStep (exchange steps and ticks) are exact;
 * - a number (a float from the candle loop) is taken at its shortest round-trip form, String(x),
 *   and toNumber() is correctly rounded (the float nearest the exact value);
 * - NaN and Infinity do not exist: building one throws, as does a division by zero.
 * The method names are decimal.js's, so code written against it reads the same.
 */
export class Dec {
  static readonly ROUND_UP = 0;
  static readonly ROUND_DOWN = 1;
  static readonly ROUND_CEIL = 2;
  static readonly ROUND_FLOOR = 3;
  static readonly ROUND_HALF_UP = 4;
  static readonly ROUND_HALF_DOWN = 5;
  static readonly ROUND_HALF_EVEN = 6;
  /** significant digits of a quotient (div) */
  static readonly PRECISION = PRECISION;
  /** significant digits up to which plus, minus and mul are exact */
  static readonly EXACT_DIGITS = EXACT_DIGITS;

  /** the value is m × 10^-e */
  // `declare`: set by the constructor alone (a class field would first define them as undefined,
  // once more per value made, and every operation makes one)
  declare readonly m: bigint;
  declare readonly e: number;

  /** A value from a decimal string, a finite number, another Dec, or a raw mantissa and scale. */
  constructor(value: DecInput, scale = 0) {
    // arithmetic makes values from a mantissa: that path is kept small (it is inlined everywhere)
    if (typeof value === 'bigint') {
      this.m = value;
      this.e = scale;
    } else {
      const d = value instanceof Dec ? value : fromValue(value);
      this.m = d.m;
      this.e = d.e;
    }
  }

  static min(...xs: DecInput[]): Dec {
    let best = dec(xs[0]!);
    for (let i = 1; i < xs.length; i++) {
      const x = dec(xs[i]!);
      if (x.cmp(best) < 0) best = x;
    }
    return best;
  }

  static max(...xs: DecInput[]): Dec {
    let best = dec(xs[0]!);
    for (let i = 1; i < xs.length; i++) {
      const x = dec(xs[i]!);
      if (x.cmp(best) > 0) best = x;
    }
    return best;
  }

  // ------------------------------------------------------------ arithmetic

  plus(y: DecInput): Dec {
    const b = dec(y);
    const e = this.e >= b.e ? this.e : b.e;
    return finish(at(this, e) + at(b, e), e);
  }

  minus(y: DecInput): Dec {
    const b = dec(y);
    const e = this.e >= b.e ? this.e : b.e;
    return finish(at(this, e) - at(b, e), e);
  }

  mul(y: DecInput): Dec {
    const b = dec(y);
    return finish(this.m * b.m, this.e + b.e);
  }

  /** Correctly rounded to 24 significant digits, half to even. */
  div(y: DecInput): Dec {
    const b = dec(y);
    if (b.m === 0n) throw new RangeError('division by zero');
    if (this.m === 0n) return ZERO;
    const neg = this.m < 0n !== b.m < 0n;
    const am = this.m < 0n ? -this.m : this.m;
    const bm = b.m < 0n ? -b.m : b.m;
    // scale so that the integer quotient has PRECISION or PRECISION + 1 digits
    const s = PRECISION - digits(am) + digits(bm);
    const n = s >= 0 ? am * pow10(s) : am;
    const d = s >= 0 ? bm : bm * pow10(-s);
    let q = n / d;
    const r = n - q * d;
    let e = this.e - b.e + s;
    if (q >= LIMIT) {
      // one digit too many: drop it, the remainder tells the rest
      const low = q % 10n;
      q /= 10n;
      e -= 1;
      if (roundAway(q, low * d + r, 10n * d, HALF_EVEN, neg)) q += 1n;
    } else if (roundAway(q, r, d, HALF_EVEN, neg)) q += 1n;
    return new Dec(neg ? -q : q, e);
  }

  /** The remainder of truncated division: the sign of this value (decimal.js's default modulo). Exact. */
  mod(y: DecInput): Dec {
    const b = dec(y);
    if (b.m === 0n) throw new RangeError('modulo by zero');
    if (this.e === b.e) return new Dec(this.m % b.m, this.e);
    if (this.e > b.e) return new Dec(this.m % (b.m * pow10(this.e - b.e)), this.e);
    return new Dec((this.m * pow10(b.e - this.e)) % b.m, b.e);
  }

  /** Integer powers only (10^-8 for a step, say); negative ones divide, rounded like div. */
  pow(n: number): Dec {
    if (!Number.isInteger(n)) throw new RangeError(`pow needs an integer exponent, got ${n}`);
    if (n < 0) return ONE.div(this.pow(-n));
    return finish(this.m ** BigInt(n), this.e * n);
  }

  neg(): Dec {
    return new Dec(-this.m, this.e);
  }

  abs(): Dec {
    return this.m < 0n ? new Dec(-this.m, this.e) : this;
  }

  // ------------------------------------------------------------ rounding (exact)

  /** Rounded to `dp` decimal places (default rounding: half to even). */
  toDecimalPlaces(dp: number, rm: Rounding = HALF_EVEN): Dec {
    if (this.e <= dp) return this;
    const drop = this.e - dp;
    const p = pow10(drop);
    const neg = this.m < 0n;
    const a = neg ? -this.m : this.m;
    let q = a / p;
    if (roundAway(q, a - q * p, p, rm, neg)) q += 1n;
    return new Dec(neg ? -q : q, dp);
  }

  toDP(dp: number, rm: Rounding = HALF_EVEN): Dec {
    return this.toDecimalPlaces(dp, rm);
  }

  floor(): Dec {
    return this.toDecimalPlaces(0, FLOOR);
  }

  ceil(): Dec {
    return this.toDecimalPlaces(0, CEIL);
  }

  /** To an integer, half to even (decimal.js's round() with this project's rounding). */
  round(): Dec {
    return this.toDecimalPlaces(0, HALF_EVEN);
  }

  /**
   * The nearest multiple of `step` in the direction `rm` (exact; an exchange's quantity step or
   * price tick): floor(x / step) × step for ROUND_DOWN on a positive x.
   */
  toStep(step: Dec, rm: Rounding): Dec {
    if (step.m === 0n) return this;
    const e = this.e > step.e ? this.e : step.e;
    const a = this.e === e ? this.m : this.m * pow10(e - this.e);
    const s = step.e === e ? step.m : step.m * pow10(e - step.e);
    const neg = a < 0n;
    const aa = neg ? -a : a;
    const sa = s < 0n ? -s : s;
    let q = aa / sa;
    if (roundAway(q, aa - q * sa, sa, rm, neg)) q += 1n;
    return new Dec((neg ? -q : q) * sa, e);
  }

  // ------------------------------------------------------------ comparison

  cmp(y: DecInput): -1 | 0 | 1 {
    const b = dec(y);
    const a = this.m;
    const c = b.m;
    // signs first: comparisons with zero (the most common) and of opposite signs scale nothing
    const sa = a > 0n ? 1 : a < 0n ? -1 : 0;
    const sc = c > 0n ? 1 : c < 0n ? -1 : 0;
    if (sa !== sc || sa === 0) return sa < sc ? -1 : sa > sc ? 1 : 0;
    if (this.e === b.e) return a < c ? -1 : a > c ? 1 : 0;
    const e = this.e > b.e ? this.e : b.e;
    const x = at(this, e);
    const z = at(b, e);
    return x < z ? -1 : x > z ? 1 : 0;
  }

  comparedTo(y: DecInput): -1 | 0 | 1 {
    return this.cmp(y);
  }

  eq(y: DecInput): boolean {
    return this.cmp(y) === 0;
  }

  lt(y: DecInput): boolean {
    return this.cmp(y) < 0;
  }

  lte(y: DecInput): boolean {
    return this.cmp(y) <= 0;
  }

  gt(y: DecInput): boolean {
    return this.cmp(y) > 0;
  }

  gte(y: DecInput): boolean {
    return this.cmp(y) >= 0;
  }

  isZero(): boolean {
    return this.m === 0n;
  }

  isNeg(): boolean {
    return this.m < 0n;
  }

  isNegative(): boolean {
    return this.m < 0n;
  }

  /** Not negative (zero included), as decimal.js has it. */
  isPositive(): boolean {
    return this.m >= 0n;
  }

  isPos(): boolean {
    return this.m >= 0n;
  }

  isInteger(): boolean {
    return this.decimalPlaces() === 0;
  }

  /** Always true: a Dec is never NaN or infinite (kept for code that checks). */
  isFinite(): boolean {
    return true;
  }

  isNaN(): boolean {
    return false;
  }

  /** Decimal places once trailing zeros are dropped. */
  decimalPlaces(): number {
    if (this.e <= 0 || this.m === 0n) return 0;
    const s = (this.m < 0n ? -this.m : this.m).toString();
    let z = 0;
    while (z < this.e && s.charCodeAt(s.length - 1 - z) === 48) z++;
    return this.e - z;
  }

  dp(): number {
    return this.decimalPlaces();
  }

  // ------------------------------------------------------------ conversion

  /**
   * Plain notation, never an exponent. Without `dp`: every digit, trailing zeros dropped (the
   * canonical form of state files and results). With `dp`: exactly that many decimals.
   */
  toFixed(dp?: number, rm: Rounding = HALF_EVEN): string {
    const sign = this.m < 0n ? '-' : '';
    if (dp === undefined) return sign + plain(this.m < 0n ? -this.m : this.m, this.e, true);
    const r = this.toDecimalPlaces(dp, rm);
    const digitsText = plain(r.m < 0n ? -r.m : r.m, r.e, false);
    const text = dp > Math.max(r.e, 0) ? padScale(digitsText, r.e, dp) : digitsText;
    return sign + text;
  }

  /** As toFixed(), except an exponent far from zero (below 1e-30, from 1e40 on), as decimal.js prints it. */
  toString(): string {
    if (this.m === 0n) return '0';
    const a = this.m < 0n ? -this.m : this.m;
    const s = a.toString();
    const exp = s.length - 1 - this.e;
    if (exp > TO_EXP_NEG && exp < TO_EXP_POS) return this.toFixed();
    const d = s.replace(/0+$/, '');
    return `${this.m < 0n ? '-' : ''}${d[0]}${d.length > 1 ? `.${d.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  }

  toJSON(): string {
    return this.toString();
  }

  valueOf(): string {
    return this.toString();
  }

  /** The nearest float (correctly rounded). */
  toNumber(): number {
    const m = this.m;
    const e = this.e;
    if (m <= MAX_SAFE_N && m >= -MAX_SAFE_N) {
      // exact operands: one rounding, so the correctly rounded result
      if (e >= 0 && e <= 22) return Number(m) / POW10_FLOAT[e]!;
      if (e < 0 && e >= -22) return Number(m) * POW10_FLOAT[-e]!;
    }
    if (e <= 0) return Number(e === 0 ? m : m * pow10(-e)); // an integer: Number() rounds it correctly
    if (m === 0n) return 0;
    const neg = m < 0n;
    const f = nearestFloat(neg ? -m : m, e);
    return neg ? -f : f;
  }
}

/** Bit length of pow10(n), for nearestFloat. */
const POW10_BITS: number[] = [];

/**
 * The float nearest a / 10^e (a > 0, e > 0), from one integer division: q = ⌊a·2^k / 10^e⌋ with
 * k chosen so that q has 55 to 58 bits, its last bit set when the division leaves a remainder
 * (a sticky bit: it decides a tie that the dropped digits would otherwise hide). Number(q) then
 * rounds once, to nearest even, exactly as the exact quotient rounds, and the power of two
 * scales it back without rounding.
 */
function nearestFloat(a: bigint, e: number): number {
  const approx = Number(a);
  const d = pow10(e);
  const dBits = POW10_BITS[e] ?? (POW10_BITS[e] = d.toString(2).length);
  // the bit length of a, give or take one (approx is a rounded to 53 bits)
  const aBits = approx === Infinity ? a.toString(2).length : Math.floor(Math.log2(approx)) + 1;
  const k = 56 - aBits + dBits;
  let q: bigint;
  let r: bigint;
  if (k >= 0) {
    const n = a << BigInt(k);
    q = n / d;
    r = n - q * d;
  } else {
    const dk = d << BigInt(-k);
    q = a / dk;
    r = a - q * dk;
  }
  const f = Number(r === 0n ? q : q | 1n) * 2 ** -k;
  // outside the normal range (never money): the slow, always correct way
  return f > 2.2250738585072014e-308 && f < 1.7976931348623157e308 && k >= -1000 && k <= 1000 ? f : Number(`${a}e-${e}`);
}

export type DecInput = Dec | string | number | bigint;
/** decimal.js's rounding modes, by the same numbers */
export type Rounding = 0 | 1 | 2 | 3 | 4 | 5 | 6;

function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}
pow10(64);

function dec(y: DecInput): Dec {
  if (y instanceof Dec) return y;
  if (y === 0) return ZERO;
  return typeof y === 'bigint' ? new Dec(y) : fromValue(y);
}

/** Number of decimal digits of a positive integer. */
function digits(x: bigint): number {
  const f = Number(x);
  let d = f === Infinity ? x.toString().length : Math.floor(Math.log10(f)) + 1;
  if (x >= pow10(d)) d++;
  else if (d > 1 && x < pow10(d - 1)) d--;
  return d;
}

/** A sum or product: exact up to 60 significant digits, else rounded to them, half to even. */
function finish(m: bigint, e: number): Dec {
  return m < EXACT_LIMIT && m > -EXACT_LIMIT ? new Dec(m, e) : roundToExactDigits(m, e);
}

/** The mantissa of x at the scale e ≥ x.e. */
function at(x: Dec, e: number): bigint {
  return x.e === e ? x.m : x.m * pow10(e - x.e);
}

function roundToExactDigits(m: bigint, e: number): Dec {
  const neg = m < 0n;
  const a = neg ? -m : m;
  const drop = digits(a) - EXACT_DIGITS;
  const p = pow10(drop);
  let q = a / p;
  if (roundAway(q, a - q * p, p, HALF_EVEN, neg)) q += 1n;
  return new Dec(neg ? -q : q, e - drop);
}

/** A Dec from a number (at its shortest round-trip form) or decimal text. */
function fromValue(value: number | string): Dec {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value <= MAX_SAFE && value >= -MAX_SAFE) return new Dec(BigInt(value), 0);
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    const text = String(value);
    const dot = text.indexOf('.');
    // the shortest round-trip form has no trailing zeros: the digits are the mantissa
    if (dot >= 0 && text.indexOf('e') < 0) return new Dec(BigInt(text.slice(0, dot) + text.slice(dot + 1)), text.length - dot - 1);
    value = text;
  }
  const [m, e] = parse(value);
  return new Dec(m, e);
}

/**
 * Whether a truncated magnitude `q` moves one unit away from zero, given the dropped part as the
 * fraction r/d (0 ≤ r < d) and the sign of the value.
 */
function roundAway(q: bigint, r: bigint, d: bigint, rm: Rounding, neg: boolean): boolean {
  if (r === 0n) return false;
  switch (rm) {
    case 0:
      return true;
    case DOWN:
      return false;
    case CEIL:
      return !neg;
    case FLOOR:
      return neg;
    default: {
      const twice = 2n * r;
      if (twice !== d) return twice > d;
      if (rm === 4) return true;
      if (rm === 5) return false;
      return (q & 1n) === 1n;
    }
  }
}

const NUMBER_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

function parse(text: string): [bigint, number] {
  const t = text.trim();
  const g = NUMBER_RE.exec(t);
  if (!g || (g[2] === '' && (g[3] === undefined || g[3] === ''))) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const frac = g[3] ?? '';
  let m = BigInt(`${g[2]}${frac}` || '0');
  let e = frac.length - (g[4] ? Number(g[4]) : 0);
  if (!Number.isSafeInteger(e) || Math.abs(e) > 1e6) throw new RangeError(`exponent out of range: ${JSON.stringify(text)}`);
  if (m !== 0n) {
    // canonical: no trailing zeros, so equal values built from text compare equal field by field
    while (m % 10n === 0n) {
      m /= 10n;
      e -= 1;
    }
  } else e = 0;
  return [g[1] === '-' ? -m : m, e];
}

/** Digits of a magnitude at scale e, as plain text; `trim` drops trailing fractional zeros. */
function plain(a: bigint, e: number, trim: boolean): string {
  const s = a.toString();
  if (e <= 0) return a === 0n ? '0' : s + '0'.repeat(-e);
  const padded = s.length <= e ? '0'.repeat(e - s.length + 1) + s : s;
  const int = padded.slice(0, padded.length - e);
  let frac = padded.slice(padded.length - e);
  if (trim) frac = frac.replace(/0+$/, '');
  return frac === '' ? int : `${int}.${frac}`;
}

/** Plain text at scale `from` widened to `to` decimals with zeros. */
function padScale(text: string, from: number, to: number): string {
  const have = from > 0 ? from : 0;
  return (have === 0 ? `${text}.` : text) + '0'.repeat(to - have);
}

export const ZERO = new Dec(0);
const ONE = new Dec(1);

export interface ParseDecimalOptions {
  /** what the value is, for the error message ("--cash", "fee") */
  name: string;
  allowZero?: boolean;
  allowNegative?: boolean;
  /** reject more fractional digits than this */
  maxDecimals?: number;
}

const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Parse user-supplied money or quantity. NaN, Infinity, overflow (1e309), negative or
 * over-precise input is rejected here, where it enters, with a message naming the input.
 */
export function parseDecimal(input: unknown, opts: ParseDecimalOptions): Dec {
  const raw = typeof input === 'number' ? numberToString(input, opts.name) : typeof input === 'string' ? input.trim() : undefined;
  if (raw === undefined || raw === '' || !DECIMAL_RE.test(raw)) {
    throw new UsageError(`${opts.name} must be a number, got ${JSON.stringify(input)}`);
  }
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new UsageError(`${opts.name} ${raw} is out of range`);
  const d = new Dec(raw);
  if (d.isNegative() && !opts.allowNegative) throw new UsageError(`${opts.name} must not be negative, got ${raw}`);
  if (d.isZero() && !opts.allowZero) throw new UsageError(`${opts.name} must be greater than 0, got ${raw}`);
  if (opts.maxDecimals !== undefined && d.decimalPlaces() > opts.maxDecimals) {
    throw new UsageError(`${opts.name} ${raw} has more than ${opts.maxDecimals} decimal places`);
  }
  return d;
}

function numberToString(n: number, name: string): string {
  if (!Number.isFinite(n)) throw new UsageError(`${name} must be a finite number, got ${String(n)}`);
  return String(n);
}

/** Dec from a float computed in the hot loop (a price); keeps the float's shortest round-trip form. */
export function decFromFloat(n: number): Dec {
  return new Dec(n);
}

export function toNumber(d: Dec): number {
  return d.toNumber();
}

/** Canonical string for JSON output and state files: no exponent, trailing zeros trimmed. */
export function decString(d: Dec): string {
  return d.toFixed();
}
