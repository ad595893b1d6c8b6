/**
 * `tradebot live` as a child process against a loopback simulator started in this process, and
 * what the tests compare: the sim's own account (`control.state()`) with the bot's state and
 * journal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, childEnv } from './cli.js';
import { withOverrides } from './flags.js';
import { startSim, SIM_API_KEY, SIM_API_SECRET, type SimOptions, type SimServer } from '../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA } from './cli.js';
import { Dec } from '../../src/core/money.js';

export const LIVE_KEYS = { TRADEBOT_API_KEY: SIM_API_KEY, TRADEBOT_API_SECRET: SIM_API_SECRET };

/**
 * A strategy that buys whenever it is flat and never sells: a test decides when a position ends
 * (its protective exit, stop, panic), not the market. Written as `hold.mjs` into `dir`; pass
 * `--strategy ./hold.mjs` with that directory as the working directory.
 */
export function writeHoldStrategy(dir: string): string {
  const file = path.join(dir, 'hold.mjs');
  writeFileSync(file, "export default { name: 'hold', params: {}, create() { return { onCandle(ctx) { if (!ctx.inPosition) ctx.buy(); } }; } };\n");
  return './hold.mjs';
}

export interface LiveChild {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The replayed sample on the loopback exchange: 6000× (a 5m candle every 50 ms). */
export function liveSim(o: Partial<SimOptions> = {}): Promise<SimServer> {
  return startSim({ data: SAMPLE_DATA, speed: 6000, ...o });
}

/** `tradebot live --bot NAME ... --yes` (unless `yes: false`), cwd = home unless given. */
export function spawnLive(o: { home: string; bot: string; url: string; extra?: string[]; env?: Record<string, string | undefined>; yes?: boolean; cwd?: string }): LiveChild {
  const defaults = ['--bot', o.bot, '--exchange', 'binance', '--exchange-url', o.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--poll', '100', '--warmup', '100', ...(o.yes === false ? [] : ['--yes'])];
  const args = [BIN, 'live', ...withOverrides(defaults, o.extra ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: o.cwd ?? o.home,
    env: childEnv(o.home, { TRADEBOT_HOME: o.home, NO_COLOR: '1', ...LIVE_KEYS, ...o.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

export interface JournalLine {
  type: 'intent' | 'sent' | 'fill' | 'status' | 'transfer';
  time: number;
  order?: { clientOrderId: string; symbol: string; side: string; amount: string; purpose: string };
  clientOrderId?: string;
  status?: string;
  reason?: string;
  fill?: { tradeId: string; clientOrderId: string; qty: string; price: string; fee: string; side: string };
  /** a transfer: money accepted as gone from (or added to) the ledger */
  currency?: string;
  amount?: string;
}

export function readJournal(home: string, bot: string): JournalLine[] {
  const p = path.join(home, 'bots', bot, 'journal.jsonl');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalLine];
      } catch {
        return []; // a torn last line after a kill
      }
    });
}

/** The journal's fills, one per trade id (a fill journaled again after a restart is the same fill). */
export function journalFills(home: string, bot: string): Map<string, NonNullable<JournalLine['fill']>> {
  const out = new Map<string, NonNullable<JournalLine['fill']>>();
  for (const e of readJournal(home, bot)) if (e.type === 'fill' && e.fill) out.set(e.fill.tradeId, e.fill);
  return out;
}

/**
 * POSTs of new orders the sim received, by client order id (faulted ones included). A POST the
 * sim refused for its timestamp (-1021, outside recvWindow: the clock drifted under load) was
 * certainly not placed, and sending it again after a time sync is no blind resend: not counted.
 * Every other refusal (a duplicate client order id, -2010, …) is counted.
 */
export function orderPosts(sim: SimServer): Map<string, number> {
  const n = new Map<string, number>();
  for (const r of sim.control.requests()) {
    if (r.method !== 'POST' || (r.path !== '/api/v3/order' && r.path !== '/api/v3/order/cancelReplace')) continue;
    if (r.code === -1021) continue;
    const id = r.params.newClientOrderId ?? '?';
    n.set(id, (n.get(id) ?? 0) + 1);
  }
  return n;
}

/** The sim's account totals as Decimals. */
export function simTotals(sim: SimServer): Record<string, Dec> {
  const s = sim.control.state();
  return Object.fromEntries(Object.entries(s.balances).map(([k, b]) => [k, new Dec(b.total)]));
}

export function sameDecimal(a: string | Dec | undefined, b: string | Dec | undefined, dust = '1e-8'): boolean {
  return new Dec(a ?? 0).minus(new Dec(b ?? 0)).abs().lte(dust);
}
