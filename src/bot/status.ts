import { readdir, readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Dec, ZERO, type Dec as Decimal } from '../core/money.js';
import { UsageError } from '../core/errors.js';
import { isTerminal, type OrderStatus } from '../core/orders.js';
import { Portfolio, roundTripPnl } from '../core/portfolio.js';
import type { Decision } from '../engine/engine.js';
import type { BotMode, BotStateDoc } from '../store/bot-state.js';
import { botPaths, botsDir, checkBotName } from '../store/bot-paths.js';
import { readStateDoc } from '../store/read-state.js';
import { pidAlive, readLockOwner, type LockOwner } from '../store/state-lock.js';
import { readRefusedStart, type RefusedStart } from './refused-start.js';
import { readNotifyFile, type NotifyFileDoc } from '../notify/notify-file.js';
import { notifyPath } from '../notify/notify-path.js';
import type { SignalRuntime } from '../signals/signal-runtime.js';

/**
 * What `status` and `bots` show of a bot, read from its files only: state.json, lock.json and
 * heartbeat.json. No exchange, no ccxt: it works while the bot runs, and when the network is down.
 */
export type BotState = 'running' | 'paused' | 'halted' | 'stale' | 'stopped' | 'crashed';

/** A running bot rewrites heartbeat.json every second; older than this, it is not answering. */
export const HEARTBEAT_FRESH_MS = 10_000;

export interface PositionView {
  symbol: string;
  qty: string;
  entryPrice: string;
  /** the last close the bot saw, or null */
  lastPrice: string | null;
  /** null when there is no price to mark it at */
  unrealizedPnl: string | null;
}

export interface OpenOrderView {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: string;
  amount: string;
  price: string | null;
  stopPrice: string | null;
  filled: string;
  status: OrderStatus;
  purpose: string;
}

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

/** Every bot under `<home>/bots`, by name. One unreadable bot never hides the others. */
export async function listBots(home: string, now: number): Promise<BotStatusView[]> {
  return Promise.all((await botNames(home)).map((name) => readBotStatus(home, name, now)));
}

export async function readBotStatus(home: string, name: string, now: number): Promise<BotStatusView> {
  const paths = botPaths(home, name);
  let doc: BotStateDoc | null = null;
  let error: string | null = null;
  try {
    doc = await readStateDoc(paths.state);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const [lock, beat, refused, notify] = await Promise.all([readLockOwner(paths.dir), readHeartbeat(paths.heartbeat), readRefusedStart(paths), readNotifyFile(notifyPath(paths.dir))]);
  return statusView({ name, dir: paths.dir, doc, error, lock, heartbeat: beat, refused, notify, now, host: hostname(), isAlive: pidAlive });
}

async function readHeartbeat(path: string): Promise<{ time: number; pid: number | null } | null> {
  try {
    const h = JSON.parse(await readFile(path, 'utf8')) as { time?: unknown; pid?: unknown };
    return typeof h.time === 'number' ? { time: h.time, pid: typeof h.pid === 'number' ? h.pid : null } : null;
  } catch {
    return null;
  }
}

export interface StatusInputs {
  name: string;
  dir: string;
  doc: BotStateDoc | null;
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
  const { doc, now } = i;
  const rt = doc?.runtime ?? null;
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

  const base: BotStatusView = {
    name: i.name,
    dir: i.dir,
    mode: doc?.bot.mode ?? null,
    exchange: doc?.bot.exchange ?? null,
    apiUrl: doc?.bot.apiUrl ?? null,
    strategy: doc ? { name: doc.bot.strategy.name, params: doc.bot.strategy.params } : null,
    pairs: doc?.bot.pairs ?? [],
    timeframe: doc?.bot.timeframe ?? null,
    quote: doc?.bot.quote ?? null,
    state,
    runtimeStatus: rt?.status ?? null,
    pid: owner?.pid ?? null,
    host: owner?.host ?? rt?.host ?? null,
    pidAlive: alive,
    heartbeatAgeMs,
    uptimeMs,
    startedAt,
    stoppedAt: rt?.stoppedAt ?? null,
    equity: null,
    realizedPnl: null,
    unrealizedPnl: null,
    positions: [],
    openOrders: [],
    external: doc?.runtime.external ?? null,
    lastDecision: rt?.lastDecision ? { ...rt.lastDecision, ageMs: Math.max(0, now - rt.lastDecision.time) } : null,
    lastError: lastError(rt, i.refused ?? null),
    degraded: rt?.degraded ?? null,
    signals: rt?.signals ?? null,
    riskHalt: doc?.engine?.risk?.halt ?? null,
    paused: rt?.status === 'paused',
    lastCandleAt: rt?.lastCandleAt ?? null,
    notify: notifyView(i.notify ?? null),
    error: i.error,
  };
  if (!doc) return base;
  base.equity = equityView(doc, now);
  if (doc.engine) {
    const book = ledger(doc);
    base.realizedPnl = book.realized.toFixed();
    base.unrealizedPnl = book.unrealized.toFixed();
    base.positions = book.positions;
    base.openOrders = doc.engine.orders
      .filter((o) => !isTerminal(o.status))
      .map((o) => ({
        clientOrderId: o.clientOrderId,
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        amount: o.amount,
        price: o.price ?? null,
        stopPrice: o.stopPrice ?? null,
        filled: o.filled,
        status: o.status,
        purpose: o.purpose,
      }));
  }
  return base;
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
function lastError(rt: BotStateDoc['runtime'] | null, refused: RefusedStart | null): { time: number; message: string } | null {
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

function equityView(doc: BotStateDoc, now: number): BotStatusView['equity'] {
  const e = doc.runtime.equity;
  if (!e) return null;
  const start = new Dec(e.start);
  const last = new Dec(e.last);
  const dayStart = new Dec(e.dayStart);
  const today = e.day === Math.floor(now / 86_400_000);
  return {
    start: e.start,
    last: e.last,
    time: e.lastTime,
    pnl: last.minus(start).toFixed(),
    pnlPct: start.isZero() ? null : last.div(start).minus(1).toNumber(),
    today: today ? last.minus(dayStart).toFixed() : null,
    todayPct: today && !dayStart.isZero() ? last.div(dayStart).minus(1).toNumber() : null,
  };
}

function ledger(doc: BotStateDoc): { realized: Decimal; unrealized: Decimal; positions: PositionView[] } {
  const snap = doc.engine!.portfolio;
  // roundTripPnl of a closed trip is proceeds − cost − fees: summed as three totals, because a
  // long-running bot has thousands of closed trips and status reads every bot on each call
  let proceeds = ZERO;
  let cost = ZERO;
  let fees = ZERO;
  for (const rt of snap.closed) {
    proceeds = proceeds.plus(rt.exitProceeds);
    cost = cost.plus(rt.entryCost);
    fees = fees.plus(rt.fees);
  }
  const p = Portfolio.restore({ ...snap, closed: [] });
  let unrealized = ZERO;
  const positions: PositionView[] = [];
  for (const [symbol, rt] of p.open) {
    const px = doc.runtime.prices[symbol];
    const mark = px !== undefined && Number.isFinite(px) ? new Dec(px) : undefined;
    const pnl = mark ? roundTripPnl(rt, mark) : null;
    if (pnl) unrealized = unrealized.plus(pnl);
    positions.push({
      symbol,
      qty: rt.qty.toFixed(),
      entryPrice: rt.entryPrice.toFixed(),
      lastPrice: mark ? mark.toFixed() : null,
      unrealizedPnl: pnl ? pnl.toFixed() : null,
    });
  }
  return { realized: proceeds.minus(cost).minus(fees), unrealized, positions };
}
