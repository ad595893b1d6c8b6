import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StateError, UsageError } from '../core/errors.js';
import { botPaths } from '../store/bot-paths.js';
import { writeFileDurable } from '../store/durable-write.js';
import { pidAlive, readLockOwner } from '../store/state-lock.js';
import { readControl, writeControl, type ControlCommand, type ControlRequest } from './control.js';
import { isLive, readBotStatus, requireBot, type BotState } from './status.js';

export type SteerCommand = 'stop' | 'pause' | 'resume' | 'forceexit';

export type ControlOutcome =
  /** detail: what the bot said it did (forceexit: the positions sold) */
  | { name: string; command: SteerCommand; result: 'acknowledged'; afterMs: number; detail?: string; ok?: boolean }
  | { name: string; command: SteerCommand; result: 'not-running'; state: BotState };

export interface SendControlOptions {
  home: string;
  name: string;
  command: SteerCommand;
  timeoutMs: number;
  /** who asks, recorded in the request and the bot's log */
  by: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** how often state.json is read for the acknowledgement */
  pollMs?: number;
  /** a stop that first cancels the bot's orders (stop-cancel), or also sells its positions (panic) */
  as?: 'stop-cancel' | 'panic';
  /** forceexit: a pair of the bot, or "all" */
  pair?: string;
  /**
   * false: a stop is done once acknowledged, without waiting for the process to exit (a request
   * made from inside the bot itself: Telegram's /stop)
   */
  waitForExit?: boolean;
}

/**
 * Ask a running bot to stop, pause or resume, and wait for its answer: the request goes into
 * control.json, the bot acknowledges it in state.json (`runtime.ack.seq`). A stop is complete
 * once the bot has also let go of its lock, so that `status` right after says "stopped".
 * No answer within the timeout: a StateError (exit 5); the request stays and is applied when the
 * bot next polls.
 */
export async function sendControl(o: SendControlOptions): Promise<ControlOutcome> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = o.pollMs ?? 200;
  await requireBot(o.home, o.name);
  const paths = botPaths(o.home, o.name);
  const view = await readBotStatus(o.home, o.name, now());
  if (!isLive(view)) {
    if (o.command === 'stop') return { name: o.name, command: o.command, result: 'not-running', state: view.state };
    throw new UsageError(`bot ${o.name} is not running (${view.state}): nothing to ${o.command}`);
  }

  const t0 = now();
  if (o.as && o.command !== 'stop') throw new UsageError(`${o.as} is a kind of stop, not of ${o.command}`);
  if (o.command === 'forceexit') {
    if (!o.pair) throw new UsageError('forceexit needs a pair of the bot, or all');
    if (o.pair !== 'all' && !view.pairs.includes(o.pair)) throw new UsageError(`bot ${o.name} trades ${view.pairs.join(', ')}, not ${o.pair}`);
  }
  const req = await request(paths.control, paths.state, o.as ?? o.command, t0, o.by, o.command === 'forceexit' ? o.pair : undefined);
  const deadline = t0 + o.timeoutMs;
  let acked = false;
  let answer: Ack | null = null;
  for (;;) {
    // the owner first, then the ack: a bot acknowledges a stop before it lets go of the lock
    const alive = await ownerAlive(paths.dir);
    if (!acked) {
      answer = await readAckDoc(paths.state);
      acked = answer !== null && answer.seq >= req.seq;
    }
    if (acked && (o.command !== 'stop' || !alive || o.waitForExit === false)) {
      const said = answer?.seq === req.seq && answer.detail !== undefined ? { detail: answer.detail, ok: answer.ok !== false } : {};
      return { name: o.name, command: o.command, result: 'acknowledged', afterMs: now() - t0, ...said };
    }
    if (!acked && !alive) {
      // it went away without answering (crashed, killed): nothing is left to stop, nor to pause
      const after = await readBotStatus(o.home, o.name, now());
      if (o.command === 'stop') return { name: o.name, command: o.command, result: 'not-running', state: after.state };
      throw new StateError(`bot ${o.name} exited before acknowledging ${o.command} (now ${after.state})`);
    }
    if (now() >= deadline) break;
    await sleep(Math.min(pollMs, Math.max(1, deadline - now())));
  }
  const secs = `${(o.timeoutMs / 1000).toFixed(o.timeoutMs % 1000 === 0 ? 0 : 1)} s`;
  const who = `pid ${view.pid ?? '?'}${view.heartbeatAgeMs !== null ? `, last heartbeat ${(view.heartbeatAgeMs / 1000).toFixed(1)} s ago` : ''}`;
  if (acked) throw new StateError(`bot ${o.name} acknowledged stop but was still running after ${secs} (${who}); check it with tradebot status ${o.name}`);
  throw new StateError(
    `bot ${o.name} did not acknowledge ${o.command} within ${secs} (${who}); the request stays in ${paths.control} and is applied when the bot next reads it`,
  );
}

/**
 * writeControl numbers requests after the last one in control.json; the bot ignores any number it
 * has already acknowledged. Should control.json have been lost, the request is renumbered past
 * the bot's last acknowledgement.
 */
async function request(controlPath: string, statePath: string, command: ControlCommand, time: number, by: string, pair: string | undefined): Promise<ControlRequest> {
  const acked = (await readAck(statePath)) ?? 0;
  const req = await writeControl(controlPath, command, time, by, pair);
  if (req.seq > acked) return req;
  const fixed: ControlRequest = { ...req, seq: Math.max(acked, (await readControl(controlPath))?.seq ?? 0) + 1 };
  await writeFileDurable(controlPath, `${JSON.stringify(fixed)}\n`);
  return fixed;
}

interface Ack {
  seq: number;
  detail?: string;
  ok?: boolean;
}

/** runtime.ack.seq of the state file as it is now; null when unreadable (a corrupt file is status's business). */
async function readAck(statePath: string): Promise<number | null> {
  return (await readAckDoc(statePath))?.seq ?? null;
}

async function readAckDoc(statePath: string): Promise<Ack | null> {
  try {
    const doc = JSON.parse(await readFile(statePath, 'utf8')) as { runtime?: { ack?: { seq?: unknown; detail?: unknown; ok?: unknown } | null } };
    const a = doc.runtime?.ack;
    if (typeof a?.seq !== 'number') return null;
    return { seq: a.seq, ...(typeof a.detail === 'string' ? { detail: a.detail } : {}), ...(typeof a.ok === 'boolean' ? { ok: a.ok } : {}) };
  } catch {
    return null;
  }
}

/** Someone still holds the bot: lock.json names a live pid (on another host: the lock is still there). */
async function ownerAlive(dir: string): Promise<boolean> {
  const owner = await readLockOwner(dir);
  if (!owner) return false;
  return owner.host === hostname() ? pidAlive(owner.pid) : true;
}

/** Who sends a request: shown in the bot's log. */
export function requester(command: string, env: NodeJS.ProcessEnv): string {
  return `tradebot ${command} (pid ${process.pid}, ${env.USER ?? env.USERNAME ?? 'unknown'}@${hostname()})`;
}
