/**
 * Protective exits and position sizing: --stop-loss, --take-profit, --trailing-stop, --risk-per-trade.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/report/result.js';
import { SHORT_RANGE, TINY_RANGE, cleanupTmpDirs, nonEmptyLines, runCli } from '../support/cli.js';

afterAll(cleanupTmpDirs);

function backtest(args: string[]): BacktestResult {
  const r = runCli(['backtest', ...SHORT_RANGE, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as BacktestResult;
}

const reasons = (doc: BacktestResult): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const t of doc.trades) out[String(t.exitReason)] = (out[String(t.exitReason)] ?? 0) + 1;
  return out;
};

/** exitPrice / entryPrice - 1 */
const move = (t: BacktestResult['trades'][number]): number => Number(t.exitPrice) / Number(t.entryPrice) - 1;

describe('protective exits', { timeout: 30_000 }, () => {
  it('--stop-loss closes some trades with exitReason "stop-loss", never above the stop', () => {
    const doc = backtest(['--stop-loss', '0.01']);
    expect(doc.settings.risk).toMatchObject({ stopLoss: 0.01 });
    const stopped = doc.trades.filter((t) => t.exitReason === 'stop-loss');
    expect(stopped.length).toBeGreaterThan(0);
    for (const t of stopped) expect(move(t)).toBeLessThanOrEqual(-0.01 + 1e-9);
    // the remaining exits are the strategy's own
    expect(Object.keys(reasons(doc)).sort()).toEqual(['signal', 'stop-loss']);
  });

  it('--take-profit closes some trades with exitReason "take-profit", never below the target', () => {
    const doc = backtest(['--take-profit', '0.01']);
    const hit = doc.trades.filter((t) => t.exitReason === 'take-profit');
    expect(hit.length).toBeGreaterThan(0);
    for (const t of hit) expect(move(t)).toBeGreaterThanOrEqual(0.01 - 1e-9);
  });

  it('--trailing-stop closes some trades with exitReason "trailing-stop"', () => {
    const doc = backtest(['--trailing-stop', '0.005']);
    expect(doc.settings.risk).toMatchObject({ trailingStop: 0.005 });
    expect(reasons(doc)['trailing-stop'] ?? 0).toBeGreaterThan(0);
  });

  it('without protective flags every closed trade exits on a signal', () => {
    const doc = backtest([]);
    for (const t of doc.trades) if (!t.open) expect(t.exitReason).toBe('signal');
  });

  it('a stop-loss changes the result compared with none', () => {
    const plain = backtest([]);
    const stopped = backtest(['--stop-loss', '0.01']);
    expect(stopped.metrics.finalEquity).not.toBe(plain.metrics.finalEquity);
  });
});

describe('--risk-per-trade', { timeout: 30_000 }, () => {
  it('without --stop-loss exits 2 saying it needs one', () => {
    const r = runCli(['backtest', ...TINY_RANGE, '--risk-per-trade', '0.01']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = nonEmptyLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.toLowerCase()).toMatch(/stop.?loss/);
  });

  it('with --stop-loss sizes entries smaller than the default 99% stake', () => {
    const sized = backtest(['--stop-loss', '0.02', '--risk-per-trade', '0.001']);
    expect(sized.settings.risk).toMatchObject({ stopLoss: 0.02, riskPerTrade: 0.001 });
    expect(sized.trades.length).toBeGreaterThan(0);
    // risking 0.1% of equity at a 2% stop: an entry worth about 5% of equity, far below 99%
    const first = sized.trades[0]!;
    const notional = Number(first.qty) * Number(first.entryPrice);
    expect(notional).toBeLessThan(0.2 * 10_000);
    expect(notional).toBeGreaterThan(0);
  });

  it.each([
    ['--stop-loss', '0'],
    ['--stop-loss', '1.5'],
    ['--take-profit', '-0.1'],
    ['--trailing-stop', 'far'],
    ['--risk-per-trade', '2'],
  ])('rejects %s %s with exit 2 naming the setting', (flag, value) => {
    const r = runCli(['backtest', ...TINY_RANGE, '--stop-loss', '0.01', flag, value]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    const key = flag.slice(2).replace(/-(\w)/g, (_m, c: string) => c.toUpperCase()); // stop-loss -> stopLoss
    expect(r.stderr.toLowerCase()).toMatch(new RegExp(`${key.toLowerCase()}|${flag.slice(2)}`));
  });
});
