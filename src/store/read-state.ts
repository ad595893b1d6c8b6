import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { StateError } from '../core/errors.js';
import { STATE_SCHEMA_VERSION, upgradeStateDoc, type BotStateDoc } from './bot-state.js';
import { DamagedStateError, DurableJsonFile } from './state-file.js';

/**
 * Read-only access to a bot's state file for `status`, `state check` and `state restore`: the
 * runner's own reading and validation (DurableJsonFile + upgradeStateDoc), without ever writing
 * next to the state. Missing: null. Damaged: a StateError naming the file and what can be done.
 */
export async function readStateDoc(path: string): Promise<BotStateDoc | null> {
  return new DurableJsonFile<BotStateDoc>(path, validateStateDoc, recoveryHint).read();
}

/**
 * The runner's validation without its side effect: upgradeStateDoc backs an older file up next
 * to it before migrating, so an older document is migrated from a scratch copy instead (its
 * errors still name the real file). A current or newer document never writes anything.
 */
export async function validateStateDoc(raw: unknown, path: string): Promise<BotStateDoc> {
  const v = typeof raw === 'object' && raw !== null ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof v !== 'number' || v >= STATE_SCHEMA_VERSION) return upgradeStateDoc(raw, path);
  const dir = await mkdtemp(join(tmpdir(), 'tradebot-state-'));
  const scratch = join(dir, basename(path));
  try {
    await copyFile(path, scratch);
    return await upgradeStateDoc(raw, scratch);
  } catch (err) {
    if (err instanceof StateError) {
      const Same = err instanceof DamagedStateError ? DamagedStateError : StateError;
      throw new Same(err.message.split(scratch).join(path), { cause: err });
    }
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What to do about a damaged `<bots>/<name>/state.json`, naming only files that exist: its backup
 * when that one loads (and the command that puts it back), or that the backup is damaged too.
 * Nothing for a backup itself, nor for a bot without one.
 */
export async function recoveryHint(path: string): Promise<string> {
  if (basename(path) !== 'state.json') return '';
  const bak = `${path}.bak`;
  if (!(await stat(bak).catch(() => null))) return '; it has no backup';
  try {
    if (!(await new DurableJsonFile<BotStateDoc>(bak, validateStateDoc).read())) return '; it has no backup';
  } catch {
    return `; its backup ${bak} is damaged too`;
  }
  return `; its last good snapshot is ${bak}: tradebot state restore ${basename(dirname(path))} --from-backup`;
}
