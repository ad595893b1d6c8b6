/**
 * The money-moving manual paths, end to end: `tradebot orders create|show|amend|cancel` as child
 * processes, through the real ccxt client, against the loopback exchange. Asserted: exit codes, the
 * JSON documents, the journals and state files, and what the exchange itself recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import { Dec } from '../../src/core/money.js';
import { idPrefixFor } from '../../src/core/ids.js';
import { runCliAsync } from '../support/cli-async.js';
import { readState, waitFor } from '../support/paper.js';
import { LIVE_KEYS, liveSim, orderPosts, readJournal, spawnLive, type JournalLine } from '../support/live.js';
import { signedFetch } from '../integration/sim/helpers.js';

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
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-orders-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Row {
  clientOrderId: string;
  status: string;
  price: string | null;
  amount: string;
  owner: string;
  purpose: string;
  exchangeStatus: string | null;
}

function cliFor(s: SimServer, h: string) {
  const X = ['--exchange', 'binance', '--exchange-url', s.url];
  return async (args: string[]) => {
    const r = await runCliAsync([...args, ...X], { cwd: h, home: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1', ...LIVE_KEYS } });
    return { ...r, json: <T>() => JSON.parse(r.stdout) as T & { schemaVersion: number } };
  };
}

type SimOrder = { clientOrderId: string; status: string; price: string; side: string };
const simOrder = (s: SimServer, id: string) => (s.control.state().orders as unknown as SimOrder[]).find((o) => o.clientOrderId === id);
const requestsTo = (s: SimServer, method: string, p: string) => s.control.requests().filter((r) => r.method === method && r.path === p);
/** A limit price a fraction of the market away (the order rests), as the exchange writes it back. */
const away = (s: SimServer, f: number) => new Dec(Math.floor(s.control.state().prices['BTC/USDT']! * f * 100) / 100).toFixed();

function manualJournal(h: string): JournalLine[] {
  const p = path.join(h, 'manual-journal.jsonl');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JournalLine);
}
const linesOf = (j: JournalLine[], id: string) => j.filter((e) => (e.order?.clientOrderId ?? e.clientOrderId) === id).map((e) => (e.type === 'status' ? `status ${e.status}` : e.type));

describe('tradebot orders on the account', () => {
  it('creates, shows, amends by the exchange edit, amends by cancel and replace when the edit is not supported, cancels: each journaled before it is sent', async () => {
    const s = await sim();
    const h = home();
    const cli = cliFor(s, h);

    const p1 = away(s, 0.5);
    const created = await cli(['orders', 'create', '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'limit', '--amount', '0.001', '--price', p1, '--yes', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const c = created.json<{ bot: null; order: Row }>();
    expect(c.schemaVersion).toBe(1);
    expect(c.order).toMatchObject({ clientOrderId: 'tbm-1', status: 'open', price: p1, owner: 'manual' });
    expect(simOrder(s, 'tbm-1')).toMatchObject({ status: 'NEW' });

    const shown = await cli(['orders', 'show', 'tbm-1', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json<{ order: Row }>().order).toMatchObject({ clientOrderId: 'tbm-1', status: 'open', price: p1, amount: '0.001' });

    // the exchange's own edit: one cancelReplace request, a new order with a new id
    const p2 = away(s, 0.45);
    const edited = await cli(['orders', 'amend', 'tbm-1', '--price', p2, '--yes', '--json']);
    expect(edited.code, edited.stderr).toBe(0);
    const e = edited.json<{ method: string; old: Row; new: Row }>();
    expect(e.method).toBe('edit');
    expect(e.old).toMatchObject({ clientOrderId: 'tbm-1', status: 'canceled' });
    expect(e.new).toMatchObject({ clientOrderId: 'tbm-2', status: 'open', price: p2 });
    expect(requestsTo(s, 'POST', '/api/v3/order/cancelReplace')).toHaveLength(1);
    expect(simOrder(s, 'tbm-1')?.status).toBe('CANCELED');
    expect(simOrder(s, 'tbm-2')?.status).toBe('NEW');
    expect(new Dec(simOrder(s, 'tbm-2')!.price).eq(p2)).toBe(true);

    // the exchange refuses the edit as not supported: cancel, then a new order
    s.control.addFault({ action: { kind: 'error', code: -1020, status: 400, msg: 'This operation is not supported.' }, method: 'POST', path: '/api/v3/order/cancelReplace' });
    const p3 = away(s, 0.4);
    const replaced = await cli(['orders', 'amend', 'tbm-2', '--price', p3, '--yes', '--json']);
    expect(replaced.code, replaced.stderr).toBe(0);
    const r = replaced.json<{ method: string; old: Row; new: Row }>();
    expect(r.method).toBe('cancel-replace');
    expect(r.old).toMatchObject({ clientOrderId: 'tbm-2', status: 'canceled' });
    expect(r.new).toMatchObject({ clientOrderId: 'tbm-3', status: 'open', price: p3 });
    expect(requestsTo(s, 'DELETE', '/api/v3/order').map((q) => q.params.origClientOrderId)).toEqual(['tbm-2']);
    expect(simOrder(s, 'tbm-2')?.status).toBe('CANCELED');
    expect(simOrder(s, 'tbm-3')?.status).toBe('NEW');
    const text = await cli(['orders', 'amend', 'tbm-3', '--price', p2, '--yes']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/editOrder/);

    const cancelled = await cli(['orders', 'cancel', 'tbm-4', '--yes', '--json']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.json<{ orders: Row[] }>().orders).toEqual([expect.objectContaining({ clientOrderId: 'tbm-4', status: 'canceled' })]);
    expect(simOrder(s, 'tbm-4')?.status).toBe('CANCELED');

    const j = manualJournal(h);
    expect(linesOf(j, 'tbm-1')).toEqual(['intent', 'sent', 'status canceled']);
    expect(linesOf(j, 'tbm-2')).toEqual(['intent', 'sent', 'status canceled']);
    expect(linesOf(j, 'tbm-3')).toEqual(['intent', 'sent', 'status canceled']);
    expect(linesOf(j, 'tbm-4')).toEqual(['intent', 'sent', 'status canceled']);
    // each id reached the exchange once; the edit refused as not supported placed nothing
    const placed = new Map<string, number>();
    for (const q of s.control.requests()) if (q.method === 'POST' && q.path.startsWith('/api/v3/order') && q.fault === undefined) placed.set(q.params.newClientOrderId!, (placed.get(q.params.newClientOrderId!) ?? 0) + 1);
    expect([...placed.entries()].sort()).toEqual([['tbm-1', 1], ['tbm-2', 1], ['tbm-3', 1], ['tbm-4', 1]]);
    expect(requestsTo(s, 'POST', '/api/v3/order/cancelReplace').map((q) => q.fault ?? 'ok')).toEqual(['ok', 'error', 'ok']);
  }, 120_000);

  it('refuses ids it does not know and orders above the market maximum: exit 2, nothing sent', async () => {
    const s = await sim({ market: { maxAmount: new Dec('0.5'), maxNotional: new Dec('100000'), maxPrice: new Dec('1000000') } });
    const h = home();
    const cli = cliFor(s, h);
    const ext = await signedFetch(s.url, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: away(s, 0.5), newClientOrderId: 'someone-else-1', timestamp: s.control.now() });
    expect(ext.status).toBe(200);
    mkdirSync(path.join(h, 'bots', 'b1'), { recursive: true });
    s.control.clearRequests();

    const refusals = [
      ['orders', 'cancel', 'tbm-99', '--yes'],
      ['orders', 'cancel', 'someone-else-1', '--pair', 'BTC/USDT', '--yes'],
      ['orders', 'cancel', `${idPrefixFor('b1')}-1`, '--pair', 'BTC/USDT', '--yes'],
      ['orders', 'amend', 'someone-else-1', '--pair', 'BTC/USDT', '--price', away(s, 0.4), '--yes'],
      ['orders', 'show', 'nope-1', '--pair', 'BTC/USDT'],
      ['orders', 'show', 'nope-1', '--bot', 'b1'],
      ['orders', 'create', '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'limit', '--amount', '0.6', '--price', away(s, 0.5), '--yes'],
      ['orders', 'create', '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'limit', '--amount', '0.4', '--price', '500000', '--yes'],
      ['orders', 'create', '--pair', 'BTC/USDT', '--side', 'sell', '--type', 'limit', '--amount', '0.00001', '--price', '2000000', '--yes'],
    ];
    for (const args of refusals) {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(s.control.requests().filter((q) => q.method !== 'GET')).toEqual([]);
    expect(simOrder(s, 'someone-else-1')?.status).toBe('NEW');
    expect(manualJournal(h)).toEqual([]);
  }, 120_000);

  it('a lost answer exits 4 and is never re-sent; orders show then tells what the exchange has', async () => {
    const s = await sim();
    const h = home();
    const cli = cliFor(s, h);
    s.control.addFault({ action: { kind: 'accept-then-drop' }, method: 'POST', path: '/api/v3/order' });
    const lost = await cli(['orders', 'create', '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'market', '--amount', '0.001', '--yes', '--json']);
    expect(lost.code, lost.stderr).toBe(4);
    expect(lost.stdout).toBe('');
    expect(lost.stderr).toContain('tbm-1');
    expect(linesOf(manualJournal(h), 'tbm-1')).toEqual(['intent', 'status unknown']);

    const shown = await cli(['orders', 'show', 'tbm-1', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json<{ order: Row }>().order).toMatchObject({ clientOrderId: 'tbm-1', status: 'filled', amount: '0.001' });
    expect(orderPosts(s).get('tbm-1')).toBe(1);
    expect((s.control.state().orders as unknown as SimOrder[]).filter((o) => o.clientOrderId === 'tbm-1')).toHaveLength(1);
    // the next order gets the next id: the lost one is never reused
    const next = await cli(['orders', 'create', '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'limit', '--amount', '0.001', '--price', away(s, 0.5), '--yes', '--json']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.json<{ order: Row }>().order.clientOrderId).toBe('tbm-2');
    expect(orderPosts(s).get('tbm-1')).toBe(1);
  }, 90_000);
});

describe('tradebot orders --bot on a stopped live bot', () => {
  it('create, amend and cancel go through the bot: its ids, its journal first, its state; a lost answer is journaled unknown and resolved by reconcile', async () => {
    const s = await sim();
    const h = home();
    const cli = cliFor(s, h);
    const bot = 'ob';
    const prefix = idPrefixFor(bot);
    const p = spawnLive({ home: h, bot, url: s.url, extra: ['--take-profit', '0.5'] });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    const tp = await waitFor('a resting take-profit', () => readState(h, bot)?.engine?.orders.find((o) => o.purpose === 'take-profit' && o.status === 'open'), 60_000);
    p.child.kill('SIGTERM');
    expect((await p.exited).code, p.stderr()).toBe(0);
    const seq0 = readState(h, bot)!.engine!.idSequence;

    // create: the bot's next id, journaled (intent, then sent), in its state
    const p1 = away(s, 0.5);
    const created = await cli(['orders', 'create', '--bot', bot, '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'limit', '--amount', '0.001', '--price', p1, '--yes', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const mid = `${prefix}-${seq0 + 1}`;
    expect(created.json<{ bot: string; order: Row }>()).toMatchObject({ bot, order: { clientOrderId: mid, status: 'open', owner: `bot ${bot}` } });
    expect(linesOf(readJournal(h, bot), mid)).toEqual(['intent', 'sent']);
    let doc = readState(h, bot)!;
    expect(doc.engine!.idSequence).toBe(seq0 + 1);
    expect(doc.engine!.orders.find((o) => o.clientOrderId === mid)).toMatchObject({ status: 'open', purpose: 'manual', price: p1 });
    expect(simOrder(s, mid)?.status).toBe('NEW');

    const shown = await cli(['orders', 'show', mid, '--bot', bot, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json<{ order: Row }>().order).toMatchObject({ status: 'open', exchangeStatus: 'open' });

    // amend the take-profit by the exchange's edit: a new order of the bot, the old one canceled
    const tpPrice = away(s, 1.6);
    const amended = await cli(['orders', 'amend', tp.clientOrderId, '--bot', bot, '--price', tpPrice, '--yes', '--json']);
    expect(amended.code, amended.stderr).toBe(0);
    const a = amended.json<{ method: string; old: Row; new: Row }>();
    const newTp = `${prefix}-${seq0 + 2}`;
    expect(a).toMatchObject({ method: 'edit', old: { clientOrderId: tp.clientOrderId, status: 'canceled' }, new: { clientOrderId: newTp, status: 'open', price: tpPrice, purpose: 'take-profit' } });
    expect(linesOf(readJournal(h, bot), newTp)).toEqual(['intent', 'sent']);
    expect(linesOf(readJournal(h, bot), tp.clientOrderId)).toContain('status canceled');
    doc = readState(h, bot)!;
    expect(doc.engine!.orders.find((o) => o.clientOrderId === tp.clientOrderId)?.status).toBe('canceled');
    expect(doc.engine!.orders.find((o) => o.clientOrderId === newTp)).toMatchObject({ status: 'open', purpose: 'take-profit', price: tpPrice });
    expect(simOrder(s, tp.clientOrderId)?.status).toBe('CANCELED');
    expect(simOrder(s, newTp)?.status).toBe('NEW');

    // cancel one id of the bot
    const cancelled = await cli(['orders', 'cancel', mid, '--bot', bot, '--yes', '--json']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.json<{ orders: Row[] }>().orders).toEqual([expect.objectContaining({ clientOrderId: mid, status: 'canceled' })]);
    expect(linesOf(readJournal(h, bot), mid)).toEqual(['intent', 'sent', 'status canceled']);
    expect(readState(h, bot)!.engine!.orders.find((o) => o.clientOrderId === mid)?.status).toBe('canceled');
    expect(simOrder(s, mid)?.status).toBe('CANCELED');
    const unknownId = await cli(['orders', 'cancel', `${prefix}-999`, '--bot', bot, '--yes']);
    expect(unknownId.code).toBe(2);

    // the answer to an order of the bot is lost: exit 4, journaled unknown, never re-sent; reconcile resolves it
    s.control.addFault({ action: { kind: 'accept-then-drop' }, method: 'POST', path: '/api/v3/order' });
    const lost = await cli(['orders', 'create', '--bot', bot, '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'limit', '--amount', '0.001', '--price', p1, '--yes']);
    expect(lost.code, lost.stderr).toBe(4);
    const lostId = `${prefix}-${seq0 + 3}`;
    expect(linesOf(readJournal(h, bot), lostId)).toEqual(['intent', 'status unknown']);
    expect(readState(h, bot)!.engine!.orders.find((o) => o.clientOrderId === lostId)?.status).toBe('unknown');
    const seen = await cli(['orders', 'show', lostId, '--bot', bot, '--json']);
    expect(seen.code, seen.stderr).toBe(0);
    expect(seen.json<{ order: Row }>().order).toMatchObject({ status: 'unknown', exchangeStatus: 'open' });
    const rec = await cli(['reconcile', bot, '--apply', '--json']);
    expect(rec.code, rec.stdout + rec.stderr).toBe(0);
    expect(readState(h, bot)!.engine!.orders.find((o) => o.clientOrderId === lostId)?.status).toBe('open');
    expect(orderPosts(s).get(lostId)).toBe(1);

    const check = await runCliAsync(['state', 'check', bot], { cwd: h, home: h, env: { TRADEBOT_HOME: h } });
    expect(check.code, check.stdout).toBe(0);
  }, 150_000);
});
