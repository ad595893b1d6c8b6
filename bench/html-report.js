// npm run bench (part): the HTML report of the 130,708-candle 1m file (ema-cross 12/26, 2,249
// trades): page size, CPU time to build it, and whether headless Chromium opens it cleanly.
// Figures for the issue notes; the size budget itself is tested in test/unit/report/html.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runBacktest } from '../dist/src/backtest.js';
import { resolveConfig } from '../dist/src/config/load-config.js';
import { reportFromBacktest } from '../dist/src/report/html/from-backtest.js';
import { renderHtmlReport } from '../dist/src/report/html/render-html.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const file1m = join(root, '..', 'shared', 'data', 'binance_BTC_USDT-1m_2025-05-20_2025-08-18.csv');
const sample = join(root, 'data', 'binance_BTC_USDT-5m_2024-01-01_2024-09-06.csv.gz');
const data = existsSync(file1m) ? file1m : sample;
if (data !== file1m) process.stderr.write(`note: ${file1m} is absent; the HTML report bench uses the bundled sample\n`);

const JSON_OUT = process.argv.includes('--json');
const figures = {};
const say = (line) => (JSON_OUT ? process.stderr : process.stdout).write(`${line}\n`);
const cpuMs = (u) => (u.user + u.system) / 1000;
const cfg = resolveConfig({ strategy: { name: 'ema-cross', params: { fast: 12, slow: 26 } }, cash: 10000, stake: '99%', fee: 0.001, backtest: { data } });
const run = await runBacktest(cfg, { cwd: root });
// first render loads the page's scripts; measure the next ones
await renderHtmlReport(await reportFromBacktest(run.result, run.series, run.equity, run.dataFile));
let best = Infinity;
let rendered;
for (let i = 0; i < 3; i++) {
  const c0 = process.cpuUsage();
  rendered = await renderHtmlReport(await reportFromBacktest(run.result, run.series, run.equity, run.dataFile));
  best = Math.min(best, cpuMs(process.cpuUsage(c0)));
}
Object.assign(figures, { candles: run.result.data.candles, trades: run.result.trades.length, bytes: rendered.bytes, levels: rendered.levels, buildCpuMs: best });
say(`html report: ${run.result.data.candles.toLocaleString('en-US')} candles, ${run.result.trades.length.toLocaleString('en-US')} trades -> ${rendered.bytes.toLocaleString('en-US')} bytes (candles ${rendered.levels.join(' ')}; left out ${rendered.omittedLevels.join(' ') || 'none'}), ${best.toFixed(0)} ms CPU to build (hashes included, best of 3)`);

const chromium = process.env.TRADEBOT_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  say(`html report in Chromium: skipped, no ${chromium}`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'tradebot-bench-html-'));
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, rendered.html);
    const { chromium: pw } = await import('playwright-core');
    const ctx = await pw.launchPersistentContext(join(dir, 'profile'), {
      executablePath: chromium,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await ctx.newPage();
    const errors = [];
    const requests = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    const t0 = performance.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    const readyMs = performance.now() - t0;
    await ctx.close();
    const foreign = requests.filter((u) => u !== pathToFileURL(file).href);
    Object.assign(figures, { chromiumReadyMs: readyMs, consoleErrors: errors.length, foreignRequests: foreign.length });
    say(`html report in Chromium: ready in ${readyMs.toFixed(0)} ms wall, ${errors.length} console errors${errors.length ? ` (${errors[0]})` : ''}, ${foreign.length} requests beyond the file`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (JSON_OUT) process.stdout.write(`${JSON.stringify(figures)}\n`);
