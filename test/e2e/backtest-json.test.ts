/**
 * The machine-readable outputs of `tradebot backtest`: --json, --out and --trades-csv.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Dec } from '../../src/core/money.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/report/result.js';
import {
  BIN,
  DECIMAL_STRING_RE,
  SHORT_RANGE,
  childEnv,
  cleanupTmpDirs,
  makeTmpDir,
  runCli,
  sampleOpenPrices,
  stackLines,
} from '../support/cli.js';

afterAll(cleanupTmpDirs);

const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2024, 0, 10);
const FIVE_MIN = 5 * 60_000;

/** Metrics that are undefined (null) for some runs, e.g. a win rate without trades. */
const NULLABLE_METRICS = new Set(['cagr', 'sharpe', 'sortino', 'calmar', 'winRate', 'profitFactor', 'expectancy']);

describe('backtest --json', { timeout: 30_000 }, () => {
  let first: ReturnType<typeof runCli>;
  let doc: BacktestResult;

  beforeAll(() => {
    first = runCli(['backtest', ...SHORT_RANGE, '--json']);
    doc = JSON.parse(first.stdout) as BacktestResult;
  }, 30_000);

  it('exits 0 with exactly one JSON document on stdout and nothing on stderr', () => {
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    // one document: the whole of stdout parses, and it is an object
    expect(first.stdout.trimStart().startsWith('{')).toBe(true);
    expect(first.stdout.endsWith('}\n')).toBe(true);
    expect(typeof doc).toBe('object');
  });

  it('has schemaVersion 2, the strategy with its parameters and the data description', () => {
    expect(doc.schemaVersion).toBe(2);
    expect(doc.strategy).toEqual({ name: 'ema-cross', params: { fast: 12, slow: 26 } });
    expect(doc.data.source).toMatch(/binance_BTC_USDT-5m/);
    expect(doc.data.symbol).toBe('BTC/USDT');
    expect(doc.data.timeframe).toBe('5m');
    expect(doc.data.gaps).toEqual([]);
    // --from/--to are inclusive candle open times
    expect(doc.data.from).toBe(FROM);
    expect(doc.data.to).toBe(TO);
    expect(doc.data.candles).toBe((TO - FROM) / FIVE_MIN + 1);
  });

  it('reports the settings used: cash, stake and fee as decimal strings', () => {
    expect(doc.settings.cash).toBe('10000');
    expect(doc.settings.stake).toBe('99%');
    expect(doc.settings.fee).toBe('0.001');
    expect(doc.settings.slippageBps).toBe(0);
  });

  it('has camelCase metrics, each a number (or null where a metric can be undefined)', () => {
    const m = doc.metrics as unknown as Record<string, unknown>;
    for (const key of ['finalEquity', 'totalReturn', 'maxDrawdown', 'trades', 'startEquity', 'feesPaid', 'exposure']) {
      expect(typeof m[key], key).toBe('number');
    }
    for (const [key, value] of Object.entries(m)) {
      expect(key, 'metric names are camelCase').toMatch(/^[a-z][a-zA-Z0-9]*$/);
      if (value === null) expect(NULLABLE_METRICS.has(key), `${key} is null`).toBe(true);
      else expect(Number.isFinite(value), `${key} = ${String(value)}`).toBe(true);
    }
    expect(m.startEquity).toBe(10_000);
    expect(m.maxDrawdown as number).toBeGreaterThanOrEqual(0);
    expect(m.maxDrawdown as number).toBeLessThanOrEqual(1);
    expect(m.totalReturn as number).toBeCloseTo((m.finalEquity as number) / 10_000 - 1, 9);
    // 10 days is too short to annualise: null, each with its reason
    for (const key of ['cagr', 'calmar', 'sharpe', 'sortino']) {
      expect(m[key], key).toBeNull();
      expect(doc.metricsNotes[key as keyof typeof doc.metricsNotes], key).toMatch(/30 days/);
    }
  });

  it('lists the trades with money as decimal strings and times as epoch milliseconds', () => {
    expect(doc.trades.length).toBeGreaterThan(0);
    expect(doc.trades.length).toBe(doc.metrics.trades + doc.metrics.openTrades);
    for (const [i, t] of doc.trades.entries()) {
      for (const k of ['entryPrice', 'qty', 'pnl', 'fees'] as const) {
        expect(typeof t[k], `trades[${i}].${k}`).toBe('string');
        expect(t[k], `trades[${i}].${k}`).toMatch(DECIMAL_STRING_RE);
      }
      expect(Number.isSafeInteger(t.entryTime), `trades[${i}].entryTime`).toBe(true);
      expect(t.entryTime).toBeGreaterThanOrEqual(FROM);
      expect(t.entryTime).toBeLessThanOrEqual(TO);
      if (t.open) {
        expect(t.exitTime).toBeNull();
        expect(t.exitPrice).toBeNull();
      } else {
        expect(Number.isSafeInteger(t.exitTime), `trades[${i}].exitTime`).toBe(true);
        expect(t.exitTime!).toBeGreaterThan(t.entryTime);
        expect(t.exitPrice).toMatch(DECIMAL_STRING_RE);
      }
      expect(t.symbol).toBe('BTC/USDT');
      expect(t.side).toBe('long');
    }
    // trades do not overlap (one position at a time by default) and are in time order
    for (let i = 1; i < doc.trades.length; i++) {
      expect(doc.trades[i]!.entryTime).toBeGreaterThanOrEqual(doc.trades[i - 1]!.exitTime ?? Infinity);
    }
  });

  it('prints byte-identical output when run twice', () => {
    const second = runCli(['backtest', ...SHORT_RANGE, '--json']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it('fills market orders at the next candle open: with no slippage every price is a candle open exactly', () => {
    // The help text: "a market order decided on a bar's close fills at the next bar's open, plus slippage".
    const opens = sampleOpenPrices();
    const wrong: string[] = [];
    for (const t of doc.trades) {
      const entryOpen = opens.get(t.entryTime);
      if (entryOpen === undefined || !new Dec(t.entryPrice).eq(entryOpen)) {
        wrong.push(`entry at ${new Date(t.entryTime).toISOString()}: ${t.entryPrice}, candle open ${entryOpen}`);
      }
      if (t.exitTime !== null && t.exitReason === 'signal') {
        const exitOpen = opens.get(t.exitTime);
        if (exitOpen === undefined || !new Dec(t.exitPrice!).eq(exitOpen)) {
          wrong.push(`exit at ${new Date(t.exitTime).toISOString()}: ${t.exitPrice}, candle open ${exitOpen}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('backtest --out and --trades-csv', { timeout: 30_000 }, () => {
  it('--out writes the same document that --json prints', () => {
    const json = runCli(['backtest', ...SHORT_RANGE, '--json']);
    expect(json.code).toBe(0);
    const out = runCli(['backtest', ...SHORT_RANGE, '--out', 'result.json']);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    // without --json, stdout has the text report, not the document
    expect(out.stdout).toContain('ema-cross');
    expect(() => JSON.parse(out.stdout)).toThrow();
    expect(readFileSync(path.join(out.cwd, 'result.json'), 'utf8')).toBe(json.stdout);
  });

  it('--json with --out prints and writes the same document', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--json', '--out', 'sub-result.json']);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(r.cwd, 'sub-result.json'), 'utf8')).toBe(r.stdout);
  });

  it('--trades-csv writes a header and one row per trade, matching the JSON trades', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--json', '--trades-csv', 'trades.csv']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as BacktestResult;
    const csv = readFileSync(path.join(r.cwd, 'trades.csv'), 'utf8');
    expect(csv.endsWith('\n')).toBe(true);
    const [header, ...rows] = csv.trimEnd().split('\n');
    const columns = header!.split(',');
    expect(columns).toEqual(expect.arrayContaining(['entry_time', 'exit_time', 'entry_price', 'exit_price', 'qty', 'fees', 'pnl']));
    expect(rows.length).toBe(doc.trades.length);
    const col = (name: string): number => columns.indexOf(name);
    rows.forEach((row, i) => {
      const f = row.split(',');
      expect(f.length, `row ${i + 1}`).toBe(columns.length);
      const t = doc.trades[i]!;
      expect(Date.parse(f[col('entry_time')]!)).toBe(t.entryTime);
      expect(f[col('entry_price')]).toBe(t.entryPrice);
      expect(f[col('qty')]).toBe(t.qty);
      expect(f[col('pnl')]).toBe(t.pnl);
    });
  });

  it('--trades-csv writes an open position at the end of the data with empty exit fields', () => {
    // The full sample ends with a position open (see the report's "Open position").
    const r = runCli(['backtest', '--json', '--trades-csv', 'trades.csv']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as BacktestResult;
    const open = doc.trades.filter((t) => t.open);
    expect(open.length).toBe(doc.metrics.openTrades);
    const rows = readFileSync(path.join(r.cwd, 'trades.csv'), 'utf8').trimEnd().split('\n');
    const columns = rows[0]!.split(',');
    expect(rows.length - 1).toBe(doc.trades.length);
    if (open.length > 0) {
      const last = rows[rows.length - 1]!.split(',');
      expect(last[columns.indexOf('exit_time')]).toBe('');
      expect(last[columns.indexOf('exit_price')]).toBe('');
    }
  });

  it('a --out path in a missing directory is an input error naming the flag', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--out', 'no/such/dir/result.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out');
    expect(r.stdout).toBe('');
  });
});

describe('backtest output into a pipe that closes early', { timeout: 30_000 }, () => {
  // A real shell pipeline: `tradebot backtest --json | head -c 100`. The output (~200 kB) is larger
  // than a pipe buffer, so the CLI is still writing when head exits and closes the pipe.
  it.skipIf(process.platform === 'win32')('stops quietly when the reader goes away (| head): no stack trace, not exit 1', () => {
    const cwd = makeTmpDir();
    const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const script =
      `{ ${q(process.execPath)} ${q(BIN)} backtest --to 2024-03-01 --json 2>stderr.txt; echo $? > code.txt; }` +
      ' | head -c 100 > /dev/null';
    const r = spawnSync('sh', ['-c', script], { cwd, env: childEnv(cwd), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const code = Number(readFileSync(path.join(cwd, 'code.txt'), 'utf8').trim());
    const stderr = readFileSync(path.join(cwd, 'stderr.txt'), 'utf8');
    expect(stackLines(stderr)).toEqual([]);
    expect(stderr).not.toMatch(/Unhandled 'error' event/);
    // exit 1 means "an --assert condition failed or --baseline found a regression"; 3 means a tradebot bug
    expect(code).not.toBe(1);
    expect(code).not.toBe(3);
  });
});
