import { InternalError } from '../core/errors.js';
import type { TradeRecord } from './result.js';

export const TRADES_CSV_HEADER = [
  'symbol',
  'side',
  'entry_time',
  'exit_time',
  'entry_price',
  'exit_price',
  'qty',
  'fees',
  'pnl',
  'return_pct',
  'exit_reason',
  'open',
] as const;

/**
 * Trades as CSV (RFC 4180 quoting, '\n' line endings, trailing newline). Times are ISO 8601 UTC;
 * money and quantities are written exactly as stored; a missing value (exit of an open trade)
 * is an empty field. `return_pct` is the record's returnPct as is (a fraction, like the JSON).
 */
export function renderTradesCsv(trades: TradeRecord[]): string {
  const rows: string[] = [TRADES_CSV_HEADER.join(',')];
  trades.forEach((t, i) => {
    const fields: string[] = [
      t.symbol,
      t.side,
      isoTime(t.entryTime, i, 'entryTime'),
      t.exitTime === null ? '' : isoTime(t.exitTime, i, 'exitTime'),
      t.entryPrice,
      t.exitPrice ?? '',
      t.qty,
      t.fees,
      t.pnl,
      finite(t.returnPct, i, 'returnPct'),
      t.exitReason ?? '',
      t.open ? 'true' : 'false',
    ];
    rows.push(fields.map(csvField).join(','));
  });
  return rows.join('\n') + '\n';
}

/** Quote a field when it holds a comma, a quote, a line break or edge whitespace. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function isoTime(ms: number, i: number, field: string): string {
  if (!Number.isFinite(ms)) throw new InternalError(`trade ${i + 1}: ${field} is ${String(ms)}, not a time`);
  return new Date(ms).toISOString();
}

function finite(n: number, i: number, field: string): string {
  if (!Number.isFinite(n)) throw new InternalError(`trade ${i + 1}: ${field} is ${String(n)}`);
  return String(n);
}
