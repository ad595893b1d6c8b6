import type { BigIntStats } from 'node:fs';
import { open, rename, rm, copyFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StateError } from '../core/errors.js';

/**
 * Durable file replacement: write a uniquely named temp file next to the target, fsync it,
 * rename it over the target, fsync the directory. Readers see the old file or the new one, never
 * a torn one, and after a power loss the rename is on disk. With `backup`, the file being replaced
 * is first copied (durably) to `<path>.bak`: the last good snapshot.
 *
 * Returns the written file's stat, taken before the rename (which keeps its inode, size and
 * modification time): what it is, whoever replaces it later.
 *
 * lowdb's own TextFile adapter uses a fixed temp name and no fsync: two writers lose data.
 */
export async function writeFileDurable(path: string, data: string | Uint8Array, opts: { backup?: boolean; beforeRename?: () => void } = {}): Promise<BigIntStats> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${await randomHex()}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    let written: BigIntStats;
    try {
      await fh.writeFile(data);
      await fh.sync();
      written = await fh.stat({ bigint: true });
    } finally {
      await fh.close();
    }
    if (opts.backup) await backupExisting(path);
    opts.beforeRename?.();
    await rename(tmp, path);
    await fsyncDir(dir);
    return written;
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw stateWriteError(path, err);
  }
}

/**
 * 8 random hex digits for a temp name. node:crypto is loaded here, on the first write, not with
 * this module: read-only commands (status) import it and never write.
 */
export async function randomHex(): Promise<string> {
  const { randomBytes } = await import('node:crypto');
  return randomBytes(4).toString('hex');
}

async function backupExisting(path: string): Promise<void> {
  const bak = `${path}.bak`;
  const tmp = `${bak}.${process.pid}.tmp`;
  try {
    await copyFile(path, tmp);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing to back up yet
    throw err;
  }
  const fh = await open(tmp, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, bak);
}

export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    // some filesystems (and Windows) cannot fsync a directory; the rename is still atomic there
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
  } finally {
    await fh?.close();
  }
}

/** One line naming the file and what an operator can do about it. */
export function stateWriteError(path: string, err: unknown): StateError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EROFS'
        ? 'the file system is read-only'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOENT'
            ? 'its directory does not exist'
            : (err as Error).message;
  return new StateError(`cannot write ${path}: ${why}; the previous version is intact`, { cause: err });
}
