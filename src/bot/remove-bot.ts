import { rm } from 'node:fs/promises';
import { releaseAllocation } from './allocations.js';
import { StateError } from '../core/errors.js';
import { acquireStateLock } from '../store/state-lock.js';
import { isLive, readBotStatus, requireBot } from './status.js';

/**
 * `tradebot bots rm`: delete a bot's directory. Refused while it runs; `confirm` is asked only
 * then (it may say no: false is returned and nothing changes). The delete happens under the bot's
 * lock, so a bot starting at the same moment either wins (and the removal is refused) or finds
 * nothing.
 */
export async function removeBot(home: string, name: string, now: number, confirm: (dir: string) => Promise<boolean>): Promise<boolean> {
  const dir = await requireBot(home, name);
  const view = await readBotStatus(home, name, now);
  if (isLive(view)) {
    throw new StateError(`bot ${name} is ${view.state} (pid ${view.pid ?? '?'}${view.host ? ` on ${view.host}` : ''}): stop it first with tradebot stop ${name}`);
  }
  if (!(await confirm(dir))) return false;
  const lock = await acquireStateLock(dir, `tradebot bots rm ${name}`, now);
  try {
    await rm(dir, { recursive: true, force: true });
    await releaseAllocation(home, name); // its budget is the other bots' to take again
  } finally {
    await lock.release().catch(() => undefined);
  }
  return true;
}
