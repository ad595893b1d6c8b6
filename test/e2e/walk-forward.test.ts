/**
 * tradebot walk-forward: windows, warm-up on the train span without trading, the stitched
 * out-of-sample result and its gate.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmpDirs, nonEmptyLines, runCli, stackLines } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const ARGS = ['--from', '2024-01-01', '--to', '2024-02-29T23:55', '--space', 'fast=4:12:4', '--space', 'slow=20,30', '--train', '20d', '--test', '10d', '--jobs', '2'] as const;

type Window = {
  train: { from: number; to: number; candles: number };
  test: { from: number; to: number; candles: number };
  params: { fast: number; slow: number } | null;
  inSample: { objective: number | null };
  outOfSample: { objective: number | null; metrics: { trades: number; totalReturn: number; finalEquity: number } | null };
  efficiency: number | null;
};
type Doc = { schemaVersion: number; windows: Window[]; outOfSample: { metrics: Record<string, number | null>; equityCurve: unknown[] }; robustness: Record<string, unknown> };

describe('tradebot walk-forward', { timeout: 180_000 }, () => {
  let doc: Doc;

  it('optimises each train span and tests the winner on the span that follows; --assert checks the out-of-sample result', () => {
    const r = runCli(['walk-forward', ...ARGS, '--json', '--assert', 'totalReturn>=5,trades>=1'], { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(nonEmptyLines(r.stderr)).toEqual([expect.stringMatching(/^assertion failed: totalReturn .*required totalReturn>=5/)]);
    doc = JSON.parse(r.stdout) as Doc;
    expect(doc.schemaVersion).toBe(1);
    expect(doc.windows).toHaveLength(4); // 60 days: tests at days 20-30, 30-40, 40-50, 50-60
    for (const [k, w] of doc.windows.entries()) {
      expect(w.test.from).toBe(w.train.to + 300_000);
      if (k > 0) expect(w.test.from).toBe(doc.windows[k - 1]!.test.to + 300_000);
      expect(w.params).not.toBeNull();
      expect(w.outOfSample.metrics).not.toBeNull();
    }
    const tradesOos = doc.windows.reduce((n, w) => n + w.outOfSample.metrics!.trades, 0);
    expect(doc.outOfSample.metrics.trades).toBe(tradesOos);
    // the test spans chained: the out-of-sample growth is the product of the windows' growths
    const growth = doc.windows.reduce((g, w) => g * (1 + w.outOfSample.metrics!.totalReturn), 1);
    expect(doc.outOfSample.metrics.totalReturn!).toBeCloseTo(growth - 1, 9);
    for (const k of ['dsr', 'psr', 'sharpe', 'periods', 'skew', 'kurtosis', 'pbo', 'minBacktestLength']) expect(doc.robustness).toHaveProperty(k);
  });

  it('a test span is the backtest warmed on its train span with nothing decided on it (the engine\'s --warmup)', () => {
    const w = doc.windows[1]!;
    const iso = (ms: number) => new Date(ms).toISOString();
    const r = runCli(['backtest', '--from', iso(w.train.from), '--to', iso(w.test.to), '--warmup', String(w.train.candles), '--param', `fast=${w.params!.fast}`, '--param', `slow=${w.params!.slow}`, '--json']);
    expect(r.code).toBe(0);
    const bt = JSON.parse(r.stdout) as { metrics: { trades: number; totalReturn: number; finalEquity: number }; trades: { entryTime: number }[] };
    expect(bt.metrics.trades).toBe(w.outOfSample.metrics!.trades);
    expect(bt.metrics.finalEquity).toBe(w.outOfSample.metrics!.finalEquity);
    for (const t of bt.trades) expect(t.entryTime).toBeGreaterThan(w.test.from);
  });

  it('prints a table of windows and the out-of-sample metrics on a terminal-less stdout, exit 0 when the gate holds', () => {
    const r = runCli(['walk-forward', '--from', '2024-01-01', '--to', '2024-01-20', '--space', 'fast=4:8:4', '--space', 'slow=20', '--train', '10d', '--test', '4d', '--jobs', '1', '--assert', 'trades>=0'], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/walk-forward · ema-cross/);
    expect(r.stdout).toMatch(/Out of sample/);
    expect(r.stdout).toMatch(/Deflated Sharpe ratio/);
  });

  it('a train span longer than the data is a usage error: one line, exit 2', () => {
    const r = runCli(['walk-forward', '--from', '2024-01-01', '--to', '2024-01-20', '--space', 'fast=4:8:4', '--train', '90d', '--test', '30d']);
    expect(r.code).toBe(2);
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/--train 90 days is not shorter than the data/);
    expect(stackLines(r.stderr)).toEqual([]);
  });
});
