import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Low } from 'lowdb';
import { StateError } from '../core/errors.js';
import { botPaths, type BotPaths } from '../store/bot-paths.js';
import { acquireStateLock, type StateLock } from '../store/state-lock.js';
import { openStateFile } from '../store/state-file.js';
import type { BotStateDoc } from '../store/bot-state.js';
import { BotStateFile, journalSize, lineageOf, readBackupLineage, successorProblem } from '../store/bot-state-file.js';
import { Journal } from '../store/journal.js';
import { readStateDoc } from '../store/read-state.js';
import { CrashPoints } from '../store/crash-points.js';
import { ensureDir } from '../store/ensure-dir.js';
import { BotLog } from './bot-log.js';

/**
 * What a running bot holds on disk, acquired in this order: its directory, the single-writer
 * lock, the state file (validated, migrated), the journal and the log. Released in reverse.
 * Used by paper and live alike, and by the commands that act on a stopped bot.
 */
export class BotSession {
  private constructor(
    readonly paths: BotPaths,
    readonly lock: StateLock,
    readonly db: Low<BotStateDoc | null>,
    readonly journal: Journal,
    readonly log: BotLog,
    readonly crash: CrashPoints,
    /** this session made the bot's directory: a start that is not carried through removes it (discard) */
    readonly created: boolean,
  ) {}

  static async open(o: { home: string; name: string; command: string; now: number; crashSpec?: string }): Promise<BotSession> {
    const paths = botPaths(o.home, o.name);
    // the first directory made: set only when the bot's own directory is new
    const made = await ensureDir(paths.dir, 0o700);
    const lock = await acquireStateLock(paths.dir, o.command, o.now);
    const created = made !== undefined;
    try {
      const file = new BotStateFile(paths.state, paths.summary);
      const db = await openStateFile<BotStateDoc | null>(file, null);
      await checkNotReset(paths, db.data);
      const journal = await Journal.open(paths.journal);
      const crash = new CrashPoints(o.crashSpec);
      file.beforeRename = () => crash.hit('mid-snapshot');
      return new BotSession(paths, lock, db, journal, new BotLog(paths.log), crash, created);
    } catch (err) {
      if (created) await removeBotDir(paths.dir, lock);
      else await lock.release();
      throw err;
    }
  }

  get existing(): BotStateDoc | null {
    return this.db.data;
  }

  async close(): Promise<void> {
    await this.journal.close();
    await this.lock.release();
  }

  /**
   * A start that failed or was declined before the bot ever ran: what it made goes again, so
   * `bots` shows no ghost. Only ever for a directory this session created.
   */
  async discard(): Promise<void> {
    await this.journal.close();
    if (!this.created) return this.lock.release();
    await removeBotDir(this.paths.dir, this.lock);
  }
}

/**
 * A missing state file is a new bot only when nothing says otherwise: a backup, or a journal of
 * earlier runs, means the state was lost, and starting afresh would trade as if nothing were held
 * and, one write later, overwrite the backup (RELIABILITY row 28). A state file that does not
 * descend from its backup (another bot's, an older copy) is refused for the same reason.
 */
async function checkNotReset(paths: BotPaths, doc: BotStateDoc | null): Promise<void> {
  const bak = await readBackupLineage(paths.state);
  if (doc === null && bak !== null && !(await readStateDoc(`${paths.state}.bak`).then(Boolean, () => false))) {
    throw new StateError(`state file ${paths.state} is missing and its backup ${paths.state}.bak is damaged; nothing was started: to start this bot afresh, move ${paths.dir} away`);
  }
  const problem = successorProblem(paths.state, doc ? lineageOf(doc) : null, bak);
  if (problem) throw new StateError(`${problem}; nothing was started`);
  if (doc === null && (await journalSize(paths.journal)) > 0) {
    throw new StateError(
      `state file ${paths.state} is missing but the journal ${paths.journal} holds orders of earlier runs, and there is no backup; nothing was started: ` +
        `to start this bot afresh, move ${paths.dir} away (keep it: its journal is the record of those orders)`,
    );
  }
}

/**
 * Everything but the lock goes first, then the lock, then the (now empty) directory: a process
 * that takes the bot meanwhile finds it locked, and anything it then writes keeps the directory.
 */
async function removeBotDir(dir: string, lock: StateLock): Promise<void> {
  try {
    for (const entry of await readdir(dir)) if (entry !== 'state.lock' && entry !== 'lock.json') await rm(join(dir, entry), { recursive: true, force: true });
  } finally {
    await lock.release();
  }
  await rmdir(dir).catch(() => undefined);
}
