import { ensureDir } from '../store/ensure-dir.js';
import { dirname } from 'node:path';
/**
 * Downloading candles from a ccxt exchange into the cache (`tradebot data download`, and a
 * backtest from exchange data).
 *
 * - Everything is validated before the first candle is requested: the exchange id, the
 *   timeframes (against the exchange's list), the existing cache files, then (after loading the
 *   markets) the pairs.
 * - Incremental: for each pair and timeframe only what the cache does not know in [from, to] is
 *   fetched. The cache knows its runs of consecutive candles and the spans it fetched before
 *   (coverage.ts): a hole left between two downloads is fetched, a gap inside a fetched span is
 *   the exchange's own (no trades, maintenance) and is not asked for again.
 * - Every write goes through the cache's lock and merges into the file as it is on disk, so two
 *   downloads (or an import) writing the same cache at once lose nothing.
 * - Only closed candles are stored, judged by the exchange's clock read once per pair and
 *   timeframe; candles that close during the download are left for the next run.
 * - Pages are flushed to the cache atomically every few pages, so an interruption or a crash loses
 *   at most the last chunk, and the next run resumes from what is there.
 * - Network errors, 5xx and 429 are retried with exponential backoff and jitter (honouring
 *   Retry-After), a bounded number of times; a pair that keeps failing is reported and the others
 *   continue. An IP ban stops everything at once: more requests would lengthen it.
 */
import type { Exchange } from 'ccxt';
import { MutableCandleSeries, findGaps, type Gap } from '../core/candles.js';
import { StateError, TradebotError, UsageError } from '../core/errors.js';
import { timeframeToMs } from '../core/timeframe.js';
import { editDistance } from '../config/did-you-mean.js';
import { makeCcxt, type MakeCcxtOptions } from '../exchange/make-ccxt.js';
import { BannedError, ExchangeUnavailableError, NetworkError, RateLimitedError, classifyCcxtError } from '../exchange/ccxt-errors.js';
import { marketInfoFromCcxt, storeMarketInfo } from '../exchange/ccxt-market.js';
import { writeFileDurable } from '../store/durable-write.js';
import type { CacheLockOwner } from './cache-lock.js';
import { cachePath, marketInfoPath, loadCandleCache, type CachedCandles, type CandleCacheMeta } from './candle-cache.js';
import { knownSpans, missingSpans, normalizeSpans, subtractSpans, type Span } from './coverage.js';
import { formatTime } from './parse-date.js';
import { updateCandleCache } from './update-cache.js';
import type { CandleSeries } from '../core/candles.js';

export interface DownloadRequest {
  /** ccxt exchange id */
  exchange: string;
  /** re-point the exchange's REST URLs (loopback simulator, proxy) */
  apiUrl?: string | null;
  sandbox?: boolean;
  symbols: readonly string[];
  timeframes: readonly string[];
  /** first candle open time wanted, epoch ms */
  from: number;
  /** last candle open time wanted (inclusive), epoch ms; default: the last closed candle */
  to?: number;
  /** tradebot home: the cache is under <home>/cache */
  home: string;
}

export interface DownloadTuning {
  /** candles per request (default: the exchange's documented maximum, else 1000) */
  pageLimit?: number;
  /** flush to the cache after this many pages … (default 5) */
  flushEveryPages?: number;
  /** … and at least this long after the previous flush (default 1000 ms), to bound rewrites of a big file */
  flushMinIntervalMs?: number;
  /** attempts per request, the first included (default 5) */
  maxAttempts?: number;
  /** first retry delay, doubled each time, with jitter (default 500 ms) */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface DownloadEnv extends DownloadTuning {
  onEvent?: (e: DownloadEvent) => void;
  /** abort: stop after the current page, flush, report `interrupted` */
  signal?: AbortSignal;
  /** how long to wait for another writer's lock on a cache file (default: cache-lock.ts) */
  lockWaitMs?: number;
  /** waits (retries); resolves early when `signal` aborts */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** builds the ccxt instance (default: makeCcxt) */
  makeExchange?: (o: MakeCcxtOptions) => Promise<Exchange>;
}

export type JobStatus = 'complete' | 'failed' | 'interrupted' | 'skipped';

export interface JobResult {
  exchange: string;
  symbol: string;
  timeframe: string;
  file: string;
  status: JobStatus;
  /** candles added to the cache by this run */
  added: number;
  /** candles in the cache now */
  candles: number;
  first: number | null;
  last: number | null;
  /** gaps in the whole cache */
  gaps: number;
  requests: number;
  /** the open times asked for, [from, to] inclusive (to: capped at the last closed candle); null when not attempted */
  requested: { from: number; to: number } | null;
  /** the spans this run fetched from the exchange, [start, end) */
  fetched: Span[];
  /** gaps in the requested range that the exchange itself has (inside fetched spans) */
  exchangeGaps: Gap[];
  /** spans of the requested range still unknown (not fetched: a failure or an interruption) */
  missing: Span[];
  /** why it failed */
  error?: string;
  /** the error as thrown, for exit codes */
  cause?: TradebotError;
}

export interface DownloadReport {
  exchange: string;
  results: JobResult[];
  interrupted: boolean;
}

export type DownloadEvent =
  | { type: 'start'; symbol: string; timeframe: string; expected: number; cached: number }
  | { type: 'page'; symbol: string; timeframe: string; fetched: number; expected: number; cursor: number }
  | { type: 'retry'; symbol: string; timeframe: string; attempt: number; delayMs: number; reason: string }
  | { type: 'flush'; symbol: string; timeframe: string; candles: number }
  | { type: 'lock-wait'; symbol: string; timeframe: string; file: string; owner: CacheLockOwner | null }
  | { type: 'done'; result: JobResult };

interface Job {
  meta: CandleCacheMeta;
  tfMs: number;
  file: string;
  cached: CachedCandles | null;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** The 3 symbols closest to `wanted` (case-insensitive edit distance; ties keep the exchange's order). */
export function closestSymbols(wanted: string, symbols: readonly string[], n = 3): string[] {
  const w = wanted.toUpperCase();
  return symbols
    .map((s, i) => ({ s, i, d: editDistance(w, s.toUpperCase()) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, n)
    .map((x) => x.s);
}

/** A session: a ccxt instance whose timeframes, markets, pairs and cache files have been checked. */
export interface DownloadSession {
  ex: Exchange;
  jobs: Job[];
  request: DownloadRequest;
}

/**
 * Validates a download before any candle is requested. Usage problems (unknown exchange, pair or
 * timeframe, from after to, a corrupt cache file) throw a UsageError (exit 2); the markets request
 * is retried like any other and fails with an exchange error (exit 4).
 */
export async function prepareDownload(req: DownloadRequest, env: DownloadEnv = {}): Promise<DownloadSession> {
  if (req.symbols.length === 0) throw new UsageError('no pair given: pass --pair BTC/USDT (several separated by commas)');
  if (req.timeframes.length === 0) throw new UsageError('no timeframe given: pass --timeframe 1m (several separated by commas)');
  if (!Number.isFinite(req.from)) throw new UsageError('no start given: pass --from DATE');
  if (req.to !== undefined && req.from > req.to) throw new UsageError(`--from ${formatTime(req.from)} is after --to ${formatTime(req.to)}`);
  const tfMs = req.timeframes.map((tf) => timeframeToMs(tf));

  const ex = await (env.makeExchange ?? makeCcxt)({
    id: req.exchange,
    ...(req.apiUrl ? { apiUrl: req.apiUrl } : {}),
    ...(req.sandbox ? { sandbox: true } : {}),
    // candles are public: API keys are never read for a download
    env: {},
  });
  if (!ex.has['fetchOHLCV']) throw new UsageError(`${req.exchange} does not provide candles through ccxt (no fetchOHLCV)`);
  const supported = Object.keys((ex.timeframes ?? {}) as Record<string, unknown>);
  if (supported.length > 0) {
    for (const tf of req.timeframes) {
      if (!supported.includes(tf)) throw new UsageError(`timeframe ${tf} is not supported by ${req.exchange}; supported: ${supported.join(', ')}`);
    }
  }
  // every cache file is read (and checked) before the network is touched
  const jobs: Job[] = [];
  for (const symbol of req.symbols) {
    for (const [k, timeframe] of req.timeframes.entries()) {
      const meta = { exchange: req.exchange, symbol, timeframe };
      const file = cachePath(req.home, meta);
      jobs.push({ meta, tfMs: tfMs[k]!, file, cached: await loadCandleCache(file, meta) });
    }
  }

  await withRetry(ex, env, () => ex.loadMarkets(), (attempt, delayMs, reason) => env.onEvent?.({ type: 'retry', symbol: '*', timeframe: '*', attempt, delayMs, reason }));
  const symbols = (ex.symbols ?? Object.keys(ex.markets ?? {})) as string[];
  for (const symbol of new Set(req.symbols)) {
    if (!ex.markets?.[symbol]) {
      const close = closestSymbols(symbol, symbols);
      throw new UsageError(`unknown pair ${symbol} on ${req.exchange}${close.length > 0 ? `; closest: ${close.join(', ')}` : ''}`);
    }
  }
  // the exchange's precision and minimums go beside the candles: backtests on them apply them
  for (const symbol of new Set(req.symbols)) {
    const info = storeMarketInfo(marketInfoFromCcxt(ex, ex.markets![symbol]!));
    const file = marketInfoPath(req.home, req.exchange, symbol);
    await ensureDir(dirname(file));
    await writeFileDurable(file, `${JSON.stringify(info)}\n`);
  }
  return { ex, jobs, request: req };
}

/** Downloads every pair × timeframe of a prepared session. Never throws for one failing pair: see the results. */
export async function runDownload(session: DownloadSession, env: DownloadEnv = {}): Promise<DownloadReport> {
  const results: JobResult[] = [];
  let banned: BannedError | undefined;
  let interrupted = false;
  for (const job of session.jobs) {
    if (banned || interrupted) {
      const none: JobProgress = { added: 0, requests: 0, requested: null, fetched: [], known: [] };
      const r = summary(job, job.cached?.series ?? null, 'skipped', none, banned ? `not attempted: ${banned.message}` : undefined);
      results.push(r);
      env.onEvent?.({ type: 'done', result: r });
      continue;
    }
    const r = await downloadJob(session, job, env);
    if (r.cause instanceof BannedError) banned = r.cause;
    if (r.status === 'interrupted') interrupted = true;
    results.push(r);
    env.onEvent?.({ type: 'done', result: r });
  }
  return { exchange: session.request.exchange, results, interrupted };
}

/** prepareDownload + runDownload. */
export async function downloadCandles(req: DownloadRequest, env: DownloadEnv = {}): Promise<DownloadReport> {
  return runDownload(await prepareDownload(req, env), env);
}

interface JobProgress {
  added: number;
  requests: number;
  requested: { from: number; to: number } | null;
  fetched: Span[];
  /** the spans the cache file knows now */
  known: Span[];
}

function summary(job: Job, s: CandleSeries | null, status: JobStatus, p: JobProgress, error?: string, cause?: TradebotError): JobResult {
  const n = s?.length ?? 0;
  const allGaps = s && n > 1 ? findGaps(s) : [];
  const want: Span | null = p.requested ? [p.requested.from, p.requested.to + 1] : null;
  const missing = want ? subtractSpans(want, p.known) : [];
  const closesAt = candleClose(job.meta.timeframe, job.tfMs);
  // a gap that meets the requested range is the exchange's own once no part of it is missing
  const overlaps = (a: number, b: number, c: number, d: number) => a < d && c < b;
  const exchangeGaps = want
    ? allGaps.filter((g) => {
        const hole: Span = [closesAt(g.after), g.before];
        return overlaps(hole[0], hole[1], want[0], want[1]) && !missing.some(([a, b]) => overlaps(a, b, hole[0], hole[1]));
      })
    : [];
  return {
    exchange: job.meta.exchange,
    symbol: job.meta.symbol,
    timeframe: job.meta.timeframe,
    file: job.file,
    status,
    added: p.added,
    candles: n,
    first: n > 0 ? s!.time[0]! : null,
    last: n > 0 ? s!.time[n - 1]! : null,
    gaps: allGaps.length,
    requests: p.requests,
    requested: p.requested,
    fetched: normalizeSpans(p.fetched),
    exchangeGaps,
    missing,
    ...(error !== undefined ? { error } : {}),
    ...(cause !== undefined ? { cause } : {}),
  };
}

async function exchangeTime(ex: Exchange, env: DownloadEnv): Promise<number> {
  if (!ex.has['fetchTime']) return ex.milliseconds();
  const t = await withRetry(ex, env, () => ex.fetchTime());
  return typeof t === 'number' && Number.isFinite(t) ? t : ex.milliseconds();
}

async function downloadJob(session: DownloadSession, job: Job, env: DownloadEnv): Promise<JobResult> {
  const { ex, request } = session;
  const { symbol, timeframe } = job.meta;
  const tfMs = job.tfMs;
  const closesAt = candleClose(timeframe, tfMs);
  const limit = env.pageLimit ?? pageLimitOf(ex);
  const flushEvery = Math.max(1, env.flushEveryPages ?? 5);
  const flushInterval = env.flushMinIntervalMs ?? 1000;
  const lockOpts = {
    ...(env.lockWaitMs !== undefined ? { waitMs: env.lockWaitMs } : {}),
    command: `tradebot data download ${symbol} ${timeframe}`,
    onWait: (owner: CacheLockOwner | null) => env.onEvent?.({ type: 'lock-wait', symbol, timeframe, file: job.file, owner }),
  };
  // another writer may have added to the file since the session was prepared
  const onDisk = await loadCandleCache(job.file, job.meta);
  let current: CandleSeries | null = onDisk?.series ?? null;
  let storedSpans: Span[] = onDisk?.fetched ?? [];
  const p: JobProgress = { added: 0, requests: 0, requested: null, fetched: [], known: knownSpans(current, storedSpans, closesAt) };
  let buffer = new MutableCandleSeries(tfMs, 1024);
  /** spans fetched since the last flush: written with the candles, never before them */
  let pending: Span[] = [];
  let pagesSinceFlush = 0;
  let lastFlush = Date.now();
  const onRetry = (attempt: number, delayMs: number, reason: string) => env.onEvent?.({ type: 'retry', symbol, timeframe, attempt, delayMs, reason });

  const flush = async () => {
    if (buffer.length > 0 || pending.length > 0) {
      const u = await updateCandleCache(job.file, job.meta, buffer, pending, lockOpts);
      current = u.cached.series;
      storedSpans = u.cached.fetched;
      p.added += u.added;
      p.known = knownSpans(current, storedSpans, closesAt);
      env.onEvent?.({ type: 'flush', symbol, timeframe, candles: current.length });
    }
    buffer = new MutableCandleSeries(tfMs, 1024);
    pending = [];
    pagesSinceFlush = 0;
    lastFlush = Date.now();
  };

  try {
    const now = await exchangeTime(ex, env);
    // no candle opening later than this can be closed (whatever the exchange's alignment)
    const newestClosed = now - shortestPeriod(timeframe, tfMs);
    const to = Math.min(request.to ?? newestClosed, newestClosed);
    p.requested = { from: request.from, to };
    const wantEnd = to + 1;
    let missing = missingSpans(current, storedSpans, request.from, wantEnd, closesAt);
    const expected = missing.reduce((a, [s0, e]) => a + Math.ceil((e - s0) / tfMs), 0);
    env.onEvent?.({ type: 'start', symbol, timeframe, expected, cached: current?.length ?? 0 });
    let fetched = 0;
    let k = 0;
    let cursor = missing[0]?.[0] ?? wantEnd;

    for (;;) {
      while (k < missing.length && missing[k]![1] <= cursor) k++;
      if (k >= missing.length) break;
      if (cursor < missing[k]![0]) cursor = missing[k]![0];
      if (env.signal?.aborted) break;
      p.requests++;
      const at = cursor;
      const rows = (await withRetry(ex, env, () => ex.fetchOHLCV(symbol, timeframe, at, limit), onRetry)) as unknown[][];
      if (rows.length === 0) {
        // Binance's contract (and ccxt's `since`): nothing from here to the newest candle
        pending.push([at, wantEnd]);
        p.fetched.push([at, wantEnd]);
        break;
      }
      let maxT = -Infinity;
      let clean = true;
      for (const r of rows) {
        const t = Number(r[0]);
        if (!Number.isFinite(t)) {
          clean = false;
          continue;
        }
        if (t > maxT) maxT = t;
        if (t < at || t >= wantEnd || closesAt(t) > now) continue; // outside the range, or still forming
        const o = Number(r[1]);
        const h = Number(r[2]);
        const l = Number(r[3]);
        const c = Number(r[4]);
        const v = Number(r[5]);
        if (![o, h, l, c, v].every(Number.isFinite)) {
          clean = false; // a malformed row is not stored, and its span stays unknown
          continue;
        }
        buffer.push(t, o, h, l, c, v);
        fetched++;
      }
      pagesSinceFlush++;
      env.onEvent?.({ type: 'page', symbol, timeframe, fetched, expected, cursor: Math.max(at, maxT) });
      if (!(maxT >= at)) break; // the exchange ignored `since`: no progress to be made
      // the answer holds every candle the exchange has from `at` to the last one it sent
      const covered: Span = [at, Math.min(closesAt(maxT), wantEnd)];
      if (clean && covered[1] > covered[0]) {
        pending.push(covered);
        p.fetched.push(covered);
      }
      cursor = closesAt(maxT);
      if (pagesSinceFlush >= flushEvery && Date.now() - lastFlush >= flushInterval) {
        await flush();
        // what another writer stored meanwhile need not be fetched again
        missing = missingSpans(current, storedSpans, cursor, wantEnd, closesAt);
        k = 0;
      }
    }
    await flush();
    const status: JobStatus = env.signal?.aborted ? 'interrupted' : 'complete';
    return summary(job, current, status, p);
  } catch (err) {
    if (!(err instanceof TradebotError)) throw err; // a bug: not a failing pair
    // keep what was fetched before the failure, unless writing the cache is what failed
    if (!(err instanceof StateError)) {
      try {
        await flush();
      } catch {
        // the original error is the one to report
      }
    }
    // a retry wait cut short by an abort is an interruption, not a failure
    if (env.signal?.aborted) return summary(job, current, 'interrupted', p);
    return summary(job, current, 'failed', p, err.message, err);
  }
}

/** When the candle opening at t closes: months are calendar months, everything else a fixed length. */
export function candleClose(timeframe: string, tfMs: number): (t: number) => number {
  const m = /^(\d+)M$/.exec(timeframe);
  if (!m) return (t) => t + tfMs;
  const months = Number(m[1]);
  return (t) => {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  };
}

/** The shortest a candle of this timeframe can last (a month: 28 days). */
function shortestPeriod(timeframe: string, tfMs: number): number {
  const m = /^(\d+)M$/.exec(timeframe);
  return m ? Number(m[1]) * 28 * 86_400_000 : tfMs;
}

function pageLimitOf(ex: Exchange): number {
  const features = (ex as unknown as { features?: { spot?: { fetchOHLCV?: { limit?: unknown } } } }).features;
  const l = features?.spot?.fetchOHLCV?.limit;
  return typeof l === 'number' && l > 0 ? l : 1000;
}

/**
 * Runs a read, retrying what may succeed later: network errors, 5xx/HTML answers and rate limits
 * (waiting at least Retry-After). Backoff: base × 2^(attempt-1), capped, with "equal jitter" (half
 * fixed, half random) so that many clients do not retry in step. Other errors are thrown at once,
 * classified (ours, exit 4); non-ccxt errors (bugs) as they are.
 */
export async function withRetry<T>(ex: Exchange, env: DownloadEnv, fn: () => Promise<T>, onRetry?: (attempt: number, delayMs: number, reason: string) => void): Promise<T> {
  const max = Math.max(1, env.maxAttempts ?? 5);
  const base = env.baseDelayMs ?? 500;
  const cap = env.maxDelayMs ?? 30_000;
  const random = env.random ?? Math.random;
  const sleep = env.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (raw) {
      const err = classifyCcxtError(raw, { operation: 'read', headers: ex.last_response_headers as Record<string, string> | undefined });
      const retryable = err instanceof RateLimitedError || err instanceof NetworkError || err instanceof ExchangeUnavailableError;
      if (!retryable || attempt >= max || env.signal?.aborted) {
        if (retryable && attempt >= max) (err as Error).message = `${(err as Error).message} (gave up after ${attempt} attempts)`;
        throw err;
      }
      const backoff = Math.min(cap, base * 2 ** (attempt - 1));
      let delay = backoff / 2 + random() * (backoff / 2);
      if (err instanceof RateLimitedError) delay = Math.max(delay, err.retryAfterMs);
      onRetry?.(attempt, delay, (err as Error).message);
      await sleep(delay, env.signal);
      if (env.signal?.aborted) throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The cache for one market, completed from the exchange when needed (backtest --exchange)

export interface EnsureCandlesRequest {
  exchange: string;
  apiUrl?: string | null;
  sandbox?: boolean;
  symbol: string;
  timeframe: string;
  /** first open time wanted; default: the start of the cache (required when there is no cache) */
  from?: number;
  /** last open time wanted; default: the last closed candle (asks the exchange) */
  to?: number;
  home: string;
}

/**
 * The cached candles of one market covering [from, to], downloading what is missing first. A
 * cache that already covers the range is used without touching the network (offline runs).
 */
export async function ensureCandles(req: EnsureCandlesRequest, env: DownloadEnv = {}): Promise<CachedCandles> {
  const meta = { exchange: req.exchange, symbol: req.symbol, timeframe: req.timeframe };
  const tfMs = timeframeToMs(req.timeframe);
  const file = cachePath(req.home, meta);
  const cached = await loadCandleCache(file, meta);
  if (cached && cached.series.length > 0 && req.to !== undefined) {
    const from = req.from ?? cached.series.time[0]!;
    // covered: nothing in the range is unknown to the cache (a gap the exchange has is known)
    if (missingSpans(cached.series, cached.fetched, from, req.to + 1, candleClose(req.timeframe, tfMs)).length === 0) return cached;
  }
  const from = req.from ?? (cached && cached.series.length > 0 ? cached.series.time[0]! : undefined);
  if (from === undefined) {
    throw new UsageError(`no cached candles for ${req.exchange} ${req.symbol} ${req.timeframe}: pass --from DATE to download them`);
  }
  const report = await downloadCandles(
    {
      exchange: req.exchange,
      ...(req.apiUrl ? { apiUrl: req.apiUrl } : {}),
      ...(req.sandbox ? { sandbox: true } : {}),
      symbols: [req.symbol],
      timeframes: [req.timeframe],
      from,
      ...(req.to !== undefined ? { to: req.to } : {}),
      home: req.home,
    },
    env,
  );
  const r = report.results[0]!;
  if (r.status === 'failed' && r.cause) throw r.cause;
  const loaded = await loadCandleCache(file, meta);
  if (!loaded || loaded.series.length === 0) {
    throw new UsageError(`${req.exchange} has no ${req.timeframe} candles for ${req.symbol} from ${formatTime(from)}${req.to !== undefined ? ` to ${formatTime(req.to)}` : ''}`);
  }
  return loaded;
}
