import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import { BIN, childEnv, cleanupTmpDirs, makeTmpDir } from '../support/cli.js';
import { LIVE_KEYS, liveSim, orderPosts } from '../support/live.js';
import { readState } from '../support/paper.js';
import { LOOPBACK_ONLY } from '../support/bot-start.js';
import { HAS_PTY, onPty } from '../support/pty.js';

/**
 * The questions asked before money moves, answered on a real pseudo-terminal (python3's pty
 * module) the way a person answers them: "no" sends nothing (and a live bot that was never
 * confirmed leaves no directory), "yes" proceeds.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(cleanupTmpDirs);

async function sim(): Promise<SimServer> {
  const s = await liveSim();
  cleanups.push(() => s.close());
  return s;
}

const env = (home: string) => childEnv(home, { TRADEBOT_HOME: home, NO_COLOR: '1', NODE_OPTIONS: `--require ${LOOPBACK_ONLY}`, ...LIVE_KEYS });
const tradebot = (...args: string[]) => [process.execPath, BIN, ...args];
const YES = '(?:\\(y/N\\)|y/N)';

interface SimOrder {
  clientOrderId: string;
  type: string;
  side: string;
  status: string;
  origQty: string;
  executedQty: string;
}

/** The sim's book and account as its control plane shows them. */
async function simState(s: SimServer): Promise<{ orders: SimOrder[]; balances: Record<string, { total: string }> }> {
  return (await (await fetch(`${s.url}/__sim/state`)).json()) as { orders: SimOrder[]; balances: Record<string, { total: string }> };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!HAS_PTY)('confirmation prompts on a terminal', { timeout: 180_000 }, () => {
  it('live: "no" sends nothing and leaves no bot directory', async () => {
    const s = await sim();
    const home = makeTmpDir();
    const r = await onPty(tradebot('live', '--bot', 'declined', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--warmup', '50'), {
      cwd: home,
      env: env(home),
      steps: [{ wait: `Trade real money with this bot\\? ${YES}`, send: 'n\r' }],
    });
    expect(r.answered).toBe(1);
    expect(r.code, r.output).toBe(2);
    expect(r.output).toContain('LIVE TRADING');
    expect(orderPosts(s).size).toBe(0);
    expect(existsSync(path.join(home, 'bots', 'declined'))).toBe(false);
  });

  it('orders create: "no" sends nothing, "yes" sends the order', async () => {
    const s = await sim();
    const home = makeTmpDir();
    const create = tradebot('orders', 'create', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'market', '--amount', '0.001');
    const no = await onPty(create, { cwd: home, env: env(home), steps: [{ wait: `Send this to the exchange\\? ${YES}`, send: 'n\r' }] });
    expect(no.answered).toBe(1);
    expect(no.code, no.output).toBe(2);
    expect(orderPosts(s).size).toBe(0);

    const yes = await onPty(create, { cwd: home, env: env(home), steps: [{ wait: `Send this to the exchange\\? ${YES}`, send: 'y\r' }] });
    expect(yes.code, yes.output).toBe(0);
    expect(orderPosts(s).size).toBe(1);
    const book = await simState(s);
    expect(book.orders).toHaveLength(1);
    expect(book.orders[0]).toMatchObject({ side: 'BUY', type: 'MARKET', status: 'FILLED' });
    expect(Number(book.orders[0]!.origQty)).toBe(0.001);
  });

  it('live "yes" starts the bot; panic "no" leaves it running; panic "yes" cancels its resting stop-loss on the exchange and sells its position', async () => {
    const s = await sim();
    const home = makeTmpDir();
    // buys once and never sells: the position and its stop-loss (50 % away) stay until panic
    writeFileSync(path.join(home, 'buy-once.mjs'), "export default { name: 'buy-once', params: {}, create: () => ({ onCandle(ctx) { if (!ctx.inPosition) ctx.buy(); } }) };\n");
    const live = onPty(
      tradebot('live', '--bot', 'pan', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--warmup', '50', '--poll', '100', '--strategy', './buy-once.mjs', '--stop-loss', '0.5', '--stake', '1000'),
      { cwd: home, env: env(home), steps: [{ wait: `Trade real money with this bot\\? ${YES}`, send: 'y\r' }], timeoutS: 150 },
    );
    const stop = await until('a resting stop-loss on the exchange', async () => (await simState(s)).orders.find((o) => o.type === 'STOP_LOSS' && o.status === 'NEW'), 90_000);
    const entry = (await simState(s)).orders.find((o) => o.clientOrderId === stop.clientOrderId.replace(/-sl$/, ''))!;
    expect(entry).toMatchObject({ side: 'BUY', status: 'FILLED' });
    expect(Number((await simState(s)).balances.BTC!.total)).toBeGreaterThan(0);

    const panic = tradebot('panic', 'pan');
    const no = await onPty(panic, { cwd: home, env: env(home), steps: [{ wait: `Cancel everything and sell at market\\? ${YES}`, send: 'n\r' }] });
    expect(no.code, no.output).toBe(2);
    expect(existsSync(path.join(home, 'bots', 'pan', 'control.json'))).toBe(false);
    expect(readState(home, 'pan')!.runtime.status).toBe('running');
    expect((await simState(s)).orders.find((o) => o.clientOrderId === stop.clientOrderId)!.status).toBe('NEW');

    const yes = await onPty(panic, { cwd: home, env: env(home), steps: [{ wait: `Cancel everything and sell at market\\? ${YES}`, send: 'y\r' }] });
    expect(yes.code, yes.output).toBe(0);
    const ran = await live;
    expect(ran.code, ran.output).toBe(0);

    const book = await simState(s);
    expect(book.orders.find((o) => o.clientOrderId === stop.clientOrderId)!.status).toBe('CANCELED');
    const sells = book.orders.filter((o) => o.side === 'SELL' && o.type === 'MARKET');
    expect(sells).toHaveLength(1);
    expect(sells[0]).toMatchObject({ status: 'FILLED', executedQty: entry.executedQty });
    expect(book.orders.filter((o) => o.status === 'NEW')).toEqual([]);
    expect(Number(book.balances.BTC!.total)).toBe(0);
    const doc = readState(home, 'pan')!;
    expect(doc.runtime.status).toBe('stopped');
    expect(doc.engine!.portfolio.open).toEqual({});
  });
});
