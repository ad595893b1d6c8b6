import { copyFile, readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { StateError } from '../core/errors.js';
import { botPaths } from './bot-paths.js';
import { writeFileDurable } from './durable-write.js';
import { readStateDoc } from './read-state.js';
import { acquireStateLock, pidAlive, readLockOwner } from './state-lock.js';

export interface RestoreResult {
  /** where the replaced state file was kept, or null when there was none */
  keptAs: string | null;
  /** when the restored snapshot was written (the backup's mtime) */
  backupTime: number;
}

/**
 * `tradebot state restore NAME --from-backup`: put the last good snapshot (state.json.bak) back.
 * Under the bot's lock, so it is refused while the bot runs and no bot can start half-way. The
 * backup is validated first; the file it replaces is kept as state.json.broken-<epoch ms>.
 */
export async function restoreFromBackup(home: string, name: string, now: number): Promise<RestoreResult> {
  const paths = botPaths(home, name);
  const bak = `${paths.state}.bak`;
  const owner = await readLockOwner(paths.dir);
  if (owner && owner.host === hostname() && pidAlive(owner.pid)) {
    throw new StateError(`bot ${name} is running (pid ${owner.pid}, ${owner.command}): stop it first with tradebot stop ${name}`);
  }
  const lock = await acquireStateLock(paths.dir, `tradebot state restore ${name} --from-backup`, now);
  try {
    const info = await stat(bak).catch(() => null);
    if (!info) throw new StateError(`bot ${name} has no backup to restore (there is no state.json.bak in ${paths.dir})`);
    try {
      await readStateDoc(bak);
    } catch (err) {
      throw new StateError(`the backup cannot be restored: ${(err as Error).message}; nothing was changed`, { cause: err });
    }
    const text = await readFile(bak);
    let keptAs: string | null = `${paths.state}.broken-${now}`;
    try {
      await copyFile(paths.state, keptAs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new StateError(`cannot keep ${paths.state} as ${basename(keptAs)}: ${(err as Error).message}; nothing was changed`, { cause: err });
      keptAs = null;
    }
    await writeFileDurable(paths.state, text);
    return { keptAs, backupTime: info.mtimeMs };
  } finally {
    await lock.release();
  }
}
