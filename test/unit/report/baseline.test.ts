import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { compareWithBaseline } from '../../../src/report/baseline.js';
import type { BacktestResult } from '../../../src/report/result.js';
import { metrics, openTrade, result, trade } from './fixture.js';

const withMetrics = (overrides: Parameters<typeof metrics>[0]): BacktestResult => result({ metrics: metrics(overrides) });
const mentioning = (lines: string[], word: string): string[] => lines.filter((l) => l.includes(word));

describe('compareWithBaseline', () => {
  it('finds nothing for identical runs', () => {
    expect(compareWithBaseline(result(), result(), 0.05)).toEqual({ regressions: [], changes: [] });
  });

  it('compares with a schemaVersion 1 baseline: the same trades are no change, and it says which versions met', () => {
    const v1 = result({ schemaVersion: 1, trades: result().trades.map((t) => ({ ...t, entries: undefined, exits: undefined }) as unknown as typeof t) });
    const { regressions, changes } = compareWithBaseline(result(), v1, 0.05);
    expect(regressions).toEqual([]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toContain('schemaVersion 1');
  });

  it('flags a sharpe drop beyond the tolerance as a regression', () => {
    const { regressions } = compareWithBaseline(withMetrics({ sharpe: 1.2 }), withMetrics({ sharpe: 1.5 }), 0.05);
    expect(regressions).toHaveLength(1);
    expect(regressions[0]).toContain('sharpe');
    expect(regressions[0]).toContain('1.20');
    expect(regressions[0]).toContain('1.50');
  });

  it('accepts a sharpe drop within the tolerance, reporting it as a change', () => {
    const { regressions, changes } = compareWithBaseline(withMetrics({ sharpe: 1.46 }), withMetrics({ sharpe: 1.5 }), 0.05);
    expect(regressions).toEqual([]);
    expect(mentioning(changes, 'sharpe')).toHaveLength(1);
  });

  it('uses the tolerance relative to the baseline magnitude, also for negative baselines', () => {
    // baseline -1.0, 10 % tolerance: down to -1.1 is fine, -1.2 is not
    expect(compareWithBaseline(withMetrics({ sharpe: -1.09 }), withMetrics({ sharpe: -1 }), 0.1).regressions).toEqual([]);
    expect(compareWithBaseline(withMetrics({ sharpe: -1.2 }), withMetrics({ sharpe: -1 }), 0.1).regressions).toHaveLength(1);
  });

  it('treats a maxDrawdown increase beyond the tolerance as a regression and a decrease as none', () => {
    const worse = compareWithBaseline(withMetrics({ maxDrawdown: 0.2 }), withMetrics({ maxDrawdown: 0.1 }), 0.05);
    expect(mentioning(worse.regressions, 'maxDrawdown')).toHaveLength(1);
    const better = compareWithBaseline(withMetrics({ maxDrawdown: 0.05 }), withMetrics({ maxDrawdown: 0.1 }), 0.05);
    expect(better.regressions).toEqual([]);
    expect(mentioning(better.changes, 'maxDrawdown')).toHaveLength(1);
  });

  it('uses an absolute tolerance when the baseline is 0', () => {
    expect(compareWithBaseline(withMetrics({ feesPaid: 0.01 }), withMetrics({ feesPaid: 0 }), 0.05).regressions).toEqual([]);
    expect(compareWithBaseline(withMetrics({ feesPaid: 1 }), withMetrics({ feesPaid: 0 }), 0.05).regressions).toHaveLength(1);
  });

  it('with zero tolerance flags any worsening', () => {
    const { regressions } = compareWithBaseline(withMetrics({ winRate: 0.5999 }), withMetrics({ winRate: 0.6 }), 0);
    expect(mentioning(regressions, 'winRate')).toHaveLength(1);
  });

  it('flags a metric that became undefined, but not one that became defined', () => {
    expect(mentioning(compareWithBaseline(withMetrics({ sharpe: null }), withMetrics({ sharpe: 1 }), 0.05).regressions, 'sharpe')).toHaveLength(1);
    const other = compareWithBaseline(withMetrics({ sharpe: 1 }), withMetrics({ sharpe: null }), 0.05);
    expect(other.regressions).toEqual([]);
    expect(mentioning(other.changes, 'sharpe')).toHaveLength(1);
  });

  it('reports neutral metrics only as changes, and only when they differ', () => {
    const { regressions, changes } = compareWithBaseline(withMetrics({ exposure: 0.9 }), withMetrics({ exposure: 0.1 }), 0);
    expect(regressions).toEqual([]);
    expect(mentioning(changes, 'exposure')).toHaveLength(1);
    expect(compareWithBaseline(withMetrics({ exposure: 0.1 }), withMetrics({ exposure: 0.1 }), 0).changes).toEqual([]);
  });

  it('reports a change in the number of trades with both counts', () => {
    const base = result({ trades: [trade(0), trade(1), trade(2), openTrade(3)] });
    const cur = result({ trades: [trade(0), trade(1)] });
    const lines = mentioning(compareWithBaseline(cur, base, 0.05).changes, 'trade count');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\b4\b/);
    expect(lines[0]).toMatch(/\b2\b/);
  });

  it('reports the first differing trade by index with the fields that differ', () => {
    const base = result({ trades: [trade(0), trade(1), trade(2)] });
    const cur = result({ trades: [trade(0), trade(1, { pnl: '-60.1', exitPrice: '41480' }), trade(2, { qty: '0.2' })] });
    const lines = mentioning(compareWithBaseline(cur, base, 0.05).changes, '#');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('#2');
    expect(lines[0]).toContain('-58.48');
    expect(lines[0]).toContain('-60.1');
    expect(lines[0]).toContain('41480');
    expect(lines[0]).not.toContain('qty');
  });

  it('does not report trades whose decimals differ only in notation', () => {
    const base = result({ trades: [trade(0)] });
    const cur = result({ trades: [trade(0, { qty: '0.10', exitPrice: '43000.0' })] });
    expect(compareWithBaseline(cur, base, 0.05).changes).toEqual([]);
  });

  it('reports a trade present only in one run as the first difference', () => {
    const base = result({ trades: [trade(0), trade(1)] });
    const cur = result({ trades: [trade(0), trade(1), trade(2)] });
    const lines = mentioning(compareWithBaseline(cur, base, 0.05).changes, '#');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('#3');
    expect(lines[0]).toContain('2024-01-03 00:00');
  });

  it('flags a different strategy, parameters and data source', () => {
    const base = result();
    const cur = result({
      strategy: { name: 'sma-cross', params: { fast: 12, slow: 30 } },
      data: { ...base.data, source: 'data/kraken/BTC-USDT-1h.csv' },
    });
    const { regressions, changes } = compareWithBaseline(cur, base, 0.05);
    expect(regressions).toEqual([]);
    const params = mentioning(changes, 'fast');
    expect(params).toHaveLength(1);
    expect(params[0]).toContain('10');
    expect(params[0]).toContain('12');
    expect(params[0]).not.toContain('slow');
    expect(mentioning(changes, 'kraken')).toHaveLength(1);

    const other = compareWithBaseline(result({ strategy: { name: 'rsi', params: {} } }), base, 0.05);
    expect(mentioning(other.changes, 'rsi')).toHaveLength(1);
  });

  it('flags different settings', () => {
    const base = result();
    const cur = result({ settings: { ...base.settings, fee: '0.002' } });
    const lines = mentioning(compareWithBaseline(cur, base, 0.05).changes, 'fee');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('0.002');
  });

  it('keeps every line on its own line', () => {
    const base = result();
    const cur = result({ metrics: metrics({ sharpe: 0.1, exposure: 0.9 }), trades: [trade(0, { pnl: '1' })] });
    const { regressions, changes } = compareWithBaseline(cur, base, 0.05);
    for (const line of [...regressions, ...changes]) expect(line).not.toContain('\n');
  });

  it('rejects a negative or non-finite tolerance', () => {
    expect(() => compareWithBaseline(result(), result(), -0.1)).toThrow(UsageError);
    expect(() => compareWithBaseline(result(), result(), NaN)).toThrow(UsageError);
  });
});
