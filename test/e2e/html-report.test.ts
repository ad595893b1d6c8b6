/**
 * `tradebot backtest --html` and `tradebot report`: the files written, what they hold, and one
 * clear line with exit 2 for every bad input. What the page looks like in a browser is
 * test/e2e/html-report-browser.test.ts.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seriesFromArrays } from '../../src/core/candles.js';
import { cachePath, writeCandleCache } from '../../src/data/candle-cache.js';
import { botDoc, DAY_MS, writeBot } from '../support/bot-fixture.js';
import { SAMPLE_DATA, SHORT_RANGE, cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli } from '../support/cli.js';
import { embeddedData } from '../support/html-report.js';
import { optimizeDoc, walkForwardDoc } from '../support/research-docs.js';

afterAll(cleanupTmpDirs);
// each test spawns the CLI once or twice; a loaded machine makes that slow
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

function expectOneLineUsageError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(nonEmptyLines(r.stderr)).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe('backtest --html', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTmpDir();
  });

  it('writes one self-contained page with the run, and says so after the report', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--stop-loss', '0.01', '--html', 'report.html', '--out', 'result.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote report\.html \(\d+ KiB, candles 5m 15m\)/);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/\b(src|href)="https?:/i);
    const data = embeddedData(path.join(dir, 'report.html'));
    const result = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as { trades: unknown[] };
    expect(data.trades.count).toBe(result.trades.length);
    expect(data.levels.map((l) => l.timeframe)).toEqual(['5m', '15m']); // 2,592 5m candles: 15m is the overview
    expect(data.hasBuyAndHold).toBe(true);
  });

  it('keeps --json clean: the written line goes to stderr', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--json', '--html', 'r2.html'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toMatch(/wrote r2\.html/);
  });

  it('names the path it cannot write, with exit 2', () => {
    const r = runCli(['backtest', ...SHORT_RANGE, '--html', 'no/such/dir/r.html'], { cwd: dir });
    expectOneLineUsageError(r, /--html .*no\/such\/dir\/r\.html: cannot write \(ENOENT\)/);
  });
});

describe('report FILE --html', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTmpDir();
    writeFileSync(path.join(dir, 'sample.csv.gz'), readFileSync(SAMPLE_DATA));
    const r = runCli(['backtest', '--data', 'sample.csv.gz', ...SHORT_RANGE, '--out', 'result.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  });

  it('reads the candles again, rebuilds the equity and checks it against the result', () => {
    const r = runCli(['report', 'result.json', '--html', 'from-result.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote from-result\.html/);
    const data = embeddedData(path.join(dir, 'from-result.html'));
    expect(data.levels.length).toBeGreaterThan(0);
    expect(data.hasBuyAndHold).toBe(true);
  });

  it("finds the data file from the result file's directory when run from elsewhere", () => {
    const elsewhere = makeTmpDir();
    const r = runCli(['report', path.join(dir, 'result.json'), '--html', 'r.html'], { cwd: elsewhere });
    expect(r.code, r.stderr).toBe(0);
    expect(embeddedData(path.join(elsewhere, 'r.html')).levels.length).toBeGreaterThan(0);
  });

  it("without the data file: the result's own equity, no price chart, and a note saying why", () => {
    const copy = makeTmpDir();
    writeFileSync(path.join(copy, 'result.json'), readFileSync(path.join(dir, 'result.json')));
    const r = runCli(['report', 'result.json', '--html', 'r.html'], { cwd: copy });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: No price chart.*sample\.csv\.gz was not found/);
    const data = embeddedData(path.join(copy, 'r.html'));
    expect(data.levels).toEqual([]);
    expect(data.equity).not.toBeNull();
    const html = readFileSync(path.join(copy, 'r.html'), 'utf8');
    expect(html).not.toContain('id="price-chart"');
    expect(html).toContain('id="equity-chart"');
  });

  it('does not draw candles that are not the ones the run traded', () => {
    const other = makeTmpDir();
    writeFileSync(path.join(other, 'result.json'), readFileSync(path.join(dir, 'result.json')));
    // same name and range, other prices
    const csv = readFileSync(path.join(dir, 'sample.csv.gz'));
    const lines = gunzipSync(csv).toString('utf8').split('\n');
    const inRange = (l: string) => /^\d/.test(l) && Number(l.split(',')[0]) >= Date.UTC(2023, 11, 31) && Number(l.split(',')[0]) <= Date.UTC(2024, 0, 11);
    const shifted = lines.filter(inRange).map((l) => l.split(',').map((v, k) => (k >= 1 && k <= 4 ? String(Number(v) * 1.02) : v)).join(','));
    writeFileSync(path.join(other, 'sample.csv.gz'), gzipSync(shifted.join('\n')));
    const r = runCli(['report', 'result.json', '--html', 'r.html'], { cwd: other });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: No price chart: the candles in sample\.csv\.gz are not the ones this run traded/);
    expect(embeddedData(path.join(other, 'r.html')).levels).toEqual([]);
  });

  it('writes an optimize document with its heatmap (default and chosen axes) and robustness block', () => {
    writeFileSync(path.join(dir, 'opt.json'), JSON.stringify(optimizeDoc()));
    const r = runCli(['report', 'opt.json', '--html', 'opt.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(embeddedData(path.join(dir, 'opt.html')).heatmap).toMatchObject({ x: 'fast', y: 'slow', xs: ['5', '10', '15'], ys: ['20', '30'] });
    const html = readFileSync(path.join(dir, 'opt.html'), 'utf8');
    expect(html).toContain('Deflated Sharpe ratio');
    expect(html).toContain('Probability of backtest overfitting');
    expect(html).toContain('monteCarlo.finalReturn.p95');
    const chosen = runCli(['report', 'opt.json', '--html', 'opt2.html', '--x', 'stop-loss', '--y', 'fast'], { cwd: dir });
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(embeddedData(path.join(dir, 'opt2.html')).heatmap).toMatchObject({ x: 'stop-loss', y: 'fast' });
  });

  it('writes a walk-forward document: windows and stitched equity', () => {
    writeFileSync(path.join(dir, 'wf.json'), JSON.stringify(walkForwardDoc()));
    const r = runCli(['report', 'wf.json', '--html', 'wf.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(embeddedData(path.join(dir, 'wf.html')).walkForwardEquity).not.toBeNull();
    expect(readFileSync(path.join(dir, 'wf.html'), 'utf8')).toContain('Walk-forward: 3 windows');
  });

  it.each([
    [['report', 'missing.json', '--html', 'x.html'], /missing\.json: no such file/],
    [['report', 'sample.csv.gz', '--html', 'x.html'], /is not a tradebot result: it is not valid JSON/],
    [['report', 'result.json'], /give --html FILE/],
    [['report', '--html', 'x.html'], /needs a result FILE, --bot NAME or --run NAME/],
    [['report', 'result.json', '--bot', 'b', '--html', 'x.html'], /one input, got FILE and --bot/],
    [['report', 'opt.json', '--html', 'x.html', '--x', 'fsat'], /--x fsat: no such parameter .*fast/],
    [['report', 'result.json', '--html', 'x.html', '--x', 'fast'], /--x and --y choose the axes of an optimize heatmap/],
  ])('refuses %j with one line and exit 2, writing nothing', (args, pattern) => {
    writeFileSync(path.join(dir, 'opt.json'), JSON.stringify(optimizeDoc()));
    const r = runCli(args, { cwd: dir });
    expectOneLineUsageError(r, pattern);
    expect(existsSync(path.join(dir, 'x.html'))).toBe(false);
  });
});

describe('report --bot NAME --html', () => {
  const NOW = Date.UTC(2024, 0, 2);
  const FIVE_MIN = 300_000;

  /** 5m candles over the fixture bot's day, ending at 41000 (its last mark). */
  async function writeCache(home: string): Promise<void> {
    const start = NOW - DAY_MS;
    const n = DAY_MS / FIVE_MIN;
    const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
    const price = (i: number) => (i < 12 ? 50_000 + i * 100 : i < 24 ? 40_000 : 40_000 + ((i - 24) / (n - 25)) * 1_000);
    const s = seriesFromArrays({ time: col((i) => start + i * FIVE_MIN), open: col(price), high: col((i) => price(i) + 50), low: col((i) => price(i) - 50), close: col(price), volume: col(() => 1) }, FIVE_MIN, n);
    await writeCandleCache(cachePath(home, { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m' }), { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m' }, s);
  }

  it('reports a paper bot from its state file and the candle cache, without an exchange', async () => {
    const home = makeTmpDir();
    writeBot(home, 'alpha', botDoc('alpha', { now: NOW }));
    await writeCache(home);
    const r = runCli(['report', '--bot', 'alpha', '--html', 'bot.html', '--home', home], { cwd: home });
    expect(r.code, r.stderr).toBe(0);
    const data = embeddedData(path.join(home, 'bot.html'));
    expect(data.trades.count).toBe(2);
    expect(data.levels.length).toBeGreaterThan(0);
    const html = readFileSync(path.join(home, 'bot.html'), 'utf8');
    expect(html).toContain('Paper bot alpha');
    // the rebuilt final equity is the bot's own last mark: 10000 + 89.9 + 0.1 * 41000 - 4000 - 4
    expect(html).toMatch(/Final equity<\/span><b>10,185\.90</);
  });

  it('without candles: equity at the exits, no price chart, and a note', () => {
    const home = makeTmpDir();
    writeBot(home, 'beta', botDoc('beta', { now: NOW }));
    const r = runCli(['report', '--bot', 'beta', '--html', 'bot.html', '--home', home], { cwd: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: No price chart: a bot keeps no candles/);
    expect(embeddedData(path.join(home, 'bot.html')).levels).toEqual([]);
  });

  it('names a bot that does not exist, with exit 2', () => {
    const home = makeTmpDir();
    expectOneLineUsageError(runCli(['report', '--bot', 'ghost', '--html', 'x.html', '--home', home], { cwd: home }), /no bot named ghost/);
  });
});

describe('report --run NAME --html', () => {
  it('reads the trial log of an optimize run, skipping a torn last line', () => {
    const home = makeTmpDir();
    const dir = path.join(home, 'research', 'sweep1');
    mkdirSync(dir, { recursive: true });
    const lines = optimizeDoc().trials.map((t) => JSON.stringify({ ...t, objective: 'sharpe' }));
    writeFileSync(path.join(dir, 'trials.jsonl'), `${lines.join('\n')}\n{"params":{"fast"`);
    const r = runCli(['report', '--run', 'sweep1', '--html', 'run.html', '--home', home], { cwd: home });
    expect(r.code, r.stderr).toBe(0);
    expect(embeddedData(path.join(home, 'run.html')).heatmap).toMatchObject({ x: 'fast', y: 'slow' });
    renameSync(path.join(dir, 'trials.jsonl'), path.join(dir, 'gone.jsonl'));
    expectOneLineUsageError(runCli(['report', '--run', 'sweep1', '--html', 'x.html', '--home', home], { cwd: home }), /trials\.jsonl: no such file/);
  });
});

describe('backtest --warmup --html', () => {
  it('lines the equity up with the candles (start equity on the warm-up candles), so buy-and-hold and zoom detail stay', () => {
    const dir = makeTmpDir();
    const r = runCli(['backtest', ...SHORT_RANGE, '--warmup', '200', '--html', 'w.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const data = embeddedData(path.join(dir, 'w.html'));
    expect(data.hasBuyAndHold).toBe(true);
    expect(data.levels.every((l) => (l as unknown as { equity: string | null }).equity !== null)).toBe(true);
  });
});
