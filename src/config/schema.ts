/**
 * The configuration schema: every config key, its type, its default and a one-line description.
 * One declarative table drives validation (validate-config.ts), defaults (resolveConfig),
 * the generated config.example.yaml (render-schema.ts) and "did you mean" suggestions.
 *
 * Adding a key: add it to the interface below AND to CONFIG_SCHEMA (the compiler insists on both),
 * then regenerate config.example.yaml (see test/unit/config/example.test.ts).
 */
import { parseDecimal } from '../core/money.js';
import { timeframeToMs } from '../core/timeframe.js';
import { parseStake } from '../core/sizing.js';
import { parseLadder, parseRoi } from '../core/position-rules.js';
import { didYouMean } from './did-you-mean.js';

// ---------------------------------------------------------------------------------------------
// The configuration shape

/** A strategy parameter value. */
export type ParamValue = number | string | boolean;
export type StrategyParams = Record<string, ParamValue>;
/** "N%" of the free quote balance, or a fixed quote amount (number or numeric string). */
export type Stake = string | number;
/** An ISO date/time string or an epoch timestamp (number or digit string); interpreted by the caller. */
export type DateInput = string | number;

export interface ExchangeConfig {
  id: string | null;
  apiUrl: string | null;
  sandbox: boolean;
}

export interface StrategyConfig {
  name: string;
  params: StrategyParams;
}

export interface RiskConfig {
  stopLoss: number | null;
  takeProfit: number | null;
  trailingStop: number | null;
  riskPerTrade: number | null;
  maxOpenPositions: number;
  maxPositionNotional: number | null;
  maxOpenOrders: number | null;
  maxOrdersPerMinute: number | null;
  dailyLossLimit: number | null;
  maxDrawdown: number | null;
  cooldownAfterStopLoss: number | null;
  roi: string | null;
  takeProfitLadder: string | null;
  breakevenAfter: number | null;
  reentry: number | null;
  reentryWindow: number | null;
  dca: number | null;
  dcaStep: number | null;
  dcaScale: number | null;
  maxEntries: number | null;
  maxStake: Stake | null;
  kellyWindow: number | null;
  kellyMinTrades: number | null;
  kellyFloor: number | null;
}

export interface MarketConfig {
  amountStep: number | null;
  priceTick: number | null;
  minAmount: number | null;
  minNotional: number | null;
}

export interface BacktestConfig {
  data: string | null;
  from: DateInput | null;
  to: DateInput | null;
  json: boolean;
  out: string | null;
  tradesCsv: string | null;
  html: string | null;
  assert: string | null;
  baseline: string | null;
  tolerance: number;
  warmup: number;
}

export interface PaperConfig {
  balances: string | null;
  warmup: number;
  poll: number;
}

/** How an event is told: a message, a message without sound (Telegram), or not at all. */
export type EventMode = 'on' | 'silent' | 'off';

export interface NotifyEventsConfig {
  started: EventMode;
  stopped: EventMode;
  crashed: EventMode;
  halt: EventMode;
  fill: EventMode;
  rejected: EventMode;
  unknown: EventMode;
  degraded: EventMode;
  reconcile: EventMode;
  control: EventMode;
  daily: EventMode;
  heartbeat: EventMode;
}

/** A Telegram chat id (a negative one is a group), or a public channel's "@name". */
export type ChatId = number | string;

export interface TelegramConfig {
  chatIds: ChatId[];
  apiUrl: string;
  commands: boolean;
  pollTimeout: number;
}

export interface WebhookConfig {
  url: string | null;
  method: 'POST' | 'PUT' | 'GET';
  headers: Record<string, string>;
  body: string | null;
}

export interface NotifyConfig {
  telegram: TelegramConfig;
  webhook: WebhookConfig;
  events: NotifyEventsConfig;
  dailyHour: number;
  heartbeatMinutes: number;
}

export interface MetricsConfig {
  port: number | null;
  host: string;
}

export interface SignalsConfig {
  listen: string;
  maxLag: number;
  rateLimit: number;
  tickers: string | null;
  file: string | null;
  url: string | null;
  timeout: number;
  minConfidence: number;
  cacheTtl: number;
  fallback: string | null;
  candles: number;
  shadow: string | null;
}

/** The fully-defaulted configuration (resolveConfig's result). */
export interface TradebotConfig {
  exchange: ExchangeConfig;
  pair: string | null;
  timeframe: string | null;
  strategy: StrategyConfig;
  cash: number;
  budget: Stake | null;
  stake: Stake;
  fee: number;
  slippage: number;
  risk: RiskConfig;
  market: MarketConfig;
  backtest: BacktestConfig;
  paper: PaperConfig;
  signals: SignalsConfig;
  home: string | null;
  secretsFile: string | null;
  notify: NotifyConfig;
  metrics: MetricsConfig;
}

/** A config value as a source gives it: objects partial at every depth, leaves (lists, records) whole. */
type InputOf<V> = V extends StrategyParams | ParamValue | null | readonly unknown[] ? V : { [J in keyof V]?: InputOf<V[J]> };

/** One config source (a file, the command line): every key optional, nested objects partial. */
export type ConfigInput = { [K in keyof TradebotConfig]?: InputOf<TradebotConfig[K]> };

// ---------------------------------------------------------------------------------------------
// Schema node types

export type LeafKind =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'fraction'
  | 'stake'
  | 'date'
  | 'record'
  | 'list';

/** A key holding a value (including the strategy.params record, which is validated as a whole). */
export interface LeafField<T = unknown> {
  readonly kind: LeafKind;
  readonly description: string;
  readonly default: T;
  /** null is accepted (and means "not set") */
  readonly nullable: boolean;
  /** what a valid value looks like, for error messages and docs: "a fraction between 0 and 1" */
  readonly expected: string;
  /** enum members */
  readonly values?: readonly string[];
  /**
   * Check a non-null value. Returns undefined when valid, otherwise the problem as
   * "must be ..., got ..." text without the key (or, for records, problems keyed by sub-key).
   */
  readonly check: (value: unknown) => LeafProblem[] | undefined;
}

export interface LeafProblem {
  /** sub-key below the leaf (strategy.params.<name>), if any */
  readonly subKey?: string;
  readonly message: string;
}

export interface ObjectField<T> {
  readonly kind: 'object';
  readonly description: string;
  readonly fields: SchemaFields<T> & AnySchemaFields;
}

/** A nested object in a schema walked without its config type. */
export interface AnyObjectField {
  readonly kind: 'object';
  readonly description: string;
  readonly fields: AnySchemaFields;
}

export type SchemaNode = LeafField | AnyObjectField;
/** Any schema level, for code that walks the schema without caring about the config type. */
export type AnySchemaFields = { readonly [key: string]: SchemaNode };

/** Maps a config interface to its schema: every key present, leaves typed by their default. */
export type SchemaFields<T> = { readonly [K in keyof T]-?: SchemaNodeFor<T[K]> };
type SchemaNodeFor<V> = [V] extends [ParamValue | null]
  ? LeafField<V>
  : [V] extends [readonly unknown[]]
    ? LeafField<V>
    : [V] extends [StrategyParams]
    ? LeafField<V>
    : ObjectField<V>;

export function isObjectField(node: SchemaNode): node is AnyObjectField {
  return node.kind === 'object';
}

// ---------------------------------------------------------------------------------------------
// Value formatting for messages

/** A value as shown in an error message: strings quoted, numbers as JavaScript prints them. */
export function formatValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

function mustBe(expected: string, value: unknown, hint?: string): LeafProblem[] {
  return [{ message: `must be ${expected}, got ${formatValue(value)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}` }];
}

// ---------------------------------------------------------------------------------------------
// Leaf builders

export interface NumberRange {
  min?: number;
  max?: number;
  /** min itself is not allowed */
  minExclusive?: boolean;
  /** max itself is not allowed */
  maxExclusive?: boolean;
}

function rangeText(r: NumberRange): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(r.minExclusive ? `> ${r.min}` : `>= ${r.min}`);
  if (r.max !== undefined) parts.push(r.maxExclusive ? `< ${r.max}` : `<= ${r.max}`);
  return parts.join(' and ');
}

function inRange(n: number, r: NumberRange): boolean {
  if (r.min !== undefined && (r.minExclusive ? n <= r.min : n < r.min)) return false;
  if (r.max !== undefined && (r.maxExclusive ? n >= r.max : n > r.max)) return false;
  return true;
}

/** A finite JavaScript number (NaN, Infinity and overflowed literals like 1e309 are rejected). */
function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

interface LeafSpec<T> {
  kind: LeafKind;
  description: string;
  default: T;
  nullable: boolean;
  expected: string;
  values?: readonly string[];
  check: (value: unknown) => LeafProblem[] | undefined;
}

function leaf<T>(spec: LeafSpec<T>): LeafField<T> {
  return Object.freeze({ ...spec });
}

interface StringOptions {
  /** replaces "a non-empty string" in messages */
  expected?: string;
  /** extra validity test for a non-empty string */
  test?: (s: string) => boolean;
}

function stringCheck(opts: StringOptions): (v: unknown) => LeafProblem[] | undefined {
  const expected = opts.expected ?? 'a non-empty string';
  return (v) => {
    if (typeof v !== 'string' || v.trim() === '') return mustBe(expected, v);
    if (opts.test && !opts.test(v)) return mustBe(expected, v);
    return undefined;
  };
}

export function stringField(description: string, def: string, opts: StringOptions = {}): LeafField<string> {
  return leaf({ kind: 'string', description, default: def, nullable: false, expected: opts.expected ?? 'a non-empty string', check: stringCheck(opts) });
}

export function optStringField(description: string, opts: StringOptions = {}): LeafField<string | null> {
  return leaf<string | null>({ kind: 'string', description, default: null, nullable: true, expected: opts.expected ?? 'a non-empty string', check: stringCheck(opts) });
}

function numberCheck(expected: string, range: NumberRange, integer: boolean): (v: unknown) => LeafProblem[] | undefined {
  return (v) => (isFiniteNumber(v) && (!integer || Number.isInteger(v)) && inRange(v, range) ? undefined : mustBe(expected, v));
}

export function numberField(description: string, def: number, range: NumberRange = {}): LeafField<number> {
  const expected = ['a number', rangeText(range)].filter(Boolean).join(' ');
  return leaf({ kind: 'number', description, default: def, nullable: false, expected, check: numberCheck(expected, range, false) });
}

export function optNumberField(description: string, range: NumberRange = {}): LeafField<number | null> {
  const expected = ['a number', rangeText(range)].filter(Boolean).join(' ');
  return leaf<number | null>({ kind: 'number', description, default: null, nullable: true, expected, check: numberCheck(expected, range, false) });
}

export function integerField(description: string, def: number, range: NumberRange = {}): LeafField<number> {
  const expected = ['an integer', rangeText(range)].filter(Boolean).join(' ');
  return leaf({ kind: 'integer', description, default: def, nullable: false, expected, check: numberCheck(expected, range, true) });
}

export function optIntegerField(description: string, range: NumberRange = {}): LeafField<number | null> {
  const expected = ['an integer', rangeText(range)].filter(Boolean).join(' ');
  return leaf<number | null>({ kind: 'integer', description, default: null, nullable: true, expected, check: numberCheck(expected, range, true) });
}

export function booleanField(description: string, def: boolean): LeafField<boolean> {
  return leaf({
    kind: 'boolean',
    description,
    default: def,
    nullable: false,
    expected: 'true or false',
    check: (v) => (typeof v === 'boolean' ? undefined : mustBe('true or false', v)),
  });
}

export function enumField<const V extends string>(description: string, values: readonly V[], def: V): LeafField<V> {
  const expected = `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
  return leaf<V>({
    kind: 'enum',
    description,
    default: def,
    nullable: false,
    expected,
    values,
    check: (v) =>
      typeof v === 'string' && (values as readonly string[]).includes(v)
        ? undefined
        : mustBe(expected, v, typeof v === 'string' ? didYouMean(v, values) : undefined),
  });
}

/** A fraction in [0, 1]; `exclusiveZero` also rejects 0 (a 0 stop loss is a mistake, not "off": use null). */
export function optFractionField(description: string, opts: { exclusiveZero?: boolean } = {}): LeafField<number | null> {
  const expected = opts.exclusiveZero ? 'a fraction between 0 and 1 (greater than 0)' : 'a fraction between 0 and 1';
  const range: NumberRange = { min: 0, max: 1, minExclusive: opts.exclusiveZero === true };
  return leaf<number | null>({ kind: 'fraction', description, default: null, nullable: true, expected, check: numberCheck(expected, range, false) });
}

const PERCENT_RE = /^\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*%\s*$/;

/** Is `v` a valid stake: "N%" with 0 < N <= 100, a positive finite amount (number or numeric string), `kelly:F` or `atr:R`? */
export function isValidStake(v: unknown, fixedOnly = false): boolean {
  if (typeof v === 'string' && /^\s*(kelly|atr):/i.test(v)) {
    if (fixedOnly) return false;
    try {
      parseStake(v);
      return true;
    } catch {
      return false;
    }
  }
  if (typeof v === 'string') {
    const m = PERCENT_RE.exec(v);
    if (m) {
      const pct = Number(m[1]);
      return Number.isFinite(pct) && pct > 0 && pct <= 100;
    }
  } else if (typeof v !== 'number') {
    return false;
  }
  try {
    parseDecimal(v, { name: 'stake' });
    return true;
  } catch {
    return false;
  }
}

export function stakeField(description: string, def: Stake): LeafField<Stake> {
  const expected = 'a percentage above 0% and at most 100% (like "99%"), a positive quote amount, "kelly:F" (0 < F <= 1) or "atr:R" (0 < R < 1)';
  return leaf<Stake>({ kind: 'stake', description, default: def, nullable: false, expected, check: (v) => (isValidStake(v) ? undefined : mustBe(expected, v)) });
}

export function optFixedStakeField(description: string): LeafField<Stake | null> {
  const expected = 'a percentage above 0% and at most 100% (like "25%") or a positive quote amount';
  return leaf<Stake | null>({ kind: 'stake', description, default: null, nullable: true, expected, check: (v) => (isValidStake(v, true) ? undefined : mustBe(expected, v)) });
}

/** A string read by `parse` (which throws a UsageError "<name>: <what is wrong>"); its message is the problem. */
function optParsedField(description: string, expected: string, parse: (s: string) => unknown): LeafField<string | null> {
  return leaf<string | null>({
    kind: 'string',
    description,
    default: null,
    nullable: true,
    expected,
    check: (v) => {
      if (typeof v !== 'string' || v.trim() === '') return mustBe(expected, v);
      try {
        parse(v);
        return undefined;
      } catch (err) {
        return [{ message: `must be ${expected}: ${(err as Error).message.replace(/^[^:]*:\s*/, '')}` }];
      }
    },
  });
}

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO date (2024-01-31, 2024-01-31T12:00:00Z) that exists on the calendar, or a non-negative epoch. */
export function isValidDateInput(v: unknown): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0;
  if (typeof v !== 'string') return false;
  const s = v.trim();
  if (/^\d{1,16}$/.test(s)) return true;
  const m = ISO_DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59))) return false;
  return !Number.isNaN(Date.parse(s.replace(' ', 'T')));
}

export function optDateField(description: string): LeafField<DateInput | null> {
  const expected = 'an ISO date (like "2024-01-31" or "2024-01-31T12:00:00Z") or an epoch timestamp';
  return leaf<DateInput | null>({ kind: 'date', description, default: null, nullable: true, expected, check: (v) => (isValidDateInput(v) ? undefined : mustBe(expected, v)) });
}

const PARAM_NAME_RE = /^[A-Za-z_$][\w$-]*$/;
const FORBIDDEN_PARAM_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** A mapping of name -> number | string | boolean (strategy parameters). */
export function recordField(description: string): LeafField<StrategyParams> {
  const expected = 'a mapping of parameter names to numbers, strings or booleans';
  return leaf<StrategyParams>({
    kind: 'record',
    description,
    default: {},
    nullable: false,
    expected,
    check: (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return mustBe(expected, v);
      const problems: LeafProblem[] = [];
      for (const [name, value] of Object.entries(v)) {
        if (!PARAM_NAME_RE.test(name) || FORBIDDEN_PARAM_NAMES.has(name)) {
          problems.push({ subKey: name, message: `is not a valid parameter name (letters, digits, _ and -, not starting with a digit)` });
        } else if (!(typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value))) {
          problems.push({ subKey: name, message: `must be a finite number, a string or a boolean, got ${formatValue(value)}` });
        }
      }
      return problems.length > 0 ? problems : undefined;
    },
  });
}

/** Telegram chat ids: integers (negative for groups) or "@channelname". */
export function chatIdsField(description: string): LeafField<ChatId[]> {
  const expected = 'a list of Telegram chat ids (integers, negative for groups) or "@channel" names';
  return leaf<ChatId[]>({
    kind: 'list',
    description,
    default: [],
    nullable: false,
    expected,
    check: (v) => {
      if (!Array.isArray(v)) return mustBe(expected, v);
      const problems: LeafProblem[] = [];
      v.forEach((id, i) => {
        const ok = (typeof id === 'number' && Number.isSafeInteger(id) && id !== 0) || (typeof id === 'string' && (/^-?\d{1,20}$/.test(id) || /^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(id)));
        if (!ok) problems.push({ subKey: String(i), message: `must be a Telegram chat id (an integer, negative for groups) or an "@channel" name, got ${formatValue(id)}` });
      });
      return problems.length > 0 ? problems : undefined;
    },
  });
}

const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** HTTP headers: name -> value, both strings without line breaks. */
export function headersField(description: string): LeafField<StrategyParams & Record<string, string>> {
  const expected = 'a mapping of HTTP header names to string values';
  return leaf<Record<string, string>>({
    kind: 'record',
    description,
    default: {},
    nullable: false,
    expected,
    check: (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return mustBe(expected, v);
      const problems: LeafProblem[] = [];
      for (const [name, value] of Object.entries(v)) {
        if (!HEADER_NAME_RE.test(name) || FORBIDDEN_PARAM_NAMES.has(name)) problems.push({ subKey: name, message: 'is not a valid HTTP header name' });
        else if (typeof value !== 'string' || /[\r\n\0]/.test(value)) problems.push({ subKey: name, message: `must be a string on one line, got ${formatValue(value)}` });
      }
      return problems.length > 0 ? problems : undefined;
    },
  });
}

const EVENT_MODES = ['on', 'silent', 'off'] as const;

function eventField(description: string, def: EventMode): LeafField<EventMode> {
  return enumField(description, EVENT_MODES, def);
}

function objectField<T>(description: string, fields: SchemaFields<T>): ObjectField<T> {
  return Object.freeze({ kind: 'object' as const, description, fields: Object.freeze(fields) as SchemaFields<T> & AnySchemaFields });
}

// ---------------------------------------------------------------------------------------------
// The schema

const PAIR_RE = /^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+(?::[A-Za-z0-9._-]+)?$/;

function isTimeframe(s: string): boolean {
  try {
    timeframeToMs(s);
    return true;
  } catch {
    return false;
  }
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The whole schema as a node, for code that walks it. Keys are in documentation order. */
export const CONFIG_ROOT: ObjectField<TradebotConfig> = objectField<TradebotConfig>('tradebot configuration', {
  exchange: objectField<ExchangeConfig>('the ccxt exchange', {
    id: optStringField('ccxt exchange id, e.g. binance', { expected: 'a ccxt exchange id (lowercase letters and digits, e.g. "binance")', test: (s) => /^[a-z0-9]+$/.test(s) }),
    apiUrl: optStringField('re-points every REST base URL (loopback sim, testnet, proxy)', { expected: 'an http(s) URL', test: isHttpUrl }),
    sandbox: booleanField("use the exchange's sandbox/testnet endpoints", false),
  }),
  pair: optStringField('market symbol, e.g. BTC/USDT; several with commas later', {
    expected: 'a market symbol like "BTC/USDT" (several separated by commas)',
    test: (s) => s.split(',').every((p) => PAIR_RE.test(p.trim())),
  }),
  timeframe: optStringField('candle timeframe, e.g. 5m', { expected: 'a timeframe like "1m", "5m", "1h" or "1d"', test: isTimeframe }),
  strategy: objectField<StrategyConfig>('the trading strategy', {
    name: stringField('built-in strategy name or path to a .js/.mjs file (code, run with your rights; relative to this file and, when found by search, inside its directory)', 'ema-cross'),
    params: recordField('strategy parameters: name -> number, string or boolean'),
  }),
  cash: numberField("starting quote balance of a backtest, and of paper without paper.balances (a live bot's is `budget`)", 10000, { min: 0, minExclusive: true }),
  budget: optFixedStakeField("a bot's budget (paper and live): a quote amount, or \"N%\" (live: of the account's free quote less the other live bots' budgets; paper: of cash); null = live: all that is free, paper: cash"),
  stake: stakeField('"N%" of the free quote balance, or a fixed quote amount', '99%'),
  fee: numberField('fee rate on notional, >= 0 and < 1 (0.001 = 0.1%)', 0.001, { min: 0, max: 1, maxExclusive: true }),
  slippage: numberField('slippage in basis points, >= 0 (10 = 0.1%)', 0, { min: 0, max: 10000, maxExclusive: true }),
  risk: objectField<RiskConfig>('exits and position sizing', {
    stopLoss: optFractionField('fraction below entry, e.g. 0.02', { exclusiveZero: true }),
    takeProfit: optFractionField('fraction above entry', { exclusiveZero: true }),
    trailingStop: optFractionField('fraction below the highest price since entry', { exclusiveZero: true }),
    riskPerTrade: optFractionField('fraction of equity risked per trade (needs stopLoss)', { exclusiveZero: true }),
    maxOpenPositions: integerField('most positions open at once, integer >= 1', 1, { min: 1 }),
    maxPositionNotional: optNumberField('largest entry value in quote currency', { min: 0, minExclusive: true }),
    maxOpenOrders: optNumberField('most orders open at once', { min: 1 }),
    maxOrdersPerMinute: optNumberField('most orders sent in any minute (a runaway strategy is denied)', { min: 1 }),
    dailyLossLimit: optFractionField("fraction of the day's starting equity; losing more halts entries until the next UTC day", { exclusiveZero: true }),
    maxDrawdown: optFractionField('fraction below peak equity; falling further halts entries', { exclusiveZero: true }),
    cooldownAfterStopLoss: optNumberField('milliseconds without a new entry on a pair after its stop-loss', { min: 0 }),
    roi: optParsedField('minimal return by trade age, "minutes:return,...", e.g. "0:0.04,60:0.02,240:0": exit once the close reaches it', 'a table like "0:0.04,60:0.02,240:0"', (s) => parseRoi(s, 'roi')),
    takeProfitLadder: optParsedField('profit booking in levels, "profit:fraction,...", fractions summing to 1, e.g. "0.01:0.3,0.02:0.3,0.04:0.4"', 'a ladder like "0.01:0.3,0.02:0.3,0.04:0.4"', (s) => parseLadder(s, 'ladder')),
    breakevenAfter: optIntegerField('move the stop to the entry price once this many ladder levels have filled', { min: 1 }),
    reentry: optIntegerField('after a stop-loss, buy again at most this many times in a row when the close is back at the entry price (needs stopLoss, reentryWindow)', { min: 1 }),
    reentryWindow: optIntegerField('candles after a stop-loss during which a re-entry may happen', { min: 1 }),
    dca: optIntegerField('add to a position at most this many times (needs dcaStep)', { min: 1 }),
    dcaStep: optFractionField('each add waits for the close this fraction below the average entry, e.g. 0.02', { exclusiveZero: true }),
    dcaScale: optNumberField('each add spends this multiple of the previous entry (default 1)', { min: 0, minExclusive: true, max: 100 }),
    maxEntries: optIntegerField("entries one position may take, the first and a strategy's adds; null = the strategy's own (1 unless it says)", { min: 1, max: 1000 }),
    maxStake: optFixedStakeField('no entry spends more than this: "N%" of the free quote balance or a quote amount'),
    kellyWindow: optIntegerField('stake kelly: closed trades the estimate uses (the latest; default 50)', { min: 2 }),
    kellyMinTrades: optIntegerField('stake kelly: closed trades before the estimate applies; until then the floor (default 10)', { min: 1 }),
    kellyFloor: optFractionField('stake kelly: the smallest stake, a fraction of equity (default 0.01)', { exclusiveZero: true }),
  }),
  market: objectField<MarketConfig>('precision and minimums for candle files without market info', {
    amountStep: optNumberField('order amount step size', { min: 0, minExclusive: true }),
    priceTick: optNumberField('price tick size', { min: 0, minExclusive: true }),
    minAmount: optNumberField('minimum order amount', { min: 0, minExclusive: true }),
    minNotional: optNumberField('minimum order value in quote currency', { min: 0, minExclusive: true }),
  }),
  backtest: objectField<BacktestConfig>('backtest inputs and outputs', {
    data: optStringField('candle file; null = the bundled sample'),
    from: optDateField('start date (ISO or epoch); null = start of data'),
    to: optDateField('end date (ISO or epoch); null = end of data'),
    json: booleanField('print the result as JSON', false),
    out: optStringField('write the result JSON to this file'),
    tradesCsv: optStringField('write the trades to this CSV file'),
    html: optStringField('write a self-contained HTML report (charts, trades, metrics) to this file'),
    assert: optStringField('conditions to check, e.g. "sharpe>=1.2,maxDrawdown<=0.25"'),
    baseline: optStringField('result JSON to compare against'),
    tolerance: numberField('allowed relative difference from the baseline', 0.01, { min: 0 }),
    warmup: integerField('candles at the start that only warm the indicators (no trading); fewer than the candles', 0, { min: 0 }),
  }),
  paper: objectField<PaperConfig>('paper trading (and the shared bot settings of live)', {
    balances: optStringField('starting balances, e.g. "USDT=10000,BTC=0"; null = `cash` in the quote currency', {
      expected: 'a list like "USDT=10000,BTC=0.5"',
      test: (s) => s.split(',').every((p) => /^\s*[A-Za-z0-9]+\s*=\s*\d+(\.\d+)?\s*$/.test(p)),
    }),
    warmup: integerField('candles of history that warm the indicators before the first decision', 500, { min: 1, max: 10000 }),
    poll: integerField('milliseconds between polls for new candles', 2000, { min: 100 }),
  }),
  signals: objectField<SignalsConfig>('the signal strategies: webhook (TradingView alerts) and http-signal (an outside signal service)', {
    listen: stringField('webhook: address the alert listener binds to (loopback; put a TLS reverse proxy in front)', '127.0.0.1:8080', {
      expected: 'a host:port like "127.0.0.1:8080"',
      test: (s) => /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(s.trim()) && Number(s.trim().split(':').pop()) <= 65535,
    }),
    maxLag: integerField('webhook: milliseconds an alert may be old (by its time) when it arrives; older ones are refused', 60000, { min: 1000 }),
    rateLimit: integerField('webhook: most alerts accepted per minute (more are answered 429)', 60, { min: 1 }),
    tickers: optStringField('webhook: tickers that do not spell a pair, e.g. "XBTUSDT=BTC/USDT"', {
      expected: 'a list like "XBTUSDT=BTC/USDT,ETHUSD=ETH/USDT"',
      test: (s) => s.split(',').every((p) => /^\s*[A-Za-z0-9._:!-]+\s*=\s*[A-Za-z0-9._-]+\/[A-Za-z0-9._:-]+\s*$/.test(p)),
    }),
    file: optStringField('webhook backtest: JSON-lines alerts to replay (a bot records its own in alerts.jsonl)'),
    url: optStringField('http-signal: the signal service, POSTed on every closed candle', { expected: 'an http(s) URL', test: isHttpUrl }),
    timeout: integerField('http-signal: milliseconds to wait for an answer, per attempt (3 attempts)', 30000, { min: 100, max: 600000 }),
    minConfidence: numberField('http-signal: a long signal enters at this confidence or above (0 to 1)', 0.5, { min: 0, max: 1 }),
    cacheTtl: integerField("http-signal: milliseconds (candle time) the last answer stands in while the service is down", 900000, { min: 0 }),
    fallback: optStringField('http-signal: built-in strategy that decides when the service is down and its last answer too old (e.g. ema-cross); null = no new decisions'),
    candles: integerField('http-signal: closed candles sent with each request', 100, { min: 1, max: 1000 }),
    shadow: optStringField("paper: a bot whose signals this paper bot follows (its alerts, or its service), trading nothing real"),
  }),
  home: optStringField('tradebot home directory (state, cache); else TRADEBOT_HOME or the platform data dir'),
  secretsFile: optStringField('YAML/JSON file readable only by you: apiKey, secret, password (live), webhookSecret, signalToken, telegramToken; else the TRADEBOT_* variables'),
  notify: objectField<NotifyConfig>('alerts of a running bot (paper, live); the Telegram token only from TRADEBOT_TELEGRAM_TOKEN or secretsFile, never from here', {
    telegram: objectField<TelegramConfig>('Telegram: alerts to these chats, and commands from them', {
      chatIds: chatIdsField('who receives alerts and may give commands; empty = no Telegram'),
      apiUrl: stringField('Bot API base URL: the public one, a self-hosted Bot API server (or a loopback fake in tests)', 'https://api.telegram.org', { expected: 'an http(s) URL', test: isHttpUrl }),
      commands: booleanField('take commands (/status, /pause, /forceexit ...) from the chats above', true),
      pollTimeout: integerField('seconds a getUpdates long poll may wait for a command', 25, { min: 0, max: 50 }),
    }),
    webhook: objectField<WebhookConfig>('a webhook (Discord, Slack, your own): one request per message', {
      url: optStringField('where to send; null = no webhook (treated as a secret: never logged)', { expected: 'an http(s) URL', test: isHttpUrl }),
      method: enumField('HTTP method', ['POST', 'PUT', 'GET'] as const, 'POST'),
      headers: headersField('extra request headers (values treated as secrets)'),
      body: optStringField('body template: {bot} {event} {message} {pair} {side} {price} {qty} {pnl} {time} {mode}; null = a JSON object of them'),
    }),
    events: objectField<NotifyEventsConfig>('per event: on, silent (Telegram without sound) or off', {
      started: eventField('the bot started or resumed', 'on'),
      stopped: eventField('the bot stopped (stop, SIGTERM, Ctrl+C, panic)', 'on'),
      crashed: eventField('the bot crashed (with the reason)', 'on'),
      halt: eventField('a risk limit or a strategy error halted new entries (and when that ends)', 'on'),
      fill: eventField('entry and exit fills; an exit with its PnL', 'on'),
      rejected: eventField('an order refused by the exchange', 'on'),
      unknown: eventField('an order of unknown outcome, and how it was resolved', 'on'),
      degraded: eventField('the exchange failing (orders held back, candles not arriving) and recovering', 'on'),
      reconcile: eventField('live start-up: what the comparison with the exchange found', 'on'),
      control: eventField('pause, resume, stop, forceexit requests (any source) and their outcome', 'on'),
      daily: eventField('a daily summary at dailyHour', 'on'),
      heartbeat: eventField('a short "still running" message every heartbeatMinutes', 'off'),
    }),
    dailyHour: integerField('UTC hour of the daily summary (of the day before)', 0, { min: 0, max: 23 }),
    heartbeatMinutes: integerField('minutes between heartbeat messages', 60, { min: 1, max: 10080 }),
  }),
  metrics: objectField<MetricsConfig>('Prometheus /metrics and /health of a running bot (paper, live)', {
    port: optIntegerField('TCP port (0: any free one, said at start); null = no metrics server (--metrics-port)', { min: 0, max: 65535 }),
    host: stringField('address to listen on; keep it on loopback unless a firewall stands in front', '127.0.0.1'),
  }),
});

/** The top-level keys of the schema. */
export const CONFIG_SCHEMA: SchemaFields<TradebotConfig> & AnySchemaFields = CONFIG_ROOT.fields;

export interface SchemaLeafEntry {
  /** dotted key, e.g. "risk.stopLoss" */
  readonly path: string;
  readonly field: LeafField;
}

/** Every leaf key of the schema with its dotted path, in documentation order. */
export function schemaLeaves(fields: AnySchemaFields = CONFIG_SCHEMA, prefix = ''): SchemaLeafEntry[] {
  const out: SchemaLeafEntry[] = [];
  for (const [key, node] of Object.entries(fields) as [string, SchemaNode][]) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObjectField(node)) out.push(...schemaLeaves(node.fields, path));
    else out.push({ path, field: node });
  }
  return out;
}

function defaultsOf(fields: AnySchemaFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(fields) as [string, SchemaNode][]) {
    out[key] = isObjectField(node) ? defaultsOf(node.fields) : cloneValue(node.default);
  }
  return out;
}

function cloneValue<T>(v: T): T {
  return v !== null && typeof v === 'object' ? (structuredClone(v) as T) : v;
}

/** A fresh copy of the defaults (callers may mutate it). */
export function configDefaults(): TradebotConfig {
  return defaultsOf(CONFIG_SCHEMA) as unknown as TradebotConfig;
}

/** The defaults, frozen. Use configDefaults() for a mutable copy. */
export const CONFIG_DEFAULTS: TradebotConfig = deepFreeze(configDefaults());

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const inner of Object.values(v)) deepFreeze(inner);
    Object.freeze(v);
  }
  return v;
}
