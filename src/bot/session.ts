import type { Low } from 'lowdb';
import { botPaths, type BotPaths } from '../store/bot-paths.js';
import { acquireStateLock, type StateLock } from '../store/state-lock.js';
import { openStateFile, DurableJsonFile } from '../store/state-file.js';
import { upgradeStateDoc, type BotStateDoc } from '../store/bot-state.js';
import { Journal } from '../store/journal.js';
import { CrashPoints } from '../store/crash-points.js';
import { ensureDir } from '../store/ensure-dir.js';
import { BotLog } from './bot-log.js';

/**
 * What a running bot holds on disk, acquired in this order: its directory, the single-writer
 * lock, the state file (validated, migrated), the journal and the log. Released in reverse.
 * Used by paper and live alike.
 */
export class BotSession {
  private constructor(
    readonly paths: BotPaths,
    readonly lock: StateLock,
    readonly db: Low<BotStateDoc | null>,
    readonly journal: Journal,
    readonly log: BotLog,
    readonly crash: CrashPoints,
  ) {}

  static async open(o: { home: string; name: string; command: string; now: number; crashSpec?: string }): Promise<BotSession> {
    const paths = botPaths(o.home, o.name);
    await ensureDir(paths.dir, 0o700);
    const lock = await acquireStateLock(paths.dir, o.command, o.now);
    try {
      const db = await openStateFile<BotStateDoc | null>(paths.state, (raw, path) => upgradeStateDoc(raw, path), null);
      const journal = await Journal.open(paths.journal);
      const crash = new CrashPoints(o.crashSpec);
      (db.adapter as DurableJsonFile<BotStateDoc | null>).beforeRename = () => crash.hit('mid-snapshot');
      return new BotSession(paths, lock, db, journal, new BotLog(paths.log), crash);
    } catch (err) {
      await lock.release();
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
}
