import { open, readFile, type FileHandle } from 'node:fs/promises';
import { StateError } from '../core/errors.js';
import { stateWriteError } from './durable-write.js';
import { redact } from '../secrets.js';

/**
 * An append-only, fsynced JSON-lines journal of order intents, acknowledgements and fills.
 * An entry is on disk before the action it records is taken. After a power loss the last line
 * may be torn; it is dropped on read. Any other unreadable line is an error, never skipped.
 */
export class Journal {
  private constructor(
    readonly path: string,
    private fh: FileHandle | null,
  ) {}

  static async open(path: string): Promise<Journal> {
    try {
      return new Journal(path, await open(path, 'a', 0o600));
    } catch (err) {
      throw stateWriteError(path, err);
    }
  }

  async append(entry: unknown): Promise<void> {
    if (!this.fh) throw new StateError(`journal ${this.path} is closed`);
    try {
      await this.fh.write(`${redact(JSON.stringify(entry))}\n`);
      await this.fh.sync();
    } catch (err) {
      throw stateWriteError(this.path, err);
    }
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }

  /** Entries in order; a torn last line (a crash mid-append) is reported as `torn`, not returned. */
  static async read<T = unknown>(path: string): Promise<{ entries: T[]; torn: boolean }> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], torn: false };
      throw new StateError(`cannot read journal ${path}: ${(err as Error).message}`, { cause: err });
    }
    const lines = text.split('\n');
    const complete = text.endsWith('\n');
    const entries: T[] = [];
    let torn = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as T);
      } catch (err) {
        if (i === lines.length - 1 && !complete) {
          torn = true;
          break;
        }
        throw new StateError(`journal ${path} line ${i + 1} is corrupt; it is never skipped: repair or remove that line by hand (nothing was changed)`, { cause: err });
      }
    }
    return { entries, torn };
  }
}
