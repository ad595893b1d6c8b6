// npm run bench: engine loop throughput, CLI wall time and peak RSS.
// Figures go in the issue notes; nothing here is asserted by the test suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '../dist/src/backtest.js';
import { resolveConfig } from '../dist/src/config/load-config.js';
import { STATE_SCHEMA_VERSION } from '../dist/src/store/bot-state.js';
import { MutableCandleSeries } from '../dist/src/core/candles.js';
import { loadCandleCache, writeCandleCache } from '../dist/src/data/candle-cache.js';

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

/** Loading 1,000,000 1m candles from the candle cache (`tradebot data`): one read, typed-array views. */
async function cacheLoad(dir, runs) {
  const n = 1_000_000;
  const s = new MutableCandleSeries(60_000, n);
  let p = 30_000;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = Math.max(1, p * (1 + (((i * 7919) % 1000) - 499.5) / 1e5));
    s.push(1_600_000_000_000 + i * 60_000, o, Math.max(o, p) * 1.0005, Math.min(o, p) * 0.9995, p, 1 + (i % 97));
  }
  const file = join(dir, 'cache', 'bench', 'BTC_USDT-1m.tbc');
  const meta = { exchange: 'bench', symbol: 'BTC/USDT', timeframe: '1m' };
  const w0 = performance.now();
  await writeCandleCache(file, meta, s);
  const writeMs = performance.now() - w0;
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.();
    const t0 = performance.now();
    const c = await loadCandleCache(file, meta);
    const ms = performance.now() - t0;
    if (c.series.length !== n || c.series.close[n - 1] !== s.close[n - 1]) throw new Error('cache bench: wrong data loaded');
    best = Math.min(best, ms);
  }
  return { bestMs: best, writeMs, mb: (n * 48) / 1e6 };
}

/** A paper bot's state file as `tradebot paper` writes it, with `trips` closed round trips. */
function botState(name, trips, now, pid) {
  const rt = (i, open) => ({
    symbol: 'BTC/USDT', entryTime: now - (trips - i) * 600_000, exitTime: open ? null : now - (trips - i) * 600_000 + 300_000,
    entryQty: '0.1', entryCost: '4000', exitQty: open ? '0' : '0.1', exitProceeds: open ? '0' : '4010', fees: open ? '4' : '8.01',
    qty: open ? '0.1' : '0', entryPrice: '40000', exitPrice: open ? null : '40100', exitReason: open ? null : 'exit',
  });
  const order = (i, side) => ({
    clientOrderId: `${name}-${i}-${side}`, symbol: 'BTC/USDT', side, type: 'market', purpose: side === 'buy' ? 'entry' : 'exit', createdAt: now - 1000, updatedAt: now - 1000,
    status: 'filled', amount: '0.1', filled: '0.1', cost: '4000', fee: '4', feeCurrency: 'USDT', tradeIds: [`${i}${side}`],
  });
  const usdt = (10_000 + trips * 1.99 - 4004).toFixed(2);
  return {
    schemaVersion: STATE_SCHEMA_VERSION, writtenBy: '0.1.0', generation: 1,
    bot: { id: `bench-${name}`, name, mode: 'paper', exchange: 'binance', apiUrl: null, sandbox: false, account: 'paper', strategy: { name: 'ema-cross', source: 'ema-cross', params: { fast: 12, slow: 26 } }, pairs: ['BTC/USDT'], timeframe: '5m', quote: 'USDT', createdAt: now - 86_400_000, warmup: null },
    settings: { cash: { USDT: '10000' }, stake: '99%', fee: '0.001', slippageBps: 0, risk: {}, warmup: 500 },
    engine: {
      portfolio: { quote: 'USDT', balances: { USDT: usdt, BTC: '0.1' }, open: { 'BTC/USDT': rt(trips, true) }, closed: Array.from({ length: trips }, (_, i) => rt(i, false)), feesPaid: '0', appliedTradeIds: 0 },
      orders: Array.from({ length: trips }, (_, i) => [order(i, 'buy'), order(i, 'sell')]).flat(),
      risk: { orderTimes: [], dayStart: now - (now % 86_400_000), dayStartEquity: 10_000, peakEquity: 10_000, lastStopLoss: {}, halt: null },
      idSequence: trips * 2, lastBarTime: [now - 300_000],
    },
    exchange: { accounts: { USDT: { free: usdt, used: '0' }, BTC: { free: '0.1', used: '0' } }, open: [], fills: [], orderSeq: trips * 2, tradeSeq: trips * 2, lastTime: now },
    runtime: {
      status: pid ? 'running' : 'stopped', pid, host: hostname(), command: `tradebot paper --bot ${name}`, startedAt: now - 3_600_000, stoppedAt: pid ? null : now, heartbeat: now,
      lastDecision: { time: now - 60_000, symbol: 'BTC/USDT', side: 'buy', outcome: 'submitted' }, lastError: null,
      equity: { start: '10000', dayStart: '10000', day: Math.floor(now / 86_400_000), last: usdt, lastTime: now }, ack: null, prices: { 'BTC/USDT': 40_500 }, degraded: null,
    },
  };
}

/** `tradebot status --json` over 20 bots (half of them "running", owned by this process), 200 round trips each. */
function statusWithBots(dir, bots, runs) {
  const home = join(dir, 'status-home');
  const now = Date.now();
  for (let i = 0; i < bots; i++) {
    const name = `bot${String(i).padStart(2, '0')}`;
    const bdir = join(home, 'bots', name);
    mkdirSync(bdir, { recursive: true });
    const pid = i % 2 === 0 ? process.pid : null;
    writeFileSync(join(bdir, 'state.json'), `${JSON.stringify(botState(name, 200, now, pid), null, 1)}\n`);
    if (pid) {
      writeFileSync(join(bdir, 'lock.json'), JSON.stringify({ pid, host: hostname(), command: 'bench', since: now }));
      writeFileSync(join(bdir, 'heartbeat.json'), JSON.stringify({ time: now, pid }));
    }
  }
  let best = Infinity;
  let shown = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'bin', 'tradebot.js'), 'status', '--json'], { cwd: dir, env: { ...process.env, TRADEBOT_HOME: home, HOME: dir }, encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`status failed (${r.status}): ${r.stderr}`);
    shown = JSON.parse(r.stdout).bots.length;
    best = Math.min(best, ms);
  }
  return { bestMs: best, shown };
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

  const c = await cacheLoad(dir, 7);
  console.log(`candle cache, 1,000,000 candles (${c.mb.toFixed(0)} MB): load best ${c.bestMs.toFixed(1)} ms, atomic write ${c.writeMs.toFixed(0)} ms`);

  const st = statusWithBots(dir, 20, 5);
  console.log(`CLI status --json, 20 bots (${st.shown} running, 200 round trips each): best wall ${st.bestMs.toFixed(0)} ms`);

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
