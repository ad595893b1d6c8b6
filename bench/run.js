// npm run bench [-- --json]: engine throughput, whole-CLI CPU time against grademark, start-up
// against a bare node, cache load, status, the 1M-candle run, sim orders, the HTML report and the
// optimize grid (bench/optimize.js, the longest part: BENCH_SKIP_OPTIMIZE=1 leaves it out).
// With --json every part's figures go into ONE JSON document on stdout (the lines go nowhere).
// Figures go in the issue notes and the README; nothing here is asserted by the test suite.
// Processes are measured by their own CPU time (bench/usage.js), which a shared machine disturbs
// far less than wall time; wall figures are printed too, and are noisy there.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATE_SCHEMA_VERSION } from '../dist/src/store/bot-state.js';
import { BotStateFile } from '../dist/src/store/bot-state-file.js';
import { botPaths } from '../dist/src/store/bot-paths.js';
import { MutableCandleSeries } from '../dist/src/core/candles.js';
import { loadCandleCache, writeCandleCache } from '../dist/src/data/candle-cache.js';
import { readCandleFile } from '../dist/src/data/read-candles.js';
import { composeBacktest } from '../dist/src/compose.js';
import { Dec } from '../dist/src/core/money.js';
import { marketFor } from '../dist/src/core/market.js';
import { OrderIds } from '../dist/src/core/ids.js';
import { parseStake } from '../dist/src/core/sizing.js';
import { emaCross } from '../dist/src/strategies/ema-cross.js';
import { indicators } from '../dist/src/indicators/index.js';
import { installPeers } from './peers/install.js';

const JSON_OUT = process.argv.includes('--json');
const root = fileURLToPath(new URL('..', import.meta.url));
const shared = join(root, '..', 'shared', 'data');
const file1m = join(shared, 'binance_BTC_USDT-1m_2025-05-20_2025-08-18.csv');
const sample = join(root, 'data', 'binance_BTC_USDT-5m_2024-01-01_2024-09-06.csv.gz');
const source = existsSync(file1m) ? file1m : sample;
if (source !== file1m) console.error(`note: ${file1m} is absent; benchmarking the bundled sample instead`);

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * The engine loop alone, as an optimiser runs it: candles loaded once, a fresh composition per run.
 * Best of `runs` by CPU time (a warm JIT, as in the thousands of trials of a search).
 */
async function engineLoop(data, runs, strategyFor) {
  const { series } = await readCandleFile(data, {});
  let bestCpu = Infinity;
  let bestWall = Infinity;
  let trips = 0;
  for (let i = 0; i < runs; i++) {
    const cash = new Dec(10_000);
    const { engine } = composeBacktest({
      series,
      market: marketFor('BTC/USDT'),
      strategy: strategyFor(),
      slippageBps: 0,
      balances: { USDT: cash },
      settings: { quote: 'USDT', initialBalances: { USDT: cash }, stake: parseStake('99%'), feeRate: new Dec('0.001'), limits: { maxOpenPositions: 1 }, ids: new OrderIds('bt'), onStrategyError: 'throw' },
    });
    globalThis.gc?.();
    const c0 = cpuMs();
    const t0 = performance.now();
    await engine.run();
    bestWall = Math.min(bestWall, performance.now() - t0);
    bestCpu = Math.min(bestCpu, cpuMs() - c0);
    trips = engine.portfolio.closed.length;
  }
  return { candles: series.length, roundTrips: trips, bestCpuMs: bestCpu, bestWallMs: bestWall, candlesPerSec: series.length / (bestCpu / 1000) };
}

const emaCross1226 = () => emaCross.create({ fast: 12, slow: 26 }, { indicators });
const neverTrades = () => ({ onCandle() {} });

/** One process, measured by its own CPU time and peak RSS (bench/usage.js), plus wall time. */
function measure(args, opts = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(root, 'bench', 'usage.js'), ...args], { encoding: 'utf8', maxBuffer: 256 << 20, cwd: opts.cwd ?? root, env: { ...process.env, ...(opts.env ?? {}) } });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  const line = r.stderr.trim().split('\n').pop();
  if (!line.startsWith('@usage ')) throw new Error(`${args.join(' ')}: no usage line`);
  return { wallMs, ...JSON.parse(line.slice(7)) };
}

/** Each command `runs` times, interleaved so that a burst of load hits all alike; medians. */
function sideBySide(commands, runs) {
  const got = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(commands)) got[k].push(c());
  return Object.fromEntries(
    Object.entries(got).map(([k, rs]) => [k, { cpuMs: median(rs.map((r) => r.cpuMs)), wallMs: median(rs.map((r) => r.wallMs)), maxRssMb: Math.max(...rs.map((r) => r.maxRssMb)) }]),
  );
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


/**
 * A home with `bots` bots (half of them "running", owned by this process), 200 round trips each,
 * written as a running bot writes them: the state file, then its summary (src/store/status-summary.ts).
 */
async function statusHome(dir, bots) {
  const home = join(dir, 'status-home');
  const now = Date.now();
  for (let i = 0; i < bots; i++) {
    const name = `bot${String(i).padStart(2, '0')}`;
    const paths = botPaths(home, name);
    mkdirSync(paths.dir, { recursive: true });
    const pid = i % 2 === 0 ? process.pid : null;
    await new BotStateFile(paths.state, paths.summary).write(botState(name, 200, now, pid));
    if (!existsSync(paths.summary)) throw new Error(`status bench: no summary written for ${name}`);
    if (pid) {
      writeFileSync(join(paths.dir, 'lock.json'), JSON.stringify({ pid, host: hostname(), command: 'bench', since: now }));
      writeFileSync(paths.heartbeat, JSON.stringify({ time: now, pid }));
    }
  }
  return home;
}

/** The same home without the summaries: status reads every state file (a bot of an older version). */
function withoutSummaries(home, dir) {
  const copy = join(dir, 'status-home-no-summaries');
  cpSync(home, copy, { recursive: true, preserveTimestamps: true, filter: (src) => !src.endsWith('summary.json') });
  return copy;
}

/** A bench script run as a child with --json: its figures (its last stdout line), its lines printed unless --json. */
function part(script, args = []) {
  const r = spawnSync(process.execPath, [join(root, 'bench', script), ...args, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    say(`${script} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
    return { failed: `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
  }
  if (r.stderr.trim()) say(r.stderr.trim());
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const say = (line) => {
  if (!JSON_OUT) console.log(line);
};
const bin = join(root, 'bin', 'tradebot.js');
const dir = mkdtempSync(join(tmpdir(), 'tradebot-bench-'));
const figures = { schemaVersion: 1, node: process.version, cpus: cpus().length, loadAverage: loadavg()[0], file: source.split('/').pop() };
try {
  say(`node ${process.version}, ${figures.file}, load average ${figures.loadAverage.toFixed(1)} on ${figures.cpus} cores (CPU times are medians or bests; wall times are noisy on a shared machine)`);

  const a = await engineLoop(source, 15, emaCross1226);
  figures.engineEmaCross = a;
  say(`engine loop, ema-cross 12/26, ${fmt(a.candles)} candles, ${a.roundTrips} round trips: best ${a.bestCpuMs.toFixed(1)} ms CPU = ${fmt(a.candlesPerSec)} candles/s (best wall ${a.bestWallMs.toFixed(1)} ms)`);
  const q = await engineLoop(source, 15, neverTrades);
  figures.engineNoTrades = q;
  say(`engine loop, a strategy that never trades: best ${q.bestCpuMs.toFixed(1)} ms CPU = ${fmt(q.candlesPerSec)} candles/s`);

  // Whole processes side by side: a bare node; tradebot's first run of a file (it parses it) and a
  // repeated run (from the parsed-file cache); grademark 0.3 with the signals precomputed.
  const peers = source === file1m ? installPeers() : null;
  const backtest = [bin, 'backtest', '--data', source, '--strategy', 'ema-cross', '--json'];
  const warmHome = join(dir, 'warm-home');
  measure(backtest, { env: { TRADEBOT_HOME: warmHome } }); // fills the cache
  let fresh = 0;
  const cli = sideBySide(
    {
      node: () => measure(['-e', '0']),
      firstRun: () => measure(backtest, { env: { TRADEBOT_HOME: join(dir, `fresh-home-${fresh++}`) } }),
      repeatedRun: () => measure(backtest, { env: { TRADEBOT_HOME: warmHome } }),
      ...(peers ? { grademark: () => measure([join(root, 'bench', 'peers', 'grademark-ema-cross.cjs'), peers, source]) } : {}),
    },
    5,
  );
  figures.cli = cli;
  if (cli.grademark) {
    cli.firstRunToGrademark = cli.firstRun.cpuMs / cli.grademark.cpuMs;
    cli.repeatedRunToGrademark = cli.repeatedRun.cpuMs / cli.grademark.cpuMs;
  }
  say(
    `CLI backtest --data <file> --json, CPU median of 5: first run ${fmt(cli.firstRun.cpuMs)} ms, repeated (parsed-file cache) ${fmt(cli.repeatedRun.cpuMs)} ms` +
      (cli.grademark
        ? `; grademark 0.3 ${fmt(cli.grademark.cpuMs)} ms: ratios ${cli.firstRunToGrademark.toFixed(2)} and ${cli.repeatedRunToGrademark.toFixed(2)}`
        : '; grademark skipped (it needs the shared 1m file and the npm registry)') +
      ` (node -e 0: ${fmt(cli.node.cpuMs)} ms). Peak RSS ${cli.firstRun.maxRssMb.toFixed(0)} MB; wall ${fmt(cli.firstRun.wallMs)} / ${fmt(cli.repeatedRun.wallMs)} ms`,
  );

  // start-up against a bare node, side by side; status over 20 bots with the summaries the bots
  // write, and over the same state files without them (the fallback: every state file parsed)
  const home = await statusHome(dir, 20);
  const bare = withoutSummaries(home, dir);
  const start = sideBySide(
    {
      node: () => measure(['-e', '0']),
      version: () => measure([bin, '--version']),
      help: () => measure([bin, '--help']),
      status: () => measure([bin, 'status', '--json'], { cwd: dir, env: { TRADEBOT_HOME: home, HOME: dir } }),
      statusNoSummaries: () => measure([bin, 'status', '--json'], { cwd: dir, env: { TRADEBOT_HOME: bare, HOME: dir } }),
    },
    9,
  );
  const ratio = (k, f) => start[k][f] / start.node[f];
  figures.startup = {
    ...start,
    versionToNode: ratio('version', 'cpuMs'),
    helpToNode: ratio('help', 'cpuMs'),
    statusToNode: ratio('status', 'cpuMs'),
    statusNoSummariesToNode: ratio('statusNoSummaries', 'cpuMs'),
    wall: { versionToNode: ratio('version', 'wallMs'), helpToNode: ratio('help', 'wallMs'), statusToNode: ratio('status', 'wallMs'), statusNoSummariesToNode: ratio('statusNoSummaries', 'wallMs') },
  };
  const st = figures.startup;
  say(
    `start-up, CPU median of 9 against node -e 0 (${fmt(start.node.cpuMs)} ms): --version ${st.versionToNode.toFixed(2)}x, --help ${st.helpToNode.toFixed(2)}x, ` +
      `status --json with 20 bots ${st.statusToNode.toFixed(2)}x (without their summaries ${st.statusNoSummariesToNode.toFixed(2)}x) ` +
      `(wall: ${st.wall.versionToNode.toFixed(2)}x, ${st.wall.helpToNode.toFixed(2)}x, ${st.wall.statusToNode.toFixed(2)}x, ${st.wall.statusNoSummariesToNode.toFixed(2)}x)`,
  );

  const c = await cacheLoad(dir, 7);
  figures.cacheLoad1M = c;
  say(`candle cache, 1,000,000 candles (${c.mb.toFixed(0)} MB): load best ${c.bestMs.toFixed(1)} ms, atomic write ${c.writeMs.toFixed(0)} ms`);

  if (existsSync(file1m)) {
    const big = millionCandleFile(dir);
    const b = await engineLoop(big, 3, emaCross1226);
    figures.engine1M = b;
    say(`engine loop, 1,000,000 candles, ${b.roundTrips} round trips: best ${b.bestCpuMs.toFixed(1)} ms CPU = ${fmt(b.candlesPerSec)} candles/s`);
    const args = [bin, 'backtest', '--data', big, '--json'];
    measure(args, { env: { TRADEBOT_HOME: join(dir, 'big-warm') } });
    const m = sideBySide(
      {
        firstRun: () => measure(args, { env: { TRADEBOT_HOME: join(dir, `big-fresh-${fresh++}`) } }),
        repeatedRun: () => measure(args, { env: { TRADEBOT_HOME: join(dir, 'big-warm') } }),
      },
      3,
    );
    figures.cli1M = m;
    say(`CLI on 1,000,000 candles: first run wall ${fmt(m.firstRun.wallMs)} ms (CPU ${fmt(m.firstRun.cpuMs)} ms), repeated wall ${fmt(m.repeatedRun.wallMs)} ms (CPU ${fmt(m.repeatedRun.cpuMs)} ms); peak RSS ${Math.max(m.firstRun.maxRssMb, m.repeatedRun.maxRssMb).toFixed(0)} MB`);
  } else {
    say('1,000,000-candle run skipped: the shared 1m file is absent');
  }

  figures.simOrders = part('sim-orders.js');
  if (figures.simOrders.roundTripsPerSec !== undefined) {
    say(`sim order round trips (create+fetch+cancel via ccxt): ${figures.simOrders.roundTripsPerSec.toFixed(0)}/s, ${figures.simOrders.msEach.toFixed(2)} ms each`);
  }
  figures.htmlReport = part('html-report.js');
  if (process.env.BENCH_SKIP_OPTIMIZE === '1') {
    figures.optimize = { skipped: 'BENCH_SKIP_OPTIMIZE=1' };
    say('optimize grid skipped (BENCH_SKIP_OPTIMIZE=1)');
  } else figures.optimize = part('optimize.js');

  if (JSON_OUT) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
