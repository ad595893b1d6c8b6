import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ExitCode, TradebotError } from '../core/errors.js';
import type { BotPaths } from '../store/bot-paths.js';
import { writeFileDurable } from '../store/durable-write.js';
import { LockedError } from '../store/state-lock.js';
import { redact } from '../secrets.js';
import { BotLog } from './bot-log.js';

/** The last start of a bot that was refused: `refused.json` in its directory. */
export interface RefusedStart {
  time: number;
  command: string;
  message: string;
  exitCode: number;
}

/**
 * A start of an existing bot that was refused (settings that differ, damaged or missing state, the
 * exchange, a "no" at the prompt) leaves a trace where its operator looks: a line in the bot's
 * log, and `refused.json`, which `status NAME` shows as the last error until the bot next starts.
 * The state file is not touched: the refusal may be about it. A start refused because another
 * process runs the bot only goes to the log: that process owns the bot's files.
 * Best effort: the refusal itself is what the caller reports.
 */
export async function recordRefusedStart(o: { paths: BotPaths; err: unknown; command: string; time: number; log?: BotLog }): Promise<void> {
  // never makes the bot's directory: a bot that does not exist has no log
  if (!(await stat(o.paths.dir).catch(() => null))) return;
  const e = o.err;
  const refused: RefusedStart = {
    time: o.time,
    command: o.command,
    message: e instanceof Error ? e.message : String(e),
    exitCode: e instanceof TradebotError ? e.exitCode : e instanceof Error && e.name === 'ExitPromptError' ? ExitCode.interrupted : ExitCode.internal,
  };
  // without the lock another process may be writing the log: append, never rotate
  const log = o.log ?? new BotLog(o.paths.log, Number.POSITIVE_INFINITY);
  await log.write(o.time, 'error', 'start-refused', { command: refused.command, message: refused.message, exitCode: refused.exitCode }).catch(() => undefined);
  if (e instanceof LockedError) return;
  await writeFileDurable(o.paths.refused, `${redact(JSON.stringify(refused))}\n`).catch(() => undefined);
}

/** Read by `status` for every bot: a small file, read synchronously. */
export function readRefusedStart(paths: Pick<BotPaths, 'refused'>): RefusedStart | null {
  try {
    const r = JSON.parse(readFileSync(paths.refused, 'utf8')) as Partial<RefusedStart>;
    return typeof r.time === 'number' && typeof r.message === 'string' ? (r as RefusedStart) : null;
  } catch {
    return null;
  }
}
