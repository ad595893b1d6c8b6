import type { OrderRow } from '../orders/list-orders.js';

const COLUMNS: [string, (r: OrderRow) => string][] = [
  ['client id', (r) => r.clientOrderId],
  ['symbol', (r) => r.symbol],
  ['side', (r) => r.side],
  ['type', (r) => r.type],
  ['amount', (r) => r.amount],
  ['price', (r) => r.price ?? (r.stopPrice ? `stop ${r.stopPrice}` : '-')],
  ['filled', (r) => r.filled],
  ['status', (r) => r.status],
  ['owner', (r) => r.owner],
];

/** `orders list` as a text table; the exchange's view is a column when it was asked. */
export function renderOrderTable(rows: readonly OrderRow[], o: { title: string }): string {
  if (rows.length === 0) return `${o.title}: no orders\n`;
  const cols = rows.some((r) => r.exchangeStatus !== null) ? [...COLUMNS, ['exchange', (r: OrderRow) => r.exchangeStatus ?? '-'] as [string, (r: OrderRow) => string]] : COLUMNS;
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, f]) => f(r)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const lines = cells.map((c) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd());
  return `${o.title}\n${lines.join('\n')}\n`;
}

/** `orders show`: every field, one per line. */
export function renderOrderDetail(r: OrderRow): string {
  const iso = (t: number) => (Number.isFinite(t) && t > 0 ? new Date(t).toISOString() : '-');
  const rows: [string, string][] = [
    ['client id', r.clientOrderId],
    ['exchange id', r.exchangeId ?? '-'],
    ['owner', r.owner],
    ['symbol', r.symbol],
    ['side', r.side],
    ['type', r.type],
    ['purpose', r.purpose],
    ['amount', r.amount],
    ['price', r.price ?? '-'],
    ['stop price', r.stopPrice ?? '-'],
    ['filled', r.filled],
    ['status', r.status],
    ...(r.exchangeStatus !== null ? [['on the exchange', r.exchangeStatus] as [string, string]] : []),
    ['created', iso(r.createdAt)],
    ['updated', iso(r.updatedAt)],
    ...(r.reason ? [['reason', r.reason] as [string, string]] : []),
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}
