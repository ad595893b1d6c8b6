import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import type { Fault } from '../../src/exchange/sim-server/faults.js';
import { runCliAsync } from '../support/cli-async.js';
import { readState, waitFor } from '../support/paper.js';
import { liveSim, readJournal, spawnLive, type LiveChild } from '../support/live.js';
import type { ParityDoc } from '../../src/parity/parity-report.js';

/**
 * `tradebot parity` of a LIVE bot against `tradebot sim` with the sim's faults injected: each
 * divergence is attributed to the fault that caused it. The sim replays the 5m sample at 300× (a
 * candle a second), slow enough for a bot polling every 100 ms to act on each candle as it closes.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SPEED = 300;
const ORDER = { method: 'POST', path: '/api/v3/order' } as const;

/** Buys when flat, sells when in a position: a round trip every two candles. */
const FLIP = "export default { name: 'flip', params: {}, create() { return { onCandle(ctx) { if (ctx.inPosition) ctx.sell(); else ctx.buy(); } }; } };\n";

/** Bids a little under the close (a resting limit order the sim fills from the candles' volume), sells at market once filled. */
const BID = "export default { name: 'bid', params: {}, create() { return { onCandle(ctx) { if (ctx.openOrders > 0) return; if (ctx.inPosition) ctx.sell(); else ctx.buy({ type: 'limit', price: ctx.close * 0.9995 }); } }; } };\n";

async function setup(o: { faults?: Fault[]; maxVolumeFraction?: number } = {}): Promise<{ s: SimServer; h: string }> {
  const s = await liveSim({ speed: SPEED, ...o });
  cleanups.push(() => s.close());
  const h = mkdtempSync(path.join(os.tmpdir(), 'tradebot-pfault-'));
  cleanups.push(() => rmSync(h, { recursive: true, force: true }));
  writeFileSync(path.join(h, 'flip.mjs'), FLIP);
  writeFileSync(path.join(h, 'bid.mjs'), BID);
  return { s, h };
}

function live(h: string, s: SimServer, strategy = './flip.mjs'): LiveChild {
  const p = spawnLive({ home: h, bot: 'f', url: s.url, extra: ['--strategy', strategy, '--warmup', '20'] });
  cleanups.push(() => void p.child.kill('SIGKILL'));
  return p;
}

async function stop(p: LiveChild): Promise<void> {
  p.child.kill('SIGTERM');
  expect((await p.exited).code, p.stderr()).toBe(0);
}

const closed = (h: string) => readState(h, 'f')?.engine?.portfolio.closed.length ?? 0;
const intents = (h: string) => readJournal(h, 'f').filter((e) => e.type === 'intent');

async function parityJson(h: string): Promise<ParityDoc> {
  const r = await runCliAsync(['parity', 'f', '--json'], { cwd: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1' } });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ParityDoc;
}

function causes(doc: ParityDoc): string[] {
  return [...doc.matched.map((m) => m.cause), ...doc.sessionOnly.map((l) => l.cause), ...doc.replayOnly.map((l) => l.cause)].filter((c): c is NonNullable<typeof c> => c !== null);
}

describe('tradebot parity of a live bot under the sim\'s faults', () => {
  it('a rejected order, a delayed answer and a restart: each divergence is attributed to its fault, none unexplained', async () => {
    const { s, h } = await setup();
    const first = live(h, s);
    await waitFor('two round trips', () => closed(h) >= 2, 60_000);
    // the next order is refused by the exchange
    s.control.addFault({ action: { kind: 'error', code: -2010, msg: 'Account has insufficient balance for requested action.' }, ...ORDER });
    const n = intents(h).length;
    await waitFor('the rejected order', () => readJournal(h, 'f').some((e) => e.type === 'status' && e.status === 'rejected'), 30_000);
    await waitFor('two more orders', () => intents(h).length >= n + 3, 30_000);
    // the next order's answer is held for three candles: the bot then acts on candles long closed
    s.control.addFault({ action: { kind: 'delay', ms: 3000 }, ...ORDER });
    const m = intents(h).length;
    // the restart comes well after the delay (more than the two candles evidence reaches)
    await waitFor('orders after the delay', () => intents(h).length >= m + 8, 30_000);
    // down for a few candles, then restarted: it catches up on the candles it missed
    await stop(first);
    await new Promise((r) => setTimeout(r, 3000));
    const second = live(h, s);
    const k = intents(h).length;
    await waitFor('orders after the restart', () => intents(h).length >= k + 4, 30_000);
    await stop(second);

    expect(intents(h).every((e) => e.order!.purpose === 'manual' || typeof (e as { candleTime?: unknown }).candleTime === 'number')).toBe(true);
    const doc = await parityJson(h);
    const found = causes(doc);
    const why = JSON.stringify([...doc.matched, ...doc.sessionOnly, ...doc.replayOnly].map((x) => [x.cause, x.detail]));
    expect(found, why).toContain('rejected');
    expect(found, why).toContain('late-candle');
    expect(found, why).toContain('restart-gap');
    expect(found, why).not.toContain('unexplained');
    expect(doc.summary.matched).toBeGreaterThan(0.5);
    // named for the very orders the faults hit: the refused one, and the delayed one or those it held back
    const ids = intents(h).map((e) => e.order!.clientOrderId);
    const rejected = readJournal(h, 'f').find((e) => e.type === 'status' && e.status === 'rejected')!.clientOrderId!;
    const details = (cause: string) => [...doc.matched, ...doc.sessionOnly, ...doc.replayOnly].filter((x) => x.cause === cause).map((x) => x.detail ?? '');
    expect(details('rejected').some((d) => d.includes(rejected)), why).toBe(true);
    const held = ids.slice(m, m + 4);
    expect(details('late-candle').some((d) => held.some((id) => d.includes(`${id} `))), why).toBe(true);
  }, 150_000);

  it('orders the sim fills in parts (--max-volume-fraction): the smaller trades are "partial-fill", none unexplained', async () => {
    // a 5m candle of the sample trades some 100 BTC: 0.05 % of it is less than the bot's ~0.22 BTC order
    const { s, h } = await setup({ maxVolumeFraction: 0.0005 });
    // a market order fills at once on the sim; a resting limit order fills from each candle's volume
    const p = live(h, s, './bid.mjs');
    await waitFor('an order filled in parts', () => {
      const n = new Map<string, number>();
      for (const e of readJournal(h, 'f')) if (e.type === 'fill') n.set(e.fill!.clientOrderId, (n.get(e.fill!.clientOrderId) ?? 0) + 1);
      return [...n.values()].some((c) => c > 1) && closed(h) >= 2;
    }, 60_000);
    await stop(p);

    const doc = await parityJson(h);
    const found = causes(doc);
    const why = JSON.stringify([...doc.matched, ...doc.sessionOnly, ...doc.replayOnly].map((x) => [x.cause, x.detail]));
    expect(found, why).toContain('partial-fill');
    expect(found, why).not.toContain('unexplained');
  }, 120_000);
});
