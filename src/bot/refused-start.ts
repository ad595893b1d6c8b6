import { stat } from 'node:fs/promises';
import { ExitCode, TradebotError } from '../core/errors.js';
import type { BotPaths } from '../store/bot-paths.js';
import { BotLog } from './bot-log.js';
import type { BotSession } from './session.js';

/**
 * A start of an existing bot that was refused (settings that differ, a lock, damaged state, the
 * exchange, a "no" at the prompt) leaves a trace where its operator looks: a line in the bot's
 * log, and, when this process holds the bot and its state loaded, `runtime.lastError` in the state
 * file, which `status NAME` shows. Best effort: the refusal itself is what the caller reports.
 */
export async function recordRefusedStart(o: { paths: BotPaths; session: BotSession | null; err: unknown; command: string; time: number }): Promise<void> {
  const message = o.err instanceof Error ? o.err.message : String(o.err);
  const exitCode = o.err instanceof TradebotError ? o.err.exitCode : o.err instanceof Error && o.err.name === 'ExitPromptError' ? ExitCode.interrupted : ExitCode.internal;
  // never makes the bot's directory: a bot that does not exist has no log
  if (!(await stat(o.paths.dir).catch(() => null))) return;
  // without the lock another process may be writing the log: append, never rotate
  const log = o.session?.log ?? new BotLog(o.paths.log, Number.POSITIVE_INFINITY);
  await log.write(o.time, 'error', 'start-refused', { command: o.command, message, exitCode }).catch(() => undefined);
  const doc = o.session?.existing;
  if (!o.session || !doc) return;
  o.session.db.data = { ...doc, runtime: { ...doc.runtime, lastError: { time: o.time, message } } };
  await o.session.db.write().catch(() => undefined);
}
