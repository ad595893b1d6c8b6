import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { useColor } from '../src/io.js';
import { AssertionFailedError, ExitCode, TradebotError, UsageError } from '../src/core/errors.js';
import { timeframeToMs } from '../src/core/timeframe.js';
import { findGaps } from '../src/core/candles.js';
import type { TradebotConfig } from '../src/config/schema.js';
import { loadConfig, mergeConfig, resolveConfig } from '../src/config/load-config.js';
import { cacheRoot, resolveHome } from '../src/config/home.js';
import type { CacheLockOwner } from '../src/data/cache-lock.js';
import { cachePath, type CandleCacheMeta } from '../src/data/candle-cache.js';
import { formatCandles, importCandleFile, listCandleCaches, requireCache, resampleCache, type ExportFormat } from '../src/data/cache-tasks.js';
import { checkCandles } from '../src/data/check-candles.js';
import { prepareDownload, runDownload, type DownloadEvent } from '../src/data/download.js';
import { parseDate } from '../src/data/parse-date.js';
import { checkPairMatchesFile } from '../src/data/pair-from-file-name.js';
import { readCandleRows } from '../src/data/read-candles.js';
import { selectRange } from '../src/data/select-range.js';
import {
  DownloadProgress,
  cacheListJson,
  checkReportJson,
  downloadReportJson,
  lockWaitLine,
  renderCacheList,
  renderCheckReport,
  renderJobResult,
} from '../src/report/data-report.js';
import { flagsToConfig, type FlagMap } from './options.js';

type DataCommand = 'download' | 'list' | 'import' | 'export' | 'resample' | 'check';

interface Ctx {
  cmd: Command;
  env: CommandEnv;
  cfg: TradebotConfig;
  home: string;
  opts: Record<string, unknown>;
}

export async function dataAction(name: DataCommand, cmd: Command, flags: FlagMap, env: CommandEnv): Promise<void> {
  const opts = cmd.opts<Record<string, unknown>>();
  const file = await loadConfig({ cwd: env.cwd, ...(typeof opts.config === 'string' ? { configFile: opts.config } : {}) });
  const cfg = resolveConfig(mergeConfig(file.config, flagsToConfig(cmd, flags)));
  const ctx: Ctx = { cmd, env, cfg, home: resolveHome({ configHome: cfg.home, env: env.env, cwd: env.cwd }), opts };
  switch (name) {
    case 'download':
      return download(ctx);
    case 'list':
      return list(ctx);
    case 'import':
      return importFile(ctx);
    case 'export':
      return exportCandles(ctx);
    case 'resample':
      return resample(ctx);
    case 'check':
      return check(ctx);
  }
}

function exchangeOf(cfg: TradebotConfig): string {
  if (cfg.exchange.id === null) throw new UsageError('no exchange given: pass --exchange ID (e.g. binance) or set exchange.id in the config');
  return cfg.exchange.id;
}

function pairsOf(cfg: TradebotConfig): string[] {
  if (cfg.pair === null) throw new UsageError('no pair given: pass --pair BTC/USDT or set pair in the config');
  return [...new Set(cfg.pair.split(',').map((p) => p.trim()).filter((p) => p !== ''))];
}

/** One market: exchange, a single pair and a single timeframe. */
function marketOf(cfg: TradebotConfig): CandleCacheMeta {
  const exchange = exchangeOf(cfg);
  const pairs = pairsOf(cfg);
  if (pairs.length !== 1) throw new UsageError(`this command takes one pair, got ${pairs.join(', ')}`);
  if (cfg.timeframe === null) throw new UsageError('no timeframe given: pass --timeframe 5m or set timeframe in the config');
  return { exchange, symbol: pairs[0]!, timeframe: cfg.timeframe };
}

function dateOpt(ctx: Ctx, key: 'from' | 'to'): number | undefined {
  const v = ctx.opts[key];
  return typeof v === 'string' ? parseDate(v, `--${key}`) : undefined;
}

// ---------------------------------------------------------------------------------------------

async function download(ctx: Ctx): Promise<void> {
  const { cfg, env } = ctx;
  const exchange = exchangeOf(cfg);
  const symbols = pairsOf(cfg);
  const tfText = ctx.cmd.getOptionValueSource('timeframe') === 'cli' ? String(ctx.opts.timeframe) : cfg.timeframe;
  if (tfText === null) throw new UsageError('no timeframe given: pass --timeframe 1m (several separated by commas) or set timeframe in the config');
  const timeframes = [...new Set(tfText.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
  for (const tf of timeframes) timeframeToMs(tf);
  const from = dateOpt(ctx, 'from');
  if (from === undefined) throw new UsageError('no start given: pass --from DATE (e.g. 2024-01-01)');
  const to = dateOpt(ctx, 'to');
  if (to !== undefined && from > to) throw new UsageError(`--from ${String(ctx.opts.from)} is after --to ${String(ctx.opts.to)}`);

  const json = ctx.opts.json === true;
  const tty = Boolean(env.stderr.isTTY);
  const progress = tty ? new DownloadProgress(env.stderr) : null;
  const onEvent = (e: DownloadEvent) => {
    progress?.onEvent(e);
    if (e.type === 'done') {
      if (!json) env.stdout.write(renderJobResult(e.result));
    } else if (e.type === 'retry' && !tty) {
      const what = e.symbol === '*' ? exchange : `${exchange} ${e.symbol} ${e.timeframe}`;
      env.stderr.write(`${what}: retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s: ${e.reason}\n`);
    } else if (e.type === 'lock-wait' && !tty) {
      env.stderr.write(lockWaitLine(e.file, e.owner));
    }
  };

  // Ctrl+C: stop after the current page, flush it, exit 130; a second Ctrl+C exits at once (the
  // cache file is only ever replaced by a rename, and the lock goes with the process)
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(ExitCode.interrupted);
    ac.abort();
    progress?.clear();
    env.stderr.write('interrupted: finishing the current page (Ctrl+C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  let report;
  try {
    const dlEnv = { onEvent, signal: ac.signal };
    const session = await prepareDownload(
      { exchange, ...(cfg.exchange.apiUrl ? { apiUrl: cfg.exchange.apiUrl } : {}), sandbox: cfg.exchange.sandbox, symbols, timeframes, from, ...(to !== undefined ? { to } : {}), home: ctx.home },
      dlEnv,
    );
    report = await runDownload(session, dlEnv);
  } catch (err) {
    // a retry wait cut short by Ctrl+C surfaces as the request's error: it is an interruption
    if (ac.signal.aborted) throw new TradebotError('interrupted before the download started', ExitCode.interrupted, { cause: err });
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    progress?.clear();
  }
  if (json) env.stdout.write(downloadReportJson(report));
  if (report.interrupted) {
    throw new TradebotError('interrupted: the cache keeps what was downloaded; run the same command again to resume', ExitCode.interrupted);
  }
  const failed = report.results.filter((r) => r.status === 'failed' || r.status === 'skipped');
  if (failed.length > 0) {
    const first = report.results.find((r) => r.cause);
    throw new TradebotError(
      `${failed.length} of ${report.results.length} downloads failed (${failed.map((r) => `${r.symbol} ${r.timeframe}`).join(', ')}); what was downloaded is kept and the same command resumes`,
      first?.cause?.exitCode ?? ExitCode.exchange,
    );
  }
}

/** Import and resample wait for a download (or another import) writing the same cache file. */
function lockOptions(ctx: Ctx, command: string) {
  return { command, onWait: (owner: CacheLockOwner | null) => ctx.env.stderr.write(lockWaitLine(cachePath(ctx.home, marketOf(ctx.cfg)), owner)) };
}

async function list(ctx: Ctx): Promise<void> {
  const entries = await listCandleCaches(ctx.home);
  const dir = cacheRoot(ctx.home);
  ctx.env.stdout.write(ctx.opts.json === true ? cacheListJson(entries, dir) : renderCacheList(entries, dir));
}

async function importFile(ctx: Ctx): Promise<void> {
  const meta = marketOf(ctx.cfg);
  const arg = ctx.cmd.args[0]!;
  checkPairMatchesFile(meta.symbol, resolve(ctx.env.cwd, arg), arg);
  const out = await importCandleFile(resolve(ctx.env.cwd, arg), ctx.home, meta, lockOptions(ctx, `tradebot data import ${meta.symbol} ${meta.timeframe}`));
  ctx.env.stdout.write(
    `imported ${arg} into ${meta.exchange} ${meta.symbol} ${meta.timeframe}: +${out.added} candles` +
      `${out.kept > 0 ? ` (${out.kept} already cached, kept)` : ''}; ${out.series.length} cached in ${out.file}\n`,
  );
}

async function exportCandles(ctx: Ctx): Promise<void> {
  const meta = marketOf(ctx.cfg);
  const cached = await requireCache(ctx.home, meta);
  const from = dateOpt(ctx, 'from');
  const to = dateOpt(ctx, 'to');
  const s = cached.series;
  const picked =
    from === undefined && to === undefined
      ? s
      : selectRange({ series: s, source: cached.path, timeframe: meta.timeframe, gaps: findGaps(s) }, from, to).series;
  const format = ctx.opts.format as ExportFormat;
  const out = typeof ctx.opts.out === 'string' ? resolve(ctx.env.cwd, ctx.opts.out) : null;
  if (out === null) {
    for (const chunk of formatCandles(picked, format)) await write(ctx.env.stdout, chunk);
    return;
  }
  let fh;
  try {
    fh = await open(out, 'w');
    for (const chunk of formatCandles(picked, format)) await fh.write(chunk);
  } catch (err) {
    throw new UsageError(`--out ${out}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  } finally {
    await fh?.close();
  }
  ctx.env.stderr.write(`wrote ${picked.length} candles to ${out}\n`);
}

/** Writes and waits for the stream to drain when its buffer is full (a pipe to a slow reader). */
function write(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  return new Promise((res) => {
    if (stream.write(chunk)) res();
    else stream.once('drain', () => res());
  });
}

async function resample(ctx: Ctx): Promise<void> {
  const meta = marketOf(ctx.cfg);
  const fromTf = ctx.opts.fromTimeframe;
  if (typeof fromTf !== 'string') throw new UsageError('no source timeframe given: pass --from-timeframe 1m');
  timeframeToMs(fromTf);
  const out = await resampleCache(ctx.home, meta, fromTf, lockOptions(ctx, `tradebot data resample ${meta.symbol} ${meta.timeframe}`));
  ctx.env.stdout.write(
    `built ${out.built} ${meta.timeframe} candles from ${out.source} ${fromTf} candles for ${meta.exchange} ${meta.symbol}: +${out.added}` +
      `${out.kept > 0 ? ` (${out.kept} already cached, kept)` : ''}; ${out.series.length} cached in ${out.file}\n`,
  );
}

async function check(ctx: Ctx): Promise<void> {
  const { env, opts } = ctx;
  const arg = ctx.cmd.args[0];
  let report;
  let source: string;
  if (arg !== undefined) {
    source = arg;
    const rows = await readCandleRows(resolve(env.cwd, arg));
    // only a --timeframe given for this run applies to a file; a config timeframe may be another market's
    const tf = ctx.cmd.getOptionValueSource('timeframe') === 'cli' ? timeframeToMs(String(opts.timeframe)) : undefined;
    report = checkCandles(rows, { where: rows.where, ...(tf !== undefined ? { timeframeMs: tf } : {}) });
  } else {
    const meta = marketOf(ctx.cfg);
    const cached = await requireCache(ctx.home, meta);
    source = `${meta.exchange} ${meta.symbol} ${meta.timeframe}`;
    report = checkCandles(cached.series, { timeframeMs: cached.meta.timeframeMs });
  }
  env.stdout.write(opts.json === true ? checkReportJson(report, source) : renderCheckReport(report, source, { color: useColor(env) }));
  if (opts.strict === true && report.problems > 0) {
    throw new AssertionFailedError([`data check: ${report.problems} problem${report.problems === 1 ? '' : 's'} found in ${source} (--strict)`]);
  }
}
