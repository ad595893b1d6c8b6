/**
 * `tradebot trades` and `tradebot profit` as text: tables that fit the terminal (columns are
 * dropped, least useful first, down to the essential ones), plain when color is off.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { TradeView } from '../history/trades.js';
import type { ProfitView } from '../history/profit.js';

interface Column<T> {
  title: string;
  right?: boolean;
  /** dropped first when the table is too wide: higher first; 0 never */
  drop: number;
  cell: (row: T) => string;
  /** the sign of the row's money, for color */
  sign?: (row: T) => number;
}

function table<T>(rows: readonly T[], cols: Column<T>[], width: number, c: ChalkInstance): string[] {
  const sep = '  ';
  const widths = (cs: Column<T>[]) => cs.map((col) => Math.max(col.title.length, ...rows.map((r) => col.cell(r).length)));
  let shown = cols;
  let w = widths(shown);
  const total = () => w.reduce((a, b) => a + b, 0) + sep.length * (w.length - 1);
  while (width > 0 && total() > width) {
    const worst = Math.max(...shown.map((col) => col.drop));
    if (worst === 0) break;
    shown = shown.filter((col) => col !== shown.find((x) => x.drop === worst));
    w = widths(shown);
  }
  const pad = (s: string, n: number, right?: boolean) => (right ? s.padStart(n) : s.padEnd(n));
  const lines = [c.dim(shown.map((col, i) => pad(col.title, w[i]!, col.right)).join(sep).trimEnd())];
  for (const r of rows) {
    lines.push(
      shown
        .map((col, i) => {
          const text = pad(col.cell(r), w[i]!, col.right);
          const s = col.sign?.(r) ?? 0;
          return s > 0 ? c.green(text) : s < 0 ? c.red(text) : text;
        })
        .join(sep)
        .trimEnd(),
    );
  }
  return lines;
}

export function utc(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '-';
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** A decimal string cut to `dp` places (never rounded up past what the ledger holds), sign kept. */
export function money(v: string | null, dp = 2): string {
  if (v === null) return '-';
  const neg = v.startsWith('-');
  const [i, f = ''] = (neg ? v.slice(1) : v).split('.');
  const cut = dp > 0 ? `${i}.${f.padEnd(dp, '0').slice(0, dp)}` : i!;
  return neg && /[1-9]/.test(cut) ? `-${cut}` : cut;
}

export function signed(v: string | null, dp = 2): string {
  if (v === null) return '-';
  const m = money(v, dp);
  return m.startsWith('-') || !/[1-9]/.test(m) ? m : `+${m}`;
}

export function pct(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '-';
  const s = (x * 100).toFixed(2);
  return (x > 0 && s !== '0.00' ? '+' : '') + (s === '-0.00' ? '0.00' : s) + '%';
}

/** Significant digits of a price without trailing zeros (8 places at most). */
export function price(v: string | null): string {
  if (v === null) return '-';
  const [i, f = ''] = v.split('.');
  const cut = f.slice(0, 8).replace(/0+$/, '');
  return cut ? `${i}.${cut}` : i!;
}

const signOf = (v: string | null) => (v === null ? 0 : v.startsWith('-') ? (/[1-9]/.test(v) ? -1 : 0) : /[1-9]/.test(v) ? 1 : 0);

export function renderTrades(trades: readonly TradeView[], o: { width: number; color: boolean; title: string }): string {
  const c = new Chalk({ level: o.color ? 1 : 0 });
  if (trades.length === 0) return `${o.title}: no trades\n`;
  const cols: Column<TradeView>[] = [
    { title: '#', right: true, drop: 0, cell: (t) => String(t.id) },
    { title: 'pair', drop: 5, cell: (t) => t.symbol },
    { title: 'entry (UTC)', drop: 0, cell: (t) => utc(t.entryTime) },
    { title: 'exit (UTC)', drop: 3, cell: (t) => (t.open ? 'open' : utc(t.exitTime)) },
    { title: 'duration', right: true, drop: 4, cell: (t) => duration(t.durationMs) },
    { title: 'qty', right: true, drop: 6, cell: (t) => price(t.qty) },
    { title: 'entry', right: true, drop: 7, cell: (t) => price(t.entryPrice) },
    { title: 'exit', right: true, drop: 7, cell: (t) => price(t.open ? t.markPrice : t.exitPrice) },
    { title: 'fees', right: true, drop: 8, cell: (t) => money(t.fees, 4) },
    { title: 'pnl', right: true, drop: 0, cell: (t) => signed(t.pnl), sign: (t) => signOf(t.pnl) },
    { title: 'pnl %', right: true, drop: 2, cell: (t) => pct(t.pnlPct), sign: (t) => signOf(t.pnl) },
    { title: 'reason', drop: 1, cell: (t) => (t.open ? 'open' : (t.exitReason ?? '-')) },
    { title: 'orders', drop: 9, cell: (t) => [...t.entryOrders, ...t.exitOrders].map((r) => r.clientOrderId).join(',') },
  ];
  return `${o.title}\n${table(trades, cols, o.width, c).join('\n')}\n`;
}

export function renderProfit(p: ProfitView, o: { width: number; color: boolean; title: string }): string {
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const q = p.quote;
  const color = (v: string, text: string) => (signOf(v) > 0 ? c.green(text) : signOf(v) < 0 ? c.red(text) : text);
  const lines = [
    o.title,
    `realized     ${color(p.realizedPnl, `${signed(p.realizedPnl)} ${q}`)}  (${p.closedTrades} closed trade${p.closedTrades === 1 ? '' : 's'})`,
    `unrealized   ${color(p.unrealizedPnl, `${signed(p.unrealizedPnl)} ${q}`)}  (${p.openTrades} open)`,
    `total        ${color(p.totalPnl, `${signed(p.totalPnl)} ${q}`)}${p.startEquity !== null ? `  on ${money(p.startEquity)} ${q} at start` : ''}`,
    `win rate     ${p.winRate === null ? '-' : `${(p.winRate * 100).toFixed(1)}%  (${p.wins} won, ${p.losses} lost)`}`,
    `best trade   ${p.best ? `#${p.best.id} ${p.best.symbol} ${signed(p.best.pnl)} ${q} (${pct(p.best.pnlPct)})` : '-'}`,
    `worst trade  ${p.worst ? `#${p.worst.id} ${p.worst.symbol} ${signed(p.worst.pnl)} ${q} (${pct(p.worst.pnlPct)})` : '-'}`,
    `fees         ${money(p.fees, 4)} ${q}`,
  ];
  if (p.periods) {
    lines.push('');
    const cols: Column<(typeof p.periods.rows)[number]>[] = [
      { title: p.periods.kind === 'daily' ? 'day' : p.periods.kind === 'weekly' ? 'week of' : 'month', drop: 0, cell: (r) => r.period },
      { title: 'trades', right: true, drop: 0, cell: (r) => String(r.trades) },
      { title: 'won', right: true, drop: 2, cell: (r) => String(r.wins) },
      { title: 'lost', right: true, drop: 2, cell: (r) => String(r.losses) },
      { title: `pnl ${q}`, right: true, drop: 0, cell: (r) => signed(r.pnl), sign: (r) => signOf(r.pnl) },
      { title: 'pnl %', right: true, drop: 1, cell: (r) => pct(r.pnlPct), sign: (r) => signOf(r.pnl) },
    ];
    lines.push(...table(p.periods.rows, cols, o.width, c));
  }
  return `${lines.join('\n')}\n`;
}
