/**
 * A live bot's money is the capital it was given and the positions it opened (RELIABILITY row 29):
 * restarts keep that capital, coins the account held before are external (never in its equity,
 * never sold), and a recovery journals each fill once. Child processes against the loopback exchange.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import { Dec } from '../../src/core/money.js';
import { runCliAsync } from '../support/cli-async.js';
import { readState, waitFor } from '../support/paper.js';
import { journalFills, LIVE_KEYS, liveSim, orderPosts, readJournal, sameDecimal, simTotals, spawnLive, type LiveChild } from '../support/live.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(o: Parameters<typeof liveSim>[0] = {}): Promise<SimServer> {
  const s = await liveSim(o);
  cleanups.push(() => s.close());
  return s;
}

function home(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-lcap-'));
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

const cliIn = (h: string) => (args: string[]) => runCliAsync(args, { cwd: h, home: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1', ...LIVE_KEYS } });
const fillLines = (h: string, bot: string) => readJournal(h, bot).filter((e) => e.type === 'fill');
const running = (h: string, bot: string, p: LiveChild) => readState(h, bot)?.runtime.status === 'running' && readState(h, bot)!.runtime.pid === p.child.pid;

interface StatusJson {
  schemaVersion: number;
  equity: { start: string; last: string; pnl: string; pnlPct: number | null } | null;
  external: { time: number; balances: Record<string, string> } | null;
}

describe('live capital', () => {
  it('keeps the capital it was given across restarts: state check passes after trades and restarts', async () => {
    const s = await sim();
    const h = home();
    const cli = cliIn(h);
    const first = live({ home: h, bot: 'cap', url: s.url });
    await waitFor('a closed round trip', () => (readState(h, 'cap')?.engine?.portfolio.closed.length ?? 0) >= 1, 60_000);
    await stop(first);
    const capital = readState(h, 'cap')!.settings.cash;
    expect(capital).toEqual({ USDT: '10000' });

    for (let n = 0; n < 2; n++) {
      const before = fillLines(h, 'cap').length;
      const again = live({ home: h, bot: 'cap', url: s.url });
      await waitFor('another fill after the restart', () => running(h, 'cap', again) && fillLines(h, 'cap').length > before, 60_000);
      await stop(again);
      expect(readState(h, 'cap')!.settings.cash).toEqual(capital);
    }
    const check = await cli(['state', 'check', 'cap', '--json']);
    expect(check.code, check.stdout).toBe(0);
    expect((JSON.parse(check.stdout) as { ok: boolean }).ok).toBe(true);
  }, 150_000);

  it('counts coins the account held before it started as external: after a crash its PnL is its own, it never sells them', async () => {
    const s = await sim({ balances: { USDT: 10_000, BTC: '0.5' } });
    const h = home();
    const cli = cliIn(h);
    const X = ['--exchange', 'binance', '--exchange-url', s.url];
    const first = live({ home: h, bot: 'ext', url: s.url });
    await waitFor('a position', () => Object.keys(readState(h, 'ext')?.engine?.portfolio.open ?? {}).length > 0, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;

    const again = live({ home: h, bot: 'ext', url: s.url });
    await waitFor('a round trip after the restart', () => running(h, 'ext', again) && (readState(h, 'ext')?.engine?.portfolio.closed.length ?? 0) >= 1, 60_000);
    const st = await cli(['status', 'ext', '--json']);
    expect(st.code, st.stderr).toBe(0);
    const view = JSON.parse(st.stdout) as StatusJson;
    expect(view.equity!.start).toBe('10000');
    expect(Math.abs(view.equity!.pnlPct!)).toBeLessThan(0.05);
    expect(view.external!.balances.BTC).toBe('0.5');
    await stop(again);

    const doc = readState(h, 'ext')!;
    expect(doc.settings.cash).toEqual({ USDT: '10000' });
    const totals = simTotals(s);
    // the ledger holds only what the bot's fills moved; the rest of the account is the 0.5 BTC it found
    expect(sameDecimal(new Dec(doc.engine!.portfolio.balances.BTC ?? 0).plus('0.5'), totals.BTC)).toBe(true);
    expect(sameDecimal(doc.engine!.portfolio.balances.USDT, totals.USDT)).toBe(true);
    expect(totals.BTC!.gte('0.5')).toBe(true);
    expect([...journalFills(h, 'ext').keys()].sort()).toEqual(s.control.state().trades.map((t) => String(t.id)).sort());

    const text = await cli(['status', 'ext']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/external/);
    const plan = await cli(['reconcile', 'ext', ...X, '--json']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout) as { schemaVersion: number; drift: unknown[]; external: { currency: string; amount: string }[] };
    expect(p.schemaVersion).toBe(1);
    expect(p.drift).toEqual([]);
    expect(p.external.find((e) => e.currency === 'BTC')?.amount).toBe('0.5');
    const check = await cli(['state', 'check', 'ext']);
    expect(check.code, check.stdout).toBe(0);
  }, 150_000);

  it('trades the budget given with --cash, not the whole account; refuses a budget the account cannot cover or a changed one', async () => {
    const s = await sim();
    const h = home();
    const cli = cliIn(h);
    const over = live({ home: h, bot: 'big', url: s.url, extra: ['--cash', '20000'] });
    expect((await over.exited).code, over.stderr()).toBe(2);
    expect(over.stderr()).toMatch(/20000/);
    expect(orderPosts(s).size).toBe(0);

    const p = live({ home: h, bot: 'small', url: s.url, extra: ['--cash', '1000'] });
    await waitFor('a buy fill', () => [...journalFills(h, 'small').values()].find((f) => f.side === 'buy'), 60_000);
    await stop(p);
    for (const f of journalFills(h, 'small').values()) if (f.side === 'buy') expect(new Dec(f.qty).mul(f.price).lte(1000)).toBe(true);
    const doc = readState(h, 'small')!;
    expect(doc.settings.cash).toEqual({ USDT: '1000' });
    const st = JSON.parse((await cli(['status', 'small', '--json'])).stdout) as StatusJson;
    expect(st.equity!.start).toBe('1000');
    expect(new Dec(st.external!.balances.USDT!).gte(8900)).toBe(true);

    const changed = live({ home: h, bot: 'small', url: s.url, extra: ['--cash', '500'] });
    expect((await changed.exited).code, changed.stderr()).toBe(2);
    expect(changed.stderr()).toMatch(/1000/);
    expect(readState(h, 'small')!.settings.cash).toEqual({ USDT: '1000' });
    const check = await cli(['state', 'check', 'small']);
    expect(check.code, check.stdout).toBe(0);
  }, 120_000);

  it('journals each fill once, however many times a recovery finds it again', async () => {
    const s = await sim();
    const h = home();
    // killed right after each fill is journaled, before the state file has it: three times
    for (let n = 0; n < 3; n++) {
      const crashing = live({ home: h, bot: 'once', url: s.url, env: { TRADEBOT_CRASH_AT: 'after-fill:1' } });
      const r = await crashing.exited;
      expect(r.signal, crashing.stderr()).toBe('SIGKILL');
    }
    const last = live({ home: h, bot: 'once', url: s.url });
    const before = fillLines(h, 'once').length;
    await waitFor('a new fill', () => running(h, 'once', last) && new Set(fillLines(h, 'once').map((e) => e.fill!.tradeId)).size > new Set(fillLines(h, 'once').slice(0, before).map((e) => e.fill!.tradeId)).size, 60_000);
    await stop(last);

    const perTrade = new Map<string, number>();
    for (const e of fillLines(h, 'once')) perTrade.set(e.fill!.tradeId, (perTrade.get(e.fill!.tradeId) ?? 0) + 1);
    expect(perTrade.size).toBeGreaterThanOrEqual(2);
    for (const [id, n] of perTrade) expect(n, `trade ${id} journaled ${n} times`).toBe(1);
    expect([...perTrade.keys()].sort()).toEqual(s.control.state().trades.map((t) => String(t.id)).sort());
    const totals = simTotals(s);
    const doc = readState(h, 'once')!;
    for (const c of ['USDT', 'BTC']) expect(sameDecimal(doc.engine!.portfolio.balances[c], totals[c]), c).toBe(true);
  }, 150_000);
});
