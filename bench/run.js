// npm run bench: engine loop throughput, CLI wall time and peak RSS.
// Figures go in the issue notes; nothing here is asserted by the test suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '../dist/src/backtest.js';
import { resolveConfig } from '../dist/src/config/load-config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = join(root, '..', 'shared', 'data');
const file1m = join(shared, 'binance_BTC_USDT-1m_2025-05-20_2025-08-18.csv');
const sample = join(root, 'data', 'binance_BTC_USDT-5m_2024-01-01_2024-09-06.csv.gz');
const source = existsSync(file1m) ? file1m : sample;
if (source !== file1m) console.log(`note: ${file1m} is absent; benchmarking the bundled sample instead`);

const cfgFor = (data) =>
  resolveConfig({ strategy: { name: 'ema-cross', params: { fast: 12, slow: 26 } }, cash: 10000, stake: '99%', fee: 0.001, backtest: { data } });

async function engineLoop(data, runs) {
  let best = Infinity;
  let last;
  for (let i = 0; i < runs; i++) {
    last = await runBacktest(cfgFor(data), { cwd: root });
    best = Math.min(best, last.engineMs);
  }
  const n = last.result.data.candles;
  return { candles: n, bestMs: best, perSec: n / (best / 1000), trades: last.result.trades.length };
}

function cli(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bench', 'measure-cli.js'), ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`CLI failed (${r.status}): ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop();
  return { wallMs, maxRssMb: JSON.parse(last).maxRssMb };
}

function bestCli(args, runs) {
  let best = { wallMs: Infinity, maxRssMb: 0 };
  for (let i = 0; i < runs; i++) {
    const r = cli(args);
    if (r.wallMs < best.wallMs) best = r;
  }
  return best;
}

/** The source file repeated with shifted timestamps, to 1,000,000 candles. */
function millionCandleFile(dir) {
  const lines = readFileSync(source.endsWith('.gz') ? file1m : source, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(','));
  const t0 = Number(rows[0][0]);
  const step = Number(rows[1][0]) - t0;
  const span = Number(rows[rows.length - 1][0]) - t0 + step;
  const out = ['timestamp_ms,open,high,low,close,volume'];
  for (let i = 0; i < 1_000_000; i++) {
    const r = rows[i % rows.length];
    out.push(`${Number(r[0]) + Math.floor(i / rows.length) * span},${r[1]},${r[2]},${r[3]},${r[4]},${r[5]}`);
  }
  const path = join(dir, 'million.csv');
  writeFileSync(path, `${out.join('\n')}\n`);
  return path;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const dir = mkdtempSync(join(tmpdir(), 'tradebot-bench-'));
try {
  console.log(`node ${process.version}, ${source.split('/').pop()}`);
  const a = await engineLoop(source, 7);
  console.log(`engine loop, ema-cross 12/26, ${fmt(a.candles)} candles, ${a.trades} round trips: best ${a.bestMs.toFixed(1)} ms = ${fmt(a.perSec)} candles/s`);

  const w = bestCli(['backtest', '--data', source, '--json'], 5);
  console.log(`CLI end to end (backtest --data <file> --json): best wall ${w.wallMs.toFixed(0)} ms, peak RSS ${w.maxRssMb.toFixed(0)} MB`);
  const t = bestCli(['--version'], 5);
  console.log(`CLI start-up (--version): best wall ${t.wallMs.toFixed(0)} ms`);

  if (existsSync(file1m)) {
    const big = millionCandleFile(dir);
    const b = await engineLoop(big, 3);
    console.log(`engine loop, 1,000,000 candles, ${b.trades} round trips: best ${b.bestMs.toFixed(1)} ms = ${fmt(b.perSec)} candles/s`);
    const m = bestCli(['backtest', '--data', big, '--json'], 2);
    console.log(`CLI on 1,000,000 candles: wall ${m.wallMs.toFixed(0)} ms, peak RSS ${m.maxRssMb.toFixed(0)} MB`);
  } else {
    console.log('1,000,000-candle run skipped: the shared 1m file is absent');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
