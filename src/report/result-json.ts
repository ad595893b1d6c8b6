import type { Gap } from '../core/candles.js';
import { InternalError, UsageError } from '../core/errors.js';
import { METRIC_NAMES, type Metrics } from '../core/metrics.js';
import { RESULT_SCHEMA_VERSION, exitReasonOf, isLegReason, type BacktestResult, type TradeLeg, type TradeRecord } from './result.js';

// The key order of every object in the document: the order of the type declarations.
// Adding a field to a type without listing it here is a compile error (see `Exhaustive`).
const RESULT_KEYS = ['schemaVersion', 'tradebot', 'strategy', 'data', 'settings', 'metrics', 'metricsNotes', 'warnings', 'trades', 'equityCurve', 'monteCarlo', 'pairs'] as const;
const PAIR_KEYS = ['symbol', 'source', 'candles', 'trades', 'wins', 'pnl', 'fees', 'buyAndHoldReturn'] as const;
const STRATEGY_KEYS = ['name', 'params'] as const;
const DATA_KEYS = ['source', 'symbol', 'candles', 'from', 'to', 'timeframe', 'gaps'] as const;
const GAP_KEYS = ['after', 'before', 'missing'] as const;
const SETTINGS_KEYS = ['cash', 'stake', 'fee', 'slippageBps', 'risk'] as const;
const TRADE_KEYS = [
  'symbol',
  'side',
  'entryTime',
  'exitTime',
  'entryPrice',
  'exitPrice',
  'qty',
  'fees',
  'pnl',
  'returnPct',
  'exitReason',
  'open',
  'entries',
  'exits',
] as const;
const LEG_KEYS = ['time', 'price', 'qty', 'fee', 'reason'] as const;
const POINT_KEYS = ['time', 'equity'] as const;

type Exhaustive<T, K extends readonly PropertyKey[]> = [Exclude<keyof T, K[number]>] extends [never]
  ? true
  : { missingKeys: Exclude<keyof T, K[number]> };
type Point = BacktestResult['equityCurve'][number];
const exhaustive: [
  Exhaustive<BacktestResult, typeof RESULT_KEYS>,
  Exhaustive<BacktestResult['strategy'], typeof STRATEGY_KEYS>,
  Exhaustive<BacktestResult['data'], typeof DATA_KEYS>,
  Exhaustive<Gap, typeof GAP_KEYS>,
  Exhaustive<BacktestResult['settings'], typeof SETTINGS_KEYS>,
  Exhaustive<TradeRecord, typeof TRADE_KEYS>,
  Exhaustive<TradeLeg, typeof LEG_KEYS>,
  Exhaustive<Point, typeof POINT_KEYS>,
  Exhaustive<NonNullable<BacktestResult['pairs']>[number], typeof PAIR_KEYS>,
] = [true, true, true, true, true, true, true, true, true];
void exhaustive;

/**
 * The result document as text: byte-identical for equal input whatever order its objects were
 * built in. Keys follow the type declarations (free-form maps such as strategy params are sorted),
 * 2-space indentation, trailing newline, numbers in JSON's shortest round-trip form.
 * A non-finite number is a bug upstream and throws InternalError naming the field.
 */
export function serializeResult(result: BacktestResult): string {
  const r = result as unknown as Obj;
  const strategy = obj(r.strategy, 'strategy');
  const data = obj(r.data, 'data');
  const settings = obj(r.settings, 'settings');
  const doc = ordered(r, RESULT_KEYS, '', {
    strategy: () => ordered(strategy, STRATEGY_KEYS, 'strategy', { params: (v, p) => canonical(v, p) }),
    data: () =>
      ordered(data, DATA_KEYS, 'data', {
        gaps: (v, p) => arr(v, p).map((g, i) => ordered(obj(g, `${p}[${i}]`), GAP_KEYS, `${p}[${i}]`)),
      }),
    settings: () => ordered(settings, SETTINGS_KEYS, 'settings', { risk: (v, p) => canonical(v, p) }),
    metrics: (v, p) => ordered(obj(v, p), METRIC_NAMES, p),
    metricsNotes: (v, p) => ordered(obj(v, p), METRIC_NAMES, p),
    trades: (v, p) =>
      arr(v, p).map((t, i) => {
        const legs: Convert = (x, q) => arr(x, q).map((l, j) => ordered(obj(l, `${q}[${j}]`), LEG_KEYS, `${q}[${j}]`));
        return ordered(obj(t, `${p}[${i}]`), TRADE_KEYS, `${p}[${i}]`, { entries: legs, exits: legs });
      }),
    equityCurve: (v, p) => arr(v, p).map((pt, i) => ordered(obj(pt, `${p}[${i}]`), POINT_KEYS, `${p}[${i}]`)),
    pairs: (v, p) => arr(v, p).map((x, i) => ordered(obj(x, `${p}[${i}]`), PAIR_KEYS, `${p}[${i}]`)),
  });
  return JSON.stringify(doc, null, 2) + '\n';
}

type Obj = Record<string, unknown>;
type Convert = (value: unknown, path: string) => unknown;

/** A fresh object with `keys` in the given order; undefined fields are left out. */
function ordered(src: Obj, keys: readonly string[], path: string, convert: Record<string, Convert> = {}): Obj {
  const out: Obj = {};
  for (const k of keys) {
    const v = src[k];
    if (v === undefined) continue;
    const p = path ? `${path}.${k}` : k;
    const f = convert[k];
    out[k] = f ? f(v, p) : canonical(v, p);
  }
  return out;
}

/** Plain JSON data with object keys sorted; throws on what JSON cannot hold faithfully. */
function canonical(v: unknown, path: string): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw new InternalError(`cannot serialize the backtest result: ${path} is ${String(v)}`);
      return v;
    case 'undefined':
      return undefined;
    case 'object': {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map((x, i) => canonical(x === undefined ? null : x, `${path}[${i}]`));
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return canonical(toJSON.call(v), path);
      const o = v as Obj;
      const out: Obj = {};
      for (const k of Object.keys(o).sort()) {
        if (o[k] !== undefined) out[k] = canonical(o[k], `${path}.${k}`);
      }
      return out;
    }
    default:
      throw new InternalError(`cannot serialize the backtest result: ${path} is a ${typeof v}`);
  }
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InternalError(`cannot serialize the backtest result: ${path} is not an object`);
  return v as Obj;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new InternalError(`cannot serialize the backtest result: ${path} is not an array`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Which metrics may be null; the mapped type keeps this in step with Metrics. */
const METRIC_NULLABLE: { readonly [K in keyof Metrics]-?: null extends Metrics[K] ? true : false } = {
  startEquity: false,
  finalEquity: false,
  totalReturn: false,
  cagr: true,
  sharpe: true,
  sortino: true,
  calmar: true,
  maxDrawdown: false,
  maxDrawdownDuration: false,
  winRate: true,
  profitFactor: true,
  expectancy: true,
  exposure: false,
  trades: false,
  openTrades: false,
  feesPaid: false,
  buyAndHoldReturn: false,
};

const EXIT_REASONS_TEXT = 'signal, stop-loss, take-profit, trailing-stop, roi, ladder-N, reentry, manual, panic';
const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Read a result document written by serializeResult (a --baseline file). `source` names the
 * file in errors. Throws UsageError when the text is not a tradebot result, was written with a
 * newer schema, or is malformed (naming the first bad field).
 */
export function parseResult(text: string, source: string): BacktestResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not a tradebot result: it is not valid JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('schemaVersion' in doc)) {
    throw new UsageError(`${source} is not a tradebot result (expected a JSON object with a schemaVersion, as written by backtest --out)`);
  }
  const d = doc as Obj;
  const v = d.schemaVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new UsageError(`${source} is not a tradebot result: schemaVersion ${JSON.stringify(v)} is not a positive integer`);
  }
  if (v > RESULT_SCHEMA_VERSION) {
    const by = typeof d.tradebot === 'string' ? ` (tradebot ${d.tradebot})` : '';
    throw new UsageError(
      `${source} was written by a newer tradebot${by} with result schemaVersion ${v}; ` +
        `this version reads schemaVersion ${RESULT_SCHEMA_VERSION} or older. Upgrade tradebot or re-create the file.`,
    );
  }

  const bad = (path: string, what: string): never => {
    throw new UsageError(`${source} is not a valid tradebot result: ${path} ${what}`);
  };
  const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
  const object = (x: unknown, path: string): Obj => (isObj(x) ? x : bad(path, 'must be an object'));
  const array = (x: unknown, path: string): unknown[] => (Array.isArray(x) ? x : bad(path, 'must be an array'));
  const str = (o: Obj, k: string, path: string): void => {
    if (typeof o[k] !== 'string') bad(`${path}.${k}`, 'must be a string');
  };
  const num = (o: Obj, k: string, path: string, nullable = false): void => {
    const x = o[k];
    if (nullable && x === null) return;
    if (typeof x !== 'number' || !Number.isFinite(x)) bad(`${path}.${k}`, nullable ? 'must be a number or null' : 'must be a number');
  };
  const dec = (o: Obj, k: string, path: string, nullable = false): void => {
    const x = o[k];
    if (nullable && x === null) return;
    if (typeof x !== 'string' || !DECIMAL_RE.test(x)) bad(`${path}.${k}`, nullable ? 'must be a decimal string or null' : 'must be a decimal string');
  };

  if (typeof d.tradebot !== 'string') bad('tradebot', 'must be a string (the version that wrote the file)');

  const strategy = object(d.strategy, 'strategy');
  str(strategy, 'name', 'strategy');
  object(strategy.params, 'strategy.params');

  const data = object(d.data, 'data');
  for (const k of ['source', 'symbol', 'timeframe']) str(data, k, 'data');
  for (const k of ['candles', 'from', 'to']) num(data, k, 'data');
  array(data.gaps, 'data.gaps').forEach((g, i) => {
    const p = `data.gaps[${i}]`;
    const go = object(g, p);
    for (const k of GAP_KEYS) num(go, k, p);
  });

  const settings = object(d.settings, 'settings');
  for (const k of ['cash', 'stake', 'fee']) str(settings, k, 'settings');
  num(settings, 'slippageBps', 'settings');
  object(settings.risk, 'settings.risk');

  const metrics = object(d.metrics, 'metrics');
  for (const k of METRIC_NAMES) num(metrics, k, 'metrics', METRIC_NULLABLE[k]);
  // additions within schemaVersion 1: a document written before them has neither, and reads as empty
  d.metricsNotes ??= {};
  d.warnings ??= [];
  const notes = object(d.metricsNotes, 'metricsNotes');
  for (const k of Object.keys(notes)) {
    if (!METRIC_NAMES.includes(k as keyof Metrics)) bad(`metricsNotes.${k}`, 'is not a metric');
    str(notes, k, 'metricsNotes');
  }
  array(d.warnings, 'warnings').forEach((w, i) => typeof w === 'string' || bad(`warnings[${i}]`, 'must be a string'));

  array(d.trades, 'trades').forEach((t, i) => {
    const p = `trades[${i}]`;
    const to = object(t, p);
    str(to, 'symbol', p);
    if (to.side !== 'long') bad(`${p}.side`, 'must be "long"');
    num(to, 'entryTime', p);
    num(to, 'exitTime', p, true);
    dec(to, 'entryPrice', p);
    dec(to, 'exitPrice', p, true);
    dec(to, 'qty', p);
    dec(to, 'fees', p);
    dec(to, 'pnl', p);
    num(to, 'returnPct', p);
    if (to.exitReason !== null && (!isLegReason(to.exitReason) || exitReasonOf(to.exitReason) !== to.exitReason)) {
      bad(`${p}.exitReason`, `must be one of ${EXIT_REASONS_TEXT} or null`);
    }
    if (typeof to.open !== 'boolean') bad(`${p}.open`, 'must be true or false');
    // schemaVersion 1 had no legs: its trades are read without them
    if (v === 1 && to.entries === undefined && to.exits === undefined) return;
    for (const side of ['entries', 'exits'] as const) {
      array(to[side], `${p}.${side}`).forEach((l, j) => {
        const q = `${p}.${side}[${j}]`;
        const lo = object(l, q);
        num(lo, 'time', q);
        for (const k of ['price', 'qty', 'fee']) dec(lo, k, q);
        if (!isLegReason(lo.reason)) bad(`${q}.reason`, `must be one of ${EXIT_REASONS_TEXT}, dca`);
      });
    }
  });

  array(d.equityCurve, 'equityCurve').forEach((pt, i) => {
    const p = `equityCurve[${i}]`;
    const po = object(pt, p);
    num(po, 'time', p);
    num(po, 'equity', p);
  });

  return d as unknown as BacktestResult;
}

/** Canonical JSON of any plain value (sorted keys), for comparing free-form maps such as params. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value, 'value')) ?? 'undefined';
}
