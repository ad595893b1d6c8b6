import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { StateError } from '../core/errors.js';
import { upgradeStateDoc, type BotStateDoc } from './bot-state.js';
import { recoveryHint } from './read-state.js';
import { DurableJsonFile } from './state-file.js';
import { statusDigestOf } from './status-digest.js';
import { writeStatusSummary } from './status-summary.js';

/** Which bot a state document belongs to, and how many writes it has seen. */
export interface Lineage {
  id: string;
  generation: number;
}

/**
 * A bot's state file as its owner writes it (the runner; reconcile and orders --bot on a stopped
 * bot). Every write counts `generation` up. Before its first write, a process checks that the file
 * about to become the backup descends from the backup it replaces (successorProblem): the last
 * good snapshot is never overwritten by a new empty state, another bot's state, or an older one.
 * After each write it writes `summaryPath` (when given): what `status` shows of the new state.
 */
export class BotStateFile extends DurableJsonFile<BotStateDoc | null> {
  private loaded: BotStateDoc | null = null;
  private checked = false;
  private generation = 0;

  constructor(
    path: string,
    private readonly summaryPath?: string,
  ) {
    super(path, (raw, p) => upgradeStateDoc(raw, p), recoveryHint);
  }

  override async read(): Promise<BotStateDoc | null> {
    const doc = await super.read();
    this.loaded = doc;
    this.generation = doc?.generation ?? 0;
    return doc;
  }

  override async write(doc: BotStateDoc | null): Promise<void> {
    if (doc === null) return; // nothing to write yet: a bot's state starts with its first checkpoint
    if (!this.checked) {
      const problem = successorProblem(this.path, this.loaded ? lineageOf(this.loaded) : null, await readBackupLineage(this.path));
      if (problem) throw new StateError(`${problem}; nothing was written`);
      this.checked = true;
    }
    const next = { ...doc, generation: this.generation + 1 };
    await super.write(next);
    this.generation = next.generation;
    if (this.summaryPath !== undefined && this.lastWritten) await writeStatusSummary(this.summaryPath, this.lastWritten, statusDigestOf(next));
  }
}

export function lineageOf(doc: BotStateDoc): Lineage {
  return { id: doc.bot.id, generation: doc.generation };
}

/** A backup's lineage; 'unknown' for one written before schema 3 or too damaged to tell. */
export type BackupLineage = Lineage | 'unknown' | null;

/** The lineage of `<path>.bak`, null when there is none. */
export async function readBackupLineage(path: string): Promise<BackupLineage> {
  let text: string;
  try {
    text = await readFile(`${path}.bak`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return 'unknown';
  }
  let doc: { generation?: unknown; bot?: { id?: unknown } } | null;
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return 'unknown';
  }
  if (typeof doc?.bot?.id !== 'string' || typeof doc.generation !== 'number') return 'unknown';
  return { id: doc.bot.id, generation: doc.generation };
}

/**
 * Why `state` (what `path` holds now, null when it is missing) must not replace the backup
 * `bak` as the last good snapshot; null when it may. A backup whose lineage cannot be told
 * (older schema, damaged) may be replaced by any state file that is there.
 */
export function successorProblem(path: string, state: Lineage | null, bak: BackupLineage): string | null {
  if (bak === null) return null;
  const restore = `tradebot state restore ${basename(dirname(path))} --from-backup`;
  if (state === null) return `state file ${path} is missing but its backup ${path}.bak exists: ${restore} puts it back`;
  if (bak === 'unknown') return null;
  if (state.id !== bak.id) return `state file ${path} belongs to another bot than its backup ${path}.bak (bot ids ${state.id} and ${bak.id}): ${restore} puts the backup back`;
  if (state.generation < bak.generation) return `state file ${path} (write ${state.generation}) is older than its backup ${path}.bak (write ${bak.generation}): ${restore} puts the backup back`;
  return null;
}

/** Whether a journal file holds anything: a bot that journaled once has written its state. */
export async function journalSize(path: string): Promise<number> {
  return (await stat(path).catch(() => null))?.size ?? 0;
}
