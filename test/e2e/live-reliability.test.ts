/**
 * RELIABILITY rows 6 (rest), 11, 19 and 20 for live and paper bots, as child processes against the
 * loopback exchange. Exit codes, state files and the simulator's own records are asserted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCliAsync } from '../support/cli-async.js';
import { nonEmptyLines } from '../support/cli.js';
import { readState, spawnPaper, waitFor } from '../support/paper.js';
import { journalFills, LIVE_KEYS, liveSim, orderPosts, readJournal, sameDecimal, simTotals, spawnLive, writeHoldStrategy, type LiveChild } from '../support/live.js';
import { idPrefixFor } from '../../src/core/ids.js';
import { maskKey } from '../../src/secrets.js';
import { signedRoutes } from '../../src/exchange/sim-server/binance-routes.js';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import type { SerializedOrder } from '../../src/core/orders.js';

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
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-lrel-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function live(o: Parameters<typeof spawnLive>[0]): LiveChild {
  const p = spawnLive(o);
  cleanups.push(() => void p.child.kill('SIGKILL'));
  return p;
}

async function stop(p: { child: { kill(s: NodeJS.Signals): boolean }; exited: Promise<{ code: number | null }> }, stderr: () => string): Promise<void> {
  p.child.kill('SIGTERM');
  expect((await p.exited).code, stderr()).toBe(0);
}

const statePath = (h: string, bot: string) => path.join(h, 'bots', bot, 'state.json');

/** Requests the simulator served on a route that needs a signature (keys). */
const signedRequests = (s: SimServer) => s.control.requests().filter((r) => `${r.method} ${r.path}` in signedRoutes);

function ledgerIsAccount(s: SimServer, h: string, bot: string): void {
  const doc = readState(h, bot)!;
  const totals = simTotals(s);
  for (const c of ['USDT', 'BTC']) expect(sameDecimal(doc.engine!.portfolio.balances[c], totals[c]), `${c}: bot ${doc.engine!.portfolio.balances[c]} vs exchange ${totals[c]}`).toBe(true);
  expect([...journalFills(h, bot).keys()].sort()).toEqual(s.control.state().trades.map((t) => String(t.id)).sort());
}

/** The bot's status of an order and the exchange's, which must agree (Binance statuses → ours). */
const SIM_STATUS: Record<string, string[]> = {
  NEW: ['open', 'pending-cancel'],
  PARTIALLY_FILLED: ['open', 'pending-cancel'],
  FILLED: ['filled'],
  CANCELED: ['canceled'],
  EXPIRED: ['expired'],
  REJECTED: ['rejected'],
};

// ---------------------------------------------------------------------------------------------
// Row 11

describe('row 11: a local open order the exchange does not have, at restart', () => {
  it('is looked up several times, refused without --adopt (exit 5, the plan names it), marked lost with --adopt; never cancelled', async () => {
    const s = await sim();
    const h = home();
    const bot = 'lost';
    const X = ['--exchange', 'binance', '--exchange-url', s.url];
    const first = live({ home: h, bot, url: s.url });
    await waitFor('a trading bot', () => (readState(h, bot)?.engine?.lastBarTime[0] ?? null) !== null && readJournal(h, bot).some((e) => e.type === 'fill'), 60_000);
    await stop(first, first.stderr);

    // the state says an order is open; the exchange has never heard of it
    const lostId = `${idPrefixFor(bot)}-900001`;
    const doc = JSON.parse(readFileSync(statePath(h, bot), 'utf8'));
    const now = s.control.now();
    const ghost: SerializedOrder = {
      clientOrderId: lostId,
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'limit',
      amount: '0.001',
      price: '1000',
      purpose: 'entry',
      createdAt: now,
      status: 'open',
      exchangeId: '987654321',
      filled: '0',
      cost: '0',
      fee: '0',
      tradeIds: [],
      updatedAt: now,
    };
    doc.engine.orders.push(ghost);
    writeFileSync(statePath(h, bot), JSON.stringify(doc, null, 2));
    const lookups = () => s.control.requests().filter((r) => r.method === 'GET' && r.path === '/api/v3/order' && (r.params.origClientOrderId === lostId || r.params.orderId === '987654321'));
    const touched = () => s.control.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/api/v3/order') && (r.params.origClientOrderId === lostId || r.params.newClientOrderId === lostId || r.params.orderId === '987654321'));

    // without --adopt: refused, nothing traded, the order left as it was
    s.control.clearRequests();
    const refused = live({ home: h, bot, url: s.url });
    expect((await refused.exited).code, refused.stderr()).toBe(5);
    expect(lookups().length, 'targeted lookups before calling it lost').toBeGreaterThanOrEqual(3);
    expect(orderPosts(s).size).toBe(0);
    expect(touched()).toEqual([]);
    expect(readState(h, bot)!.engine!.orders.find((o) => o.clientOrderId === lostId)?.status).toBe('open');

    // the plan names it
    const plan = await runCliAsync(['reconcile', bot, '--plan', ...X], { cwd: h, home: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1', ...LIVE_KEYS } });
    expect(plan.code, plan.stderr).toBe(5);
    const line = plan.stdout.split('\n').find((l) => l.includes(lostId));
    expect(line, plan.stdout).toBeDefined();
    expect(line).toMatch(/lost/);

    // with --adopt: marked lost (reported, not open, not cancelled), and the bot trades on
    s.control.clearRequests();
    const adopted = live({ home: h, bot, url: s.url, extra: ['--adopt'] });
    await waitFor('running after adoption', () => readState(h, bot)?.runtime.status === 'running' && readState(h, bot)!.runtime.pid === adopted.child.pid, 60_000);
    expect(lookups().length).toBeGreaterThanOrEqual(3);
    await stop(adopted, adopted.stderr);
    const after = readState(h, bot)!;
    const o = after.engine!.orders.find((x) => x.clientOrderId === lostId);
    expect(o?.status).toBe('lost');
    expect(touched()).toEqual([]);
    expect(readJournal(h, bot).some((e) => e.clientOrderId === lostId && e.status === 'canceled')).toBe(false);
    const listed = await runCliAsync(['orders', 'list', bot, '--all', '--offline', '--json'], { cwd: h, home: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1' } });
    expect(listed.code, listed.stderr).toBe(0);
    const row = (JSON.parse(listed.stdout).orders as { clientOrderId: string; status: string }[]).find((r) => r.clientOrderId === lostId);
    expect(row?.status).toBe('lost');
  }, 150_000);
});

// ---------------------------------------------------------------------------------------------
// Row 6

describe('row 6: an exchange outage (5xx and HTML answers on reads for a while)', () => {
  it('keeps its state, shows degraded, never marks an order cancelled because a query failed, and trades again afterwards', async () => {
    const s = await sim();
    const h = home();
    const bot = 'outage';
    // buy and hold, with a take-profit far away: an order rests on the exchange until the test moves the price
    const p = live({ home: h, bot, url: s.url, extra: ['--strategy', writeHoldStrategy(h), '--take-profit', '0.5'] });
    const tp = await waitFor('a resting take-profit', () => readState(h, bot)?.engine?.orders.find((o) => o.purpose === 'take-profit' && o.status === 'open'), 60_000);
    const tpOnExchange = () => s.control.state().orders.find((o) => o.clientOrderId === tp.clientOrderId)?.status;
    const tpInState = () => readState(h, bot)?.engine?.orders.find((o) => o.clientOrderId === tp.clientOrderId)?.status;
    expect(tpOnExchange()).toBe('NEW');

    // checked at every poll of the conditions below: an order the exchange still has open is never finished in the bot's state
    const violations: string[] = [];
    const check = () => {
      const doc = readState(h, bot);
      if (!doc?.engine) return;
      const onEx = new Map(s.control.state().orders.map((o) => [String(o.clientOrderId), String(o.status)]));
      for (const o of doc.engine.orders) {
        const ex = onEx.get(o.clientOrderId);
        if ((ex === 'NEW' || ex === 'PARTIALLY_FILLED') && ['canceled', 'lost', 'expired', 'not-placed', 'rejected'].includes(o.status)) violations.push(`${o.clientOrderId}: ${o.status} while the exchange has it ${ex}`);
      }
    };
    const watch = <T>(what: string, fn: () => T | null | undefined | false) =>
      waitFor(
        what,
        () => {
          check();
          return fn();
        },
        60_000,
      );

    // phase 1: order queries fail (503) while candles still come: the resting order's polls fail
    s.control.addFault({ action: { kind: 'status', status: 503, body: 'Service Unavailable' }, method: 'GET', path: '/api/v3/order', count: 1_000_000 });
    const failedPolls = () => s.control.requests().filter((r) => r.method === 'GET' && r.path === '/api/v3/order' && r.fault && r.params.origClientOrderId === tp.clientOrderId);
    await watch('three failed polls of the resting take-profit', () => failedPolls().length >= 3);
    const barAfter = readState(h, bot)!.engine!.lastBarTime[0]!;
    await watch('a candle handled (and the state written) after those failures', () => (readState(h, bot)?.engine?.lastBarTime[0] ?? 0) > barAfter);
    expect(tpOnExchange()).toBe('NEW');
    expect(tpInState()).toBe('open');

    // phase 2: every read answers an HTML error page (a CDN in front of a dead exchange)
    s.control.addFault({ action: { kind: 'html', status: 502 }, method: 'GET', count: 1_000_000 });
    const degraded = await watch('the bot showing degraded', () => {
      const doc = readState(h, bot);
      return doc?.runtime.degraded ? doc : null;
    });
    expect(degraded.runtime.status).toBe('running');
    expect(p.child.exitCode, p.stderr()).toBeNull();
    expect(tpOnExchange()).toBe('NEW');
    expect(degraded.engine!.orders.find((o) => o.clientOrderId === tp.clientOrderId)?.status).toBe('open');

    // the exchange comes back: degraded clears
    s.control.clearFaults();
    await watch('degraded cleared', () => readState(h, bot)?.runtime.degraded === null);
    expect(tpInState()).toBe('open');

    // the price reaches the take-profit: the bot learns of the fill by polling, and trades again (a new entry)
    const sentBefore = new Set(readJournal(h, bot).filter((e) => e.type === 'intent').map((e) => e.order!.clientOrderId));
    s.control.setPrice(Number(tp.price) * 1.01);
    expect(tpOnExchange()).toBe('FILLED');
    await watch('the take-profit filled in the state', () => tpInState() === 'filled');
    const fresh = await watch('a new entry sent after the outage, on the exchange and in the state', () => {
      const doc = readState(h, bot);
      const onEx = new Map(s.control.state().orders.map((o) => [String(o.clientOrderId), String(o.status)]));
      return doc?.engine?.orders.find((o) => !sentBefore.has(o.clientOrderId) && o.purpose === 'entry' && onEx.has(o.clientOrderId) && SIM_STATUS[onEx.get(o.clientOrderId)!]!.includes(o.status));
    });
    expect(orderPosts(s).get(fresh.clientOrderId)).toBe(1);
    await stop(p, p.stderr);

    expect(violations).toEqual([]);
    const doc = readState(h, bot)!;
    const onEx = new Map(s.control.state().orders.map((o) => [String(o.clientOrderId), String(o.status)]));
    for (const o of doc.engine!.orders) {
      const ex = onEx.get(o.clientOrderId);
      if (ex === undefined) expect(['rejected', 'not-placed'], `${o.clientOrderId} is ${o.status} but not on the exchange`).toContain(o.status);
      else expect(SIM_STATUS[ex], `${o.clientOrderId}: bot ${o.status}, exchange ${ex}`).toContain(o.status);
    }
    for (const [id, n] of orderPosts(s)) expect(n, id).toBe(1);
    ledgerIsAccount(s, h, bot);
  }, 150_000);
});

// ---------------------------------------------------------------------------------------------
// Row 19

/** A loopback HTTP proxy in front of the simulator that records every request's headers. */
async function recordingProxy(target: string): Promise<{ url: string; seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[]; close(): Promise<void> }> {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const t = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: body.toString('utf8') });
      const fwd = request({ host: '127.0.0.1', port: Number(t.port), method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      fwd.on('error', () => res.destroy());
      fwd.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('row 19: live by accident, and keys only in live mode', () => {
  it('live with a config that says nothing about live and no keys: exit 2 naming the missing keys; nothing sent, no state', async () => {
    const s = await sim();
    const h = home();
    writeFileSync(path.join(h, 'tradebot.config.yaml'), `exchange:\n  id: binance\n  apiUrl: ${s.url}\npair: BTC/USDT\ntimeframe: 5m\n`);
    const env = { TRADEBOT_HOME: h, NO_COLOR: '1', TRADEBOT_API_KEY: undefined, TRADEBOT_API_SECRET: undefined, TRADEBOT_API_PASSWORD: undefined };
    const r = await runCliAsync(['live', '--bot', 'oops', '--yes'], { cwd: h, home: h, env });
    expect(r.code).toBe(2);
    const lines = nonEmptyLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('TRADEBOT_API_KEY');
    expect(lines[0]).toContain('TRADEBOT_API_SECRET');
    expect(s.control.requests()).toEqual([]);
    expect(existsSync(statePath(h, 'oops'))).toBe(false);

    // a key without its secret: the missing one is named
    const half = await runCliAsync(['live', '--bot', 'oops', '--yes'], { cwd: h, home: h, env: { ...env, TRADEBOT_API_KEY: LIVE_KEYS.TRADEBOT_API_KEY } });
    expect(half.code).toBe(2);
    expect(nonEmptyLines(half.stderr)).toHaveLength(1);
    expect(half.stderr).toContain('TRADEBOT_API_SECRET');
    expect(s.control.requests()).toEqual([]);
  }, 60_000);

  it('paper never reads keys: with keys in the environment and a secrets file in the config, no request carries a key or a signature', async () => {
    const s = await sim();
    const proxy = await recordingProxy(s.url);
    cleanups.push(() => proxy.close());
    const h = home();
    const KEY = 'PLANTEDpaperKEY0123456789abcdef';
    const SECRET = 'PLANTEDpaperSECRET0123456789abcdef';
    // live would refuse this file (missing); paper must not even look at it
    writeFileSync(path.join(h, 'tradebot.config.yaml'), `secretsFile: ${path.join(h, 'no-such-secrets.yaml')}\n`);
    const p = spawnPaper({ home: h, bot: 'pk', url: proxy.url, env: { TRADEBOT_API_KEY: KEY, TRADEBOT_API_SECRET: SECRET } });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    await waitFor('a paper round trip', () => (readState(h, 'pk')?.engine?.portfolio.closed.length ?? 0) >= 1, 60_000);
    p.child.kill('SIGTERM');
    expect((await p.exited).code, p.stderr()).toBe(0);

    expect(proxy.seen.length).toBeGreaterThan(0);
    for (const r of proxy.seen) {
      expect(r.headers['x-mbx-apikey'], `${r.method} ${r.url}`).toBeUndefined();
      expect(r.url + r.body, `${r.method} ${r.url}`).not.toMatch(/signature=/);
      expect(JSON.stringify(r.headers)).not.toContain(KEY);
    }
    expect(signedRequests(s)).toEqual([]);
    expect(readState(h, 'pk')!.bot.account).toBe('paper');
  }, 90_000);
});

// ---------------------------------------------------------------------------------------------
// Row 20

describe('row 20: a state file opened in another mode, account or exchange', () => {
  it('refuses (exit 5, naming what differs) and leaves the state file as it was, before any request', async () => {
    const KEY_A = 'ACCOUNTaKEY0123456789abcdefghijAAAA';
    const SECRET_A = 'ACCOUNTaSECRET0123456789abcdefghij';
    const KEY_B = 'ACCOUNTbKEY9876543210zyxwvutsrqBBBB';
    const s = await sim({ apiKey: KEY_A, apiSecret: SECRET_A });
    const h = home();
    const keysA = { TRADEBOT_API_KEY: KEY_A, TRADEBOT_API_SECRET: SECRET_A };

    const lb = live({ home: h, bot: 'acct', url: s.url, env: keysA });
    await waitFor('the live bot running', () => readState(h, 'acct')?.runtime.status === 'running', 60_000);
    await stop(lb, lb.stderr);
    expect(readState(h, 'acct')!.bot.account).toBe(maskKey(KEY_A));
    const pb = spawnPaper({ home: h, bot: 'pp', url: s.url });
    cleanups.push(() => void pb.child.kill('SIGKILL'));
    await waitFor('the paper bot running', () => readState(h, 'pp')?.runtime.status === 'running', 60_000);
    pb.child.kill('SIGTERM');
    expect((await pb.exited).code).toBe(0);
    const liveBefore = readFileSync(statePath(h, 'acct'), 'utf8');
    const paperBefore = readFileSync(statePath(h, 'pp'), 'utf8');
    s.control.clearRequests();

    // a paper bot's state opened by live
    const asLive = live({ home: h, bot: 'pp', url: s.url, env: keysA });
    expect((await asLive.exited).code, asLive.stderr()).toBe(5);
    expect(nonEmptyLines(asLive.stderr()).at(-1)).toMatch(/paper/);

    // the live bot opened with another account's keys: both accounts named, masked
    const otherKeys = live({ home: h, bot: 'acct', url: s.url, env: { TRADEBOT_API_KEY: KEY_B, TRADEBOT_API_SECRET: SECRET_A } });
    expect((await otherKeys.exited).code, otherKeys.stderr()).toBe(5);
    const err = otherKeys.stderr();
    expect(err).toContain(maskKey(KEY_A));
    expect(err).toContain(maskKey(KEY_B));
    expect(err).not.toContain(KEY_A);
    expect(err).not.toContain(KEY_B);

    // the live bot opened on another exchange
    const otherEx = live({ home: h, bot: 'acct', url: s.url, env: keysA, extra: ['--exchange', 'kraken'] });
    expect((await otherEx.exited).code, otherEx.stderr()).toBe(5);
    expect(otherEx.stderr()).toMatch(/kraken/);
    expect(otherEx.stderr()).toMatch(/binance/);

    // and the live bot's state opened by paper
    const asPaper = spawnPaper({ home: h, bot: 'acct', url: s.url });
    cleanups.push(() => void asPaper.child.kill('SIGKILL'));
    expect((await asPaper.exited).code, asPaper.stderr()).toBe(5);
    expect(asPaper.stderr()).toMatch(/live/);

    expect(signedRequests(s)).toEqual([]);
    expect(orderPosts(s).size).toBe(0);
    expect(readFileSync(statePath(h, 'acct'), 'utf8')).toBe(liveBefore);
    expect(readFileSync(statePath(h, 'pp'), 'utf8')).toBe(paperBefore);
  }, 150_000);
});
