/**
 * The candle cache: one binary file per exchange, pair and timeframe, at
 * `<home>/cache/<exchange>/<BASE>_<QUOTE>-<tf>.tbc`.
 *
 * Layout (little-endian), column-major so that loading is one read and six typed-array views:
 *
 *   offset  size  field
 *   0       8     magic "TBCANDL1"
 *   8       4     u32 format version (2; version 1 files still load)
 *   12      4     u32 header size in bytes, a multiple of 8 (where the columns start)
 *   16      8     f64 candle count
 *   24      8     f64 timeframe in ms
 *   32      ...   exchange id, symbol, timeframe: each a u16 byte length then UTF-8
 *   ...     4     (version 2) u32 count k of fetched spans
 *   ...     16·k  (version 2) each span: f64 start, f64 end: candle open times [start, end) fetched
 *                 from the exchange (see coverage.ts); version 1 has none
 *   ...           zero padding to the header size
 *   header  8·n   time (candle open, epoch ms), then open, high, low, close, volume: n float64 each
 *
 * Candles are sorted by time with no duplicates, and only closed candles are ever stored.
 * Writes are atomic (unique temp file in the same directory, fsync, rename, fsync the directory):
 * a crash or a full disk leaves the previous file as it was. Writers that read, merge and write
 * hold the cache's lock (update-cache.ts); readers need none.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { ensureDir } from '../store/ensure-dir.js';
import { describeFsError } from '../store/environment-error.js';
import os from 'node:os';
import path from 'node:path';
import { type CandleSeries, seriesFromArrays, allocateCandles } from '../core/candles.js';
import { StateError, UsageError } from '../core/errors.js';
import { timeframeToMs } from '../core/timeframe.js';
import { cacheRoot } from '../config/home.js';
import { normalizeSpans, type Span } from './coverage.js';
import { formatTime } from './parse-date.js';

export const CACHE_MAGIC = 'TBCANDL1';
export const CACHE_VERSION = 2;
export const CACHE_EXTENSION = '.tbc';
const FIXED_HEADER = 32;
const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface CandleCacheMeta {
  /** ccxt exchange id */
  exchange: string;
  /** ccxt symbol, e.g. BTC/USDT */
  symbol: string;
  /** e.g. '5m' */
  timeframe: string;
}

export interface CachedCandles {
  meta: CandleCacheMeta & { timeframeMs: number };
  /** zero-copy views on the file's bytes */
  series: CandleSeries;
  /** the spans fetched from the exchange, normalized (none in a version 1 file) */
  fetched: Span[];
  path: string;
}

/** `BTC/USDT` → `BTC_USDT`, `BTC/USDT:USDT` → `BTC_USDT_USDT`; anything unsafe in a file name → `-`. */
export function symbolFileName(symbol: string): string {
  return symbol.replace(/[/:]/g, '_').replace(/[^A-Za-z0-9._-]/g, '-');
}

/** `<home>/cache/<exchange>/<BASE>_<QUOTE>-<tf>.tbc`. A month (`1M`) is `1mo`: `1M` and `1m` must not collide on case-insensitive disks. */
/** The exchange's precision and minimums for a pair, saved by downloads (JSON). */
export function marketInfoPath(home: string, exchange: string, symbol: string): string {
  return path.join(cacheRoot(home), exchange, `${symbolFileName(symbol)}.market.json`);
}

export function cachePath(home: string, meta: CandleCacheMeta): string {
  const tf = meta.timeframe.endsWith('M') ? `${meta.timeframe.slice(0, -1)}mo` : meta.timeframe;
  return path.join(cacheRoot(home), meta.exchange, `${symbolFileName(meta.symbol)}-${tf}${CACHE_EXTENSION}`);
}

// ---------------------------------------------------------------------------------------------
// Encoding

function headerBytes(meta: CandleCacheMeta, spans: number): { size: number; strings: Buffer[] } {
  const strings = [meta.exchange, meta.symbol, meta.timeframe].map((s) => Buffer.from(s, 'utf8'));
  for (const s of strings) if (s.length > 0xffff) throw new UsageError(`candle cache field too long: ${s.toString('utf8', 0, 40)}…`);
  const raw = FIXED_HEADER + strings.reduce((a, s) => a + 2 + s.length, 0) + 4 + 16 * spans;
  return { size: Math.ceil(raw / 8) * 8, strings };
}

/** The header of a cache file holding `count` candles and the fetched spans `fetched`. */
export function encodeHeader(meta: CandleCacheMeta, count: number, fetched: readonly Span[] = []): Buffer {
  const spans = normalizeSpans(fetched);
  const { size, strings } = headerBytes(meta, spans.length);
  const buf = Buffer.alloc(size);
  buf.write(CACHE_MAGIC, 0, 'latin1');
  buf.writeUInt32LE(CACHE_VERSION, 8);
  buf.writeUInt32LE(size, 12);
  buf.writeDoubleLE(count, 16);
  buf.writeDoubleLE(timeframeToMs(meta.timeframe), 24);
  let p = FIXED_HEADER;
  for (const s of strings) {
    buf.writeUInt16LE(s.length, p);
    s.copy(buf, p + 2);
    p += 2 + s.length;
  }
  buf.writeUInt32LE(spans.length, p);
  p += 4;
  for (const [a, b] of spans) {
    buf.writeDoubleLE(a, p);
    buf.writeDoubleLE(b, p + 8);
    p += 16;
  }
  return buf;
}

function assertLittleEndian(): void {
  // the columns are written and viewed as native float64: refuse rather than misread on a big-endian host
  if (os.endianness() !== 'LE') throw new UsageError('the candle cache needs a little-endian machine');
}

// ---------------------------------------------------------------------------------------------
// Loading

function corrupt(file: string, why: string, cause?: unknown): UsageError {
  return new UsageError(
    `candle cache ${file} is unreadable (${why}): delete it (rm "${file}") and download the candles again with 'tradebot data download', or re-import them with 'tradebot data import'`,
    cause === undefined ? undefined : { cause },
  );
}

/** Parses and checks a cache file's bytes; throws a UsageError naming `file` when they are not a valid cache. */
export function decodeCache(bytes: Buffer, file: string): CachedCandles {
  assertLittleEndian();
  if (bytes.length < FIXED_HEADER) throw corrupt(file, `truncated: ${bytes.length} bytes, shorter than the header`);
  if (bytes.toString('latin1', 0, 8) !== CACHE_MAGIC) throw corrupt(file, 'not a tradebot candle cache: wrong magic bytes');
  const version = bytes.readUInt32LE(8);
  if (version !== CACHE_VERSION && version !== 1) {
    throw corrupt(file, version > CACHE_VERSION ? `format version ${version} was written by a newer tradebot` : `unknown format version ${version}`);
  }
  const hsize = bytes.readUInt32LE(12);
  const count = bytes.readDoubleLE(16);
  const tfMs = bytes.readDoubleLE(24);
  if (hsize % 8 !== 0 || hsize < FIXED_HEADER + 6 || hsize > bytes.length) throw corrupt(file, `bad header size ${hsize}`);
  if (!Number.isSafeInteger(count) || count < 0) throw corrupt(file, `bad candle count ${count}`);
  if (!Number.isSafeInteger(tfMs) || tfMs <= 0) throw corrupt(file, `bad timeframe ${tfMs} ms`);
  const strings: string[] = [];
  let p = FIXED_HEADER;
  for (let k = 0; k < 3; k++) {
    if (p + 2 > hsize) throw corrupt(file, 'header fields overrun the header');
    const len = bytes.readUInt16LE(p);
    if (p + 2 + len > hsize) throw corrupt(file, 'header fields overrun the header');
    strings.push(bytes.toString('utf8', p + 2, p + 2 + len));
    p += 2 + len;
  }
  const [exchange, symbol, timeframe] = strings as [string, string, string];
  const fetched: Span[] = [];
  if (version >= 2) {
    if (p + 4 > hsize) throw corrupt(file, 'header fields overrun the header');
    const k = bytes.readUInt32LE(p);
    p += 4;
    if (p + 16 * k > hsize) throw corrupt(file, `${k} fetched spans overrun the header`);
    let prevEnd = -Infinity;
    for (let j = 0; j < k; j++, p += 16) {
      const a = bytes.readDoubleLE(p);
      const b = bytes.readDoubleLE(p + 8);
      if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !(a < b) || a < prevEnd) throw corrupt(file, `fetched span ${j} [${a}, ${b}) is invalid or out of order`);
      fetched.push([a, b]);
      prevEnd = b;
    }
  }
  let tfCheck: number;
  try {
    tfCheck = timeframeToMs(timeframe);
  } catch (err) {
    throw corrupt(file, `bad timeframe ${JSON.stringify(timeframe)}`, err);
  }
  if (tfCheck !== tfMs) throw corrupt(file, `timeframe ${timeframe} does not match ${tfMs} ms`);
  const expected = hsize + 48 * count;
  if (bytes.length !== expected) {
    throw corrupt(file, bytes.length < expected ? `truncated: ${bytes.length} bytes, ${expected} expected for ${count} candles` : `${bytes.length - expected} unexpected trailing bytes`);
  }

  // Float64Array views need an 8-byte aligned offset; readFile's buffers are, but a pooled one may not be
  let buf = bytes;
  if ((buf.byteOffset + hsize) % 8 !== 0) {
    const copy = Buffer.from(new ArrayBuffer(bytes.length));
    bytes.copy(copy);
    buf = copy;
  }
  const cols = COLUMNS.map((_, k) => new Float64Array(buf.buffer, buf.byteOffset + hsize + k * 8 * count, count)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const [time] = cols;
  // sorted, unique, finite times: cheap enough to check on every load and catches most damage
  let prev = -Infinity;
  for (let i = 0; i < count; i++) {
    const t = time[i]!;
    if (!(t > prev) || !Number.isFinite(t)) {
      throw corrupt(file, `candle ${i} time ${formatTime(t)} is not after the previous ${formatTime(prev)}`);
    }
    prev = t;
  }
  const series = seriesFromArrays({ time, open: cols[1], high: cols[2], low: cols[3], close: cols[4], volume: cols[5] }, tfMs, count);
  return { meta: { exchange, symbol, timeframe, timeframeMs: tfMs }, series, fetched: normalizeSpans(fetched), path: file };
}

/**
 * Loads a cache file: one read, then views on its bytes. Missing file → null. A corrupt or
 * truncated file, or one holding another market than `expect` says → UsageError naming the file
 * and how to rebuild it.
 */
export async function loadCandleCache(file: string, expect?: CandleCacheMeta): Promise<CachedCandles | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new StateError(`cannot read candle cache ${file}: ${describeFsError(err)}`, { cause: err });
  }
  const cached = decodeCache(bytes, file);
  if (expect) {
    const m = cached.meta;
    if (m.exchange !== expect.exchange || m.symbol !== expect.symbol || m.timeframe !== expect.timeframe) {
      throw corrupt(file, `it holds ${m.exchange} ${m.symbol} ${m.timeframe}, not ${expect.exchange} ${expect.symbol} ${expect.timeframe}`);
    }
  }
  return cached;
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface WriteCacheOptions {
  /** the spans fetched from the exchange (written to the header; default none) */
  fetched?: readonly Span[];
  /** runs after the temp file is written, before the rename: throw to keep the previous file (a lost lock, a test's failure) */
  beforeRename?: (tempPath: string) => Promise<void> | void;
}

/** Temp files being written: removed if the process exits mid-write (a second Ctrl+C). */
const inProgress = new Set<string>();
let exitHookInstalled = false;
function trackTemp(temp: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const t of inProgress) {
        try {
          unlinkSync(t);
        } catch {
          // already gone
        }
      }
    });
  }
  inProgress.add(temp);
}

async function writeAll(fh: FileHandle, buf: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    done += bytesWritten;
  }
  return position + done;
}

/**
 * Writes `series` (sorted, unique, closed candles) as the cache file `file`, atomically: a unique
 * temp file in the same directory, written and fsynced, renamed over `file`, then the directory
 * fsynced so the rename survives a power loss. On any failure the temp file is removed, the
 * previous `file` is untouched, and a StateError (exit 5) names the file and the reason.
 */
export async function writeCandleCache(file: string, meta: CandleCacheMeta, series: CandleSeries, opts: WriteCacheOptions = {}): Promise<void> {
  assertLittleEndian();
  const tfMs = timeframeToMs(meta.timeframe);
  if (series.timeframeMs !== tfMs) throw new UsageError(`candles of ${series.timeframeMs} ms cannot be cached as ${meta.timeframe}`);
  const n = series.length;
  const header = encodeHeader(meta, n, opts.fetched ?? []);
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  await ensureDir(dir);
  let fh: FileHandle | undefined;
  try {
    trackTemp(temp);
    fh = await open(temp, 'wx', 0o644);
    let pos = await writeAll(fh, header, 0);
    for (const c of COLUMNS) {
      const col = series[c].subarray(0, n);
      pos = await writeAll(fh, new Uint8Array(col.buffer, col.byteOffset, n * 8), pos);
    }
    await opts.beforeRename?.(temp);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(temp, file);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    inProgress.delete(temp);
    if (err instanceof StateError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new StateError(`cannot write the candle cache ${file}: ${code ?? (err as Error).message}; the previous file is unchanged`, { cause: err });
  }
  inProgress.delete(temp);
  await fsyncDir(dir);
}

/** Makes a rename durable. Windows cannot open a directory for fsync: skip it there. */
async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw new StateError(`cannot sync directory ${dir}: ${code ?? (err as Error).message}`, { cause: err });
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Merging

/**
 * `incoming` sorted by time with duplicates removed (the first of equal times kept). Returns the
 * input itself when it already is.
 */
export function normalizeSeries(s: CandleSeries): CandleSeries {
  const n = s.length;
  let ok = true;
  for (let i = 1; i < n && ok; i++) if (!(s.time[i]! > s.time[i - 1]!)) ok = false;
  if (ok) return s;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => s.time[a]! - s.time[b]! || a - b);
  const keep = idx.filter((k, j) => j === 0 || s.time[k]! !== s.time[idx[j - 1]!]!);
  const pick = (a: Float64Array) => Float64Array.from(keep, (k) => a[k]!);
  return seriesFromArrays({ time: pick(s.time), open: pick(s.open), high: pick(s.high), low: pick(s.low), close: pick(s.close), volume: pick(s.volume) }, s.timeframeMs);
}

/**
 * The union of two series by time, sorted, without duplicates. On equal times `existing` wins:
 * a closed candle already cached is never replaced. `added` counts candles taken from `incoming`.
 */
export function mergeCandles(existing: CandleSeries | null, incoming: CandleSeries): { series: CandleSeries; added: number } {
  const b = normalizeSeries(incoming);
  if (!existing || existing.length === 0) return { series: b, added: b.length };
  if (existing.timeframeMs !== b.timeframeMs) throw new UsageError(`cannot merge ${b.timeframeMs} ms candles into ${existing.timeframeMs} ms ones`);
  const a = existing;
  const cap = a.length + b.length;
  const out = allocateCandles(cap);
  let i = 0;
  let j = 0;
  let n = 0;
  let added = 0;
  const take = (s: CandleSeries, k: number) => {
    out.time[n] = s.time[k]!;
    out.open[n] = s.open[k]!;
    out.high[n] = s.high[k]!;
    out.low[n] = s.low[k]!;
    out.close[n] = s.close[k]!;
    out.volume[n] = s.volume[k]!;
    n++;
  };
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a.time[i]! <= b.time[j]!)) {
      if (j < b.length && a.time[i]! === b.time[j]!) j++; // existing wins
      take(a, i++);
    } else {
      take(b, j++);
      added++;
    }
  }
  const sub = (x: Float64Array) => x.subarray(0, n);
  return {
    series: seriesFromArrays({ time: sub(out.time), open: sub(out.open), high: sub(out.high), low: sub(out.low), close: sub(out.close), volume: sub(out.volume) }, a.timeframeMs, n),
    added,
  };
}
