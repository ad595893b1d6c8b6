import { readFile } from 'node:fs/promises';
import type { Adapter, Low } from 'lowdb';
import { StateError } from '../core/errors.js';
import { writeFileDurable } from './durable-write.js';
import { redact } from '../secrets.js';

/**
 * lowdb adapter over a durable JSON file: atomic replace with fsync and a `.bak` of the last good
 * snapshot (src/store/durable-write.ts). Reading validates; a corrupt file is refused, naming the
 * file and its backup, and never silently reset (RELIABILITY row 13).
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly validate: (raw: unknown, path: string) => T | Promise<T>,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StateError(`cannot read ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    if (text.trim() === '') throw corrupt(this.path, 'it is empty');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw corrupt(this.path, `it is not valid JSON (${(err as Error).message.split('\n')[0]})`);
    }
    return this.validate(raw, this.path);
  }

  /** `beforeRename` is a crash point for tests: the new snapshot is on disk, not yet in place. */
  beforeRename?: () => void;

  async write(data: T): Promise<void> {
    // secrets never reach a state file, even inside an exchange's error text
    await writeFileDurable(this.path, `${redact(JSON.stringify(data, null, 1))}\n`, { backup: true, ...(this.beforeRename ? { beforeRename: this.beforeRename } : {}) });
  }
}

function corrupt(path: string, why: string): StateError {
  return new StateError(`state file ${path} is unusable: ${why}; the last good snapshot is ${path}.bak (tradebot state restore NAME --from-backup)`);
}

export async function openStateFile<T>(path: string, validate: (raw: unknown, path: string) => T | Promise<T>, initial: T): Promise<Low<T>> {
  // loaded here: read-only commands (status, state check) read through DurableJsonFile alone
  const { Low } = await import('lowdb');
  const db = new Low<T>(new DurableJsonFile(path, validate), initial);
  await db.read();
  return db;
}
