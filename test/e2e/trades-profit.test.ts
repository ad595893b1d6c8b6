/**
 * `tradebot trades` and `tradebot profit` after a real live session on `tradebot sim`: every
 * round trip is made of the exchange's own fills (GET /api/v3/myTrades through ccxt, signed), the
 * journal holds the same fills, and the PnL figures add up to what those fills say.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dec, ZERO } from '../../src/core/money.js';
import { makeCcxt } from '../../src/exchange/make-ccxt.js';
import { CcxtExchange } from '../../src/exchange/ccxt-exchange.js';
import { runCliAsync } from '../support/cli-async.js';
import { readState, waitFor } from '../support/paper.js';
import { journalFills, LIVE_KEYS, liveSim, spawnLive } from '../support/live.js';
import type { TradeView } from '../../src/history/trades.js';
import type { ProfitView } from '../../src/history/profit.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('trades and profit of a live bot', () => {
  it("agree with the journal and with the exchange's own record of fills", async () => {
    const sim = await liveSim();
    cleanups.push(() => sim.close());
    const home = mkdtempSync(path.join(os.tmpdir(), 'tradebot-trades-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const bot = spawnLive({ home, bot: 'l1', url: sim.url, extra: ['--param', 'fast=3', '--param', 'slow=6'] });
    cleanups.push(() => bot.child.kill('SIGKILL'));
    await waitFor('three closed round trips', () => (readState(home, 'l1')?.engine?.portfolio.closed.length ?? 0) >= 3, 90_000);
    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);

    const cli = (args: string[]) => runCliAsync(args, { cwd: home, env: { TRADEBOT_HOME: home } });
    const tradesOut = await cli(['trades', 'l1', '--json']);
    expect(tradesOut.code).toBe(0);
    const trades = (JSON.parse(tradesOut.stdout) as { schemaVersion: number; trades: TradeView[] }).trades;
    const closed = trades.filter((t) => !t.open);
    expect(closed.length).toBeGreaterThanOrEqual(3);

    // the exchange's record: myTrades, signed, at the simulator's clock
    const ex = await makeCcxt({ id: 'binance', apiUrl: sim.url, rateLimit: 1, env: LIVE_KEYS });
    await CcxtExchange.connect(ex, { syncTime: true });
    const mine = await ex.fetchMyTrades('BTC/USDT', undefined, 1000);
    const byId = new Map(mine.map((t) => [String(t.id), t]));
    const journal = journalFills(home, 'l1');

    const used = new Set<string>();
    for (const t of trades) {
      const ids = (refs: TradeView['entryOrders']) => refs.flatMap((r) => r.tradeIds);
      expect(t.entryOrders.length, `trade ${t.id}`).toBeGreaterThan(0);
      for (const r of [...t.entryOrders, ...t.exitOrders]) expect(r.exchangeId, r.clientOrderId).toMatch(/^\d+$/);
      let cost = ZERO;
      let proceeds = ZERO;
      let fees = ZERO;
      let qty = ZERO;
      for (const [side, list] of [['buy', ids(t.entryOrders)], ['sell', ids(t.exitOrders)]] as const) {
        for (const id of list) {
          used.add(id);
          const x = byId.get(id);
          expect(x, `trade id ${id} is on the exchange`).toBeDefined();
          expect(x!.side).toBe(side);
          expect(x!.clientOrderId ?? (x!.info as { clientOrderId?: string }).clientOrderId ?? journal.get(id)?.clientOrderId).toBeDefined();
          expect(journal.get(id)?.clientOrderId, `trade id ${id} in the journal`).toBeDefined();
          const c = new Dec(String(x!.price)).mul(String(x!.amount));
          if (side === 'buy') {
            cost = cost.plus(c);
            qty = qty.plus(String(x!.amount));
          } else proceeds = proceeds.plus(c);
          fees = fees.plus(String(x!.fee!.cost));
        }
      }
      if (!t.open) {
        // the PnL is what the exchange's fills say: proceeds − cost − fees (fees in quote on the sim)
        expect(new Dec(t.pnl!).minus(proceeds.minus(cost).minus(fees)).abs().lte('1e-8'), `trade ${t.id}: ${t.pnl} vs ${proceeds.minus(cost).minus(fees).toFixed()}`).toBe(true);
        expect(new Dec(t.qty).minus(qty).abs().lte('1e-8')).toBe(true);
        expect(t.exitReason).toBe('signal');
      }
    }
    // every fill of the bot is in a round trip, and nothing else is
    expect([...used].sort()).toEqual([...journal.keys()].sort());
    expect([...used].sort()).toEqual(mine.map((t) => String(t.id)).sort());

    const profitOut = await cli(['profit', 'l1', '--daily', '--json']);
    expect(profitOut.code).toBe(0);
    const profit = JSON.parse(profitOut.stdout) as ProfitView & { schemaVersion: number };
    expect(profit.schemaVersion).toBe(1);
    const sum = closed.reduce((a, t) => a.plus(t.pnl!), ZERO);
    expect(profit.realizedPnl).toBe(sum.toFixed());
    expect(profit.closedTrades).toBe(closed.length);
    expect(profit.wins + profit.losses).toBe(closed.length);
    expect(profit.periods!.rows).toHaveLength(7);
    expect(profit.periods!.rows.reduce((a, r) => a.plus(r.pnl), ZERO).toFixed()).toBe(sum.toFixed()); // a short session: all in the last week
    const status = JSON.parse((await cli(['status', 'l1', '--json'])).stdout) as { realizedPnl: string };
    expect(new Dec(status.realizedPnl).eq(sum)).toBe(true);

    const text = await cli(['trades', 'l1', '--closed']);
    expect(text.stdout.split('\n')[0]).toMatch(/^bot l1: \d+ closed trades \(USDT\)$/);
    expect(text.stdout).toMatch(/^#\s+pair\s+entry \(UTC\)\s+exit \(UTC\)/m);
    const bad = await cli(['trades', 'l1', '--open', '--closed']);
    expect(bad.code).toBe(2);
    expect((await cli(['profit', 'l1', '--daily', '--weekly'])).code).toBe(2);
    expect((await cli(['trades', 'nobody'])).code).toBe(2);
  }, 150_000);
});
