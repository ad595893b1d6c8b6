import { UsageError } from '../core/errors.js';
import { METRIC_DIRECTION, METRIC_NAMES, type Metrics } from '../core/metrics.js';
import { Dec } from '../core/money.js';
import { canonicalJson } from './result-json.js';
import type { BacktestResult, TradeRecord } from './result.js';
import { formatMetricValue, formatUtc, strategyLabel } from './text-report.js';

export interface BaselineComparison {
  /** metrics that got worse beyond the tolerance: a CI gate fails on any */
  regressions: string[];
  /** everything else that differs, for information: setup, metrics within tolerance or improved, trades */
  changes: string[];
}

/**
 * Compare a run with a baseline run. For a metric where higher is better, a regression is
 * current < baseline - tolerance*|baseline| (relative tolerance; absolute when the baseline is 0);
 * for lower-is-better the mirror. A directional metric that became undefined (null) is a
 * regression too. Neutral metrics, improvements, differences within the tolerance, differences
 * in strategy, parameters, data or settings, and the trade list go to `changes`.
 * Every line is self-contained.
 */
export function compareWithBaseline(current: BacktestResult, baseline: BacktestResult, tolerance: number): BaselineComparison {
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new UsageError(`baseline tolerance must be a number >= 0 (0.05 = 5 %), got ${String(tolerance)}`);
  }
  const regressions: string[] = [];
  const changes: string[] = [...setupChanges(current, baseline)];

  for (const name of METRIC_NAMES) {
    const cur = current.metrics[name] as number | null | undefined;
    const base = baseline.metrics[name] as number | null | undefined;
    const line = compareMetric(name, cur ?? null, base ?? null, tolerance);
    if (line?.regression) regressions.push(line.text);
    else if (line) changes.push(line.text);
  }

  changes.push(...tradeChanges(current.trades, baseline.trades));
  return { regressions, changes };
}

function compareMetric(
  name: keyof Metrics,
  cur: number | null,
  base: number | null,
  tolerance: number,
): { text: string; regression: boolean } | undefined {
  const direction = METRIC_DIRECTION[name];
  const better = direction === 'higher' ? 'higher is better' : direction === 'lower' ? 'lower is better' : '';
  if (cur === base) return undefined;
  if (cur === null) {
    return {
      text: `${name} is undefined in this run, was ${show(name, base!)} in the baseline` + (better ? ` (${better})` : ''),
      regression: direction !== 'neutral',
    };
  }
  if (base === null) {
    return { text: `${name} is ${show(name, cur)} in this run, was undefined in the baseline`, regression: false };
  }

  const [b, c] = showPair(name, base, cur);
  const verb = cur > base ? 'rose' : 'fell';
  const rel = base !== 0 ? ` (${signedPct((cur - base) / Math.abs(base))})` : '';
  const head = `${name} ${verb} from ${b} to ${c}${rel} vs the baseline`;
  if (direction === 'neutral') return { text: head, regression: false };

  const allowed = base !== 0 ? tolerance * Math.abs(base) : tolerance;
  const worse = direction === 'higher' ? cur < base : cur > base;
  const beyond = direction === 'higher' ? cur < base - allowed : cur > base + allowed;
  const tol = base !== 0 ? `the ${plainPct(tolerance)} tolerance` : `the absolute tolerance ${tolerance} (baseline is 0)`;
  if (beyond) return { text: `${head}, beyond ${tol}; ${better}`, regression: true };
  return { text: worse ? `${head}, within ${tol}; ${better}` : `${head}, an improvement; ${better}`, regression: false };
}

// ---------------------------------------------------------------------------------------------
// Setup: strategy, parameters, data, settings, version

function setupChanges(cur: BacktestResult, base: BacktestResult): string[] {
  const out: string[] = [];
  const pair = (what: string, b: string, c: string): void => {
    if (b !== c) out.push(`${what} differs from the baseline: ${b} in the baseline, ${c} in this run`);
  };

  if (cur.strategy.name !== base.strategy.name) {
    out.push(
      `strategy differs from the baseline: ${strategyLabel(base.strategy.name, base.strategy.params)} in the baseline, ` +
        `${strategyLabel(cur.strategy.name, cur.strategy.params)} in this run`,
    );
  } else {
    const diff = mapDiff(base.strategy.params, cur.strategy.params);
    if (diff) out.push(`strategy parameters of ${cur.strategy.name} differ from the baseline: ${diff}`);
  }

  if (base.schemaVersion !== cur.schemaVersion) {
    out.push(`the baseline is a schemaVersion ${base.schemaVersion} document, this run ${cur.schemaVersion}: metrics and trades are compared as usual (the entries and exits lists are not compared)`);
  }
  pair('data source', base.data.source, cur.data.source);
  pair('symbol', base.data.symbol, cur.data.symbol);
  pair('timeframe', base.data.timeframe, cur.data.timeframe);
  pair(
    'date range',
    `${formatUtc(base.data.from)} → ${formatUtc(base.data.to)} UTC`,
    `${formatUtc(cur.data.from)} → ${formatUtc(cur.data.to)} UTC`,
  );
  if (base.data.candles !== cur.data.candles) {
    out.push(`candle count differs from the baseline: ${base.data.candles} → ${cur.data.candles}`);
  }
  if (base.data.gaps.length !== cur.data.gaps.length) {
    out.push(`data gaps differ from the baseline: ${base.data.gaps.length} → ${cur.data.gaps.length}`);
  }

  const settings = mapDiff(
    { cash: base.settings.cash, stake: base.settings.stake, fee: base.settings.fee, slippageBps: base.settings.slippageBps },
    { cash: cur.settings.cash, stake: cur.settings.stake, fee: cur.settings.fee, slippageBps: cur.settings.slippageBps },
    decimalEqual,
  );
  if (settings) out.push(`settings differ from the baseline: ${settings}`);
  const risk = mapDiff(base.settings.risk, cur.settings.risk);
  if (risk) out.push(`risk settings differ from the baseline: ${risk}`);

  if (base.tradebot !== cur.tradebot) {
    out.push(`tradebot version differs: baseline written by ${base.tradebot}, this run by ${cur.tradebot}`);
  }
  return out;
}

/** "fast 10 → 12, slow (unset) → 30" for the keys whose values differ; '' when none. */
function mapDiff(
  base: Record<string, unknown>,
  cur: Record<string, unknown>,
  equal: (a: unknown, b: unknown) => boolean = (a, b) => canonicalJson(a) === canonicalJson(b),
): string {
  const keys = [...new Set([...Object.keys(base), ...Object.keys(cur)])].sort();
  const parts: string[] = [];
  for (const k of keys) {
    const a = base[k];
    const b = cur[k];
    if (a === undefined && b === undefined) continue;
    if (a !== undefined && b !== undefined && equal(a, b)) continue;
    parts.push(`${k} ${a === undefined ? '(unset)' : canonicalJson(a)} → ${b === undefined ? '(unset)' : canonicalJson(b)}`);
  }
  return parts.join(', ');
}

function decimalEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    try {
      return new Dec(a).eq(b);
    } catch {
      return a === b;
    }
  }
  return canonicalJson(a) === canonicalJson(b);
}

// ---------------------------------------------------------------------------------------------
// Trades

const TRADE_FIELDS: readonly { key: keyof TradeRecord; label: string; kind: 'time' | 'decimal' | 'text' }[] = [
  { key: 'entryTime', label: 'entry time', kind: 'time' },
  { key: 'exitTime', label: 'exit time', kind: 'time' },
  { key: 'entryPrice', label: 'entry price', kind: 'decimal' },
  { key: 'exitPrice', label: 'exit price', kind: 'decimal' },
  { key: 'qty', label: 'qty', kind: 'decimal' },
  { key: 'pnl', label: 'pnl', kind: 'decimal' },
  { key: 'exitReason', label: 'exit reason', kind: 'text' },
];

function tradeChanges(cur: TradeRecord[], base: TradeRecord[]): string[] {
  const out: string[] = [];
  if (cur.length !== base.length) {
    const delta = cur.length - base.length;
    out.push(`trade count changed: ${base.length} in the baseline, ${cur.length} in this run (${delta > 0 ? '+' : ''}${delta})`);
  }
  const common = Math.min(cur.length, base.length);
  for (let i = 0; i < common; i++) {
    const diffs = tradeDiff(base[i]!, cur[i]!);
    if (diffs.length > 0) {
      out.push(
        `first differing trade is #${i + 1} (baseline entry ${formatUtc(base[i]!.entryTime)} UTC): ` +
          diffs.join(', ') +
          ' (baseline → this run)',
      );
      return out;
    }
  }
  if (cur.length !== base.length) {
    const extra = cur.length > base.length ? cur[common]! : base[common]!;
    const where = cur.length > base.length ? 'only in this run' : 'only in the baseline';
    out.push(
      `first differing trade is #${common + 1}, ${where}: entry ${formatUtc(extra.entryTime)} UTC at ${extra.entryPrice}, ` +
        `exit ${extra.exitTime === null ? 'open' : `${formatUtc(extra.exitTime)} UTC at ${extra.exitPrice ?? '?'}`}, qty ${extra.qty}, pnl ${extra.pnl}`,
    );
  }
  return out;
}

function tradeDiff(b: TradeRecord, c: TradeRecord): string[] {
  const diffs: string[] = [];
  for (const f of TRADE_FIELDS) {
    const x = b[f.key] as string | number | null;
    const y = c[f.key] as string | number | null;
    if (f.kind === 'decimal' ? decimalEqual(x, y) : x === y) continue;
    const fmt = (v: string | number | null): string =>
      v === null ? (f.key === 'exitTime' || f.key === 'exitPrice' ? 'open' : '–') : f.kind === 'time' ? `${formatUtc(v as number)} UTC` : String(v);
    diffs.push(`${f.label} ${fmt(x)} → ${fmt(y)}`);
  }
  return diffs;
}

// ---------------------------------------------------------------------------------------------
// Formatting

function show(name: keyof Metrics, v: number): string {
  return formatMetricValue(name, v);
}

/** Both values formatted for people, or raw when the rounding would hide the difference. */
function showPair(name: keyof Metrics, a: number, b: number): [string, string] {
  const fa = show(name, a);
  const fb = show(name, b);
  return fa === fb ? [`${fa} (${a})`, `${fb} (${b})`] : [fa, fb];
}

function signedPct(f: number): string {
  const s = (f * 100).toFixed(1);
  return (f > 0 ? '+' : '') + s + '%';
}

function plainPct(f: number): string {
  return `${Number((f * 100).toPrecision(10))}%`;
}
