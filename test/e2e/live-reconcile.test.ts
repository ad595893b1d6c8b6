import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCliAsync } from '../support/cli-async.js';
import { readState, waitFor } from '../support/paper.js';
import { LIVE_KEYS, liveSim, orderPosts, readJournal, sameDecimal, simTotals, spawnLive, type JournalLine } from '../support/live.js';
import { Dec } from '../../src/core/money.js';
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

    // the manual buy spent quote of the bot's budget (drift); the coins it bought are not the bot's (external)
    const plan = await cli(['reconcile', 'r', ...X]);
    expect(plan.code, plan.stderr).toBe(5);
    expect(plan.stdout).toMatch(/~ balance USDT/);
    expect(plan.stdout).toMatch(/= balance BTC: 0\.001 external/);
    expect(plan.stdout).toMatch(/= order someone-else-1 .*external/);
    const planJson = await cli(['reconcile', 'r', ...X, '--json']);
    expect(planJson.code).toBe(5);
    const pj = JSON.parse(planJson.stdout) as { schemaVersion: number; ok: boolean; drift: { kind: string; currency?: string }[]; external: { kind: string; currency?: string; amount?: string; clientOrderId?: string }[] };
    expect(pj.schemaVersion).toBe(1);
    expect(pj.ok).toBe(false);
    expect(pj.drift.map((a) => `${a.kind} ${a.currency}`)).toEqual(['adopt-balance USDT']);
    expect(pj.external.find((a) => a.kind === 'external-balance')).toMatchObject({ currency: 'BTC', amount: '0.001' });
    expect(pj.external.find((a) => a.kind === 'external')?.clientOrderId).toBe('someone-else-1');

    s.control.clearRequests();
    const refused = spawnLive({ home: h, bot: 'r', url: s.url });
    expect((await refused.exited).code).toBe(5);
    expect(refused.stderr()).toMatch(/differs from the exchange/);
    expect(orderPosts(s).size).toBe(0);

    const capital = readState(h, 'r')!.settings.cash;
    const startMark = readState(h, 'r')!.runtime.equity!.start;
    const applied = await cli(['reconcile', 'r', ...X, '--apply']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/No drift left/);
    const doc = readState(h, 'r')!;
    const totals = simTotals(s);
    expect(sameDecimal(doc.engine!.portfolio.balances.USDT, totals.USDT)).toBe(true);
    expect(sameDecimal(new Dec(doc.engine!.portfolio.balances.BTC ?? 0).plus('0.001'), totals.BTC)).toBe(true);
    expect(doc.settings.cash).toEqual(capital);
    expect(doc.runtime.external?.balances).toEqual({ BTC: '0.001' });
    const transfers = () => readJournal(h, 'r').filter((e) => e.type === 'transfer') as (JournalLine & { currency: string; amount: string })[];
    expect(transfers().map((t) => t.currency)).toEqual(['USDT']);
    expect(new Dec(transfers()[0]!.amount).lt(0)).toBe(true);
    // what left the ledger is not a trading loss: the equity mark PnL is measured from moves with it
    expect(doc.runtime.equity!.start).toBe(new Dec(startMark).plus(transfers()[0]!.amount).toFixed());
    // the books add up: the shortfall is a transfer, not a round trip
    const checked = await cli(['state', 'check', 'r']);
    expect(checked.code, checked.stdout).toBe(0);
    const again = await cli(['reconcile', 'r', ...X, '--plan']);
    expect(again.code, again.stdout).toBe(0);

    // drift again (another manual buy), accepted by live --adopt: the books still add up
    const manual2 = await cli(['orders', 'create', ...X, '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'market', '--amount', '0.001', '--yes', '--json']);
    expect(manual2.code, manual2.stderr).toBe(0);
    expect((JSON.parse(manual2.stdout) as { order: { clientOrderId: string; status: string } }).order).toMatchObject({ clientOrderId: 'tbm-2', status: 'filled' });
    const adopting = spawnLive({ home: h, bot: 'r', url: s.url, extra: ['--adopt'] });
    cleanups.push(() => void adopting.child.kill('SIGKILL'));
    await waitFor('running after --adopt', () => readState(h, 'r')?.runtime.status === 'running' && readState(h, 'r')!.runtime.pid === adopting.child.pid, 30_000);
    adopting.child.kill('SIGTERM');
    expect((await adopting.exited).code, adopting.stderr()).toBe(0);
    expect(transfers().map((t) => t.currency)).toEqual(['USDT', 'USDT']);
    expect(readState(h, 'r')!.runtime.external?.balances).toEqual({ BTC: '0.002' });
    const checked2 = await cli(['state', 'check', 'r']);
    expect(checked2.code, checked2.stdout).toBe(0);

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
    // panic sold the bot's position, not the coins bought behind its back
    expect(sameDecimal(new Dec(after.engine!.portfolio.balances.BTC ?? 0).plus('0.002'), simTotals(s).BTC)).toBe(true);
    const checked3 = await cli(['state', 'check', 'r']);
    expect(checked3.code, checked3.stdout).toBe(0);
  }, 180_000);
});
