import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import { readState, waitFor } from '../support/paper.js';
import { liveSim, simTotals, spawnLive, sameDecimal, writeHoldStrategy } from '../support/live.js';
import { runCliAsync } from '../support/cli-async.js';

/** Exits that must survive the bot: stop-losses on the exchange; stop --cancel-orders. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(): Promise<SimServer> {
  const s = await liveSim();
  cleanups.push(() => s.close());
  return s;
}

function home(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-live-prot-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

type SimOrder = { clientOrderId: string; type: string; side: string; status: string; stopPrice: string; origQty: string; executedQty: string };
const simOrders = (s: SimServer) => s.control.state().orders as unknown as SimOrder[];

describe('live protective exits', () => {
  it('places the stop-loss of each filled entry on the exchange, for the quantity bought, below the entry', async () => {
    const s = await sim();
    const h = home();
    const p = spawnLive({ home: h, bot: 'sl', url: s.url, extra: ['--stop-loss', '0.01'] });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    const stop = await waitFor('a stop-loss order on the exchange', () => simOrders(s).find((o) => o.type === 'STOP_LOSS'), 60_000);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);

    const entryId = stop.clientOrderId.replace(/-sl$/, '');
    const entry = simOrders(s).find((o) => o.clientOrderId === entryId)!;
    expect(entry.side).toBe('BUY');
    expect(stop.side).toBe('SELL');
    expect(stop.origQty).toBe(entry.origQty);
    const doc = readState(h, 'sl')!;
    const tracked = doc.engine!.orders.find((o) => o.clientOrderId === stop.clientOrderId)!;
    expect(tracked.purpose).toBe('stop-loss');
    const entryPrice = Number(doc.engine!.orders.find((o) => o.clientOrderId === entryId)!.cost) / Number(entry.origQty);
    expect(Number(stop.stopPrice)).toBeCloseTo(entryPrice * 0.99, 1);
  }, 90_000);

  it('stop --cancel-orders cancels the bot\'s open orders on the exchange and keeps its position', async () => {
    const s = await sim();
    const h = home();
    // buys once and holds: only the protective stop (far away) could sell
    const p = spawnLive({ home: h, bot: 'sc', url: s.url, extra: ['--strategy', writeHoldStrategy(h), '--stop-loss', '0.5'] });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    const sl = await waitFor('a resting stop-loss', () => simOrders(s).find((o) => o.type === 'STOP_LOSS' && o.status === 'NEW'), 60_000);
    const entry = simOrders(s).find((o) => o.clientOrderId === sl.clientOrderId.replace(/-sl$/, ''))!;
    expect(entry).toMatchObject({ side: 'BUY', status: 'FILLED' });
    // not spawnSync: this process serves the exchange the bot must reach while it stops
    const r = await runCliAsync(['stop', 'sc', '--cancel-orders', '--timeout', '20'], { cwd: h, home: h, env: { TRADEBOT_HOME: h } });
    expect(r.code, r.stderr).toBe(0);
    expect((await p.exited).code, p.stderr()).toBe(0);

    // the stop-loss is cancelled on the exchange, and nothing of the bot is left open there
    expect(simOrders(s).find((o) => o.clientOrderId === sl.clientOrderId)?.status).toBe('CANCELED');
    expect(simOrders(s).filter((o) => o.status === 'NEW')).toEqual([]);
    // the position is kept: the only sell the exchange ever received is that stop-loss
    const sells = s.control.requests().filter((q) => q.method === 'POST' && q.path === '/api/v3/order' && q.params.side === 'SELL');
    expect(sells.map((q) => q.params.newClientOrderId)).toEqual([sl.clientOrderId]);
    const doc = readState(h, 'sc')!;
    expect(doc.runtime.status).toBe('stopped');
    expect(doc.engine!.orders.find((o) => o.clientOrderId === sl.clientOrderId)?.status).toBe('canceled');
    const pos = doc.engine!.portfolio.open['BTC/USDT'];
    expect(pos, 'the position is still open').toBeDefined();
    expect(sameDecimal(pos!.qty, entry.executedQty)).toBe(true);
    // and the ledger still equals the account, base included
    const totals = simTotals(s);
    for (const c of ['USDT', 'BTC']) expect(sameDecimal(doc.engine!.portfolio.balances[c], totals[c]), c).toBe(true);
    expect(sameDecimal(totals.BTC, entry.executedQty)).toBe(true);
  }, 90_000);
});
