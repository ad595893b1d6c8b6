import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import { readState, waitFor } from '../support/paper.js';
import { liveSim, simTotals, spawnLive, sameDecimal } from '../support/live.js';
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

type SimOrder = { clientOrderId: string; type: string; side: string; status: string; stopPrice: string; origQty: string };
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
    const p = spawnLive({ home: h, bot: 'sc', url: s.url, extra: ['--stop-loss', '0.02'] });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    await waitFor('a resting stop-loss', () => simOrders(s).some((o) => o.type === 'STOP_LOSS' && o.status === 'NEW'), 60_000);
    // not spawnSync: this process serves the exchange the bot must reach while it stops
    const r = await runCliAsync(['stop', 'sc', '--cancel-orders', '--timeout', '20'], { cwd: h, home: h, env: { TRADEBOT_HOME: h } });
    expect(r.code, r.stderr).toBe(0);
    await p.exited;
    expect(simOrders(s).filter((o) => o.status === 'NEW')).toEqual([]);
    const doc = readState(h, 'sc')!;
    expect(doc.runtime.status).toBe('stopped');
    // positions are kept: the ledger still equals the account, base included
    const totals = simTotals(s);
    for (const c of ['USDT', 'BTC']) expect(sameDecimal(doc.engine!.portfolio.balances[c], totals[c]), c).toBe(true);
  }, 90_000);
});
