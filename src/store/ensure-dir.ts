import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { StateError } from '../core/errors.js';
import { describeFsError } from './environment-error.js';

/**
 * `mkdir -p` of a directory under tradebot's home, one component at a time. Node's recursive
 * mkdir spins forever where a parent exists but refuses children with ENOENT (/proc); here every
 * step is one system call, and any failure is a StateError (exit 5) naming the directory.
 * Returns the first directory it made (as recursive mkdir does), undefined when all existed.
 */
export async function ensureDir(dir: string, mode?: number): Promise<string | undefined> {
  const target = path.resolve(dir);
  const missing: string[] = [];
  for (let cur = target; ; ) {
    let isDir: boolean;
    try {
      isDir = (await stat(cur)).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR: some ancestor is a file; keep walking up to name it
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new StateError(`cannot create directory ${target}: ${cur}: ${describeFsError(err)}`, { cause: err });
      missing.push(cur);
      const parent = path.dirname(cur);
      if (parent === cur) break;
      cur = parent;
      continue;
    }
    if (!isDir) throw new StateError(`cannot create directory ${target}: ${cur} is a file, not a directory`);
    break;
  }
  let first: string | undefined;
  for (const d of missing.reverse()) {
    try {
      await mkdir(d, mode === undefined ? {} : { mode });
      first ??= d;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await stat(d).then((s) => s.isDirectory(), () => false))) continue; // made meanwhile
      throw new StateError(`cannot create directory ${d}: ${describeFsError(err)}`, { cause: err });
    }
  }
  return first;
}
