import { Chalk, type ChalkInstance } from 'chalk';
import { Dec } from '../core/money.js';
import type { Metrics, MetricsNotes } from '../core/metrics.js';
import { renderEquityChart } from './equity-chart.js';
import type { BacktestResult, TradeRecord } from './result.js';

export interface TextReportOptions {
  color: boolean;
  /** columns available; every line of the report fits (default 100) */
  width?: number;
  /** how many of the last closed trades to list (default 10; 0 for none) */
  lastTrades?: number;
  /** buy-and-hold equity over the same span, overlaid on the equity chart (src/report/buy-and-hold-curve.ts) */
  buyAndHold?: { time: number; equity: number }[];
}

const DEFAULT_WIDTH = 100;
const DEFAULT_LAST_TRADES = 10;
const CHART_HEIGHT = 8;
const INDENT = '  ';
const NULL_VALUE = '–';
const NOT_APPLICABLE = 'n/a';

type MetricKind = 'money' | 'pct' | 'signedPct' | 'ratio' | 'duration' | 'count';

/** Display label and format of every metric, in report order (left column, then right). */
const METRIC_DISPLAY: { readonly [K in keyof Metrics]: { label: string; kind: MetricKind } } = {
  startEquity: { label: 'Start equity', kind: 'money' },
  finalEquity: { label: 'Final equity', kind: 'money' },
  totalReturn: { label: 'Total return', kind: 'signedPct' },
  cagr: { label: 'CAGR', kind: 'signedPct' },
  buyAndHoldReturn: { label: 'Buy & hold return', kind: 'signedPct' },
  maxDrawdown: { label: 'Max drawdown', kind: 'pct' },
  maxDrawdownDuration: { label: 'Max drawdown duration', kind: 'duration' },
  exposure: { label: 'Exposure', kind: 'pct' },
  feesPaid: { label: 'Fees paid', kind: 'money' },
  sharpe: { label: 'Sharpe ratio', kind: 'ratio' },
  sortino: { label: 'Sortino ratio', kind: 'ratio' },
  calmar: { label: 'Calmar ratio', kind: 'ratio' },
  trades: { label: 'Closed trades', kind: 'count' },
  openTrades: { label: 'Open trades', kind: 'count' },
  winRate: { label: 'Win rate', kind: 'pct' },
  profitFactor: { label: 'Profit factor', kind: 'ratio' },
  expectancy: { label: 'Expectancy', kind: 'money' },
};

/**
 * A compact terminal report of a backtest: header, metrics, equity chart, last trades and the
 * open position. Returns the text (lines joined by '\n', trailing newline); never prints.
 * With `color: false` the output contains no escape codes.
 */
export function renderTextReport(result: BacktestResult, opts: TextReportOptions): string {
  const width = Math.max(1, Math.floor(opts.width ?? DEFAULT_WIDTH));
  const lastTrades = Math.max(0, Math.floor(opts.lastTrades ?? DEFAULT_LAST_TRADES));
  const c = new Chalk({ level: opts.color ? 1 : 0 });

  const out: string[] = [];
  out.push(...headerLines(result, width, c));
  out.push('');
  out.push(...metricsLines(result.metrics, result.metricsNotes ?? {}, width, c));
  out.push('');
  out.push(c.bold('Equity'));
  const chart = renderEquityChart(result.equityCurve, { width: width - INDENT.length, height: CHART_HEIGHT, color: opts.color, startLabel: true, drawdown: true, ...(opts.buyAndHold ? { benchmark: opts.buyAndHold } : {}) });
  out.push(...chart.split('\n').map((l) => INDENT + l));

  if (result.pairs !== undefined && result.pairs.length > 0) {
    out.push('');
    out.push(c.bold(`Pairs (${result.pairs.length})`));
    out.push(...pairTableLines(result.pairs, c));
  }

  const closed = result.trades.filter((t) => !t.open);
  if (lastTrades > 0) {
    out.push('');
    if (closed.length === 0) {
      out.push(c.bold('Trades') + c.dim(' – no closed trades'));
    } else {
      const shown = closed.slice(-lastTrades);
      const title = shown.length === closed.length ? `Trades (${closed.length})` : `Last ${shown.length} of ${closed.length} trades`;
      out.push(c.bold(title));
      out.push(...tradeTableLines(shown, width, c));
    }
  }

  const open = result.trades.filter((t) => t.open);
  if (open.length > 0) {
    out.push('');
    for (const t of open) out.push(...openPositionLines(t, c));
  }

  return out.map((l) => fitLine(l, width)).join('\n') + '\n';
}

/** A row per pair of a several-pair backtest: trades, wins, pnl, fees, buy-and-hold. */
function pairTableLines(pairs: NonNullable<BacktestResult['pairs']>, c: ChalkInstance): string[] {
  const rows = pairs.map((p) => [p.symbol, String(p.candles), String(p.trades), String(p.wins), Number(p.pnl).toFixed(2), Number(p.fees).toFixed(2), `${(p.buyAndHoldReturn * 100).toFixed(2)}%`]);
  const head = ['pair', 'candles', 'trades', 'wins', 'pnl', 'fees', 'buy&hold'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => INDENT + cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [c.dim(line(head)), ...rows.map(line)];
}

// ---------------------------------------------------------------------------------------------
// Header

function headerLines(r: BacktestResult, width: number, c: ChalkInstance): string[] {
  const gaps = r.data.gaps.length;
  const missing = r.data.gaps.reduce((s, g) => s + g.missing, 0);
  const segments: { text: string; style: (s: string) => string }[] = [
    { text: strategyLabel(r.strategy.name, r.strategy.params), style: c.bold },
    { text: `${r.data.symbol} ${r.data.timeframe}`, style: c.cyan },
    { text: `${formatUtc(r.data.from)} → ${formatUtc(r.data.to)} UTC`, style: (s) => s },
    { text: plural(r.data.candles, 'candle'), style: (s) => s },
    {
      text: gaps === 0 ? 'no gaps' : `${plural(gaps, 'gap')} (${plural(missing, 'candle')} missing)`,
      style: gaps === 0 ? c.dim : c.yellow,
    },
  ];
  // Greedy wrap at segment boundaries; a segment wider than the line is cut.
  const sep = ' · ';
  const lines: string[] = [];
  let line = '';
  let len = 0;
  for (const seg of segments) {
    const text = truncatePlain(seg.text, width);
    if (len > 0 && len + sep.length + text.length > width) {
      lines.push(line);
      line = '';
      len = 0;
    }
    if (len > 0) {
      line += c.dim(sep);
      len += sep.length;
    }
    line += seg.style(text);
    len += text.length;
  }
  if (len > 0) lines.push(line);
  return lines;
}

/** `name(k=v, ...)` with parameters in key order. */
export function strategyLabel(name: string, params: Record<string, unknown>): string {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return name;
  return `${name}(${keys.map((k) => `${k}=${paramValue(params[k])}`).join(', ')})`;
}

function paramValue(v: unknown): string {
  if (typeof v === 'string') return /^[\w./:+-]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------------------------------------
// Metrics

function metricsLines(m: Metrics, notes: MetricsNotes, width: number, c: ChalkInstance): string[] {
  const names = Object.keys(METRIC_DISPLAY) as (keyof Metrics)[];
  const cells = names.map((name) => {
    const value = m[name] as number | null | undefined;
    // a null with a note is "not applicable to this run", not "undefined for it"
    const text = value == null && notes[name] !== undefined ? NOT_APPLICABLE : formatMetricValue(name, value ?? null);
    return { label: METRIC_DISPLAY[name].label, text, value: value ?? null, name };
  });
  const footnotes = [...new Set(Object.values(notes))].map((why) => c.dim(`${INDENT}${NOT_APPLICABLE}: ${why}`));
  const labelW = Math.max(...cells.map((x) => x.label.length));
  const valueW = Math.max(...cells.map((x) => x.text.length));
  const cellW = labelW + 2 + valueW;
  const render = (x: (typeof cells)[number]): string => {
    const kind = METRIC_DISPLAY[x.name].kind;
    const padded = x.text.padStart(valueW);
    const styled =
      x.value === null ? c.dim(padded) : kind === 'signedPct' && x.value !== 0 ? (x.value > 0 ? c.green : c.red)(padded) : padded;
    return c.dim(x.label.padEnd(labelW)) + '  ' + styled;
  };

  const gap = '    ';
  if (INDENT.length + cellW * 2 + gap.length <= width) {
    const rows = Math.ceil(cells.length / 2);
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      const left = cells[i]!;
      const right = cells[i + rows];
      lines.push(INDENT + render(left) + (right ? gap + render(right) : ''));
    }
    return [...lines, ...footnotes];
  }
  return [...cells.map((x) => INDENT + render(x)), ...footnotes];
}

/** A metric formatted for people: percentages, money with 2 decimals, ratios, durations; null as "–". */
export function formatMetricValue(name: keyof Metrics, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NULL_VALUE;
  switch (METRIC_DISPLAY[name].kind) {
    case 'money':
      return formatMoney(value);
    case 'pct':
      return formatPct(value, false);
    case 'signedPct':
      return formatPct(value, true);
    case 'ratio':
      return value.toFixed(2);
    case 'duration':
      return formatDuration(value);
    case 'count':
      return groupThousands(String(Math.round(value)));
  }
}

export function formatMoney(v: number): string {
  return groupThousands(v.toFixed(2));
}

/** 0.1234 -> "12.34%"; signed: "+12.34%". */
export function formatPct(fraction: number, signed: boolean): string {
  const s = (fraction * 100).toFixed(2);
  return (signed && fraction > 0 ? '+' : '') + (s === '-0.00' ? '0.00' : s) + '%';
}

const DURATION_UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** Milliseconds as the two largest units: "3d 4h", "5h", "2m 30s"; 0 as "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return NULL_VALUE;
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms));
  if (rest < 1_000) return rest === 0 ? '0s' : `${sign}${rest}ms`;
  const parts: string[] = [];
  for (const [unit, size] of DURATION_UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  if (parts.length === 2 && parts[1]!.startsWith('0')) parts.pop();
  return sign + parts.join(' ');
}

/** "2024-01-31 13:00" in UTC. */
export function formatUtc(ms: number): string {
  if (!Number.isFinite(ms)) return NULL_VALUE;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** "1 candle", "2 candles", "1,234 candles". */
export function plural(n: number, noun: string): string {
  return `${groupThousands(String(n))} ${noun}${n === 1 ? '' : 's'}`;
}

function groupThousands(fixed: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(fixed);
  if (!m) return fixed;
  return m[1]! + m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (m[3] ?? '');
}

// ---------------------------------------------------------------------------------------------
// Trades

interface Column {
  title: string;
  align: 'left' | 'right';
  /** a decimal column: its numbers get the same count of decimals (trailing zeros kept) and thousands separators, so they line up on the point */
  decimal?: 'price' | 'qty' | 'pnl';
  /** columns with a higher number are dropped first when the table is too wide; 0 never */
  dropOrder: number;
  cell: (t: TradeRecord) => string;
  style?: (t: TradeRecord, padded: string) => string;
}

function tradeTableLines(trades: TradeRecord[], width: number, c: ChalkInstance): string[] {
  const pnlStyle = (t: TradeRecord, padded: string): string => {
    const sign = decimalSign(t.pnl);
    return sign > 0 ? c.green(padded) : sign < 0 ? c.red(padded) : padded;
  };
  let columns: Column[] = [
    { title: 'Entry (UTC)', align: 'left', dropOrder: 0, cell: (t) => formatUtc(t.entryTime) },
    { title: 'Exit (UTC)', align: 'left', dropOrder: 0, cell: (t) => (t.exitTime === null ? 'open' : formatUtc(t.exitTime)) },
    { title: 'Entry price', align: 'right', decimal: 'price', dropOrder: 3, cell: (t) => formatDecimal(t.entryPrice, 8) },
    { title: 'Exit price', align: 'right', decimal: 'price', dropOrder: 3, cell: (t) => (t.exitPrice === null ? NULL_VALUE : formatDecimal(t.exitPrice, 8)) },
    { title: 'Qty', align: 'right', decimal: 'qty', dropOrder: 2, cell: (t) => formatDecimal(t.qty, 8) },
    { title: 'PnL', align: 'right', decimal: 'pnl', dropOrder: 0, cell: (t) => formatSignedDecimal(t.pnl, 2), style: pnlStyle },
    { title: 'Return', align: 'right', dropOrder: 4, cell: (t) => formatPct(t.returnPct, true), style: pnlStyle },
    { title: 'Exit reason', align: 'left', dropOrder: 1, cell: (t) => t.exitReason ?? NULL_VALUE },
  ];
  // a several-pair run: which pair each trade is on, after the times
  if (new Set(trades.map((t) => t.symbol)).size > 1) columns.splice(2, 0, { title: 'Pair', align: 'left', dropOrder: 0, cell: (t) => t.symbol });
  // the numbers of a kind (prices: entry and exit alike) share their largest count of decimals: a price tick of 0.01 shows 43,000.00
  const dps = new Map<string, number>();
  for (const col of columns) if (col.decimal) dps.set(col.decimal, Math.max(dps.get(col.decimal) ?? 0, ...trades.map((t) => decimalsOf(col.cell(t)))));
  columns = columns.map((col) => {
    if (!col.decimal) return col;
    const dp = dps.get(col.decimal)!;
    const raw = col.cell;
    return { ...col, cell: (t: TradeRecord) => alignDecimal(raw(t), dp) };
  });
  const sep = '  ';
  const widthOf = (cols: Column[]): number[] => cols.map((col) => Math.max(col.title.length, ...trades.map((t) => col.cell(t).length)));
  let widths = widthOf(columns);
  const total = (): number => INDENT.length + widths.reduce((a, b) => a + b, 0) + sep.length * (widths.length - 1);
  while (total() > width) {
    const worst = Math.max(...columns.map((col) => col.dropOrder));
    if (worst === 0) break; // what is left gets cut at the edge
    const i = columns.findIndex((col) => col.dropOrder === worst);
    columns = columns.filter((_, j) => j !== i);
    widths = widthOf(columns);
  }
  const pad = (s: string, w: number, align: 'left' | 'right'): string => (align === 'left' ? s.padEnd(w) : s.padStart(w));

  const lines = [INDENT + c.dim(columns.map((col, i) => pad(col.title, widths[i]!, col.align)).join(sep).trimEnd())];
  for (const t of trades) {
    const cells = columns.map((col, i) => {
      const padded = pad(col.cell(t), widths[i]!, col.align);
      return col.style ? col.style(t, padded) : padded;
    });
    lines.push((INDENT + cells.join(sep)).trimEnd());
  }
  return lines;
}

function openPositionLines(t: TradeRecord, c: ChalkInstance): string[] {
  const mark = t.exitPrice !== null ? ` ${formatDecimal(t.exitPrice, 8)}` : '';
  const sign = decimalSign(t.pnl);
  const pnlText = `${formatSignedDecimal(t.pnl, 2)} (${formatPct(t.returnPct, true)})`;
  return [
    c.yellow('Open position: ') +
      `${formatDecimal(t.qty, 8)} ${t.symbol} ${t.side} since ${formatUtc(t.entryTime)} UTC at ${formatDecimal(t.entryPrice, 8)}`,
    `${INDENT}marked at the last close${mark}: PnL ` + (sign > 0 ? c.green(pnlText) : sign < 0 ? c.red(pnlText) : pnlText),
  ];
}

function decimalsOf(cell: string): number {
  const m = /^[+-]?\d+\.(\d+)$/.exec(cell);
  return m ? m[1]!.length : 0;
}

/** "42000.5" with 2 decimals -> "42,000.50"; anything not a plain number as it is. */
function alignDecimal(cell: string, dp: number): string {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(cell);
  if (!m) return cell;
  const frac = (m[3] ?? '').padEnd(dp, '0');
  return m[1]! + groupThousands(m[2]!) + (dp > 0 ? `.${frac}` : '');
}

function formatDecimal(s: string, maxDp: number): string {
  try {
    return new Dec(s).toDecimalPlaces(maxDp).toFixed();
  } catch {
    return s;
  }
}

function formatSignedDecimal(s: string, dp: number): string {
  try {
    const d = new Dec(s).toDecimalPlaces(dp);
    const fixed = d.toFixed(dp);
    return d.isZero() ? (0).toFixed(dp) : (d.isPositive() ? '+' : '') + fixed;
  } catch {
    return s;
  }
}

function decimalSign(s: string): number {
  try {
    const d = new Dec(s);
    return d.isZero() ? 0 : d.isPositive() ? 1 : -1;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Width

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-9;]*m/y;

/** Columns a string occupies on a terminal: code points, escape sequences not counted. */
export function visibleWidth(s: string): number {
  let n = 0;
  let i = 0;
  while (i < s.length) {
    ANSI_RE.lastIndex = i;
    const m = ANSI_RE.exec(s);
    if (m) {
      i += m[0].length;
      continue;
    }
    const cp = s.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    n++;
  }
  return n;
}

/** Cut a (possibly colored) line to `width` columns, ending it with "…" when cut. */
export function fitLine(s: string, width: number): string {
  if (visibleWidth(s) <= width) return s;
  let out = '';
  let n = 0;
  let i = 0;
  let styled = false;
  while (i < s.length && n < width - 1) {
    ANSI_RE.lastIndex = i;
    const m = ANSI_RE.exec(s);
    if (m) {
      out += m[0];
      styled = true;
      i += m[0].length;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    out += s.slice(i, i + len);
    i += len;
    n++;
  }
  return out + (width >= 1 ? '…' : '') + (styled ? '\x1b[0m' : '');
}

function truncatePlain(s: string, width: number): string {
  return [...s].length <= width ? s : [...s].slice(0, Math.max(0, width - 1)).join('') + '…';
}
