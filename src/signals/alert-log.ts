import { open, readFile, stat, truncate, type FileHandle } from 'node:fs/promises';
import { StateError } from '../core/errors.js';
import { stateWriteError } from '../store/durable-write.js';
import type { AlertRecord } from './alert-record.js';

/**
 * A bot's `alerts.jsonl`: every alert it accepted, one JSON line each, appended and fsynced
 * before the sender is answered. It is the bot's memory of which alerts it has seen (a resent
 * one never trades twice, after a restart too) and of those still waiting for their candle, and
 * the record `backtest --signals-file` replays.
 */
export class AlertLog {
  private constructor(
    readonly path: string,
    private fh: FileHandle | null,
  ) {}

  /**
   * The records so far, and the log opened for appending. A torn last line (a crash mid-append)
   * was never answered, so the sender still has it: it is cut off, and the next line starts clean.
   */
  static async open(path: string): Promise<{ log: AlertLog; records: AlertRecord[]; cut: boolean }> {
    const { records, completeBytes, size } = await readAlertLog(path);
    try {
      if (completeBytes < size) await truncate(path, completeBytes);
      return { log: new AlertLog(path, await open(path, 'a', 0o600)), records, cut: completeBytes < size };
    } catch (err) {
      throw stateWriteError(path, err);
    }
  }

  async append(r: AlertRecord): Promise<void> {
    if (!this.fh) throw new StateError(`alerts log ${this.path} is closed`);
    try {
      await this.fh.write(`${JSON.stringify(r)}\n`);
      await this.fh.sync();
    } catch (err) {
      throw stateWriteError(this.path, err);
    }
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }
}

/** Every complete line of an alerts log; a line that is not JSON (other than a torn last one) is refused, naming it. */
export async function readAlertLog(path: string): Promise<{ records: AlertRecord[]; completeBytes: number; size: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], completeBytes: 0, size: 0 };
    throw new StateError(`cannot read alerts log ${path}: ${(err as Error).message}`, { cause: err });
  }
  const end = text.lastIndexOf('\n') + 1;
  const records: AlertRecord[] = [];
  const lines = text.slice(0, end).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    try {
      records.push(JSON.parse(lines[i]!) as AlertRecord);
    } catch (err) {
      throw new StateError(`alerts log ${path} line ${i + 1} is corrupt; it is never skipped: repair or remove that line by hand (nothing was changed)`, { cause: err });
    }
  }
  return { records, completeBytes: Buffer.byteLength(text.slice(0, end)), size: Buffer.byteLength(text) };
}

/**
 * Follows another bot's alerts log (a shadow follows its live bot's): the complete lines added
 * since the last look. It starts at the end: a shadow trades the alerts from its start on.
 */
export class AlertTail {
  private offset = 0;

  constructor(readonly path: string) {}

  async startAtEnd(): Promise<void> {
    this.offset = await stat(this.path).then((s) => s.size, () => 0);
  }

  async poll(): Promise<unknown[]> {
    const size = await stat(this.path).then((s) => s.size, () => 0);
    if (size < this.offset) this.offset = size; // the live bot cut a torn line
    if (size === this.offset) return [];
    const fh = await open(this.path, 'r');
    let text: string;
    try {
      const buf = Buffer.alloc(size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
    const end = text.lastIndexOf('\n') + 1;
    this.offset += Buffer.byteLength(text.slice(0, end));
    const out: unknown[] = [];
    for (const line of text.slice(0, end).split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // not ours to repair: the live bot refuses its own corrupt line when it next starts
      }
    }
    return out;
  }
}
