import { Decimal } from 'decimal.js';
import { UsageError } from './errors.js';

/**
 * Money, quantities and balances are Decimal wherever they are stored or sent.
 * A dedicated clone keeps our precision settings from leaking into other users of decimal.js.
 */
export const Dec = Decimal.clone({ precision: 24, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });
export type Dec = Decimal;

export const ZERO = new Dec(0);

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
export function parseDecimal(input: unknown, opts: ParseDecimalOptions): Decimal {
  const raw = typeof input === 'number' ? numberToString(input, opts.name) : typeof input === 'string' ? input.trim() : undefined;
  if (raw === undefined || raw === '' || !DECIMAL_RE.test(raw)) {
    throw new UsageError(`${opts.name} must be a number, got ${JSON.stringify(input)}`);
  }
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new UsageError(`${opts.name} ${raw} is out of range`);
  const d = new Dec(raw);
  if (d.isNegative() && !d.isZero() && !opts.allowNegative) throw new UsageError(`${opts.name} must not be negative, got ${raw}`);
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

/** Decimal from a float computed in the hot loop (a price); keeps the float's shortest round-trip form. */
export function decFromFloat(n: number): Decimal {
  return new Dec(n);
}

export function toNumber(d: Decimal): number {
  return d.toNumber();
}

/** Canonical string for JSON output and state files: no exponent, trailing zeros trimmed. */
export function decString(d: Decimal): string {
  return d.toFixed();
}
