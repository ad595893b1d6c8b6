import { copyFile } from 'node:fs/promises';
import { StateError } from '../core/errors.js';
import type { EngineSnapshot, Decision } from '../engine/engine.js';
import type { SimExchangeSnapshot } from '../exchange/sim-exchange.js';

/**
 * A bot's state file (`<home>/bots/<name>/state.json`): a public interface, versioned. Money is
 * stored as decimal strings. `status` reads it without loading ccxt or talking to an exchange.
 */
export const STATE_SCHEMA_VERSION = 2;

export type BotMode = 'paper' | 'live';
export type BotStatus = 'starting' | 'running' | 'paused' | 'stopped' | 'halted' | 'crashed';

export interface BotIdentity {
  name: string;
  mode: BotMode;
  exchange: string;
  /** the exchange's REST origin when re-pointed (simulator, testnet, proxy) */
  apiUrl: string | null;
  /** who trades: "paper", or a masked API key for live */
  account: string;
  strategy: { name: string; params: Record<string, unknown> };
  pairs: string[];
  timeframe: string;
  quote: string;
  createdAt: number;
  /** the history candles that warmed the strategy at creation (open times): decisions start after `until` */
  warmup: { from: number; until: number } | null;
}

export interface BotSettings {
  cash: Record<string, string>;
  stake: string;
  fee: string;
  slippageBps: number;
  risk: Record<string, unknown>;
}

export interface BotRuntime {
  status: BotStatus;
  pid: number | null;
  host: string | null;
  command: string | null;
  startedAt: number | null;
  stoppedAt: number | null;
  /** last time the running bot wrote this file or its heartbeat */
  heartbeat: number | null;
  lastDecision: Decision | null;
  lastError: { time: number; message: string } | null;
  /** equity marks for status: start of the bot, start of the current UTC day */
  equity: { start: string; dayStart: string; day: number; last: string; lastTime: number } | null;
  /** the last control command acknowledged (stop/pause/resume) */
  ack: { seq: number; command: string; time: number } | null;
  /** last close per pair, for marking positions in status */
  prices: Record<string, number>;
  /** the feed or exchange is failing and being retried (status: degraded) */
  degraded: { since: number; message: string } | null;
  /** orders held back by the exchange (429 back-off, 418 ban) or by the circuit breaker */
  health?: { blockedUntil: number | null; reason: string | null; failures: number; breakerOpenUntil: number | null };
  /**
   * live: what the account held beyond the bot's ledger in the currencies it trades, when it was
   * last compared (start, reconcile --apply): coins it did not buy, other people's money. Never
   * the bot's: not in its equity or PnL, never sold.
   */
  external?: { time: number; balances: Record<string, string> } | null;
}

export interface BotStateDoc {
  schemaVersion: number;
  writtenBy: string;
  bot: BotIdentity;
  settings: BotSettings;
  engine: EngineSnapshot | null;
  /** paper bots: the simulated exchange they trade on */
  exchange: SimExchangeSnapshot | null;
  runtime: BotRuntime;
}

type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/** schemaVersion N -> N+1. Add one per change of the document, never edit a released one. */
const MIGRATIONS: Record<number, Migration> = {
  // 1 -> 2: bots remember their warm-up window; runtime gained last prices and a degraded flag
  1: (doc) => {
    // a malformed document is left as it is: the validation after the migrations names the file
    if (!isObject(doc.bot) || !isObject(doc.runtime)) return doc;
    const bot = doc.bot;
    const runtime = doc.runtime;
    return { ...doc, bot: { ...bot, warmup: bot.warmup ?? null }, runtime: { ...runtime, prices: runtime.prices ?? {}, degraded: runtime.degraded ?? null } };
  },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validate a state document. Newer than this tradebot: refused. Older: backed up, then migrated.
 * Anything malformed is refused, naming the file: a state file is never silently reset.
 */
export async function upgradeStateDoc(raw: unknown, path: string): Promise<BotStateDoc> {
  if (!isObject(raw) || typeof raw.schemaVersion !== 'number') {
    throw new StateError(`state file ${path} is not a tradebot bot state (no schemaVersion); the last good snapshot is ${path}.bak`);
  }
  let doc = raw;
  const v = raw.schemaVersion as number;
  if (v > STATE_SCHEMA_VERSION) {
    throw new StateError(`state file ${path} was written by tradebot ${String(raw.writtenBy ?? 'newer')} (state schema ${v}); this tradebot reads schema ${STATE_SCHEMA_VERSION}: upgrade tradebot`);
  }
  if (v < STATE_SCHEMA_VERSION) {
    await copyFile(path, `${path}.v${v}.bak`);
    for (let from = v; from < STATE_SCHEMA_VERSION; from++) {
      const m = MIGRATIONS[from];
      if (!m) throw new StateError(`state file ${path}: no migration from schema ${from}`);
      doc = { ...m(doc), schemaVersion: from + 1 };
    }
  }
  return checkStateDoc(doc, path);
}

export function checkStateDoc(doc: Record<string, unknown>, path: string): BotStateDoc {
  const bad = (what: string) => new StateError(`state file ${path} is invalid: ${what}; the last good snapshot is ${path}.bak`);
  if (!isObject(doc.bot) || typeof doc.bot.name !== 'string' || (doc.bot.mode !== 'paper' && doc.bot.mode !== 'live')) throw bad('bot identity missing');
  if (!Array.isArray(doc.bot.pairs) || typeof doc.bot.timeframe !== 'string') throw bad('bot pairs/timeframe missing');
  if (!isObject(doc.runtime) || typeof doc.runtime.status !== 'string') throw bad('runtime missing');
  if (!isObject(doc.settings)) throw bad('settings missing');
  if (doc.engine !== null && (!isObject(doc.engine) || !isObject(doc.engine.portfolio) || !Array.isArray(doc.engine.orders))) throw bad('engine snapshot malformed');
  if (doc.engine && isObject(doc.engine.portfolio)) {
    const balances = doc.engine.portfolio.balances;
    if (!isObject(balances)) throw bad('balances malformed');
    for (const [k, v] of Object.entries(balances)) {
      if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v)) throw bad(`balance ${k} is not a decimal string`);
    }
  }
  return doc as unknown as BotStateDoc;
}
