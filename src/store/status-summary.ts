import { readFileSync, statSync, type BigIntStats } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { redact } from '../secrets.js';
import { randomHex } from './durable-write.js';
import { STATE_SCHEMA_VERSION } from './state-schema.js';
import type { StatusDigest } from './status-digest.js';

/**
 * `summary.json` beside a bot's state file: what `status` shows of it (a StatusDigest, a few KB),
 * so that listing many bots does not parse and check every state file (hundreds of KB each, with
 * every closed round trip). The bot writes it after each state write.
 *
 * A summary is only a shortcut. It names the state file it was made from by inode, size and
 * modification time (a state file is replaced by a rename on every write, so each version has
 * its own inode); a reader uses it only while the state file is still exactly that file, and
 * reads the state file itself otherwise: a summary that is missing, damaged, older than the state
 * file (a write it did not follow, `state restore`, a hand edit), or written by another version
 * of tradebot (another summary or state schema).
 */
export const SUMMARY_SCHEMA_VERSION = 1;

/** Which version of a state file a summary describes. */
export interface StateFileIdentity {
  ino: string;
  size: string;
  mtimeNs: string;
}

interface SummaryDoc {
  summarySchemaVersion: number;
  stateSchemaVersion: number;
  state: StateFileIdentity;
  digest: StatusDigest;
}

export function identityOf(st: BigIntStats): StateFileIdentity {
  return { ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs) };
}

/**
 * Writes the summary of the state file `written` (its stat as written). Replaced by a rename, so
 * a reader sees the old summary or the new one; not fsynced, because a summary lost or torn by a
 * crash is simply not used. Best effort: a summary that cannot be written leaves status reading
 * the state file (the old summary no longer matches it).
 */
export async function writeStatusSummary(path: string, written: BigIntStats, digest: StatusDigest): Promise<void> {
  const doc: SummaryDoc = { summarySchemaVersion: SUMMARY_SCHEMA_VERSION, stateSchemaVersion: STATE_SCHEMA_VERSION, state: identityOf(written), digest };
  let tmp: string | undefined;
  try {
    tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${await randomHex()}.tmp`);
    await writeFile(tmp, `${redact(JSON.stringify(doc))}\n`, { mode: 0o600, flag: 'wx' });
    await rename(tmp, path);
  } catch {
    if (tmp !== undefined) await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/**
 * The digest in `path` when it describes the state file `statePath` as it is now; null when the
 * state file must be read instead (see above). Synchronous: status reads one per bot.
 */
export function readStatusSummary(path: string, statePath: string): StatusDigest | null {
  let doc: Partial<SummaryDoc>;
  let state: BigIntStats | undefined;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Partial<SummaryDoc>;
    state = statSync(statePath, { bigint: true, throwIfNoEntry: false });
  } catch {
    return null;
  }
  if (!state || !isObject(doc) || doc.summarySchemaVersion !== SUMMARY_SCHEMA_VERSION || doc.stateSchemaVersion !== STATE_SCHEMA_VERSION) return null;
  const id = doc.state;
  const now = identityOf(state);
  if (!isObject(id) || id.ino !== now.ino || id.size !== now.size || id.mtimeNs !== now.mtimeNs) return null;
  return isDigest(doc.digest) ? doc.digest : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The shape status relies on; anything else sends it to the state file. */
function isDigest(v: unknown): v is StatusDigest {
  if (!isObject(v) || !isObject(v.runtime) || !isObject(v.strategy) || !Array.isArray(v.pairs) || !Array.isArray(v.positions) || !Array.isArray(v.openOrders)) return false;
  return typeof v.runtime.status === 'string' && typeof v.mode === 'string' && typeof v.quote === 'string' && (v.equity === null || isObject(v.equity));
}
