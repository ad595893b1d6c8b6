import { Dec } from '../core/money.js';
import { ORDER_TRANSITIONS } from '../core/orders.js';
import type { BotStateDoc } from './bot-state.js';

/**
 * What a bot's state document must mean, beyond its shape. A file edited by hand, restored from
 * the wrong place or damaged on disk can be valid JSON of the right shape and still describe an
 * impossible bot: a negative balance, an order filled beyond its amount, a balance of 400 digits.
 * Resuming from it would trade on nonsense, so it is refused, naming the field.
 *
 * Pure and without a clock: whether `lastBarTime` lies in the future depends on the exchange's
 * clock, which the runner asks at start (futureBarProblem).
 */

/** Larger than any real balance or quantity (10^20); a longer number is damage, not money. */
const MAX_INTEGER_DIGITS = 20;
/** Division results carry up to 24 significant digits; tiny prices push them far right of the point. */
const MAX_FRACTION_DIGITS = 40;
const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?$/;
/** The common case, checked without allocating: a non-negative decimal of sane length. */
const PLAIN_AMOUNT_RE = /^\d{1,20}(?:\.\d{1,40})?$/;
const isPlainAmount = (v: unknown): boolean => typeof v === 'string' && PLAIN_AMOUNT_RE.test(v);
const NOT_NEGATIVE = { negative: false } as const;
const TRIP_AMOUNTS = ['entryQty', 'entryCost', 'exitQty', 'exitProceeds', 'fees', 'qty', 'entryPrice'] as const;
const ORDER_AMOUNTS = ['amount', 'filled', 'cost', 'fee'] as const;

const ORDER_STATUSES = new Set(Object.keys(ORDER_TRANSITIONS));
const SIDES = new Set(['buy', 'sell']);
const ORDER_TYPES = new Set(['market', 'limit', 'stop']);

class Problem extends Error {}

/** The first problem found, as "<field> <what is wrong>", or null when the document makes sense. */
export function meaningProblem(doc: BotStateDoc): string | null {
  try {
    check(doc);
    return null;
  } catch (err) {
    if (err instanceof Problem) return err.message;
    throw err;
  }
}

/**
 * A bar the bot handled cannot open after the exchange's present: the bot would skip every
 * candle until then.
 */
export function futureBarProblem(doc: BotStateDoc, exchangeNow: number): string | null {
  const times = doc.engine?.lastBarTime ?? [];
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    if (typeof t === 'number' && t > exchangeNow) {
      return `engine.lastBarTime[${k}] ${new Date(t).toISOString()} is in the future (the exchange's time is ${new Date(exchangeNow).toISOString()})`;
    }
  }
  return null;
}

function fail(field: string, what: string): never {
  throw new Problem(`${field} ${what}`);
}

function check(doc: BotStateDoc): void {
  finiteEverywhere(doc, '');
  const bot = doc.bot;
  const pairs = bot.pairs;
  const bases = pairs.map((p) => p.split('/')[0]!);
  if (pairs.length === 0) fail('bot.pairs', 'is empty');
  if (!pairs.every((p) => p.split('/')[1] === bot.quote)) fail('bot.pairs', `do not all trade against ${bot.quote}`);
  const traded = new Set([bot.quote, ...bases]);
  integer(bot.createdAt, 'bot.createdAt');
  integer(doc.generation, 'generation');

  const s = doc.settings;
  for (const [cur, v] of Object.entries(s.cash)) {
    if (!traded.has(cur)) fail(`settings.cash.${cur}`, `is a currency bot ${bot.name} does not trade (${[...traded].join(', ')})`);
    decimal(v, `settings.cash.${cur}`, { negative: false });
  }
  if (typeof s.fee !== 'string') fail('settings.fee', 'is not a decimal string');
  decimal(s.fee, 'settings.fee', { negative: false });
  if (new Dec(s.fee).gte(1)) fail('settings.fee', `${s.fee} is not a rate below 1`);
  if (typeof s.slippageBps !== 'number' || s.slippageBps < 0 || s.slippageBps >= 10_000) fail('settings.slippageBps', `${String(s.slippageBps)} is not between 0 and 10000`);
  if (s.warmup !== null && s.warmup !== undefined) integer(s.warmup, 'settings.warmup', 1);

  const e = doc.engine;
  if (!e) return;
  integer(e.idSequence, 'engine.idSequence');
  if (e.lastBarTime.length !== pairs.length) fail('engine.lastBarTime', `has ${e.lastBarTime.length} entries for ${pairs.length} pair(s)`);
  e.lastBarTime.forEach((t, k) => t === null || integer(t, `engine.lastBarTime[${k}]`));

  // a fee paid in a third currency (BNB on Binance) is owed in it: the one balance that may go below 0
  const feeCurrencies = new Set(e.orders.map((o) => o.feeCurrency).filter((c): c is string => typeof c === 'string'));
  const p = e.portfolio;
  if (p.quote !== bot.quote) fail('engine.portfolio.quote', `${String(p.quote)} is not the bot's quote currency ${bot.quote}`);
  for (const [cur, v] of Object.entries(p.balances)) {
    const field = `engine.portfolio.balances.${cur}`;
    if (!traded.has(cur) && !feeCurrencies.has(cur)) fail(field, `is a currency bot ${bot.name} does not trade (${[...traded].join(', ')})`);
    decimal(v, field, { negative: !traded.has(cur) });
  }
  decimal(p.feesPaid, 'engine.portfolio.feesPaid', { negative: false });
  integer(p.appliedTradeIds, 'engine.portfolio.appliedTradeIds');
  const trip = (rt: (typeof p.closed)[number], where: () => string) => {
    if (!pairs.includes(rt.symbol)) fail(`${where()}.symbol`, `${String(rt.symbol)} is not a pair of bot ${bot.name}`);
    for (const k of TRIP_AMOUNTS) if (!isPlainAmount(rt[k])) decimal(rt[k], where(), NOT_NEGATIVE, k);
    if (rt.exitPrice !== null && !isPlainAmount(rt.exitPrice)) decimal(rt.exitPrice, where(), NOT_NEGATIVE, 'exitPrice');
  };
  for (const [k, rt] of Object.entries(p.open)) trip(rt, () => `engine.portfolio.open.${k}`);
  for (let i = 0; i < p.closed.length; i++) trip(p.closed[i]!, () => `engine.portfolio.closed[${i}]`);

  for (let i = 0; i < e.orders.length; i++) {
    const o = e.orders[i]!;
    const field = () => `engine.orders[${i}]`;
    if (typeof o.clientOrderId !== 'string' || o.clientOrderId === '') fail(`${field()}.clientOrderId`, 'is missing');
    if (!ORDER_STATUSES.has(o.status)) fail(`${field()}.status`, `${JSON.stringify(o.status)} is not an order status (${[...ORDER_STATUSES].join(', ')})`);
    if (!SIDES.has(o.side)) fail(`${field()}.side`, `${JSON.stringify(o.side)} is not buy or sell`);
    if (!ORDER_TYPES.has(o.type)) fail(`${field()}.type`, `${JSON.stringify(o.type)} is not market, limit or stop`);
    for (const k of ORDER_AMOUNTS) if (!isPlainAmount(o[k])) decimal(o[k], field(), NOT_NEGATIVE, k);
    if (o.price !== undefined && !isPlainAmount(o.price)) decimal(o.price, field(), NOT_NEGATIVE, 'price');
    if (o.stopPrice !== undefined && !isPlainAmount(o.stopPrice)) decimal(o.stopPrice, field(), NOT_NEGATIVE, 'stopPrice');
    // most orders are filled entirely or not at all: no Decimal needed to tell
    if (o.filled !== o.amount && o.filled !== '0' && new Dec(o.filled).gt(o.amount)) fail(`${field()}.filled`, `${o.filled} is more than the order's amount ${o.amount}`);
    if (!Array.isArray(o.tradeIds) || !o.tradeIds.every((t) => typeof t === 'string')) fail(`${field()}.tradeIds`, 'is not a list of trade ids');
  }

  const x = doc.exchange;
  if (!x) return;
  for (const [cur, a] of Object.entries(x.accounts)) {
    const field = `exchange.accounts.${cur}`;
    if (!traded.has(cur) && !feeCurrencies.has(cur)) fail(field, `is a currency bot ${bot.name} does not trade (${[...traded].join(', ')})`);
    decimal(a.free, `${field}.free`, { negative: false });
    decimal(a.used, `${field}.used`, { negative: false });
  }
  integer(x.orderSeq, 'exchange.orderSeq');
  integer(x.tradeSeq, 'exchange.tradeSeq');
}

/** JSON has no Infinity, but 1e309 parses to it: no number anywhere in the document may be infinite. */
function finiteEverywhere(v: unknown, field: string): void {
  // the path is built only to name a culprit: status reads every bot's state on each call
  if (allFinite(v)) return;
  if (typeof v === 'number') fail(field, `${String(v)} is not a finite number`);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) finiteEverywhere(v[i], `${field}[${i}]`);
  } else if (v !== null && typeof v === 'object') {
    for (const k in v) finiteEverywhere((v as Record<string, unknown>)[k], field ? `${field}.${k}` : k);
  }
}

function allFinite(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!allFinite(v[i])) return false;
    return true;
  }
  for (const k in v) if (!allFinite((v as Record<string, unknown>)[k])) return false;
  return true;
}

function integer(v: unknown, field: string, min = 0): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(field, `${JSON.stringify(v)} is not an integer >= ${min}`);
}

function decimal(v: unknown, where: string, o: { negative: boolean }, key?: string): void {
  const m = typeof v === 'string' ? DECIMAL_RE.exec(v) : null;
  const field = () => (key === undefined ? where : `${where}.${key}`);
  if (!m) fail(field(), `${JSON.stringify(v)} is not a decimal string`);
  const [, sign, int, frac] = m;
  if (int!.length > MAX_INTEGER_DIGITS) {
    const digits = int!.replace(/^0+(?=\d)/, '').length;
    if (digits > MAX_INTEGER_DIGITS) fail(field(), `has ${digits} digits before the point (at most ${MAX_INTEGER_DIGITS})`);
  }
  if (frac !== undefined && frac.length > MAX_FRACTION_DIGITS) fail(field(), `has ${frac.length} digits after the point (at most ${MAX_FRACTION_DIGITS})`);
  if (sign === '-' && !o.negative && /[1-9]/.test(`${int}${frac ?? ''}`)) fail(field(), `${v as string} is negative`);
}
