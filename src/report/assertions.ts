import { didYouMean } from '../config/did-you-mean.js';
import { UsageError } from '../core/errors.js';
import { METRIC_NAMES, type Metrics } from '../core/metrics.js';

export type AssertionOp = '>=' | '<=' | '>' | '<' | '==' | '!=';

export interface Assertion {
  /** a metric name (or, for optimize and walk-forward, a robustness statistic such as dsr) */
  metric: string;
  op: AssertionOp;
  value: number;
  /** the condition in canonical form, e.g. "sharpe>=1.2", for messages */
  text: string;
}

const OPS: readonly AssertionOp[] = ['>=', '<=', '==', '!=', '>', '<'];
/** What a breach of each operator looks like: sharpe 0.84 < 1.2 breaches sharpe>=1.2. */
const NEGATED: Record<AssertionOp, string> = { '>=': '<', '<=': '>', '>': '<=', '<': '>=', '==': '!=', '!=': '==' };
const FRAGMENT_RE = /^([A-Za-z][\w-]*)\s*(>=|<=|==|!=|=>|=<|>|<|=)\s*(.*)$/;
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const MISTYPED_OPS: Record<string, AssertionOp> = { '=>': '>=', '=<': '<=', '=': '==' };
const SYNTAX_HELP = 'expected "metric op number" such as sharpe>=1.2, with op one of >= <= > < == !=';

/** Metric names compared case- and separator-insensitively: "max_drawdown" is maxDrawdown. */
const normalize = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');

/**
 * Parse "sharpe>=1.2,maxDrawdown<=0.25,trades>=10": comma-separated `metric op number`,
 * whitespace tolerated. Throws UsageError naming the fragment on bad syntax, and with a
 * suggestion and the list of metric names on an unknown metric. `names` are the names a condition
 * may use (a backtest's metrics by default).
 */
export function parseAssertions(expr: string, names: readonly string[] = METRIC_NAMES): Assertion[] {
  const BY_NORMALIZED = new Map<string, string>(names.map((m) => [normalize(m), m]));
  if (expr.trim() === '') throw new UsageError(`assertion list is empty (${SYNTAX_HELP})`);
  return expr.split(',').map((raw) => {
    const fragment = raw.trim();
    if (fragment === '') throw new UsageError(`empty assertion in "${expr}" (stray comma?); ${SYNTAX_HELP}`);
    const m = FRAGMENT_RE.exec(fragment);
    if (!m) throw new UsageError(`cannot parse assertion "${fragment}": ${SYNTAX_HELP}`);
    const [, name, rawOp, rawValue] = m as unknown as [string, string, string, string];

    const metric = BY_NORMALIZED.get(normalize(name));
    if (!metric) {
      const suggestion = didYouMean(name, names);
      throw new UsageError(
        `unknown metric "${name}" in assertion "${fragment}"` +
          (suggestion ? `; did you mean "${suggestion}"?` : '') +
          `\nmetrics: ${names.join(', ')}`,
      );
    }
    const fix = MISTYPED_OPS[rawOp];
    if (fix) throw new UsageError(`cannot parse assertion "${fragment}": operator "${rawOp}" is not supported, did you mean "${fix}"?`);
    const op = rawOp as AssertionOp;
    if (!OPS.includes(op)) throw new UsageError(`cannot parse assertion "${fragment}": ${SYNTAX_HELP}`);

    const valueText = rawValue.trim();
    const value = Number(valueText);
    if (!NUMBER_RE.test(valueText) || !Number.isFinite(value)) {
      throw new UsageError(`cannot parse assertion "${fragment}": "${valueText}" is not a number; ${SYNTAX_HELP}`);
    }
    return { metric, op, value, text: `${metric}${op}${valueText}` };
  });
}

/**
 * One line per breached condition, e.g. "sharpe 0.84 < 1.2 (required sharpe>=1.2)"; empty when
 * all hold. A null (undefined for the run) metric breaches every condition on it.
 */
export function checkAssertions(metrics: Metrics | Readonly<Record<string, number | null>>, assertions: Assertion[]): string[] {
  const lines: string[] = [];
  for (const a of assertions) {
    const v = (metrics as unknown as Record<string, number | null | undefined>)[a.metric];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      lines.push(`${a.metric} is undefined for this run (required ${a.text})`);
      continue;
    }
    if (!holds(v, a.op, a.value)) {
      lines.push(`${a.metric} ${formatAgainst(v, a.value)} ${NEGATED[a.op]} ${String(a.value)} (required ${a.text})`);
    }
  }
  return lines;
}

function holds(v: number, op: AssertionOp, x: number): boolean {
  switch (op) {
    case '>=':
      return v >= x;
    case '<=':
      return v <= x;
    case '>':
      return v > x;
    case '<':
      return v < x;
    case '==':
      return v === x;
    case '!=':
      return v !== x;
  }
}

/** `v` to 4 significant digits (all of its integer digits and 2 decimals when larger), or more when needed to read differently from `x`. */
function formatAgainst(v: number, x: number): string {
  const intDigits = Math.abs(v) >= 1 ? Math.floor(Math.log10(Math.abs(v))) + 1 : 0;
  for (let digits = Math.min(17, Math.max(4, intDigits + 2)); digits <= 17; digits++) {
    const s = String(Number(v.toPrecision(digits)));
    if (v === x || Number(s) !== x) return s;
  }
  return String(v);
}
