import { createHash } from 'node:crypto';
import { parseDecimal } from '../core/money.js';
import { UsageError } from '../core/errors.js';
import { didYouMean } from '../config/did-you-mean.js';

/**
 * A TradingView-style alert as tradebot reads it, from a webhook body or a line of an alerts file:
 *   {"secret", "pair" | "ticker", "action": "buy"|"sell"|"exit", "id", "time", "price", "size",
 *    "sizeType": "quote"|"base"|"percent", "orderType": "market"|"limit"}
 * Every field is checked where it enters, with a message naming it: a misspelled key is an error,
 * never ignored (a silently dropped "sizetype" would trade another amount).
 */
export type AlertAction = 'buy' | 'sell' | 'exit';
export type SizeType = 'quote' | 'base' | 'percent';

export interface Alert {
  action: AlertAction;
  /** as given; which of the bot's pairs it means is decided by the ticker map */
  pair: string | null;
  ticker: string | null;
  id: string | null;
  /** epoch ms: when the sender says it fired (webhook), when it takes effect (file) */
  time: number;
  price: number | null;
  /** a positive decimal string */
  size: string | null;
  sizeType: SizeType | null;
  orderType: 'market' | 'limit';
}

/** An alert that cannot be read; `field` names the culprit. */
export class AlertProblem extends UsageError {
  constructor(
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

const WEBHOOK_KEYS = ['secret', 'pair', 'ticker', 'action', 'id', 'time', 'price', 'size', 'sizeType', 'orderType'];
/** a recorded alert (src/signals/alert-record.ts) also carries its dedupe key and the sender's time */
const FILE_KEYS = [...WEBHOOK_KEYS, 'key', 'sentAt'];
const MAX_ID = 128;
const MAX_NAME = 64;
const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parse a JSON body into an object, or say what is wrong with it. */
export function parseAlertJson(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AlertProblem('the alert is not valid JSON', null);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new AlertProblem('the alert must be a JSON object', null);
  return raw as Record<string, unknown>;
}

/** Check every field of an alert object (the secret is checked by the caller, before this). */
export function readAlert(raw: Record<string, unknown>, from: 'webhook' | 'file'): Alert {
  const known = from === 'webhook' ? WEBHOOK_KEYS : FILE_KEYS;
  for (const k of Object.keys(raw)) {
    if (!known.includes(k)) {
      const hint = didYouMean(k, known.filter((x) => x !== 'secret'));
      throw new AlertProblem(`unknown key ${JSON.stringify(k)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`, k);
    }
  }
  const action = lowerEnum(raw.action, 'action', ['buy', 'sell', 'exit'] as const, true)!;
  const pair = name(raw.pair, 'pair');
  const ticker = name(raw.ticker, 'ticker');
  if (pair === null && ticker === null) throw new AlertProblem('the alert needs a "pair" (BTC/USDT) or a "ticker" (BTCUSDT)', 'pair');
  const id = alertId(raw.id);
  if (raw.time === undefined || raw.time === null || raw.time === '') throw new AlertProblem('the alert needs a "time" (ISO date or epoch ms), e.g. {{timenow}}', 'time');
  const time = parseAlertTime(raw.time);
  const price = raw.price === undefined || raw.price === null || raw.price === '' ? null : positiveNumber(raw.price, 'price');
  const size = raw.size === undefined || raw.size === null || raw.size === '' ? null : positiveDecimal(raw.size, 'size');
  let sizeType = lowerEnum(raw.sizeType, 'sizeType', ['quote', 'base', 'percent'] as const, false);
  if (size !== null && sizeType === null) sizeType = 'base'; // TradingView's {{strategy.order.contracts}}
  if (size === null && sizeType !== null) throw new AlertProblem('"sizeType" without a "size"', 'size');
  if (sizeType === 'percent' && size !== null && Number(size) > 100) throw new AlertProblem(`size ${size} is above 100 percent`, 'size');
  const orderType = lowerEnum(raw.orderType, 'orderType', ['market', 'limit'] as const, false) ?? 'market';
  if (orderType === 'limit' && price === null) throw new AlertProblem('a limit alert needs a "price"', 'price');
  return { action, pair, ticker, id, time, price, size, sizeType, orderType };
}

/** ISO 8601 (TradingView's {{timenow}}) or epoch milliseconds. */
export function parseAlertTime(v: unknown): number {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && v > 0) return v;
  } else if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d{1,16}$/.test(s)) return Number(s);
    if (ISO_RE.test(s)) {
      const t = Date.parse(s.replace(' ', 'T'));
      if (Number.isFinite(t)) return t;
    }
  }
  throw new AlertProblem(`"time" must be an ISO date (like 2025-01-31T12:00:00Z) or epoch milliseconds, got ${show(v)}`, 'time');
}

/**
 * What makes a resent alert the same alert: its id when it has one, else a hash of its fields
 * (the time included, so two alerts alike in all but time are two alerts).
 */
export function alertKey(a: Alert): string {
  if (a.id !== null) return `id:${a.id}`;
  const canonical = JSON.stringify([a.action, a.pair, a.ticker, a.time, a.price, a.size, a.sizeType, a.orderType]);
  return `sha256:${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}

function lowerEnum<const V extends string>(v: unknown, field: string, values: readonly V[], required: boolean): V | null {
  if (v === undefined || v === null || v === '') {
    if (required) throw new AlertProblem(`the alert needs an "${field}" (${values.join(', ')})`, field);
    return null;
  }
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  const hit = values.find((x) => x.toLowerCase() === s);
  if (hit === undefined) throw new AlertProblem(`"${field}" must be one of ${values.join(', ')}, got ${show(v)}`, field);
  return hit;
}

function name(v: unknown, field: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > MAX_NAME || !/^[A-Za-z0-9._:/!-]+$/.test(v.trim())) throw new AlertProblem(`"${field}" must be a market name like BTC/USDT or BTCUSDT, got ${show(v)}`, field);
  return v.trim();
}

function alertId(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof s !== 'string' || s.length > MAX_ID || /[\u0000-\u001f]/.test(s)) throw new AlertProblem(`"id" must be a string of at most ${MAX_ID} characters, got ${show(v)}`, 'id');
  return s;
}

function positiveNumber(v: unknown, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new AlertProblem(`"${field}" must be a positive number, got ${show(v)}`, field);
  return n;
}

function positiveDecimal(v: unknown, field: string): string {
  try {
    return parseDecimal(v, { name: field }).toFixed();
  } catch {
    throw new AlertProblem(`"${field}" must be a positive number, got ${show(v)}`, field);
  }
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v) : typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'a list' : 'an object') : String(v);
  return s;
}
