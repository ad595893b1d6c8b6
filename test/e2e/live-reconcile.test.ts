import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCliAsync } from '../support/cli-async.js';
import { readState, waitFor } from '../support/paper.js';
import { LIVE_KEYS, liveSim, orderPosts, sameDecimal, simTotals, spawnLive } from '../support/live.js';
import { signedFetch } from '../integration/sim/helpers.js';
import { idPrefixFor } from '../../src/core/ids.js';

/** RELIABILITY rows 11, 12, 15 for live: orders behind the bot's back, reconcile, orders --bot, panic. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('reconcile, manual orders and panic on a live bot', () => {
  it('reports external orders and balance drift, refuses to start on drift, applies it, never touches the external order', async () => {
    const s = await liveSim();
    cleanups.push(() => s.close());
    const h = mkdtempSync(path.join(os.tmpdir(), 'tradebot-lrec-'));
    cleanups.push(() => rmSync(h, { recursive: true, force: true }));
    const cli = (args: string[]) => runCliAsync(args, { cwd: h, home: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1', ...LIVE_KEYS } });
    const X = ['--exchange', 'binance', '--exchange-url', s.url];

    const first = spawnLive({ home: h, bot: 'r', url: s.url });
    cleanups.push(() => void first.child.kill('SIGKILL'));
    await waitFor('a round trip', () => (readState(h, 'r')?.engine?.portfolio.closed.length ?? 0) >= 1, 60_000);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    // behind the bot's back: an order placed by someone else, and a manual trade that moves balances
    const price = s.control.state().prices['BTC/USDT']!;
    const ext = await signedFetch(s.url, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: (Math.floor(price * 0.5 * 100) / 100).toFixed(2), newClientOrderId: 'someone-else-1', timestamp: s.control.now() });
    expect(ext.status).toBe(200);
    const manual = await cli(['orders', 'create', ...X, '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'market', '--amount', '0.001', '--yes']);
    expect(manual.code, manual.stderr).toBe(0);
    expect(manual.stdout).toContain('tbm-1');

    const listed = await cli(['orders', 'list', ...X, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout).orders as { clientOrderId: string; owner: string }[];
    expect(rows.find((r) => r.clientOrderId === 'someone-else-1')?.owner).toBe('external');

    const plan = await cli(['reconcile', 'r', ...X]);
    expect(plan.code, plan.stderr).toBe(5);
    expect(plan.stdout).toMatch(/~ balance USDT/);
    expect(plan.stdout).toMatch(/~ balance BTC/);
    expect(plan.stdout).toMatch(/= order someone-else-1 .*external/);

    s.control.clearRequests();
    const refused = spawnLive({ home: h, bot: 'r', url: s.url });
    expect((await refused.exited).code).toBe(5);
    expect(refused.stderr()).toMatch(/differs from the exchange/);
    expect(orderPosts(s).size).toBe(0);

    const applied = await cli(['reconcile', 'r', ...X, '--apply']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/No drift left/);
    const doc = readState(h, 'r')!;
    const totals = simTotals(s);
    for (const c of ['USDT', 'BTC']) expect(sameDecimal(doc.engine!.portfolio.balances[c], totals[c])).toBe(true);
    const again = await cli(['reconcile', 'r', ...X, '--plan']);
    expect(again.code, again.stdout).toBe(0);

    // the bot runs again; a second writer (orders --bot) is refused naming it; panic stops it
    const second = spawnLive({ home: h, bot: 'r', url: s.url });
    cleanups.push(() => void second.child.kill('SIGKILL'));
    await waitFor('running', () => readState(h, 'r')?.runtime.status === 'running' && readState(h, 'r')!.runtime.pid === second.child.pid, 30_000);
    const locked = await cli(['orders', 'cancel', '--all', '--pair', 'BTC/USDT', '--bot', 'r', ...X, '--yes']);
    expect(locked.code).toBe(5);
    expect(locked.stderr).toContain(`pid ${second.child.pid}`);
    await waitFor('a position', () => Object.keys(readState(h, 'r')?.engine?.portfolio.open ?? {}).length > 0, 60_000);
    const noYes = await cli(['panic', 'r']);
    expect(noYes.code).toBe(2);
    const panic = await cli(['panic', 'r', '--yes']);
    expect(panic.code, panic.stderr).toBe(0);
    expect((await second.exited).code).toBe(0);
    const after = readState(h, 'r')!;
    expect(after.runtime.status).toBe('stopped');
    expect(Object.keys(after.engine!.portfolio.open)).toEqual([]);
    const open = s.control.state().orders.filter((o) => o.status === 'NEW');
    expect(open.filter((o) => String(o.clientOrderId).startsWith(idPrefixFor('r')))).toEqual([]);
    expect(open.map((o) => o.clientOrderId)).toContain('someone-else-1'); // never touched
  }, 120_000);
});
