/**
 * The lock of one candle cache file, held by whoever reads, merges and writes it (downloads,
 * imports, resamples, a backtest's download), so that two writers never lose each other's
 * candles. Readers need no lock: a cache file is only ever replaced by an atomic rename.
 *
 * proper-lockfile: an atomic mkdir of `.<file>.lock` beside the cache file, its mtime refreshed
 * while held; a lock not refreshed for STALE_MS (its holder was killed, or its host died) is taken
 * over. A process that exits normally or on a signal removes its locks. Who holds the lock is
 * written beside it (`.<file>.lock.json`) for the message a waiting writer prints.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { ensureDir } from '../store/ensure-dir.js';
import { hostname } from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { StateError } from '../core/errors.js';

/** A lock not refreshed for this long is stale (its holder refreshes it every 2 s). */
export const CACHE_LOCK_STALE_MS = 10_000;
/** How long a writer waits for another one by default: longer than a stale lock lasts. */
export const CACHE_LOCK_WAIT_MS = 60_000;

export interface CacheLockOwner {
  pid: number;
  host: string;
  command: string;
  since: number;
}

export interface CacheLockOptions {
  /** give up after waiting this long (default CACHE_LOCK_WAIT_MS) */
  waitMs?: number;
  /** called once when the lock is held by someone else and the wait begins */
  onWait?: (owner: CacheLockOwner | null) => void;
  /** names the holder in a waiting writer's message */
  command?: string;
}

export interface CacheLock {
  /** throws a StateError when the lock was lost (not refreshed in time, taken over): nothing may be written then */
  assertHeld(): void;
  release(): Promise<void>;
}

export function cacheLockPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.lock`);
}

function ownerPath(file: string): string {
  return `${cacheLockPath(file)}.json`;
}

async function readOwner(file: string): Promise<CacheLockOwner | null> {
  try {
    const o = JSON.parse(await readFile(ownerPath(file), 'utf8')) as CacheLockOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

function describeOwner(o: CacheLockOwner | null): string {
  return o ? `pid ${o.pid} on ${o.host} (${o.command}) since ${new Date(o.since).toISOString()}` : 'another process';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the lock of the cache file `file`, waiting while another writer holds it, for at most
 * `waitMs`; then a StateError (exit 5) names the holder. Failing to create the lock (an
 * unwritable directory) is a StateError too.
 */
export async function acquireCacheLock(file: string, opts: CacheLockOptions = {}): Promise<CacheLock> {
  const waitMs = opts.waitMs ?? CACHE_LOCK_WAIT_MS;
  const deadline = Date.now() + waitMs;
  let compromised: Error | null = null;
  const lockOpts = {
    realpath: false,
    lockfilePath: cacheLockPath(file),
    stale: CACHE_LOCK_STALE_MS,
    update: 2_000,
    retries: 0,
    onCompromised: (err: Error) => {
      compromised = err;
    },
  };
  // not mkdir({ recursive: true }): it spins forever under /proc; ensureDir ends with a StateError
  await ensureDir(path.dirname(file));
  let release: () => Promise<void>;
  let waited = false;
  for (let attempt = 0; ; attempt++) {
    try {
      release = await lockfile.lock(file, lockOpts);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ELOCKED') throw new StateError(`cannot lock the candle cache ${file}: ${code ?? (err as Error).message}`, { cause: err });
      if (Date.now() >= deadline) {
        throw new StateError(
          `the candle cache ${file} is locked by ${describeOwner(await readOwner(file))}; gave up after waiting ${Math.round(waitMs / 1000)} s. If no tradebot is writing it, remove ${cacheLockPath(file)}`,
          { cause: err },
        );
      }
      if (!waited) {
        waited = true;
        opts.onWait?.(await readOwner(file));
      }
      // a writer holds the lock for one read-merge-write: poll often, with jitter so waiters do not move in step
      await sleep(Math.min(50 + attempt * 10, 250) * (0.5 + Math.random() / 2));
    }
  }
  const owner: CacheLockOwner = { pid: process.pid, host: hostname(), command: opts.command ?? 'tradebot', since: Date.now() };
  // informational only: a failure to write it must not fail the write it guards
  await writeFile(ownerPath(file), `${JSON.stringify(owner)}\n`).catch(() => undefined);
  return {
    assertHeld() {
      if (compromised) throw new StateError(`lost the lock of the candle cache ${file} (${(compromised as Error).message}); nothing was written`, { cause: compromised });
    },
    async release() {
      await rm(ownerPath(file), { force: true }).catch(() => undefined);
      // a compromised lock is no longer ours to remove
      if (!compromised) await release().catch(() => undefined);
    },
  };
}

/** Runs `fn` holding the lock of the cache file `file`; see acquireCacheLock. */
export async function withCacheLock<T>(file: string, fn: (lock: CacheLock) => Promise<T>, opts: CacheLockOptions = {}): Promise<T> {
  const lock = await acquireCacheLock(file, opts);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
