import { describe, expect, it } from 'vitest';
import { csvField, renderTradesCsv } from '../../../src/report/trades-csv.js';
import { openTrade, trade } from './fixture.js';

const HEADER = 'symbol,side,entry_time,exit_time,entry_price,exit_price,qty,fees,pnl,return_pct,exit_reason,open';

/** A minimal RFC 4180 reader for checking round trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  return rows;
}

describe('renderTradesCsv', () => {
  it('starts with the header and has one row per trade and a trailing newline', () => {
    const csv = renderTradesCsv([trade(0), trade(1), openTrade(2)]);
    const lines = csv.split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines.at(-1)).toBe('');
    expect(csv).not.toContain('\r');
  });

  it('writes only the header for no trades', () => {
    expect(renderTradesCsv([])).toBe(HEADER + '\n');
  });

  it('writes ISO UTC times and values as stored', () => {
    const [, row] = parseCsv(renderTradesCsv([trade(0)]));
    const cols = HEADER.split(',');
    const rec = Object.fromEntries(cols.map((c, i) => [c, row![i]]));
    expect(rec.entry_time).toBe('2024-01-01T00:00:00.000Z');
    expect(rec.exit_time).toBe('2024-01-01T05:00:00.000Z');
    expect(rec.entry_price).toBe('42000.5');
    expect(rec.pnl).toBe('91.55');
    expect(rec.return_pct).toBe('0.0218');
    expect(rec.exit_reason).toBe('take-profit');
    expect(rec.open).toBe('false');
  });

  it('leaves exit fields empty for an open trade', () => {
    const [, row] = parseCsv(renderTradesCsv([{ ...openTrade(0), exitPrice: null }]));
    const cols = HEADER.split(',');
    const rec = Object.fromEntries(cols.map((c, i) => [c, row![i]]));
    expect(rec.exit_time).toBe('');
    expect(rec.exit_price).toBe('');
    expect(rec.exit_reason).toBe('');
    expect(rec.open).toBe('true');
  });

  it('quotes fields with commas, quotes and line breaks', () => {
    const odd = trade(0, { symbol: 'A,"B"\nC' });
    const csv = renderTradesCsv([odd]);
    expect(csv.split('\n')[1]!.startsWith('"A,""B""')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(2);
    expect(rows[1]![0]).toBe('A,"B"\nC');
    expect(rows[1]).toHaveLength(12);
  });

  it('leaves plain fields unquoted', () => {
    expect(csvField('BTC/USDT')).toBe('BTC/USDT');
    expect(csvField('-58.48')).toBe('-58.48');
    expect(csvField('a,b')).toBe('"a,b"');
  });
});
