/**
 * A live bot's start-up against an exchange that fails once (RELIABILITY rows 4 and 6 at start):
 * every read it makes before trading (clock, markets, balances, history, recovery lookups) is
 * asked again with back-off, as the running bot does on its next poll, before it gives up (exit 4).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Fault } from '../../src/exchange/sim-server/faults.js';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import { runCliAsync } from '../support/cli-async.js';
import { readState, waitFor } from '../support/paper.js';
import { LIVE_KEYS, liveSim, orderPosts, spawnLive, type LiveChild } from '../support/live.js';

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
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-lstart-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function live(o: Parameters<typeof spawnLive>[0]): LiveChild {
  const p = spawnLive(o);
  cleanups.push(() => void p.child.kill('SIGKILL'));
  return p;
}

const hits = (s: SimServer, p: string) => s.control.requests().filter((r) => r.method === 'GET' && r.path === p);

describe('live start-up on a failing exchange', () => {
  it('asks again after one 5xx, HTML page or dropped connection on each start-up read, then runs; nothing is sent twice', async () => {
    const s = await sim();
    const h = home();
    // a resting take-profit, so that the restart has an order to look up
    const first = live({ home: h, bot: 'st', url: s.url, extra: ['--take-profit', '0.5'] });
    const tp = await waitFor('a resting take-profit', () => readState(h, 'st')?.engine?.orders.find((o) => o.purpose === 'take-profit' && o.status === 'open'), 60_000);
    first.child.kill('SIGTERM');
    expect((await first.exited).code, first.stderr()).toBe(0);

    const faults: Fault[] = [
      { action: { kind: 'status', status: 503, body: 'Service Unavailable' }, method: 'GET', path: '/api/v3/time' },
      { action: { kind: 'drop' }, method: 'GET', path: '/api/v3/exchangeInfo' },
      { action: { kind: 'html', status: 502 }, method: 'GET', path: '/api/v3/account' },
      { action: { kind: 'drop' }, method: 'GET', path: '/api/v3/klines' },
      { action: { kind: 'status', status: 504 }, method: 'GET', path: '/api/v3/order' },
      { action: { kind: 'html', status: 503 }, method: 'GET', path: '/api/v3/openOrders' },
    ];
    for (const f of faults) s.control.addFault(f);
    s.control.clearRequests();
    const again = live({ home: h, bot: 'st', url: s.url, extra: ['--take-profit', '0.5'] });
    await waitFor('running after the failures', () => readState(h, 'st')?.runtime.status === 'running' && readState(h, 'st')!.runtime.pid === again.child.pid, 60_000);
    expect(s.control.faults()).toEqual([]);
    for (const f of faults) {
      const reqs = hits(s, f.path!);
      const failed = reqs.findIndex((r) => r.fault !== undefined);
      expect(failed, `${f.path} failed once`).toBeGreaterThanOrEqual(0);
      expect(reqs.slice(failed + 1).some((r) => r.fault === undefined && r.status === 200), `${f.path} asked again and answered`).toBe(true);
    }
    again.child.kill('SIGTERM');
    expect((await again.exited).code, again.stderr()).toBe(0);

    // the resting order was looked up, not sent again
    expect(orderPosts(s).get(tp.clientOrderId) ?? 0).toBe(0);
    expect(readState(h, 'st')!.engine!.orders.find((o) => o.clientOrderId === tp.clientOrderId)?.status).toMatch(/^(open|filled|canceled)$/);
    const check = await runCliAsync(['state', 'check', 'st'], { cwd: h, home: h, env: { TRADEBOT_HOME: h } });
    expect(check.code, check.stdout).toBe(0);
  }, 150_000);

  it('gives up with exit 4 after a few tries when the failure lasts, and at once on a ban; nothing is sent', async () => {
    const s = await sim();
    const h = home();
    s.control.addFault({ action: { kind: 'status', status: 503, body: 'Service Unavailable' }, method: 'GET', path: '/api/v3/account', count: 1000 });
    const down = live({ home: h, bot: 'down', url: s.url });
    expect((await down.exited).code, down.stderr()).toBe(4);
    expect(hits(s, '/api/v3/account')).toHaveLength(4);
    expect(orderPosts(s).size).toBe(0);

    s.control.clearFaults();
    s.control.clearRequests();
    s.control.addFault({ action: { kind: 'ban', retryAfter: 60 }, method: 'GET', path: '/api/v3/account', count: 1000 });
    const banned = live({ home: h, bot: 'banned', url: s.url, env: LIVE_KEYS });
    expect((await banned.exited).code, banned.stderr()).toBe(4);
    expect(hits(s, '/api/v3/account')).toHaveLength(1);
    expect(orderPosts(s).size).toBe(0);
  }, 90_000);
});
