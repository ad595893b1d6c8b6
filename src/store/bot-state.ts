import { copyFile } from 'node:fs/promises';
import { StateError } from '../core/errors.js';
import type { EngineSnapshot, Decision } from '../engine/engine.js';
import type { SimExchangeSnapshot } from '../exchange/sim-exchange.js';
import type { SignalRuntime } from '../signals/signal-runtime.js';
import { meaningProblem } from './state-meaning.js';
import { DamagedStateError } from './state-file.js';
import { STATE_SCHEMA_VERSION } from './state-schema.js';

/**
 * A bot's state file (`<home>/bots/<name>/state.json`): a public interface, versioned. Money is
 * stored as decimal strings. `status` reads it without loading ccxt or talking to an exchange.
 */
export { STATE_SCHEMA_VERSION };

export type BotMode = 'paper' | 'live';
export type BotStatus = 'starting' | 'running' | 'paused' | 'stopped' | 'halted' | 'crashed';

export interface BotIdentity {
  /** made once, when the bot is created: a state file and its backup of the same bot share it */
  id: string;
  name: string;
  mode: BotMode;
  exchange: string;
  /** the exchange's REST origin when re-pointed (simulator, testnet, proxy) */
  apiUrl: string | null;
  /** the exchange's sandbox/testnet endpoints; null: not recorded (a bot created before schema 3) */
  sandbox: boolean | null;
  /** who trades: "paper", or a masked API key for live */
  account: string;
  /**
   * `name` is the strategy's own; `source` what loads it again: a built-in's name or the absolute
   * path of a strategy file (null: not recorded, a file strategy created before schema 3)
   */
  strategy: { name: string; source: string | null; params: Record<string, unknown> };
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
  /** the config's risk keys that are set (an absent key is not set) */
  risk: Record<string, unknown>;
  /** candles of history that warm the strategy (--warmup); null: not recorded before schema 3 */
  warmup: number | null;
  /** a signal strategy's settings (the config's signals keys); absent for the other strategies */
  signals?: StoredSignalSettings | null;
}

/** What a webhook or http-signal bot keeps of the config's `signals` section (not `file`: backtests only). */
export interface StoredSignalSettings {
  listen: string;
  maxLag: number;
  rateLimit: number;
  tickers: string | null;
  url: string | null;
  timeout: number;
  minConfidence: number;
  cacheTtl: number;
  fallback: string | null;
  candles: number;
  shadow: string | null;
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
  /** the last control command acknowledged (stop/pause/resume/forceexit); detail: what it did, ok: false when it failed */
  ack: { seq: number; command: string; time: number; detail?: string; ok?: boolean } | null;
  /** last close per pair, for marking positions in status */
  prices: Record<string, number>;
  /** the feed or exchange is failing and being retried (status: degraded) */
  degraded: { since: number; message: string } | null;
  /** orders held back by the exchange (429 back-off, 418 ban) or by the circuit breaker */
  health?: { blockedUntil: number | null; reason: string | null; failures: number; breakerOpenUntil: number | null };
  /** a signal bot: its listener, what became of its alerts, how its signal service answers */
  signals?: SignalRuntime | null;
  /**
   * live: what the account held beyond the bot's ledger in the currencies it trades, when it was
   * last compared (start, reconcile --apply): coins it did not buy, other people's money. Never
   * the bot's: not in its equity or PnL, never sold.
   */
  external?: { time: number; balances: Record<string, string> } | null;
  /** when (this machine's clock) the bot last handled a newly closed candle; status --check and /health read it */
  lastCandleAt?: number | null;
}

export interface BotStateDoc {
  schemaVersion: number;
  writtenBy: string;
  /** how many times this bot's state file was written: a backup is never replaced by an older or a foreign state */
  generation: number;
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
  // 2 -> 3: bots remember every setting (sandbox, where the strategy comes from, the warm-up
  // length) and carry a creation id and a write counter, so that a backup is only ever replaced
  // by a successor. What schema 2 did not record stays null: the next start records it.
  2: (doc) => {
    if (!isObject(doc.bot) || !isObject(doc.settings)) return doc;
    const bot = doc.bot;
    const strategy = isObject(bot.strategy) ? bot.strategy : {};
    const name = typeof strategy.name === 'string' ? strategy.name : null;
    return {
      ...doc,
      generation: 0,
      // deterministic, so that a migrated state file and its (unmigrated) backup agree
      bot: { ...bot, id: `v2-${String(bot.createdAt)}`, sandbox: null, strategy: { ...strategy, source: name !== null && BUILT_IN_NAMES.has(name) ? name : null } },
      // schema 2 kept the warm-up window, not the length asked for (an exchange may have had fewer candles)
      settings: { ...doc.settings, warmup: null },
    };
  },
};

/** The built-in strategies' names (src/strategies/registry.ts), without loading them here. */
const BUILT_IN_NAMES = new Set(['ema-cross', 'rsi', 'bollinger', 'macd']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validate a state document. Newer than this tradebot: refused. Older: backed up, then migrated.
 * Anything malformed or impossible is refused, naming the file and the field: a state file is
 * never silently reset. The messages say what is wrong, not what to do: what can be done depends
 * on which files exist, and the reader adds that (src/store/read-state.ts, recoveryHint).
 */
export async function upgradeStateDoc(raw: unknown, path: string): Promise<BotStateDoc> {
  if (!isObject(raw) || typeof raw.schemaVersion !== 'number') {
    throw new DamagedStateError(`state file ${path} is not a tradebot bot state (no schemaVersion)`);
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
  const bad = (what: string) => new DamagedStateError(`state file ${path} is invalid: ${what}`);
  if (!isObject(doc.bot) || typeof doc.bot.name !== 'string' || (doc.bot.mode !== 'paper' && doc.bot.mode !== 'live')) throw bad('bot identity missing');
  if (typeof doc.bot.id !== 'string' || doc.bot.id === '') throw bad('bot.id missing');
  if (!Array.isArray(doc.bot.pairs) || !doc.bot.pairs.every((p) => typeof p === 'string') || typeof doc.bot.timeframe !== 'string') throw bad('bot pairs/timeframe missing');
  if (typeof doc.bot.quote !== 'string' || !isObject(doc.bot.strategy) || typeof doc.bot.strategy.name !== 'string' || !isObject(doc.bot.strategy.params)) throw bad('bot quote/strategy missing');
  if (typeof doc.generation !== 'number') throw bad('generation missing');
  if (!isObject(doc.runtime) || typeof doc.runtime.status !== 'string') throw bad('runtime missing');
  if (!isObject(doc.settings) || !isObject(doc.settings.cash) || !isObject(doc.settings.risk)) throw bad('settings missing');
  if (doc.engine !== null && (!isObject(doc.engine) || !isObject(doc.engine.portfolio) || !Array.isArray(doc.engine.orders))) throw bad('engine snapshot malformed');
  if (doc.engine && isObject(doc.engine.portfolio)) {
    const p = doc.engine.portfolio;
    if (!isObject(p.balances) || !isObject(p.open) || !Array.isArray(p.closed)) throw bad('portfolio malformed');
    if (!Array.isArray(doc.engine.lastBarTime) || !isObject(doc.engine.risk)) throw bad('engine snapshot malformed');
  }
  if (doc.exchange !== null && doc.exchange !== undefined && (!isObject(doc.exchange) || !isObject(doc.exchange.accounts) || !Array.isArray(doc.exchange.open))) throw bad('simulated exchange malformed');
  const problem = meaningProblem(doc as unknown as BotStateDoc);
  if (problem) throw bad(problem);
  return doc as unknown as BotStateDoc;
}
