import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { TradebotConfig } from '../config/schema.js';
import { StateError } from '../core/errors.js';
import { stateWriteError, writeFileDurable } from '../store/durable-write.js';
import type { TrialHashes } from './hashes.js';
import type { Objective } from './objective.js';
import type { TrialMetrics, TrialOutcome } from './run-trial.js';
import type { Point } from './space.js';

/**
 * The append-only trial log of a run, `research/<run>/trials.jsonl` under the tradebot home: one
 * JSON object per line, the header first, then one line per finished trial or skipped point in the
 * order they finished. A public interface (TRIAL_LOG_SCHEMA_VERSION).
 *
 * Lines are written with one write() each as a trial finishes, so a killed process loses only the
 * trials still running; fdatasync follows, coalesced so that a fast search is not throttled by the
 * disk. A torn last line (power loss mid-write) is dropped when the log is read.
 */
export const TRIAL_LOG_SCHEMA_VERSION = 1;
export const TRIAL_LOG_FILE = 'trials.jsonl';

export type Method = 'grid' | 'random' | 'tpe';

/** What the run was asked to do: enough to resume it from its name alone. */
export interface RunRequest {
  /** the resolved configuration of the base backtest (data path absolute) */
  config: TradebotConfig;
  /** the --space flags as given (none: the strategy schema's ranges) */
  spaceFlags: string[];
  /** parameters fixed with --param, left out of the schema's ranges when no --space is given */
  fixedParams: string[];
  /** the spaces they define */
  spaces: Record<string, unknown>[];
  search: { method: Method; trials: number | null; seed: number };
  objective: Objective;
  minTrades: number;
  /** --shard K/N, or null for the whole search */
  shard: { k: number; n: number } | null;
  /** S, the number of CSCV blocks the per-trial block sums use */
  blocks: number;
  /** points in the whole search (every shard) */
  total: number;
  /** this run's slice of the point indices, [from, to) */
  range: [number, number];
}

export interface LogHeader {
  type: 'header';
  schemaVersion: number;
  run: string;
  tradebot: string;
  hashes: TrialHashes;
  request: RunRequest;
  /** the candles the trials run on, for reports made from the log alone (merge) */
  data: RunData;
}

export interface RunData {
  source: string;
  symbol: string;
  timeframe: string;
  candles: number;
  /** open time of the first and last candle, epoch ms */
  from: number;
  to: number;
}

export interface TrialLine {
  type: 'trial';
  index: number;
  params: Point;
  metrics: TrialMetrics;
  trades: number;
  returns: TrialOutcome['returns'];
  hashes: TrialHashes;
}

export interface SkipLine {
  type: 'skip';
  index: number;
  params: Point;
  reason: string;
  hashes: TrialHashes;
}

export type LogLine = TrialLine | SkipLine;

export interface TrialLog {
  path: string;
  header: LogHeader;
  /** by point index */
  lines: Map<number, LogLine>;
  /** bytes up to the end of the last complete line: a torn tail is cut there before appending */
  validBytes: number;
  tornTail: boolean;
}

/** Reads a trial log; null when the file does not exist. A corrupt line other than a torn last one is a StateError. */
export async function readTrialLog(path: string): Promise<TrialLog | null> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new StateError(`cannot read trial log ${path}: ${code ?? (err as Error).message}`, { cause: err });
  }
  const text = buf.toString('utf8');
  let header: LogHeader | null = null;
  const lines = new Map<number, LogLine>();
  let pos = 0;
  let lineNo = 0;
  let validBytes = 0;
  let tornTail = false;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const raw = text.slice(pos, nl === -1 ? text.length : nl);
    lineNo++;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      obj = undefined;
    }
    if (nl === -1) {
      // no newline: the last write was cut short; whatever it parses to, it was not finished
      tornTail = true;
      break;
    }
    if (obj === undefined || obj === null || typeof obj !== 'object') {
      throw new StateError(`trial log ${path} line ${lineNo} is not valid JSON: the file is damaged (a torn line is only tolerated at the end)`);
    }
    const o = obj as { type?: unknown; index?: unknown; hashes?: unknown };
    if (lineNo === 1) {
      if (o.type !== 'header') throw new StateError(`trial log ${path} does not start with a header line`);
      header = obj as LogHeader;
      if (header.schemaVersion !== TRIAL_LOG_SCHEMA_VERSION) {
        throw new StateError(`trial log ${path} has schema version ${String(header.schemaVersion)}; this tradebot reads version ${TRIAL_LOG_SCHEMA_VERSION}`);
      }
    } else {
      if ((o.type !== 'trial' && o.type !== 'skip') || !Number.isInteger(o.index)) throw new StateError(`trial log ${path} line ${lineNo} is not a trial line`);
      const line = obj as LogLine;
      if (JSON.stringify(line.hashes) !== JSON.stringify(header!.hashes)) {
        throw new StateError(`trial log ${path} line ${lineNo} was made on other inputs than its header (hashes differ): the file was edited or mixed`);
      }
      const [lo, hi] = header!.request.range;
      if (line.index < lo || line.index >= hi) throw new StateError(`trial log ${path} line ${lineNo}: trial ${line.index} is outside the run's range ${lo}..${hi - 1}`);
      if (!lines.has(line.index)) lines.set(line.index, line);
    }
    pos = nl + 1;
    validBytes = Buffer.byteLength(text.slice(0, pos), 'utf8');
  }
  if (!header) {
    if (tornTail || buf.length === 0) throw new StateError(`trial log ${path} has no complete header line: delete the run directory and start again`);
    throw new StateError(`trial log ${path} has no header`);
  }
  return { path, header, lines, validBytes, tornTail };
}

const fdatasyncAsync = promisify(fdatasync);

/** Appends lines to a trial log; see the module comment for the durability it gives. */
export class TrialLogWriter {
  private dirty = false;
  private syncing: Promise<void> | null = null;
  private failure: unknown = null;

  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  /** A new log holding only its header, written atomically (a crash leaves no half header). */
  static async create(path: string, header: LogHeader): Promise<TrialLogWriter> {
    await writeFileDurable(path, `${JSON.stringify(header)}\n`);
    return TrialLogWriter.open(path, null);
  }

  /** An existing log, cut back to its last complete line first. */
  static open(path: string, validBytes: number | null): TrialLogWriter {
    let fd: number;
    try {
      fd = openSync(path, 'r+');
      if (validBytes !== null) ftruncateSync(fd, validBytes);
      closeSync(fd);
      fd = openSync(path, 'a');
    } catch (err) {
      throw stateWriteError(path, err);
    }
    return new TrialLogWriter(path, fd);
  }

  append(line: LogLine): void {
    if (this.failure) throw this.failure;
    try {
      writeSync(this.fd, `${JSON.stringify(line)}\n`);
    } catch (err) {
      throw stateWriteError(this.path, err);
    }
    this.dirty = true;
    this.syncing ??= this.syncLoop();
  }

  private async syncLoop(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await fdatasyncAsync(this.fd);
      }
    } catch (err) {
      this.failure = stateWriteError(this.path, err);
    } finally {
      this.syncing = null;
    }
  }

  /** Waits for the last fdatasync and closes the file. */
  async close(): Promise<void> {
    await this.syncing;
    try {
      if (this.dirty) fdatasyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
    if (this.failure) throw this.failure;
  }
}
