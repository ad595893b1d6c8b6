import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StateError } from '../core/errors.js';
import { writeFileDurable } from './durable-write.js';

/** Who holds a bot's state: shown when a second writer is refused. */
export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: number;
}

export interface StateLock {
  owner: LockOwner;
  /** set when a stale lock of a dead process was taken over */
  tookOverFrom: LockOwner | null;
  release(): Promise<void>;
}

const OWNER_FILE = 'lock.json';

/** Another live process holds the bot: nothing of it may be touched. */
export class LockedError extends StateError {}

export async function readLockOwner(dir: string): Promise<LockOwner | null> {
  return readLockOwnerSync(dir);
}

/** `status` reads it for every bot: a small file, read without the round trips of fs/promises. */
export function readLockOwnerSync(dir: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The single-writer lock on a bot's state directory (proper-lockfile, plus who holds it).
 * A second writer fails at once, naming the owner; a lock left by a dead process on this host is
 * taken over, and the caller is told so.
 */
export async function acquireStateLock(dir: string, command: string, now: number): Promise<StateLock> {
  const lockPath = join(dir, 'state.lock');
  const opts = { realpath: false, lockfilePath: lockPath, stale: 10_000, update: 2_000, retries: 0 } as const;
  let tookOverFrom: LockOwner | null = null;
  let release: () => Promise<void>;
  // loaded here: status and the other readers of lock.json never lock
  const { default: lockfile } = await import('proper-lockfile');
  try {
    release = await lockfile.lock(dir, { ...opts, onCompromised: () => undefined });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw new StateError(`cannot lock ${dir}: ${(err as Error).message}`, { cause: err });
    const owner = await readLockOwner(dir);
    if (owner && owner.host === hostname() && !pidAlive(owner.pid)) {
      tookOverFrom = owner;
      await rm(lockPath, { recursive: true, force: true });
      release = await lockfile.lock(dir, { ...opts, onCompromised: () => undefined });
    } else {
      const who = owner ? `pid ${owner.pid} on ${owner.host} (${owner.command}) since ${new Date(owner.since).toISOString()}` : 'another process';
      throw new LockedError(`${dir} is locked by ${who}`);
    }
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), command, since: now };
  await writeFileDurable(join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
  return {
    owner,
    tookOverFrom,
    async release() {
      await rm(join(dir, OWNER_FILE), { force: true });
      await release();
    },
  };
}
