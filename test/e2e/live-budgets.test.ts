/**
 * Several live bots on one account (issue 15): each trades its own budget, allocated under a lock
 * in allocations.json, so bots started at the same moment with budgets that together fill the
 * account never spend the same coins; each one's journal and trades are exactly the exchange's
 * fills for its own client order ids. Child processes against the loopback exchange.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dec } from '../../src/core/money.js';
import { idPrefixFor } from '../../src/core/ids.js';
import { runCliAsync } from '../support/cli-async.js';
import { readState, spawnPaper, waitFor } from '../support/paper.js';
import { journalFills, LIVE_KEYS, liveSim, spawnLive, type LiveChild } from '../support/live.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function home(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-budgets-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function live(o: Parameters<typeof spawnLive>[0]): LiveChild {
  const p = spawnLive(o);
  cleanups.push(() => void p.child.kill('SIGKILL'));
  return p;
}

async function stop(p: LiveChild): Promise<void> {
  p.child.kill('SIGTERM');
  expect((await p.exited).code, p.stderr()).toBe(0);
}

interface SimTrade {
  id: number;
  orderId: number;
  isBuyer: boolean;
  quoteQty: string;
  fee: string;
}

const TRADING = ['--param', 'fast=3', '--param', 'slow=6'];

describe('several live bots on one account', () => {
  it('two bots started at the same moment with budgets that fill the account never overspend, and each owns exactly its fills', async () => {
    const s = await liveSim({ balances: { USDT: 10_000 } });
    cleanups.push(() => s.close());
    const h = home();
    const a = live({ home: h, bot: 'a', url: s.url, extra: ['--budget', '6000', ...TRADING] });
    const b = live({ home: h, bot: 'b', url: s.url, extra: ['--budget', '4000', ...TRADING] });
    const closed = (bot: string) => readState(h, bot)?.engine?.portfolio.closed.length ?? 0;
    await waitFor('a closed round trip by each bot', () => closed('a') >= 1 && closed('b') >= 1, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\na: ${a.stderr()}\nb: ${b.stderr()}`);
    });
    await stop(a);
    await stop(b);

    // whichever started first, both budgets fit: 6000 + 4000 is the whole account
    const cash = (bot: string) => new Dec(readState(h, bot)!.settings.cash.USDT!);
    expect(cash('a').toFixed()).toBe('6000');
    expect(cash('b').toFixed()).toBe('4000');
    // bots (status with the stopped ones): each bot's budget, and the account's totals
    const listed = await runCliAsync(['bots', '--json'], { cwd: h, env: { TRADEBOT_HOME: h } });
    expect(listed.code, listed.stderr).toBe(0);
    const doc = JSON.parse(listed.stdout) as { bots: { name: string; budget: string; equity: { last: string; pnl: string } }[]; accounts: { bots: { name: string }[]; budget: string; equity: string; pnl: string }[] };
    expect(doc.bots.map((v) => [v.name, v.budget])).toEqual([['a', '6000'], ['b', '4000']]);
    expect(doc.accounts).toHaveLength(1);
    expect(doc.accounts[0]!.bots.map((v) => v.name)).toEqual(['a', 'b']);
    expect(doc.accounts[0]!.budget).toBe('10000');
    expect(doc.accounts[0]!.equity).toBe(new Dec(doc.bots[0]!.equity.last).plus(doc.bots[1]!.equity.last).toFixed());
    expect(doc.accounts[0]!.pnl).toBe(new Dec(doc.bots[0]!.equity.pnl).plus(doc.bots[1]!.equity.pnl).toFixed());
    const alloc = JSON.parse(readFileSync(path.join(h, 'allocations.json'), 'utf8')) as { accounts: Record<string, Record<string, { budget: string }>> };
    const [bots] = Object.values(alloc.accounts);
    expect(Object.keys(bots!).sort()).toEqual(['a', 'b']);

    // the exchange refused nothing for want of funds
    const refused = s.control.requests().filter((r) => r.code === -2010);
    expect(refused).toEqual([]);

    const state = s.control.state();
    const clientIds = new Map(state.orders.map((o) => [Number(o.orderId), String(o.clientOrderId)]));
    const simTrades = state.trades as unknown as SimTrade[];
    for (const bot of ['a', 'b']) {
      const mine = simTrades.filter((t) => clientIds.get(t.orderId)?.startsWith(`${idPrefixFor(bot)}-`));
      expect(mine.length, bot).toBeGreaterThanOrEqual(2);
      // its journal holds exactly the exchange's fills for its own client order ids
      expect([...journalFills(h, bot).keys()].sort()).toEqual(mine.map((t) => String(t.id)).sort());
      // its trades list them, and its quote balance is its budget changed by those fills alone
      const out = await runCliAsync(['trades', bot, '--json'], { cwd: h, env: { TRADEBOT_HOME: h } });
      expect(out.code, out.stderr).toBe(0);
      const trades = (JSON.parse(out.stdout) as { trades: { entryOrders: { tradeIds: string[] }[]; exitOrders: { tradeIds: string[] }[] }[] }).trades;
      const listed = trades.flatMap((t) => [...t.entryOrders, ...t.exitOrders].flatMap((r) => r.tradeIds));
      expect(listed.sort()).toEqual(mine.map((t) => String(t.id)).sort());
      let quote = cash(bot);
      for (const t of mine) {
        const cost = new Dec(t.quoteQty);
        quote = t.isBuyer ? quote.minus(cost).minus(t.fee) : quote.plus(cost).minus(t.fee);
      }
      expect(new Dec(readState(h, bot)!.engine!.portfolio.balances.USDT!).toFixed(), bot).toBe(quote.toFixed());
    }
  }, 150_000);

  it('refuses a budget the account cannot cover, alone or with the other bots, with one line and exit 2', async () => {
    const s = await liveSim({ balances: { USDT: 10_000 } });
    cleanups.push(() => s.close());
    const h = home();
    const cli = (args: string[]) =>
      runCliAsync(['live', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--yes', ...args], { cwd: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1', ...LIVE_KEYS } });
    const refusedWith = async (args: string[], culprit: string) => {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('  ') && !l.startsWith('LIVE TRADING'));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(culprit);
    };
    await refusedWith(['--bot', 'big', '--budget', '20000'], '--budget 20000');
    await refusedWith(['--bot', 'big', '--budget', '150%'], '--budget');
    await refusedWith(['--bot', 'big', '--budget', 'EUR=5'], 'EUR=5');
    await refusedWith(['--bot', 'big', '--budget', '5', '--cash', '5'], '--cash');

    const a = live({ home: h, bot: 'a', url: s.url, extra: ['--budget', '7000'] });
    await waitFor('bot a running', () => readState(h, 'a')?.runtime.status === 'running', 60_000);
    // together above the account: 7000 + 5000 > 10000
    await refusedWith(['--bot', 'c', '--budget', '5000'], '--budget 5000');
    await stop(a);
    expect(readState(h, 'c')).toBeNull();
    // a resumed bot keeps its budget: another one is refused
    await refusedWith(['--bot', 'a', '--budget', '3000'], '--budget 3000');
    // removing a bot gives its budget back
    const rm = await runCliAsync(['bots', 'rm', 'a', '--yes'], { cwd: h, env: { TRADEBOT_HOME: h } });
    expect(rm.code, rm.stderr).toBe(0);
    const alloc = JSON.parse(readFileSync(path.join(h, 'allocations.json'), 'utf8')) as { accounts: Record<string, unknown> };
    expect(alloc.accounts).toEqual({});
  }, 120_000);

  it('gives a paper bot its budget as its starting quote, kept on resume; a bad one is one line and exit 2', async () => {
    const s = await liveSim();
    cleanups.push(() => s.close());
    const h = home();
    const p = spawnPaper({ home: h, bot: 'p', url: s.url, extra: ['--budget', '20%'] });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    await waitFor('paper bot p running', () => readState(h, 'p')?.runtime.status === 'running', 60_000);
    p.child.kill('SIGTERM');
    await p.exited;
    // 20% of the default cash, 10000
    expect(readState(h, 'p')!.settings.cash).toEqual({ USDT: '2000' });
    const paper = (args: string[]) => runCliAsync(['paper', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '5m', ...args], { cwd: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1' } });
    for (const [args, culprit] of [
      [['--bot', 'p', '--budget', '3000'], 'cash'],
      [['--bot', 'q', '--budget', '150%'], '--budget'],
      [['--bot', 'q', '--budget', 'abc'], '--budget'],
      [['--bot', 'q', '--budget', '5', '--cash', '5'], '--cash'],
    ] as const) {
      const r = await paper([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1)).toContain(culprit);
    }
    expect(readState(h, 'p')!.settings.cash).toEqual({ USDT: '2000' });
  }, 90_000);
});
