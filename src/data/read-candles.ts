import { open, readFile, type FileHandle } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { type CandleColumns, type CandleSeries, type Gap, allocateCandles, findGaps, seriesFromArrays } from '../core/candles.js';
import { UsageError } from '../core/errors.js';
import { msToTimeframe, timeframeToMs } from '../core/timeframe.js';
import { EPOCH_SECONDS_LIMIT, formatTime, parseIsoTimestamp } from './parse-date.js';

const gunzipAsync = promisify(gunzip);

export interface LoadedCandles {
  series: CandleSeries;
  /** the path as given */
  source: string;
  /** e.g. '5m' */
  timeframe: string;
  /** reported, never filled */
  gaps: Gap[];
}

export interface ReadCandleOptions {
  /** the bar interval ('5m'); inferred from the data when absent */
  timeframe?: string;
}

/** The columns as parsed, before they become a series. `where(i)` names row i for error messages. */
interface Parsed {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
  where: (i: number) => string;
}

const COLUMNS = 'timestamp,open,high,low,close,volume';
const FIELD_NAMES = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Loads a candle file: CSV `timestamp,open,high,low,close,volume` (header optional, extra trailing
 * columns ignored, CRLF and blank lines tolerated) or freqtrade's JSON `[[ts, o, h, l, c, v], ...]`,
 * either optionally gzipped (`.gz`). Timestamps may be epoch seconds, epoch ms or ISO 8601 (UTC when
 * no offset); they become candle open times in epoch ms. Every defect is a one-line UsageError naming
 * the file and the line (CSV) or array index (JSON).
 */
export async function readCandleFile(path: string, opts: ReadCandleOptions = {}): Promise<LoadedCandles> {
  // timeframeToMs throws its own UsageError for a bad --timeframe; check it before parsing
  const givenTfMs = opts.timeframe !== undefined ? timeframeToMs(opts.timeframe) : undefined;

  const parsed = await readParsed(path, true);
  if (parsed.length < 2) {
    throw new UsageError(`candle file ${path} has ${parsed.length} candle row${parsed.length === 1 ? '' : 's'}: at least 2 are needed`);
  }

  const tfMs = givenTfMs ?? inferTimeframe(parsed.time, parsed.length);
  checkGrid(parsed, tfMs, path, givenTfMs === undefined);

  const n = parsed.length;
  const series = seriesFromArrays(
    {
      time: parsed.time.subarray(0, n),
      open: parsed.open.subarray(0, n),
      high: parsed.high.subarray(0, n),
      low: parsed.low.subarray(0, n),
      close: parsed.close.subarray(0, n),
      volume: parsed.volume.subarray(0, n),
    },
    tfMs,
    n,
  );
  return { series, source: path, timeframe: msToTimeframe(tfMs), gaps: findGaps(series) };
}

/** The rows of a candle file as written, for `tradebot data check`: parsed like readCandleFile, but order, duplicates and OHLC consistency are left for the caller to judge. */
export interface CandleRows {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
  /** `line 12` (CSV) or `index 11` (JSON): where row i is in the file */
  where: (i: number) => string;
}

/**
 * Reads a candle file (same formats as readCandleFile) without judging it: rows out of order,
 * duplicate timestamps and OHLC violations are returned as they are. Unreadable rows (a wrong
 * column count, text where a number belongs, negative values) are still UsageErrors.
 */
export async function readCandleRows(path: string): Promise<CandleRows> {
  const p = await readParsed(path, false);
  const n = p.length;
  return { time: p.time.subarray(0, n), open: p.open.subarray(0, n), high: p.high.subarray(0, n), low: p.low.subarray(0, n), close: p.close.subarray(0, n), volume: p.volume.subarray(0, n), length: n, where: p.where };
}

/**
 * How far a .gz candle file may expand. Real candle CSV compresses about 3:1; a gzip bomb
 * compresses 1000:1. zlib stops at this many bytes, so a bomb costs at most this much memory.
 */
export const GUNZIP_MAX_RATIO = 50;
export const GUNZIP_FLOOR = 64 * 1024 * 1024;
export const GUNZIP_CAP = 512 * 1024 * 1024;

export function gunzipLimit(compressedBytes: number): number {
  return Math.min(GUNZIP_CAP, Math.max(GUNZIP_FLOOR, compressedBytes * GUNZIP_MAX_RATIO));
}

const mib = (bytes: number): number => Math.round(bytes / (1024 * 1024));

/** A plain CSV file is read this many bytes at a time (more for a longer line). */
const CSV_CHUNK_BYTES = 1 << 20;

/** A candle file parsed: a plain CSV file chunk by chunk, anything else (gzip, JSON) read whole. */
async function readParsed(path: string, strict: boolean): Promise<Parsed> {
  const streamed = /\.gz$/i.test(path) ? null : await streamCsv(path, strict);
  if (streamed) return streamed;
  const { buf, bom } = await readCandleBytes(path);
  return parseBytes(buf, bom, path, strict);
}

/**
 * A plain CSV file parsed in bounded chunks straight into the columns, so that its bytes and the
 * columns are never in memory together (a 1M-candle file is 60 MB of text, 48 MB of columns): one
 * pass counts the newlines (the columns' capacity), a second parses whole lines, carrying a line
 * cut by the chunk's end over to the next. Null when the file is not a readable plain CSV file
 * (missing, a directory, empty, JSON, Arrow): the whole-file path reads it and names what is wrong.
 */
async function streamCsv(path: string, strict: boolean): Promise<Parsed | null> {
  if (/\.(feather|arrow|ipc|parquet)$/i.test(path)) return null;
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const info = await fh.stat();
    if (!info.isFile()) return null;
    const size = info.size;
    let buf = Buffer.allocUnsafe(Math.min(CSV_CHUNK_BYTES, Math.max(size, 1)));
    const head = buf.subarray(0, (await fh.read(buf, 0, buf.length, 0)).bytesRead);
    const bom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    let first = bom;
    while (first < head.length && isSpace(head[first]!)) first++;
    if (first === head.length || head[first] === 91 /* [ */ || isArrowFile(head, path)) return null;

    let capacity = 1;
    for (let off = 0; off < size; ) {
      const got = (await fh.read(buf, 0, Math.min(buf.length, size - off), off)).bytesRead;
      if (got === 0) break;
      const view = buf.subarray(0, got);
      for (let p = view.indexOf(10); p !== -1; p = view.indexOf(10, p + 1)) capacity++;
      off += got;
    }

    const st = startCsv(capacity);
    let start = bom;
    let have = 0;
    for (let off = 0; ; ) {
      if (have === buf.length) {
        // a line longer than the buffer: room for all of it
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const got = off < size ? (await fh.read(buf, have, Math.min(buf.length - have, size - off), off)).bytesRead : 0;
      off += got;
      const total = have + got;
      const atEnd = got === 0 || off >= size;
      const cut = atEnd ? total : buf.lastIndexOf(10, total - 1) + 1;
      if (cut > 0) {
        parseCsvLines(st, buf.subarray(0, cut), start, path, strict);
        start = 0;
      }
      if (atEnd) break;
      buf.copy(buf, 0, cut, total);
      have = total - cut;
    }
    return finishCsv(st);
  } finally {
    await fh.close();
  }
}

async function readCandleBytes(path: string): Promise<{ buf: Buffer; bom: number }> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`candle file not found: ${path}`, { cause: err });
    if (code === 'EISDIR') throw new UsageError(`cannot read candle file ${path}: it is a directory`, { cause: err });
    throw new UsageError(`cannot read candle file ${path}: ${oneLine((err as Error).message)}`, { cause: err });
  }
  if (/\.gz$/i.test(path)) {
    const limit = gunzipLimit(buf.length);
    try {
      buf = await gunzipAsync(buf, { maxOutputLength: limit });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new UsageError(
          `candle file ${path} expands to more than ${mib(limit)} MiB: refused as a likely gzip bomb (a .gz may expand ${GUNZIP_MAX_RATIO} times its size, at least ${mib(GUNZIP_FLOOR)} MiB, at most ${mib(GUNZIP_CAP)} MiB); decompress it yourself if you trust it`,
          { cause: err },
        );
      }
      throw new UsageError(`cannot read candle file ${path}: not a valid gzip file (${oneLine((err as Error).message)})`, {
        cause: err,
      });
    }
  }
  // a UTF-8 byte order mark is skipped
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let first = bom;
  while (first < buf.length && isSpace(buf[first]!)) first++;
  if (first === buf.length) throw new UsageError(`candle file ${path} is empty`);
  if (isArrowFile(buf, path)) {
    throw new UsageError(`${path}: Feather/Arrow and Parquet candle files are not supported; ${SUPPORTED_FORMATS} (freqtrade: convert-data --format-from feather --format-to json)`);
  }
  return { buf, bom };
}

/** What readCandleFile accepts, for error messages and --help. */
export const SUPPORTED_FORMATS = 'supported formats: CSV timestamp,open,high,low,close,volume (header optional) and freqtrade JSON [[ts_ms,o,h,l,c,v],...], either optionally gzipped (.gz)';

function isArrowFile(buf: Buffer, path: string): boolean {
  if (/\.(feather|arrow|ipc|parquet)(\.gz)?$/i.test(path)) return true;
  const head = buf.toString('latin1', 0, 6);
  return head === 'ARROW1' || buf.toString('latin1', 0, 4) === 'PAR1';
}

function parseBytes(buf: Buffer, bom: number, path: string, strict: boolean): Parsed {
  let first = bom;
  while (first < buf.length && isSpace(buf[first]!)) first++;
  return buf[first] === 91 /* [ */ ? parseJson(buf.toString('utf8', bom), path, strict) : parseCsv(buf, bom, path, strict);
}

/** The most common positive delta between consecutive rows; ties go to the smallest (0 when there is none). */
export function inferTimeframe(time: Float64Array, n: number): number {
  const counts = new Map<number, number>();
  // run-length counting: real files have one delta almost everywhere, so the map is touched rarely
  let run = time[1]! - time[0]!;
  let runLen = 1;
  for (let i = 2; i < n; i++) {
    const d = time[i]! - time[i - 1]!;
    if (d === run) {
      runLen++;
    } else {
      counts.set(run, (counts.get(run) ?? 0) + runLen);
      run = d;
      runLen = 1;
    }
  }
  counts.set(run, (counts.get(run) ?? 0) + runLen);
  let best = 0;
  let bestCount = 0;
  for (const [d, c] of counts) {
    if (d > 0 && (c > bestCount || (c === bestCount && d < best))) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

/** Every delta must be a whole, positive number of bars (rows are already sorted and unique). */
function checkGrid(p: Parsed, tfMs: number, path: string, inferred: boolean): void {
  const t = p.time;
  for (let i = 1; i < p.length; i++) {
    const d = t[i]! - t[i - 1]!;
    if (d < tfMs || d % tfMs !== 0) {
      const tf = msToTimeframe(tfMs);
      throw new UsageError(
        `${path} ${p.where(i)}: timestamp ${formatTime(t[i]!)} is ${msToTimeframe(d)} after the previous row's ` +
          `${formatTime(t[i - 1]!)}, not a whole number of ${tf} bars` +
          (inferred ? ` (timeframe ${tf} inferred from the data; pass the timeframe explicitly if that is wrong)` : ''),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);

/**
 * Parses text[s, e) as a decimal number; NaN when it is not one (empty, letters, hex, Infinity…).
 * Fast path: plain `-123.456` with an exactly representable mantissa (< 2^53) and at most 22 decimals,
 * where one IEEE division by an exact power of ten gives the same correctly rounded double as Number().
 * Anything else (exponents, very long mantissas) goes through Number().
 */
function parseNum(text: string, s: number, e: number): number {
  while (s < e && text.charCodeAt(s) === 32) s++;
  while (e > s && text.charCodeAt(e - 1) === 32) e--;
  if (s === e) return NaN;
  let i = s;
  let c = text.charCodeAt(i);
  let neg = false;
  if (c === 45 /* - */) {
    neg = true;
    i++;
  } else if (c === 43 /* + */) {
    i++;
  }
  let m = 0;
  let nDigits = 0;
  let frac = -1; // -1: no dot seen yet
  for (; i < e; i++) {
    c = text.charCodeAt(i);
    const dgt = c - 48;
    if (dgt >= 0 && dgt <= 9) {
      m = m * 10 + dgt;
      nDigits++;
      if (frac >= 0) frac++;
    } else if (c === 46 /* . */ && frac < 0) {
      frac = 0;
    } else {
      return slowNum(text, s, e);
    }
  }
  if (nDigits === 0) return NaN;
  if (m > Number.MAX_SAFE_INTEGER || frac > 22) return slowNum(text, s, e);
  const v = frac > 0 ? m / POW10[frac]! : m;
  return neg ? -v : v;
}

function slowNum(text: string, s: number, e: number): number {
  let digitSeen = false;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digitSeen = true;
    // only digits, sign, dot and exponent: no hex/binary/octal prefixes, no Infinity
    else if (c !== 43 && c !== 45 && c !== 46 && c !== 101 && c !== 69) return NaN;
  }
  if (!digitSeen) return NaN;
  const v = Number(text.slice(s, e));
  return Number.isFinite(v) ? v : NaN;
}

/** text[s, e) as an open time in epoch ms: epoch seconds/ms (by magnitude) or ISO 8601; NaN if neither. */
function parseTimestamp(text: string, s: number, e: number): number {
  while (s < e && text.charCodeAt(s) === 32) s++;
  while (e > s && text.charCodeAt(e - 1) === 32) e--;
  if (e - s >= 10 && text.charCodeAt(s + 4) === 45 /* - */) return parseIsoTimestamp(text.slice(s, e));
  return epochToMs(parseNum(text, s, e));
}

function epochToMs(v: number): number {
  if (!(v >= 0)) return NaN; // NaN or negative
  return Math.round(v < EPOCH_SECONDS_LIMIT ? v * 1000 : v);
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** A raw field value for an error message, quoted and capped. */
function shown(text: string, s: number, e: number): string {
  const raw = text.slice(s, Math.min(e, s + 40));
  return JSON.stringify(e - s > 40 ? `${raw}…` : raw);
}

/** A CSV parse under way: the columns so far and where it is, so that it can go on in the next chunk. */
interface CsvParse {
  cols: CandleColumns;
  lines: Int32Array;
  row: Float64Array;
  n: number;
  lineNo: number;
  headerChecked: boolean;
  prevT: number;
}

function startCsv(capacity: number): CsvParse {
  return { cols: allocateCandles(capacity), lines: new Int32Array(capacity), row: new Float64Array(6), n: 0, lineNo: 0, headerChecked: false, prevT: -Infinity };
}

function finishCsv(st: CsvParse): Parsed {
  const { lines } = st;
  return { ...st.cols, length: st.n, where: (i) => `line ${lines[i]}` };
}

/** CSV from a whole buffer: rows counted by its newlines, parsed in one go. */
function parseCsv(buf: Buffer, start: number, path: string, strict: boolean): Parsed {
  // upper bound on rows: one per newline, plus a last line without one
  let capacity = 1;
  for (let p = buf.indexOf(10, start); p !== -1; p = buf.indexOf(10, p + 1)) capacity++;
  const st = startCsv(capacity);
  parseCsvLines(st, buf, start, path, strict);
  return finishCsv(st);
}

/**
 * CSV straight from the bytes: `buf` from `start`, whole lines (the last one may lack its newline
 * only at the end of the file), parsed into `st`. A tight loop takes the common row shape (six
 * unsigned decimals of at most 15 digits, comma separated, LF or CRLF, extra columns ignored)
 * without creating strings; any other line (header, blank, ISO dates, signs, exponents, spaces,
 * errors) is decoded on its own and handled by the general path, after which the tight loop
 * resumes on the next line.
 *
 * In the tight loop a mantissa of at most 15 digits is exact, and one division by an exact power of
 * ten is correctly rounded, so each value is the same double Number() would give.
 */
function parseCsvLines(st: CsvParse, buf: Buffer, start: number, path: string, strict: boolean): void {
  const len = buf.length;
  const { time, open, high, low, close, volume } = st.cols;
  const { lines, row } = st;
  const capacity = time.length;
  let n = st.n;
  let lineNo = st.lineNo;
  let pos = start;
  let headerChecked = st.headerChecked;
  let prevT = st.prevT;

  while (pos < len) {
    // ---- tight loop over ordinary rows
    if (headerChecked) {
      rows: while (pos < len) {
        let i = pos;
        for (let k = 0; k < 6; k++) {
          let m = 0;
          let nd = 0;
          let frac = -1;
          for (; i < len; i++) {
            const c = buf[i]!;
            const d = c - 48;
            if (d >= 0 && d <= 9) {
              m = m * 10 + d;
              nd++;
              if (frac >= 0) frac++;
            } else if (c === 46 /* . */ && frac < 0) {
              frac = 0;
            } else {
              break;
            }
          }
          if (nd === 0 || nd > 15) break rows;
          row[k] = frac > 0 ? m / POW10[frac]! : m;
          const c = i < len ? buf[i]! : 10;
          if (k < 5) {
            if (c !== 44 /* , */) break rows;
            i++;
          } else if (c === 10) {
            i++;
          } else if (c === 13 && (i + 1 === len || buf[i + 1] === 10)) {
            i += 2;
          } else if (c === 44) {
            const nl = buf.indexOf(10, i);
            i = nl === -1 ? len : nl + 1;
          } else {
            break rows;
          }
        }
        lineNo++;
        const t = epochToMs(row[0]!);
        const o = row[1]!;
        const h = row[2]!;
        const l = row[3]!;
        const c = row[4]!;
        if (strict) checkRow(path, 'line', lineNo, n > 0 ? lines[n - 1]! : 0, t, o, h, l, c, prevT);
        if (n === capacity) throw changedWhileRead(path);
        time[n] = t;
        open[n] = o;
        high[n] = h;
        low[n] = l;
        close[n] = c;
        volume[n] = row[5]!;
        lines[n] = lineNo;
        n++;
        prevT = t;
        pos = i;
      }
      if (pos >= len) break;
    }

    // ---- general path: one line
    let lineEnd = buf.indexOf(10, pos);
    if (lineEnd === -1) lineEnd = len;
    lineNo++;
    let end = lineEnd;
    if (end > pos && buf[end - 1] === 13) end--;
    const text = buf.toString('utf8', pos, end);
    pos = lineEnd + 1;

    // blank (or whitespace-only) lines are skipped
    const e = text.length;
    let k0 = 0;
    while (k0 < e && (text.charCodeAt(k0) === 32 || text.charCodeAt(k0) === 9)) k0++;
    if (k0 === e) continue;

    // the first 6 fields; anything after the 6th comma is ignored
    const starts: number[] = [];
    const ends: number[] = [];
    for (let fs = 0; starts.length < 6; ) {
      let comma = text.indexOf(',', fs);
      if (comma === -1) comma = e;
      starts.push(fs);
      ends.push(comma);
      if (comma === e) break;
      fs = comma + 1;
    }
    const nf = starts.length;

    if (!headerChecked) {
      headerChecked = true;
      if (isHeader(text, starts, ends, nf)) continue;
    }

    if (nf < 6) {
      let found = 1;
      for (let k = 0; k < e; k++) if (text.charCodeAt(k) === 44) found++;
      throw new UsageError(`${path} line ${lineNo}: expected 6 columns (${COLUMNS}), found ${found}`);
    }

    const t = parseTimestamp(text, starts[0]!, ends[0]!);
    if (Number.isNaN(t)) {
      throw new UsageError(
        `${path} line ${lineNo}: timestamp ${shown(text, starts[0]!, ends[0]!)} is not epoch seconds, epoch ms or an ISO 8601 date`,
      );
    }
    const vals = [t, 0, 0, 0, 0, 0];
    for (let k = 1; k < 6; k++) {
      const x = parseNum(text, starts[k]!, ends[k]!);
      if (Number.isNaN(x)) {
        throw new UsageError(`${path} line ${lineNo}: ${FIELD_NAMES[k]} ${shown(text, starts[k]!, ends[k]!)} is not a finite number`);
      }
      if (x < 0) throw new UsageError(`${path} line ${lineNo}: ${FIELD_NAMES[k]} ${x} is negative`);
      vals[k] = x;
    }
    const [, o, h, l, c, v] = vals as [number, number, number, number, number, number];
    if (strict) checkRow(path, 'line', lineNo, n > 0 ? lines[n - 1]! : 0, t, o, h, l, c, prevT);
    if (n === capacity) throw changedWhileRead(path);
    time[n] = t;
    open[n] = o;
    high[n] = h;
    low[n] = l;
    close[n] = c;
    volume[n] = v;
    lines[n] = lineNo;
    n++;
    prevT = t;
  }
  st.n = n;
  st.lineNo = lineNo;
  st.headerChecked = headerChecked;
  st.prevT = prevT;
}

/** More rows than the file had newlines when it was counted: it was written to while being read. */
function changedWhileRead(path: string): UsageError {
  return new UsageError(`candle file ${path} changed while it was read; read it again when nothing writes it`);
}

/**
 * The first non-blank line is a header when its first field is not a timestamp and none of its
 * fields is a number (`timestamp_ms,open,...`, `date,open,...`). `abc,1,2,3,4,5` is a bad row instead.
 */
function isHeader(text: string, starts: number[], ends: number[], nf: number): boolean {
  if (!Number.isNaN(parseTimestamp(text, starts[0]!, ends[0]!))) return false;
  for (let k = 1; k < nf; k++) if (!Number.isNaN(parseNum(text, starts[k]!, ends[k]!))) return false;
  return true;
}

/** OHLC consistency and ordering, shared by both formats; values are finite and non-negative here. */
function checkRow(
  path: string,
  kind: 'line' | 'index',
  at: number,
  prevAt: number,
  t: number,
  o: number,
  h: number,
  l: number,
  c: number,
  prevT: number,
): void {
  // messages are built only on failure: this runs once per row
  if (h < o || h < c) {
    throw new UsageError(`${path} ${kind} ${at}: high ${h} is below max(open, close) ${Math.max(o, c)} (OHLC violation)`);
  }
  if (l > o || l > c) {
    throw new UsageError(`${path} ${kind} ${at}: low ${l} is above min(open, close) ${Math.min(o, c)} (OHLC violation)`);
  }
  if (t <= prevT) {
    const prevWhere = `${kind} ${prevAt}`;
    if (t === prevT) {
      throw new UsageError(`${path} ${kind} ${at}: duplicate candle at ${formatTime(t)} (same timestamp as ${prevWhere})`);
    }
    throw new UsageError(
      `${path} ${kind} ${at}: timestamp ${formatTime(t)} is before the previous row's ${formatTime(prevT)} (${prevWhere}); rows must be sorted by time`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// freqtrade JSON: [[ts_ms, open, high, low, close, volume], ...]

function jsonNumber(x: unknown): number {
  if (typeof x === 'number') return Number.isFinite(x) ? x : NaN;
  if (typeof x === 'string') return parseNum(x, 0, x.length);
  return NaN;
}

function jsonTimestamp(x: unknown): number {
  if (typeof x === 'number') return Number.isFinite(x) ? epochToMs(x) : NaN;
  if (typeof x === 'string') return parseTimestamp(x, 0, x.length);
  return NaN;
}

function shownJson(x: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(x) ?? String(x);
  } catch {
    s = String(x);
  }
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function parseJson(text: string, path: string, strict: boolean): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: invalid JSON (${oneLine((err as Error).message)})`, { cause: err });
  }
  if (!Array.isArray(data)) throw new UsageError(`${path}: expected a JSON array of [timestamp, open, high, low, close, volume] rows`);
  const rows = data as unknown[];
  const { time, open, high, low, close, volume } = allocateCandles(rows.length);
  let prevT = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const where = `index ${i}`;
    if (!Array.isArray(row) || row.length < 6) {
      const found = Array.isArray(row) ? `${row.length} columns` : shownJson(row);
      throw new UsageError(`${path} ${where}: expected a row of 6 columns [${COLUMNS}], found ${found}`);
    }
    const t = jsonTimestamp(row[0]);
    if (Number.isNaN(t)) {
      throw new UsageError(`${path} ${where}: timestamp ${shownJson(row[0])} is not epoch seconds, epoch ms or an ISO 8601 date`);
    }
    const vals = [t, jsonNumber(row[1]), jsonNumber(row[2]), jsonNumber(row[3]), jsonNumber(row[4]), jsonNumber(row[5])];
    for (let k = 1; k < 6; k++) {
      const x = vals[k]!;
      if (Number.isNaN(x)) throw new UsageError(`${path} ${where}: ${FIELD_NAMES[k]} ${shownJson(row[k])} is not a finite number`);
      if (x < 0) throw new UsageError(`${path} ${where}: ${FIELD_NAMES[k]} ${x} is negative`);
    }
    const [, o, h, l, c, v] = vals as [number, number, number, number, number, number];
    if (strict) checkRow(path, 'index', i, i - 1, t, o, h, l, c, prevT);
    time[i] = t;
    open[i] = o;
    high[i] = h;
    low[i] = l;
    close[i] = c;
    volume[i] = v;
    prevT = t;
  }
  return { time, open, high, low, close, volume, length: rows.length, where: (i) => `index ${i}` };
}
