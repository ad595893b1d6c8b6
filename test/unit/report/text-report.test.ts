import { describe, expect, it } from 'vitest';
import { formatDuration, formatMetricValue, renderTextReport } from '../../../src/report/text-report.js';
import { HOUR, T0, metrics, result, trade } from './fixture.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const visible = (line: string): number => [...line.replace(ANSI, '')].length;
/** rows of the trades table: they start with two UTC timestamps */
const tradeRows = (text: string): string[] =>
  text.split('\n').filter((l) => /^\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d/.test(l.replace(ANSI, '')));

describe('renderTextReport', () => {
  it('contains no escape codes when color is off', () => {
    expect(renderTextReport(result(), { color: false })).not.toMatch(/\x1b\[/);
  });

  it('contains escape codes when color is on', () => {
    expect(renderTextReport(result(), { color: true })).toMatch(/\x1b\[/);
  });

  it.each([100, 80, 60, 40, 24])('keeps every line within width %i', (width) => {
    for (const color of [false, true]) {
      const text = renderTextReport(result({ strategy: { name: 'a-strategy-with-a-long-name', params: { a: 1, b: 'x'.repeat(80) } } }), {
        color,
        width,
      });
      for (const line of text.split('\n')) expect(visible(line)).toBeLessThanOrEqual(width);
    }
  });

  it('defaults to 100 columns', () => {
    const text = renderTextReport(result({ strategy: { name: 's', params: { long: 'y'.repeat(200) } } }), { color: false });
    const widest = Math.max(...text.split('\n').map(visible));
    expect(widest).toBeLessThanOrEqual(100);
    expect(widest).toBeGreaterThan(60);
  });

  it('shows a metric left out for a reason as n/a, with the reason once', () => {
    const why = 'span under 30 days: not annualised';
    const text = renderTextReport(
      result({ metrics: metrics({ cagr: null, calmar: null, sharpe: null, sortino: null }), metricsNotes: { cagr: why, calmar: why, sharpe: why, sortino: why } }),
      { color: false },
    );
    for (const label of ['CAGR', 'Calmar ratio', 'Sharpe ratio', 'Sortino ratio']) expect(text).toMatch(new RegExp(`${label}\\s+n/a`));
    expect(text.split('\n').filter((l) => l.includes(why))).toHaveLength(1);
    // a null without a note keeps its usual mark
    expect(text).toMatch(/Profit factor\s+1\.80/);
  });

  it('ends with a single trailing newline', () => {
    const text = renderTextReport(result(), { color: false });
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('puts strategy, params, symbol, timeframe, UTC range, candles and gaps in the header', () => {
    const text = renderTextReport(result(), { color: false });
    const header = text.split('\n\n')[0]!;
    expect(header).toContain('sma-cross');
    expect(header).toContain('fast=10');
    expect(header).toContain('slow=30');
    expect(header).toContain('BTC/USDT');
    expect(header).toContain('1h');
    expect(header).toContain('2024-01-01 00:00');
    expect(header).toContain('2024-01-10 23:00');
    expect(header).toContain('UTC');
    expect(header).toContain('240');
    expect(header).toMatch(/1 gap/);
  });

  it('formats percentages, money, ratios, durations and null metrics', () => {
    const text = renderTextReport(result({ metrics: metrics({ sharpe: null, profitFactor: null }) }), { color: false });
    expect(text).toContain('12.50%'); // totalReturn 0.12505
    expect(text).toContain('11,250.50'); // finalEquity
    expect(text).toContain('3d 4h'); // maxDrawdownDuration
    expect(text).toContain('2.10'); // sortino
    const sharpeLine = text.split('\n').find((l) => l.includes('Sharpe'))!;
    expect(sharpeLine).toMatch(/Sharpe ratio\s+–/);
  });

  it('includes an equity chart', () => {
    const text = renderTextReport(result(), { color: false });
    expect(text).toMatch(/[\u2801-\u28ff]/);
  });

  it('lists the last 10 closed trades by default, newest last', () => {
    const trades = Array.from({ length: 15 }, (_, i) => trade(i));
    const rows = tradeRows(renderTextReport(result({ trades }), { color: false }));
    expect(rows).toHaveLength(10);
    expect(rows[0]).toContain('2024-01-06 00:00'); // trade 5
    expect(rows[9]).toContain('2024-01-15 00:00'); // trade 14
  });

  it('honours lastTrades, and lists none with 0', () => {
    const trades = Array.from({ length: 15 }, (_, i) => trade(i));
    expect(tradeRows(renderTextReport(result({ trades }), { color: false, lastTrades: 3 }))).toHaveLength(3);
    expect(tradeRows(renderTextReport(result({ trades }), { color: false, lastTrades: 0 }))).toHaveLength(0);
  });

  it('shows trade prices, qty, signed pnl and exit reason', () => {
    const [win, loss] = tradeRows(renderTextReport(result(), { color: false }));
    expect(win).toContain('42,000.50');
    expect(win).toContain('43,000.00');
    expect(win).toContain('0.1');
    expect(win).toContain('+91.55');
    expect(win).toContain('take-profit');
    expect(loss).toContain('-58.48');
    expect(loss).toContain('stop-loss');
  });

  it('colors a winning pnl green and a losing pnl red', () => {
    const rows = tradeRows(renderTextReport(result(), { color: true, width: 120 }));
    expect(rows[0]).toContain('\x1b[32m+91.55');
    expect(rows[1]).toContain('\x1b[31m-58.48');
  });

  it('notes an open position marked at the last close, and not when flat', () => {
    const withOpen = renderTextReport(result(), { color: false });
    const line = withOpen.split('\n').find((l) => /open position/i.test(l));
    expect(line).toBeDefined();
    expect(withOpen).toContain('+45.20');
    const flat = renderTextReport(result({ trades: [trade(0)] }), { color: false });
    expect(flat).not.toMatch(/open position/i);
    // the open trade is not a row of the closed-trades table
    expect(tradeRows(withOpen)).toHaveLength(3);
  });

  it('renders a run without trades or equity points', () => {
    const text = renderTextReport(result({ trades: [], equityCurve: [] }), { color: false });
    expect(tradeRows(text)).toHaveLength(0);
    expect(text).toContain('sma-cross');
  });

  it('reports a run without gaps', () => {
    const r = result();
    const text = renderTextReport({ ...r, data: { ...r.data, gaps: [] } }, { color: false });
    expect(text).toMatch(/no gaps/);
  });

  it('keeps the date range in UTC', () => {
    const r = result();
    const text = renderTextReport({ ...r, data: { ...r.data, from: T0 + 23 * HOUR + 30 * 60_000 } }, { color: false });
    expect(text).toContain('2024-01-01 23:30');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [90 * 60_000, '1h 30m'],
    [3 * 24 * HOUR + 4 * HOUR, '3d 4h'],
    [5 * 24 * HOUR, '5d'],
    [5 * 24 * HOUR + 59_000, '5d'],
  ])('%i ms is %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('formatMetricValue', () => {
  it('writes null as a dash', () => {
    expect(formatMetricValue('sharpe', null)).toBe('–');
  });
  it('writes fractions as percentages and ratios with 2 decimals', () => {
    expect(formatMetricValue('maxDrawdown', 0.25)).toBe('25.00%');
    expect(formatMetricValue('totalReturn', -0.031)).toBe('-3.10%');
    expect(formatMetricValue('sharpe', 1.234)).toBe('1.23');
    expect(formatMetricValue('finalEquity', 1234.5)).toBe('1,234.50');
  });
});
