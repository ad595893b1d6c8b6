import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { UsageError } from '../core/errors.js';
import type { Decision } from '../engine/engine.js';
import type { BotMode } from '../store/bot-state.js';
import { botPaths, botsDir, checkBotName, type BotPaths } from '../store/bot-paths.js';
import type { OpenOrderView, PositionView, StatusDigest } from '../store/status-digest.js';
import { readStatusSummary } from '../store/status-summary.js';
import { pidAlive, readLockOwnerSync, type LockOwner } from '../store/state-lock.js';
import { readRefusedStart, type RefusedStart } from './refused-start.js';
import { readNotifyFile, type NotifyFileDoc } from '../notify/notify-file.js';
import { notifyPath } from '../notify/notify-path.js';
import type { SignalRuntime } from '../signals/signal-runtime.js';

export type { OpenOrderView, PositionView } from '../store/status-digest.js';

/**
 * What `status` and `bots` show of a bot, read from its files only: state.json, lock.json and
 * heartbeat.json. No exchange, no ccxt: it works while the bot runs, and when the network is down.
 */
export type BotState = 'running' | 'paused' | 'halted' | 'stale' | 'stopped' | 'crashed';

/** A running bot rewrites heartbeat.json every second; older than this, it is not answering. */
export const HEARTBEAT_FRESH_MS = 10_000;

export interface BotStatusView {
  name: string;
  dir: string;
  mode: BotMode | null;
  exchange: string | null;
  apiUrl: string | null;
  strategy: { name: string; params: Record<string, unknown> } | null;
  pairs: string[];
  timeframe: string | null;
  quote: string | null;
  state: BotState;
  /** runtime.status as the bot last wrote it */
  runtimeStatus: string | null;
  pid: number | null;
  host: string | null;
  /** null when the owner is on another host (its pid cannot be checked from here) or there is none */
  pidAlive: boolean | null;
  heartbeatAgeMs: number | null;
  uptimeMs: number | null;
  startedAt: number | null;
  stoppedAt: number | null;
  equity: {
    start: string;
    last: string;
    time: number;
    pnl: string;
    /** a fraction (0.01 = 1 %), null when the start equity is 0 */
    pnlPct: number | null;
    /** since the start of the current UTC day; null when the bot has not written today */
    today: string | null;
    todayPct: number | null;
  } | null;
  /** net of fees: closed round trips */
  realizedPnl: string | null;
  /** net of fees: open round trips marked at the last price */
  unrealizedPnl: string | null;
  positions: PositionView[];
  openOrders: OpenOrderView[];
  /**
   * live: what the account held beyond the bot's ledger when it last compared (start, reconcile
   * --apply), per currency: not the bot's, not in its equity or PnL. null: paper, or never compared.
   */
  external: { time: number; balances: Record<string, string> } | null;
  /** the quote it was given: a live bot's budget (--budget), a paper bot's starting quote cash */
  budget: string | null;
  /** exchange and masked key: the account it trades (live bots on one account share it) */
  account: string | null;
  /** its ledger per currency: what it owns */
  balances: Record<string, string> | null;
  lastDecision: (Decision & { ageMs: number }) | null;
  lastError: { time: number; message: string } | null;
  degraded: { since: number; message: string } | null;
  /** a signal bot (webhook, http-signal): its listener, its alerts' fates, its service; null for the others */
  signals: SignalRuntime | null;
  riskHalt: { code: string; since: number; message: string } | null;
  paused: boolean;
  /** when the bot last handled a new candle (this machine's clock); null: not recorded */
  lastCandleAt: number | null;
  /** the notification channels (notify.json): a failing one is degraded; empty without notifications */
  notify: NotifyChannelView[];
  /** the state file could not be read (corrupt, newer schema): the rest is mostly empty */
  error: string | null;
}

export interface NotifyChannelView {
  channel: string;
  state: 'ok' | 'degraded';
  since: number | null;
  lastError: string | null;
  /** messages waiting for it */
  queued: number;
  sent: number;
  failed: number;
}

/** The bot's directory must exist; otherwise a usage error listing the bots that do. */
export async function requireBot(home: string, name: string): Promise<string> {
  const dir = botPaths(home, name).dir;
  const s = await stat(dir).catch(() => null);
  if (s?.isDirectory()) return dir;
  const known = await botNames(home);
  throw new UsageError(`no bot named ${name} in ${botsDir(home)}${known.length > 0 ? ` (bots: ${known.join(', ')})` : ' (there are no bots yet)'}`);
}

export async function botNames(home: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(botsDir(home), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((e) => e.isDirectory() && isBotName(e.name))
    .map((e) => e.name)
    .sort();
}

function isBotName(name: string): boolean {
  try {
    checkBotName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every bot under `<home>/bots`, by name. One unreadable bot never hides the others. A bot's
 * summary (src/store/status-summary.ts) stands in for its state file while it matches it.
 */
export async function listBots(home: string, now: number): Promise<BotStatusView[]> {
  return Promise.all((await botNames(home)).map((name) => readBotStatus(home, name, now, { summary: true })));
}

/**
 * One bot, from its files. `summary`: from the summary the bot wrote beside its state file when it
 * still describes that file; otherwise (and by default) the state file itself is read and checked.
 */
export async function readBotStatus(home: string, name: string, now: number, o: { summary?: boolean } = {}): Promise<BotStatusView> {
  const paths = botPaths(home, name);
  const notify = await readNotifyFile(notifyPath(paths.dir));
  const around = { name, dir: paths.dir, lock: readLockOwnerSync(paths.dir), heartbeat: readHeartbeat(paths.heartbeat), refused: readRefusedStart(paths), notify, now, host: hostname(), isAlive: pidAlive };
  const summary = o.summary ? readStatusSummary(paths.summary, paths.state) : null;
  if (summary) {
    try {
      return statusView({ ...around, digest: summary, error: null });
    } catch {
      // a summary status cannot show is no summary: the state file decides
    }
  }
  const { digest, error } = await readDigest(paths);
  return statusView({ ...around, digest, error });
}

/** The state file read and checked as the runner reads it; loaded only when there is no usable summary. */
async function readDigest(paths: BotPaths): Promise<{ digest: StatusDigest | null; error: string | null }> {
  const [{ readStateDoc }, { statusDigestOf }] = await Promise.all([import('../store/read-state.js'), import('../store/status-digest.js')]);
  try {
    const doc = await readStateDoc(paths.state);
    return { digest: doc ? statusDigestOf(doc) : null, error: null };
  } catch (err) {
    return { digest: null, error: err instanceof Error ? err.message : String(err) };
  }
}

function readHeartbeat(path: string): { time: number; pid: number | null } | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as { time?: unknown; pid?: unknown };
    return typeof h.time === 'number' ? { time: h.time, pid: typeof h.pid === 'number' ? h.pid : null } : null;
  } catch {
    return null;
  }
}

export interface StatusInputs {
  name: string;
  dir: string;
  /** what the state file says (src/store/status-digest.ts); null when there is none or it cannot be read */
  digest: StatusDigest | null;
  error: string | null;
  lock: LockOwner | null;
  heartbeat: { time: number; pid: number | null } | null;
  /** the last refused start, if any (refused.json) */
  refused?: RefusedStart | null;
  /** notify.json, if any */
  notify?: NotifyFileDoc | null;
  now: number;
  /** this host's name */
  host: string;
  isAlive: (pid: number) => boolean;
}

/** The view from what was read: pure, so the state rules are tested without processes. */
export function statusView(i: StatusInputs): BotStatusView {
  const { digest: d, now } = i;
  const rt = d?.runtime ?? null;
  // lock.json names the owner; without one, the pid the bot last wrote (a lock file removed by hand)
  const owner = i.lock ?? (rt?.pid ? { pid: rt.pid, host: rt.host ?? i.host, command: rt.command ?? '', since: rt.startedAt ?? 0 } : null);
  const local = owner !== null && owner.host === i.host;
  const alive = owner === null ? null : local ? i.isAlive(owner.pid) : null;
  // a heartbeat counts only when it is the owner's (not one left by an earlier run)
  const beats = [
    i.heartbeat && (!owner || i.heartbeat.pid === null || i.heartbeat.pid === owner.pid) ? i.heartbeat.time : null,
    rt?.heartbeat != null && (!owner || rt.pid === owner.pid) ? rt.heartbeat : null,
  ].filter((t): t is number => t !== null);
  const lastBeat = beats.length > 0 ? Math.max(...beats) : null;
  const heartbeatAgeMs = lastBeat === null ? null : Math.max(0, now - lastBeat);
  const state = botState({ runtimeStatus: rt?.status ?? null, hasOwner: owner !== null, ownerAlive: alive, heartbeatAgeMs });
  const live = state === 'running' || state === 'paused' || state === 'halted' || state === 'stale';
  const startedAt = rt?.startedAt ?? null;
  const uptimeMs = live ? now - (rt && owner && rt.pid === owner.pid && startedAt !== null ? startedAt : owner!.since) : null;
  const e = d?.equity ?? null;
  const today = e !== null && e.day === Math.floor(now / 86_400_000);

  return {
    name: i.name,
    dir: i.dir,
    mode: d?.mode ?? null,
    exchange: d?.exchange ?? null,
    apiUrl: d?.apiUrl ?? null,
    strategy: d ? { name: d.strategy.name, params: d.strategy.params } : null,
    pairs: d?.pairs ?? [],
    timeframe: d?.timeframe ?? null,
    quote: d?.quote ?? null,
    state,
    runtimeStatus: rt?.status ?? null,
    pid: owner?.pid ?? null,
    host: owner?.host ?? rt?.host ?? null,
    pidAlive: alive,
    heartbeatAgeMs,
    uptimeMs,
    startedAt,
    stoppedAt: rt?.stoppedAt ?? null,
    equity: e && { start: e.start, last: e.last, time: e.time, pnl: e.pnl, pnlPct: e.pnlPct, today: today ? e.today : null, todayPct: today ? e.todayPct : null },
    realizedPnl: d?.realizedPnl ?? null,
    unrealizedPnl: d?.unrealizedPnl ?? null,
    positions: d?.positions ?? [],
    openOrders: d?.openOrders ?? [],
    external: rt?.external ?? null,
    budget: d?.budget ?? null,
    account: d?.account ?? null,
    balances: d?.balances ?? null,
    lastDecision: rt?.lastDecision ? { ...rt.lastDecision, ageMs: Math.max(0, now - rt.lastDecision.time) } : null,
    lastError: lastError(rt, i.refused ?? null),
    degraded: rt?.degraded ?? null,
    signals: rt?.signals ?? null,
    riskHalt: d?.riskHalt ?? null,
    paused: rt?.status === 'paused',
    lastCandleAt: rt?.lastCandleAt ?? null,
    notify: notifyView(i.notify ?? null),
    error: i.error,
  };
}

function notifyView(doc: NotifyFileDoc | null): NotifyChannelView[] {
  if (!doc) return [];
  return Object.entries(doc.channels).map(([channel, h]) => ({
    channel,
    state: h.state,
    since: h.since,
    lastError: h.lastError,
    queued: doc.queue.filter((m) => (m.target === 'webhook' ? 'webhook' : 'telegram') === channel).length,
    sent: h.sent,
    failed: h.failed,
  }));
}

/** A refused start counts until the bot next starts; otherwise the last error the bot wrote. */
function lastError(rt: StatusDigest['runtime'] | null, refused: RefusedStart | null): { time: number; message: string } | null {
  const own = rt?.lastError ?? null;
  if (!refused || refused.time <= (rt?.startedAt ?? 0) || (own && own.time >= refused.time)) return own;
  return { time: refused.time, message: `start refused: ${refused.message}` };
}

/**
 * running/paused/halted: a live owner (this host: its pid answers; another host: trust it) with a
 * fresh heartbeat. stale: an owner that is not beating. crashed: the file says it was running
 * but nobody owns it any more. stopped: otherwise.
 */
export function botState(i: { runtimeStatus: string | null; hasOwner: boolean; ownerAlive: boolean | null; heartbeatAgeMs: number | null }): BotState {
  const fresh = i.heartbeatAgeMs !== null && i.heartbeatAgeMs < HEARTBEAT_FRESH_MS;
  if (i.hasOwner && i.ownerAlive !== false) {
    if (!fresh) return 'stale';
    return i.runtimeStatus === 'paused' ? 'paused' : i.runtimeStatus === 'halted' ? 'halted' : 'running';
  }
  const s = i.runtimeStatus;
  return s === 'running' || s === 'paused' || s === 'halted' || s === 'starting' || s === 'crashed' ? 'crashed' : 'stopped';
}

/** `status` lists the bots that are not cleanly stopped, and any it cannot read. */
export function shownByStatus(v: BotStatusView): boolean {
  return v.state !== 'stopped' || v.error !== null;
}

/** True while some process owns the bot (running, paused, halted, or stale but alive). */
export function isLive(v: BotStatusView): boolean {
  return v.state === 'running' || v.state === 'paused' || v.state === 'halted' || v.state === 'stale';
}
