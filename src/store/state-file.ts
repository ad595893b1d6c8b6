import type { BigIntStats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Adapter, Low } from 'lowdb';
import { StateError } from '../core/errors.js';
import { writeFileDurable } from './durable-write.js';
import { redact } from '../secrets.js';

/** A state file that is damaged (unparsable, malformed, impossible), as opposed to one from a newer tradebot. */
export class DamagedStateError extends StateError {}

/** What an operator can do about an unusable file, naming only files that exist ('' when nothing helps). */
export type RecoveryHint = (path: string) => Promise<string>;

/**
 * lowdb adapter over a durable JSON file: atomic replace with fsync and a `.bak` of the last good
 * snapshot (src/store/durable-write.ts). Reading validates; a corrupt file is refused, naming the
 * file and what can be done about it (`hint`), and never silently reset (RELIABILITY row 13).
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly validate: (raw: unknown, path: string) => T | Promise<T>,
    private readonly hint: RecoveryHint = async () => '',
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StateError(`cannot read ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    try {
      if (text.trim() === '') throw corrupt(this.path, 'it is empty');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        throw corrupt(this.path, `it is not valid JSON (${(err as Error).message.split('\n')[0]})`);
      }
      return await this.validate(raw, this.path);
    } catch (err) {
      if (!(err instanceof DamagedStateError)) throw err;
      throw new DamagedStateError(`${err.message}${await this.hint(this.path)}`, { cause: err });
    }
  }

  /** `beforeRename` is a crash point for tests: the new snapshot is on disk, not yet in place. */
  beforeRename?: () => void;

  /** the stat of the file the last write put in place (src/store/status-summary.ts names it by that) */
  protected lastWritten: BigIntStats | null = null;

  async write(data: T): Promise<void> {
    // secrets never reach a state file, even inside an exchange's error text
    this.lastWritten = await writeFileDurable(this.path, `${redact(JSON.stringify(data, null, 1))}\n`, { backup: true, ...(this.beforeRename ? { beforeRename: this.beforeRename } : {}) });
  }
}

function corrupt(path: string, why: string): StateError {
  return new DamagedStateError(`state file ${path} is unusable: ${why}`);
}

export async function openStateFile<T>(adapter: Adapter<T>, initial: T): Promise<Low<T>> {
  // loaded here: read-only commands (status, state check) read through DurableJsonFile alone
  const { Low } = await import('lowdb');
  const db = new Low<T>(adapter, initial);
  await db.read();
  return db;
}
