/**
 * Text and JSON for `tradebot data`: the cache list, check reports, download summaries and the
 * download progress line. Returns strings; the progress line writes to the stream it is given.
 */
import { Chalk } from 'chalk';
import type { CandleCheckReport, RowProblem } from '../data/check-candles.js';
import type { CacheListEntry } from '../data/cache-tasks.js';
import type { CacheLockOwner } from '../data/cache-lock.js';
import type { DownloadEvent, DownloadReport, JobResult } from '../data/download.js';

/** Version of the JSON documents printed by `data list --json`, `data check --json` and `data download --json`. */
export const DATA_JSON_SCHEMA_VERSION = 1;

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

/** `2024-01-01 00:05` (UTC); seconds only when they are not zero. */
export function shortTime(ms: number | null): string {
  if (ms === null) return '–';
  const iso = new Date(ms).toISOString();
  const s = iso.slice(0, 10) + ' ' + iso.slice(11, 16);
  return iso.slice(16, 19) === ':00' ? s : s + iso.slice(16, 19);
}

function table(head: string[], rows: string[][], right: Set<number>): string {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, k) => (right.has(k) ? c.padStart(widths[k]!) : c.padEnd(widths[k]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export function renderCacheList(entries: CacheListEntry[], cacheDir: string): string {
  if (entries.length === 0) return `no cached candles in ${cacheDir} (download some with 'tradebot data download')\n`;
  const rows = entries.map((e) =>
    e.error
      ? [e.exchange, e.symbol, e.timeframe, '–', '–', '–', '–', `unreadable: ${e.error}`]
      : [e.exchange, e.symbol, e.timeframe, shortTime(e.first), shortTime(e.last), fmtInt(e.candles), e.gaps === 0 ? '0' : `${fmtInt(e.gaps)} (${fmtInt(e.missing)} candles)`, ''],
  );
  return table(['exchange', 'pair', 'timeframe', 'first', 'last', 'candles', 'gaps', ''], rows, new Set([5, 6])) + `cache: ${cacheDir}\n`;
}

export function cacheListJson(entries: CacheListEntry[], cacheDir: string): string {
  return `${JSON.stringify({ schemaVersion: DATA_JSON_SCHEMA_VERSION, cache: cacheDir, entries }, null, 2)}\n`;
}

const LISTED = 10;

function problemLines(title: string, items: RowProblem[]): string[] {
  if (items.length === 0) return [];
  const out = [`${title}: ${fmtInt(items.length)}`];
  for (const p of items.slice(0, LISTED)) out.push(`  ${p.where ? `${p.where} ` : ''}${shortTime(p.time)}: ${p.message}`);
  if (items.length > LISTED) out.push(`  … and ${fmtInt(items.length - LISTED)} more`);
  return out;
}

export function renderCheckReport(r: CandleCheckReport, label: string, opts: { color?: boolean } = {}): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  out.push(`${c.bold(label)}: ${fmtInt(r.candles)} candles of ${r.timeframe}, ${shortTime(r.first)} → ${shortTime(r.last)}`);
  if (r.gaps.length > 0) {
    out.push(`gaps: ${fmtInt(r.gaps.length)} (${fmtInt(r.missing)} candles missing)`);
    for (const g of r.gaps.slice(0, LISTED)) out.push(`  after ${shortTime(g.after)}, before ${shortTime(g.before)}: ${fmtInt(g.missing)} missing`);
    if (r.gaps.length > LISTED) out.push(`  … and ${fmtInt(r.gaps.length - LISTED)} more`);
  }
  out.push(...problemLines('duplicate timestamps', r.duplicates));
  out.push(...problemLines('rows out of order', r.outOfOrder));
  out.push(...problemLines('off the timeframe grid', r.offGrid));
  if (r.zeroVolumeRuns.length > 0) {
    const total = r.zeroVolumeRuns.reduce((a, z) => a + z.candles, 0);
    out.push(`zero-volume runs: ${fmtInt(r.zeroVolumeRuns.length)} (${fmtInt(total)} candles)`);
    for (const z of r.zeroVolumeRuns.slice(0, LISTED)) out.push(`  ${shortTime(z.from)} → ${shortTime(z.to)}: ${fmtInt(z.candles)} candles`);
    if (r.zeroVolumeRuns.length > LISTED) out.push(`  … and ${fmtInt(r.zeroVolumeRuns.length - LISTED)} more`);
  }
  out.push(...problemLines('OHLC violations', r.ohlcViolations));
  out.push(r.problems === 0 ? c.green('no problems found') : c.yellow(`${fmtInt(r.problems)} problem${r.problems === 1 ? '' : 's'} found`));
  return out.join('\n') + '\n';
}

export function checkReportJson(r: CandleCheckReport, source: string): string {
  return `${JSON.stringify({ schemaVersion: DATA_JSON_SCHEMA_VERSION, source, ...r }, null, 2)}\n`;
}

/** One line per pair and timeframe once it is done. */
export function renderJobResult(r: JobResult): string {
  const what = `${r.exchange} ${r.symbol} ${r.timeframe}`;
  const range = r.candles > 0 ? `${fmtInt(r.candles)} cached, ${shortTime(r.first)} → ${shortTime(r.last)}${r.gaps > 0 ? `, ${fmtInt(r.gaps)} gaps` : ''}` : 'nothing cached';
  switch (r.status) {
    case 'complete':
      return `${what}: +${fmtInt(r.added)} candles (${range})\n`;
    case 'interrupted':
      return `${what}: interrupted after +${fmtInt(r.added)} candles (${range}); run the same command to resume\n`;
    case 'failed':
      return `${what}: FAILED after +${fmtInt(r.added)} candles (${range}): ${r.error}\n`;
    case 'skipped':
      return `${what}: skipped${r.error ? ` (${r.error})` : ''}\n`;
  }
}

/**
 * `data download --json`: per pair and timeframe what was asked for and fetched (spans of open
 * times, `end` exclusive), the candles added, the gaps the exchange itself has in the requested
 * range, what is still missing, and why a download failed.
 */
export function downloadReportJson(report: DownloadReport): string {
  const span = ([start, end]: readonly [number, number]) => ({ start, end });
  const doc = {
    schemaVersion: DATA_JSON_SCHEMA_VERSION,
    exchange: report.exchange,
    interrupted: report.interrupted,
    failures: report.results.filter((r) => r.status === 'failed' || r.status === 'skipped').length,
    results: report.results.map((r) => ({
      symbol: r.symbol,
      timeframe: r.timeframe,
      file: r.file,
      status: r.status,
      requested: r.requested,
      fetched: r.fetched.map(span),
      requests: r.requests,
      added: r.added,
      candles: r.candles,
      first: r.first,
      last: r.last,
      gaps: r.exchangeGaps,
      missing: r.missing.map(span),
      error: r.error ?? null,
      exitCode: r.cause?.exitCode ?? null,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The line a writer prints once when it has to wait for another one's lock on a cache file. */
export function lockWaitLine(file: string, owner: CacheLockOwner | null): string {
  const who = owner ? `pid ${owner.pid} on ${owner.host} (${owner.command})` : 'another process';
  return `waiting for ${who} to finish writing ${file}\n`;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * The live progress of a download on a terminal: one line redrawn in place on `stream` (candles,
 * percent, a bar, ETA), at most ten times a second. `line()` gives the text for tests.
 */
export class DownloadProgress {
  private label = '';
  private fetched = 0;
  private expected = 0;
  private started = 0;
  private lastDraw = 0;
  private note = '';
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { columns?: number },
    private readonly now: () => number = Date.now,
  ) {}

  onEvent(e: DownloadEvent): void {
    switch (e.type) {
      case 'start':
        this.label = `${e.symbol} ${e.timeframe}`;
        this.fetched = 0;
        this.expected = e.expected;
        this.started = this.now();
        this.note = '';
        this.draw(true);
        break;
      case 'page':
        this.fetched = e.fetched;
        this.note = '';
        this.draw(false);
        break;
      case 'retry':
        this.note = `retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s`;
        this.draw(true);
        break;
      case 'lock-wait':
        this.note = 'waiting for another writer of the cache';
        this.draw(true);
        break;
      case 'done':
        this.clear();
        break;
      default:
        break;
    }
  }

  line(): string {
    const pct = this.expected > 0 ? Math.min(1, this.fetched / this.expected) : 1;
    const width = 20;
    const filled = Math.round(pct * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const elapsed = this.now() - this.started;
    const eta = this.fetched > 0 && pct < 1 ? ` ETA ${duration((elapsed / this.fetched) * (this.expected - this.fetched))}` : '';
    return `${this.label} ${bar} ${(pct * 100).toFixed(0)}% ${fmtInt(this.fetched)}/${fmtInt(this.expected)} candles${eta}${this.note ? ` (${this.note})` : ''}`;
  }

  private draw(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    const cols = this.stream.columns || 100;
    this.stream.write(`\r\u001b[2K${this.line().slice(0, Math.max(10, cols - 1))}`);
    this.shown = true;
  }

  /** Removes the line (before other output, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\u001b[2K');
    this.shown = false;
  }
}
