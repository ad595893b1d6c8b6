import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { StateError } from '../core/errors.js';
import { STATE_SCHEMA_VERSION, upgradeStateDoc, type BotStateDoc } from './bot-state.js';
import { DurableJsonFile } from './state-file.js';

/**
 * Read-only access to a bot's state file for `status`, `state check` and `state restore`: the
 * runner's own reading and validation (DurableJsonFile + upgradeStateDoc), without ever writing
 * next to the state. Missing: null. Corrupt: a StateError naming the file and its backup.
 */
export async function readStateDoc(path: string): Promise<BotStateDoc | null> {
  return new DurableJsonFile<BotStateDoc>(path, validateStateDoc).read();
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
    if (err instanceof StateError) throw new StateError(err.message.split(scratch).join(path), { cause: err });
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
