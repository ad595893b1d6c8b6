import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Fault } from '../../src/exchange/sim-server/faults.js';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import { readState, waitFor } from '../support/paper.js';
import { journalFills, liveSim, orderPosts, readJournal, sameDecimal, simTotals, spawnLive, type LiveChild } from '../support/live.js';

/** RELIABILITY rows 3, 4, 5, 6, 10 for live: each control-plane fault and what the bot does about it. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(faults: Fault[]): Promise<{ s: SimServer; h: string; p: LiveChild }> {
  const s = await liveSim({ faults });
  cleanups.push(() => s.close());
  const h = mkdtempSync(path.join(os.tmpdir(), 'tradebot-lfault-'));
  cleanups.push(() => rmSync(h, { recursive: true, force: true }));
  const p = spawnLive({ home: h, bot: 'f', url: s.url });
  cleanups.push(() => void p.child.kill('SIGKILL'));
  return { s, h, p };
}

const ORDER = { method: 'POST', path: '/api/v3/order' } as const;
const intents = (h: string) => readJournal(h, 'f').filter((e) => e.type === 'intent').map((e) => e.order!.clientOrderId);
const statusOf = (h: string, id: string) => readJournal(h, 'f').filter((e) => e.clientOrderId === id && (e.type === 'status' || e.type === 'sent'));

async function stop(p: LiveChild): Promise<void> {
  p.child.kill('SIGTERM');
  expect((await p.exited).code, p.stderr()).toBe(0);
}

function ledgerIsAccount(s: SimServer, h: string): void {
  const doc = readState(h, 'f')!;
  const totals = simTotals(s);
  for (const c of ['USDT', 'BTC']) expect(sameDecimal(doc.engine!.portfolio.balances[c], totals[c]), `${c}: bot ${doc.engine!.portfolio.balances[c]} vs exchange ${totals[c]}`).toBe(true);
  expect([...journalFills(h, 'f').keys()].sort()).toEqual(s.control.state().trades.map((t) => String(t.id)).sort());
}

describe('tradebot live under exchange faults', () => {
  it('429 on an order: the order is rejected and never resent, orders are held back (health shows it), later orders go through', async () => {
    const { s, h, p } = await start([{ action: { kind: 'rate-limit', retryAfter: 2 }, ...ORDER }]);
    let sawBackoff = false;
    await waitFor('three orders', () => {
      const health = readState(h, 'f')?.runtime.health;
      if (health?.blockedUntil && /rate limited/.test(health.reason ?? '')) sawBackoff = true;
      return intents(h).length >= 3;
    }, 60_000);
    await stop(p);
    const [first, ...rest] = intents(h);
    expect(statusOf(h, first!).map((e) => e.status)).toEqual(['rejected']);
    expect(statusOf(h, first!)[0]!.reason).toMatch(/rate limited/);
    expect(sawBackoff).toBe(true);
    expect(rest.some((id) => statusOf(h, id).some((e) => e.type === 'sent'))).toBe(true);
    for (const [id, n] of orderPosts(s)) expect(n, id).toBe(1);
    ledgerIsAccount(s, h);
  }, 90_000);

  it('418 on an order: no order is sent until the ban ends, then trading resumes', async () => {
    const { s, h, p } = await start([{ action: { kind: 'ban', retryAfter: 3 }, ...ORDER }]);
    await waitFor('an order after the ban', () => intents(h).slice(1).some((id) => statusOf(h, id).some((e) => e.type === 'sent')), 60_000);
    await stop(p);
    const posts = s.control.requests().filter((r) => r.method === 'POST' && r.path === '/api/v3/order');
    expect(posts[0]!.fault).toBe('ban');
    expect(statusOf(h, intents(h)[0]!)[0]!.reason).toMatch(/banned/);
    for (const r of posts.slice(1)) expect(r.time - posts[0]!.time).toBeGreaterThanOrEqual(2900);
    ledgerIsAccount(s, h);
  }, 90_000);

  it('a dropped connection on an order: outcome unknown, looked up, marked not-placed, never resent', async () => {
    const { s, h, p } = await start([{ action: { kind: 'drop' }, ...ORDER }]);
    await waitFor('the dropped order resolved', () => {
      const id = intents(h)[0];
      return id && readState(h, 'f')?.engine?.orders.find((o) => o.clientOrderId === id)?.status === 'not-placed';
    }, 60_000);
    await stop(p);
    const id = intents(h)[0]!;
    expect(orderPosts(s).get(id)).toBe(1);
    expect(s.control.state().orders.filter((o) => o.clientOrderId === id)).toEqual([]);
    expect(readJournal(h, 'f').some((e) => e.clientOrderId === id && e.status === 'unknown')).toBe(true);
    ledgerIsAccount(s, h);
  }, 90_000);

  it('accept-then-drop on an order: found on the exchange by client id and adopted with its fills, exactly once', async () => {
    const { s, h, p } = await start([{ action: { kind: 'accept-then-drop' }, ...ORDER }]);
    await waitFor('the dropped order adopted', () => {
      const id = intents(h)[0];
      return id && readJournal(h, 'f').some((e) => e.type === 'fill' && e.fill!.clientOrderId === id) && intents(h).length >= 3;
    }, 60_000);
    await stop(p);
    const id = intents(h)[0]!;
    expect(orderPosts(s).get(id)).toBe(1);
    expect(s.control.state().orders.filter((o) => o.clientOrderId === id)).toHaveLength(1);
    expect(readJournal(h, 'f').some((e) => e.type === 'fill' && e.fill!.clientOrderId === id)).toBe(true);
    for (const [oid, n] of orderPosts(s)) expect(n, oid).toBe(1);
    ledgerIsAccount(s, h);
  }, 90_000);

  it('HTML 5xx on market data reads: the bot keeps running, shows degraded, and recovers', async () => {
    const { s, h, p } = await start([{ action: { kind: 'html', status: 502 }, method: 'GET', path: '/api/v3/klines', after: 3, count: 3 }]);
    await waitFor('degraded', () => readState(h, 'f')?.runtime.degraded?.message, 60_000);
    expect(readState(h, 'f')!.runtime.status).toBe('running');
    await waitFor('recovered', () => s.control.faults().length === 0 && readState(h, 'f')?.runtime.degraded === null && readState(h, 'f')?.runtime.status === 'running', 60_000);
    expect(p.child.exitCode).toBeNull();
    await stop(p);
    ledgerIsAccount(s, h);
  }, 90_000);

  it('the exchange refusing the keys on an order: the bot stops with exit 4 and says why', async () => {
    const { s, h, p } = await start([{ action: { kind: 'error', code: -2015, status: 401, msg: 'Invalid API-key, IP, or permissions for action.' }, ...ORDER }]);
    const r = await p.exited;
    expect(r.code).toBe(4);
    expect(p.stderr()).toMatch(/refused the credentials.*TRADEBOT_API_KEY/);
    expect(orderPosts(s).size).toBe(1);
    expect(readState(h, 'f')!.runtime.lastError?.message).toMatch(/credentials/);
  }, 60_000);

  it('insufficient funds: a definitive rejection, no retry loop; the next order goes through', async () => {
    const { s, h, p } = await start([{ action: { kind: 'error', code: -2010, status: 400, msg: 'Account has insufficient balance for requested action.' }, ...ORDER }]);
    await waitFor('an order after the rejection', () => intents(h).slice(1).some((id) => statusOf(h, id).some((e) => e.type === 'sent')), 60_000);
    await stop(p);
    const first = intents(h)[0]!;
    expect(statusOf(h, first).map((e) => e.status)).toEqual(['rejected']);
    expect(statusOf(h, first)[0]!.reason).toMatch(/insufficient/);
    for (const [id, n] of orderPosts(s)) expect(n, id).toBe(1);
    ledgerIsAccount(s, h);
  }, 90_000);
});
