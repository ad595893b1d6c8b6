import { describe, expect, it } from 'vitest';
import { renderTextReport } from '../../../src/report/text-report.js';
import { T0, result, trade } from './fixture.js';

/** Rows of the trades table (they start with two UTC timestamps), as printed without color. */
const tradeRows = (text: string): string[] => text.split('\n').filter((l) => /^\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d/.test(l));
const HEADER = (text: string) => text.split('\n\n')[0]!;

describe('the terminal report, tidied', () => {
  const trades = [
    trade(0, { entryPrice: '9.5', exitPrice: '10.25', qty: '1234.5', pnl: '1000', returnPct: 0.08 }),
    trade(1, { entryPrice: '12345.678', exitPrice: '12000', qty: '0.00012', pnl: '-0.5', returnPct: -0.03 }),
  ];

  for (const width of [40, 80, 120]) {
    it(`at ${width} columns every line fits, without escape codes`, () => {
      const text = renderTextReport(result({ trades }), { color: false, width });
      for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
      expect(text).not.toMatch(/\x1b\[/);
    });
  }

  it('prices, quantities and PnL line up on the decimal point, keeping trailing zeros, with thousands separators', () => {
    const rows = tradeRows(renderTextReport(result({ trades }), { color: false, width: 120 }));
    expect(rows).toHaveLength(2);
    for (const num of ['9.500', '10.250', '12,345.678', '12,000.000', '1,234.50000', '0.00012', '+1,000.00', '-0.50']) expect(rows.join('\n')).toContain(num);
    // each decimal point of a column is at the same offset on both rows
    const points = (row: string) => [...row.matchAll(/\d\.\d/g)].map((m) => m.index);
    expect(points(rows[0]!)).toEqual(points(rows[1]!));
  });

  it('says "1 candle" and "1 gap", not "1 candles"', () => {
    const one = result({ data: { ...result().data, candles: 1, from: T0, to: T0, gaps: [{ after: T0, before: T0 + 2 * 3_600_000, missing: 1 }] } });
    const h = HEADER(renderTextReport(one, { color: false, width: 200 }));
    expect(h).toContain('1 candle ·');
    expect(h).toContain('1 gap (1 candle missing)');
    expect(h).not.toMatch(/\b1 candles\b/);
    const many = HEADER(renderTextReport(result({ data: { ...result().data, candles: 130_708 } }), { color: false, width: 200 }));
    expect(many).toContain('130,708 candles');
  });

  it('the equity chart labels the start equity and is followed by a drawdown line labelled with the worst drawdown', () => {
    // starts at 10,500, falls to 10,000 (-4.76 %), rises to 11,000
    const curve = [10_500, 10_250, 10_000, 10_400, 11_000].map((equity, i) => ({ time: T0 + i * 3_600_000, equity }));
    const text = renderTextReport(result({ equityCurve: curve }), { color: false, width: 80 });
    const chart = text.slice(text.indexOf('Equity'), text.indexOf('Trades'));
    const lines = chart.split('\n');
    expect(lines.some((l) => /^\s+10,500\.00 ┤/.test(l))).toBe(true);
    const dd = lines.findIndex((l) => /^\s+-4\.8% ┤/.test(l));
    expect(dd).toBeGreaterThan(lines.findIndex((l) => l.includes('└')));
    expect(lines[dd]).toContain('█');
  });

  it('no drawdown line for an equity that never falls', () => {
    const curve = [1, 2, 3].map((i) => ({ time: T0 + i * 3_600_000, equity: 10_000 + i }));
    expect(renderTextReport(result({ equityCurve: curve }), { color: false, width: 80 })).not.toMatch(/%\s┤/);
  });

  it('overlays buy-and-hold on the equity chart: its range widens the axis, a legend names both', () => {
    const curve = [10_000, 10_100, 10_200, 10_300, 10_400].map((equity, i) => ({ time: T0 + i * 3_600_000, equity }));
    const hold = [10_000, 9_000, 8_000, 12_000, 13_000].map((equity, i) => ({ time: T0 + i * 3_600_000, equity }));
    const chart = (text: string) => text.slice(text.indexOf('Equity'), text.indexOf('Trades'));
    const without = chart(renderTextReport(result({ equityCurve: curve }), { color: false, width: 80 }));
    const withHold = chart(renderTextReport(result({ equityCurve: curve }), { color: false, width: 80, buyAndHold: hold }));
    expect(without).not.toContain('buy and hold');
    expect(withHold).toContain('buy and hold');
    expect(without).toMatch(/^\s+10,400\.00 ┤/m);
    // the axis now runs from the benchmark's low to its high
    expect(withHold).toMatch(/^\s+13,000\.00 ┤/m);
    expect(withHold).toMatch(/^\s+8,000\.00 ┤/m);
    for (const width of [40, 80, 120]) {
      const text = renderTextReport(result({ equityCurve: curve }), { color: false, width, buyAndHold: hold });
      for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
    }
  });
});
