import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { StateError } from '../core/errors.js';
import { OrderIds } from '../core/ids.js';
import type { OrderRequest } from '../core/orders.js';
import type { JournalEntry } from '../engine/ports.js';
import { writeFileDurable } from '../store/durable-write.js';
import { Journal } from '../store/journal.js';
import { ensureDir } from '../store/ensure-dir.js';
import { readJournalIntents } from '../bot/recover-live.js';

/**
 * Orders an operator places on the account outside any bot (`tradebot orders create` without
 * --bot): client ids `tbm-N` from a sequence kept in `<home>/manual-orders.json`, and a journal
 * `<home>/manual-journal.jsonl` written before each order is sent, as a bot's is.
 */
export const MANUAL_PREFIX = 'tbm';

export function manualPaths(home: string): { sequence: string; journal: string } {
  return { sequence: join(home, 'manual-orders.json'), journal: join(home, 'manual-journal.jsonl') };
}

/** The next manual client order id, reserved durably (two commands at once get different ids). */
export async function nextManualId(home: string): Promise<string> {
  const { sequence } = manualPaths(home);
  await ensureDir(home, 0o700);
  const release = await lockfile.lock(home, { realpath: false, lockfilePath: `${sequence}.lock`, stale: 10_000, retries: { retries: 20, minTimeout: 50, maxTimeout: 200 } });
  try {
    let seq = 0;
    try {
      const doc = JSON.parse(await readFile(sequence, 'utf8')) as { sequence?: unknown };
      if (typeof doc.sequence !== 'number' || !Number.isInteger(doc.sequence) || doc.sequence < 0) throw new Error('no sequence');
      seq = doc.sequence;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new StateError(`${sequence} is unusable (${(err as Error).message}): fix or remove it`, { cause: err });
    }
    // the journal may be ahead of the file (a crash between the two): never reuse an id
    seq = Math.max(seq, (await readJournalIntents(manualPaths(home).journal, MANUAL_PREFIX)).maxSeq);
    const ids = new OrderIds(MANUAL_PREFIX, seq);
    const id = ids.next();
    await writeFileDurable(sequence, `${JSON.stringify({ schemaVersion: 1, sequence: ids.sequence })}\n`);
    return id;
  } finally {
    await release();
  }
}

export async function journalManual(home: string, entry: JournalEntry): Promise<void> {
  const j = await Journal.open(manualPaths(home).journal);
  try {
    await j.append(entry);
  } finally {
    await j.close();
  }
}

/** Manual orders by client id, as journaled (to find an order's symbol). */
export async function manualIntents(home: string): Promise<Map<string, OrderRequest>> {
  const { intents } = await readJournalIntents(manualPaths(home).journal, MANUAL_PREFIX);
  return new Map(intents.map((r) => [r.clientOrderId, r]));
}
