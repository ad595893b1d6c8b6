/**
 * Bot state fixtures: BotStateDoc files written straight into `<home>/bots/<name>/`, whose books
 * add up (state check passes on them), and fake owners: real child processes whose pid goes into
 * lock.json with a heartbeat, so status sees a live (or stale, or dead) bot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { STATE_SCHEMA_VERSION, type BotStateDoc, type BotStatus } from '../../src/store/bot-state.js';
import type { SerializedOrder } from '../../src/core/orders.js';

export const DAY_MS = 86_400_000;

export interface FixtureOptions {
  status?: BotStatus;
  pid?: number | null;
  /** wall time the fixture is "now" (default Date.now()) */
  now?: number;
  /** last close of BTC/USDT (default 41000) */
  price?: number;
  /** an open position of 0.1 BTC (default true) */
  position?: boolean;
  /** a resting take-profit sell for the position (default true when there is a position) */
  openOrder?: boolean;
  ack?: { seq: number; command: string; time: number } | null;
  halt?: { code: string; since: number; message: string } | null;
  lastError?: { time: number; message: string } | null;
  /** how old runtime.heartbeat is (default 1 s) */
  heartbeatAgeMs?: number;
}

const order = (o: Partial<SerializedOrder> & Pick<SerializedOrder, 'clientOrderId' | 'side' | 'status' | 'amount' | 'filled' | 'cost' | 'fee' | 'tradeIds'>): SerializedOrder =>
  ({
    symbol: 'BTC/USDT',
    type: 'market',
    purpose: 'entry',
    createdAt: 1_704_067_200_000,
    updatedAt: 1_704_067_200_000,
    feeCurrency: 'USDT',
    ...o,
  }) as SerializedOrder;

/**
 * A paper bot on BTC/USDT with 10000 USDT: one closed round trip (bought 0.1 at 50000, sold at
 * 51000, fees 10.1: +89.9) and, by default, an open one (0.1 at 40000, fee 4). USDT 6085.9,
 * BTC 0.1; equity at 41000 is 10185.9.
 */
export function botDoc(name: string, o: FixtureOptions = {}): BotStateDoc {
  const now = o.now ?? Date.now();
  const position = o.position ?? true;
  const resting = position && (o.openOrder ?? true);
  const price = o.price ?? 41_000;
  const usdt = position ? '6085.9' : '10089.9';
  const btc = position ? '0.1' : '0';
  const closed = {
    symbol: 'BTC/USDT', entryTime: 1_704_067_200_000, exitTime: 1_704_070_800_000, entryQty: '0.1', entryCost: '5000', exitQty: '0.1',
    exitProceeds: '5100', fees: '10.1', qty: '0', entryPrice: '50000', exitPrice: '51000', exitReason: 'exit' as const,
  };
  const open = {
    symbol: 'BTC/USDT', entryTime: 1_704_074_400_000, exitTime: null, entryQty: '0.1', entryCost: '4000', exitQty: '0',
    exitProceeds: '0', fees: '4', qty: '0.1', entryPrice: '40000', exitPrice: null, exitReason: null,
  };
  const orders: SerializedOrder[] = [
    order({ clientOrderId: `${name}-1`, side: 'buy', status: 'filled', amount: '0.1', filled: '0.1', cost: '5000', fee: '5', tradeIds: ['1'] }),
    order({ clientOrderId: `${name}-2`, side: 'sell', status: 'filled', amount: '0.1', filled: '0.1', cost: '5100', fee: '5.1', tradeIds: ['2'], purpose: 'exit' }),
  ];
  if (position) orders.push(order({ clientOrderId: `${name}-3`, side: 'buy', status: 'filled', amount: '0.1', filled: '0.1', cost: '4000', fee: '4', tradeIds: ['3'] }));
  if (resting) {
    orders.push(order({ clientOrderId: `${name}-4`, side: 'sell', type: 'limit', price: '44000', status: 'open', amount: '0.1', filled: '0', cost: '0', fee: '0', tradeIds: [], purpose: 'take-profit' }));
  }
  const equity = position ? (6085.9 + 0.1 * price).toFixed(1) : usdt;
  const status = o.status ?? 'stopped';
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    writtenBy: '0.1.0',
    generation: 7,
    bot: {
      id: `fixture-${name}`,
      name,
      mode: 'paper',
      exchange: 'binance',
      apiUrl: null,
      sandbox: false,
      account: 'paper',
      strategy: { name: 'ema-cross', source: 'ema-cross', params: { fast: 12, slow: 26 } },
      pairs: ['BTC/USDT'],
      timeframe: '5m',
      quote: 'USDT',
      createdAt: now - DAY_MS,
      warmup: null,
    },
    settings: { cash: { USDT: '10000' }, stake: '99%', fee: '0.001', slippageBps: 0, risk: { maxOpenPositions: 1 }, warmup: 500 },
    engine: {
      portfolio: {
        quote: 'USDT',
        balances: { USDT: usdt, BTC: btc },
        open: position ? { 'BTC/USDT': open } : {},
        closed: [closed],
        feesPaid: position ? '14.1' : '10.1',
        appliedTradeIds: 0,
      },
      orders,
      risk: { orderTimes: [], dayStart: now - (now % DAY_MS), dayStartEquity: 10_000, peakEquity: 10_200, lastStopLoss: {}, halt: (o.halt ?? null) as never },
      idSequence: orders.length,
      lastBarTime: [now - 300_000],
    },
    exchange: {
      accounts: { USDT: { free: usdt, used: '0' }, BTC: resting ? { free: '0', used: btc } : { free: btc, used: '0' } },
      open: [],
      fills: [],
      orderSeq: orders.length,
      tradeSeq: position ? 3 : 2,
      lastTime: now - 300_000,
    },
    runtime: {
      status,
      pid: o.pid ?? null,
      host: hostname(),
      command: `tradebot paper --bot ${name}`,
      startedAt: now - 3_600_000,
      stoppedAt: status === 'stopped' ? now - 60_000 : null,
      heartbeat: now - (o.heartbeatAgeMs ?? 1_000),
      lastDecision: { time: now - 120_000, symbol: 'BTC/USDT', side: 'buy', outcome: 'submitted', clientOrderId: `${name}-3` },
      lastError: o.lastError ?? null,
      equity: { start: '10000', dayStart: '10100', day: Math.floor(now / DAY_MS), last: equity, lastTime: now - 1_000 },
      ack: o.ack ?? null,
      prices: { 'BTC/USDT': price },
      degraded: null,
    },
  } as BotStateDoc;
}

export function botDir(home: string, name: string): string {
  return path.join(home, 'bots', name);
}

/** Write a bot's state.json (and the same as state.json.bak, unless `bak` says otherwise). */
export function writeBot(home: string, name: string, doc: BotStateDoc | string = botDoc(name), o: { bak?: BotStateDoc | string | null } = {}): string {
  const dir = botDir(home, name);
  mkdirSync(dir, { recursive: true });
  const text = (d: BotStateDoc | string) => (typeof d === 'string' ? d : `${JSON.stringify(d, null, 1)}\n`);
  writeFileSync(path.join(dir, 'state.json'), text(doc));
  const bak = o.bak === undefined ? doc : o.bak;
  if (bak !== null) writeFileSync(path.join(dir, 'state.json.bak'), text(bak));
  return dir;
}

/** lock.json naming `pid` (on this host unless `host` is given) and a heartbeat `ageMs` old. */
export function ownBot(home: string, name: string, pid: number, o: { ageMs?: number; host?: string; now?: number } = {}): void {
  const dir = botDir(home, name);
  const now = o.now ?? Date.now();
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'lock.json'), `${JSON.stringify({ pid, host: o.host ?? hostname(), command: `tradebot paper --bot ${name}`, since: now - 3_600_000 })}\n`);
  writeFileSync(path.join(dir, 'heartbeat.json'), `${JSON.stringify({ time: now - (o.ageMs ?? 0), pid })}\n`);
}

/** Log lines `{time, level, event, ...}` into log.jsonl (or a rotation: `file: 'log.jsonl.1'`). */
export function writeLog(home: string, name: string, records: Record<string, unknown>[], file = 'log.jsonl'): void {
  const dir = botDir(home, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** A real process that does nothing, to stand for a bot's owner. */
export function idleProcess(): ChildProcess & { pid: number } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('could not start an idle child process');
  return child as ChildProcess & { pid: number };
}

/** A pid that is certainly not running: a child that has already exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}
