/**
 * The position rules live, against `tradebot sim` through real ccxt: a ladder level is a market
 * order the bot sends on a closed candle, and the one protective stop on the exchange follows the
 * position: cancelled before the partial exit (the exchange locks what a resting sell covers),
 * placed again for the rest, at the entry price once break-even is reached.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readState, waitFor } from '../support/paper.js';
import { liveSim, sameDecimal, spawnLive, writeHoldStrategy } from '../support/live.js';
import { runCli } from '../support/cli.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type SimOrder = { clientOrderId: string; type: string; side: string; status: string; stopPrice: string; origQty: string; executedQty: string };

describe('position rules in live trading', () => {
  it('books a ladder level with a market order and moves the exchange stop to break-even for the rest', async () => {
    const s = await liveSim();
    cleanups.push(() => s.close());
    const home = mkdtempSync(path.join(os.tmpdir(), 'tradebot-live-pos-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const p = spawnLive({ home, bot: 'lad', url: s.url, extra: ['--strategy', writeHoldStrategy(home), '--cash', '5000', '--stop-loss', '0.05', '--take-profit-ladder', '0.0005:0.5,0.5:0.5', '--breakeven-after', '1'] });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    const orders = () => s.control.state().orders as unknown as SimOrder[];
    // a trade that booked its first level, then was stopped out at break-even
    const done = await waitFor(
      'a trade closed by its break-even stop after ladder-1',
      () => {
        const d = readState(home, 'lad');
        const rt = d?.engine?.portfolio.closed.find((t) => t.exits?.[0]?.reason === 'ladder-1' && t.exits[1]?.reason === 'stop-loss');
        return rt && d ? { d, rt } : null;
      },
      90_000,
    );
    p.child.kill('SIGTERM');
    expect((await p.exited).code, p.stderr()).toBe(0);

    const { d: doc, rt } = done;
    const [ladder, stop] = rt.exits!;
    // half of what was bought, sold with a market order
    expect(sameDecimal(ladder!.qty, String(Number(rt.entryQty) / 2), '0.00001')).toBe(true);
    const byId = (id: string) => doc.engine!.orders.find((o) => o.clientOrderId === id)!;
    expect([byId(ladder!.orderId).type, byId(ladder!.orderId).purpose, byId(ladder!.orderId).cause]).toEqual(['market', 'exit', 'ladder-1']);
    // on the exchange: the entry's own stop was cancelled, and a stop at the entry price for the rest
    // was placed; it filled, or the market had crossed it already and the bot sold at market
    const entryId = rt.entries![0]!.orderId;
    const sim = new Map(orders().map((o) => [o.clientOrderId, o]));
    expect(sim.get(`${entryId}-sl`)?.status).toBe('CANCELED');
    const be = doc.engine!.orders.find((o) => o.purpose === 'stop-loss' && o.clientOrderId !== `${entryId}-sl` && Number(o.createdAt) >= 0 && sameDecimal(o.amount, stop!.qty) && Math.abs(Number(o.stopPrice) / Number(rt.entryPrice) - 1) < 1e-6)!;
    expect(be, 'a break-even stop for the rest').toBeDefined();
    const last = byId(stop!.orderId);
    if (last.clientOrderId === be.clientOrderId) {
      expect(sim.get(be.clientOrderId)).toMatchObject({ type: 'STOP_LOSS', status: 'FILLED' });
    } else {
      expect(be.status).toBe('rejected');
      expect(be.reason).toMatch(/trigger/);
      expect([last.type, last.purpose, last.cause, sim.get(last.clientOrderId)?.type]).toEqual(['market', 'exit', 'stop-loss', 'MARKET']);
    }
  }, 120_000);

  it('refuses --breakeven-after with --take-profit: two protective orders cannot rest on a spot account', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'tradebot-live-pos-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const r = runCli(['live', '--bot', 'x', '--exchange', 'binance', '--exchange-url', 'http://127.0.0.1:9', '--pair', 'BTC/USDT', '--timeframe', '5m', '--yes', '--take-profit', '0.02', '--take-profit-ladder', '0.01:1', '--breakeven-after', '1'], { cwd: home, env: { TRADEBOT_HOME: home } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--breakeven-after');
  });
});
