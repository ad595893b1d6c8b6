// npm run bench (the optimize part; bench/run.js runs it last unless BENCH_SKIP_OPTIMIZE=1): the
// 1,722-combination ema-cross grid fast=2:50, slow=10:200:5 on the 130,708-candle 1m file, as
// `tradebot optimize` runs it end to end, with --jobs 1 and --jobs 2 (BENCH_OPTIMIZE_JOBS=1,2):
// wall time, CPU time (steadier on a shared machine), combinations per second and peak RSS.
// Alone: node bench/optimize.js [--json] (--json: the lines go to stderr, one JSON line to stdout).
// Nothing here is asserted by the test suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMA } from '../dist/src/indicators/ema.js';
import { readCandleFile } from '../dist/src/data/read-candles.js';

const JSON_OUT = process.argv.includes('--json');
const say = (line) => (JSON_OUT ? process.stderr : process.stdout).write(`${line}\n`);
const root = fileURLToPath(new URL('..', import.meta.url));
const file = join(root, '..', 'shared', 'data', 'binance_BTC_USDT-1m_2025-05-20_2025-08-18.csv');
const space = ['fast=2:50', 'slow=10:200:5'];
const figures = { space, loadAverage: loadavg()[0], runs: [] };
if (!existsSync(file)) {
  say(`optimize bench skipped: ${file} is absent`);
  if (JSON_OUT) process.stdout.write(`${JSON.stringify({ skipped: `${file} is absent` })}\n`);
  process.exit(0);
}
const jobsList = (process.env.BENCH_OPTIMIZE_JOBS ?? '1,2').split(',').map(Number);
const grid = space.flatMap((s) => ['--space', s]);
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

say(`node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const jobs of jobsList) {
  const home = mkdtempSync(join(tmpdir(), 'tradebot-bench-optimize-'));
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'bench', 'measure-cli.js'), 'optimize', '--data', file, ...grid, '--jobs', String(jobs), '--home', home, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const wallMs = performance.now() - t0;
    if (r.status !== 0) throw new Error(`optimize failed (${r.status}): ${r.stderr}`);
    const m = JSON.parse(r.stderr.trim().split('\n').pop());
    const doc = JSON.parse(r.stdout);
    const n = doc.counts.trials;
    const trades = doc.trials.reduce((s, t) => s + t.trades, 0);
    const cpuMs = m.userMs + m.systemMs;
    const rb = doc.robustness;
    figures.runs.push({
      jobs, combinations: n, skipped: doc.counts.skipped, roundTrips: trades, wallMs, cpuMs, cpuMsPerCombination: cpuMs / n, combinationsPerSec: n / (wallMs / 1000), maxRssMb: m.maxRssMb,
      best: { params: doc.best?.params ?? null, objective: doc.best?.objective ?? null }, robustness: { dsr: rb.dsr, psr: rb.psr, pbo: rb.pbo, minBacktestLength: rb.minBacktestLength },
    });
    say(
      `optimize --jobs ${jobs}: ${fmt(n)} combinations (${doc.counts.skipped} skipped), ${fmt(trades)} round trips in all: ` +
        `wall ${fmt(wallMs / 1000, 1)} s = ${fmt(n / (wallMs / 1000), 1)} combinations/s; CPU ${fmt(cpuMs / 1000, 1)} s ` +
        `(${fmt(cpuMs / n, 1)} ms a combination); peak RSS ${fmt(m.maxRssMb)} MB`,
    );
    say(`  best ${JSON.stringify(doc.best?.params)} (sharpe ${doc.best?.objective?.toFixed(3)}); dsr ${rb.dsr}, psr ${rb.psr}, pbo ${rb.pbo}, min backtest length ${rb.minBacktestLength}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// What an indicator cache could save at most: the indicator work of one trial, two EMAs over every close.
const { series } = await readCandleFile(file);
let best = Infinity;
let sink = 0;
for (let k = 0; k < 20; k++) {
  const t0 = performance.now();
  const a = new EMA(12);
  const b = new EMA(26);
  for (let i = 0; i < series.length; i++) {
    const d = a.update(series.close[i]) - b.update(series.close[i]);
    if (d === d) sink += d;
  }
  best = Math.min(best, performance.now() - t0);
}
figures.indicatorWorkOfOneTrialMs = best;
say(`indicator work of one trial (two EMAs over ${fmt(series.length)} closes): ${fmt(best, 2)} ms (checksum ${sink.toExponential(3)})`);
if (JSON_OUT) process.stdout.write(`${JSON.stringify(figures)}\n`);
