/**
 * Input errors: each exits 2 with one line on stderr naming the culprit, no stack trace and nothing
 * on stdout; --debug adds the stack trace.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_DATA, TINY_RANGE, cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli, stackLines, writeFile } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const HEADER = 'timestamp,open,high,low,close,volume';
const T0 = Date.UTC(2024, 0, 1);
const M5 = 5 * 60_000;
const row = (t: number): string => `${t},100,101,99,100.5,10`;

interface BadInputCase {
  name: string;
  args: string[];
  /** files to create in the working directory */
  files?: Record<string, string>;
  /** each must appear in the stderr line (case-insensitive) */
  mentions: (string | RegExp)[];
}

const CASES: BadInputCase[] = [
  {
    name: 'a missing --data file',
    args: ['backtest', '--data', 'no-such-candles.csv'],
    mentions: ['no-such-candles.csv'],
  },
  {
    name: 'a --data file of garbage text',
    args: ['backtest', '--data', 'garbage.csv'],
    files: { 'garbage.csv': 'hello there\nthis is not\na candle file at all\n' },
    mentions: ['garbage.csv'],
  },
  {
    name: 'a --data .gz file that is not gzip',
    args: ['backtest', '--data', 'fake.csv.gz'],
    files: { 'fake.csv.gz': `${HEADER}\n${row(T0)}\n${row(T0 + M5)}\n` },
    mentions: ['fake.csv.gz'],
  },
  {
    name: 'a CSV with rows out of time order (naming the line)',
    args: ['backtest', '--data', 'unsorted.csv'],
    // line 1 header, lines 2-3 in order, line 4 goes back in time
    files: { 'unsorted.csv': [HEADER, row(T0), row(T0 + 2 * M5), row(T0 + M5), row(T0 + 3 * M5)].join('\n') + '\n' },
    mentions: ['unsorted.csv', /line 4\b/],
  },
  {
    name: 'a CSV with a duplicate row (naming the line)',
    args: ['backtest', '--data', 'dup.csv'],
    files: { 'dup.csv': [HEADER, row(T0), row(T0 + M5), row(T0 + M5), row(T0 + 2 * M5)].join('\n') + '\n' },
    mentions: ['dup.csv', /line 4\b/],
  },
  {
    name: 'a CSV with a non-numeric price (naming the line)',
    args: ['backtest', '--data', 'nan.csv'],
    files: { 'nan.csv': [HEADER, row(T0), `${T0 + M5},100,abc,99,100.5,10`, row(T0 + 2 * M5)].join('\n') + '\n' },
    mentions: ['nan.csv', /line 3\b/],
  },
  {
    name: 'an empty CSV',
    args: ['backtest', '--data', 'empty.csv'],
    files: { 'empty.csv': '' },
    mentions: ['empty.csv'],
  },
  {
    name: 'an unknown strategy (listing the built-ins)',
    args: ['backtest', ...TINY_RANGE, '--strategy', 'moon-shot'],
    mentions: ['moon-shot', 'ema-cross', 'rsi', 'bollinger', 'macd'],
  },
  {
    name: 'a strategy parameter out of range (naming it and the range)',
    args: ['backtest', ...TINY_RANGE, '--param', 'fast=0'],
    mentions: ['fast', /\b1\b.*\b1000\b/],
  },
  {
    name: 'a strategy parameter that is not a number',
    args: ['backtest', ...TINY_RANGE, '--param', 'fast=quick'],
    mentions: ['fast', 'quick'],
  },
  {
    name: 'an unknown strategy parameter (suggesting the right one)',
    args: ['backtest', ...TINY_RANGE, '--param', 'fsat=5'],
    mentions: ['fsat', 'fast'],
  },
  {
    name: 'strategy parameters that contradict each other (fast above slow)',
    args: ['backtest', ...TINY_RANGE, '--param', 'fast=30', '--param', 'slow=20'],
    mentions: ['fast', 'slow'],
  },
  {
    name: 'a --param without "="',
    args: ['backtest', ...TINY_RANGE, '--param', 'fast'],
    mentions: ['fast'],
  },
  {
    name: 'a negative --fee',
    args: ['backtest', ...TINY_RANGE, '--fee', '-0.1'],
    mentions: ['fee'],
  },
  {
    name: 'a --fee that is not a number',
    args: ['backtest', ...TINY_RANGE, '--fee', 'abc'],
    mentions: ['fee', 'abc'],
  },
  {
    name: 'a --stake above 100%',
    args: ['backtest', ...TINY_RANGE, '--stake', '150%'],
    mentions: ['stake', '150%'],
  },
  {
    name: 'a zero --cash',
    args: ['backtest', ...TINY_RANGE, '--cash', '0'],
    mentions: ['cash'],
  },
  {
    name: 'a negative --slippage',
    args: ['backtest', ...TINY_RANGE, '--slippage', '-1'],
    mentions: ['slippage'],
  },
  {
    name: '--from after --to',
    args: ['backtest', '--from', '2024-02-01', '--to', '2024-01-01'],
    mentions: ['2024-02-01', '2024-01-01'],
  },
  {
    name: 'a --from that is not a date',
    args: ['backtest', '--from', '2024-13-45'],
    mentions: ['2024-13-45'],
  },
  {
    name: 'a range with no data in it',
    args: ['backtest', '--from', '2030-01-01'],
    mentions: ['2030-01-01'],
  },
  {
    name: 'an unknown flag',
    args: ['backtest', '--nope'],
    mentions: ['--nope'],
  },
  {
    name: 'a stray argument',
    args: ['backtest', 'extra', ...TINY_RANGE],
    mentions: ['argument'],
  },
  {
    name: 'an invalid --max-open-positions',
    args: ['backtest', ...TINY_RANGE, '--max-open-positions', '0'],
    mentions: ['maxOpenPositions'],
  },
];

describe('backtest input errors', { timeout: 30_000 }, () => {
  for (const c of CASES) {
    it(`exits 2 with one stderr line and no stack trace for ${c.name}`, () => {
      const cwd = makeTmpDir();
      for (const [name, text] of Object.entries(c.files ?? {})) writeFile(cwd, name, text);
      const r = runCli(c.args, { cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = nonEmptyLines(r.stderr);
      expect(lines, r.stderr).toHaveLength(1);
      expect(stackLines(r.stderr)).toEqual([]);
      for (const m of c.mentions) {
        if (typeof m === 'string') expect(lines[0]!.toLowerCase()).toContain(m.toLowerCase());
        else expect(lines[0]).toMatch(m);
      }
    });
  }

  it('prints the stack trace with --debug, and still exits 2', () => {
    const r = runCli(['backtest', ...TINY_RANGE, '--param', 'fast=0', '--debug']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(stackLines(r.stderr).length).toBeGreaterThan(0);
    // the one-line message comes first
    expect(nonEmptyLines(r.stderr)[0]).toContain('fast');
  });

  it('accepts --debug before the command too', () => {
    const r = runCli(['--debug', 'backtest', ...TINY_RANGE, '--fee', '-0.1']);
    expect(r.code).toBe(2);
    expect(stackLines(r.stderr).length).toBeGreaterThan(0);
  });

  it('checks the --timeframe against the bundled sample as it does against the same file given with --data', () => {
    // The same candles through --data: a 1h timeframe does not fit 5m rows, exit 2.
    const cwd = makeTmpDir();
    copyFileSync(SAMPLE_DATA, path.join(cwd, 'sample.csv.gz'));
    const viaData = runCli(['backtest', ...TINY_RANGE, '--data', 'sample.csv.gz', '--timeframe', '1h'], { cwd });
    expect(viaData.code).toBe(2);
    expect(viaData.stderr).toContain('1h');
    // The bundled sample: the flag must not be ignored (the result would claim 5m bars for a 1h run).
    const bundled = runCli(['backtest', ...TINY_RANGE, '--timeframe', '1h', '--json'], { cwd });
    expect(bundled.code, `stdout timeframe: ${/"timeframe": "(\w+)"/.exec(bundled.stdout)?.[1]}`).toBe(2);
    expect(bundled.stderr).toContain('1h');
  });
});
