/**
 * TradingView alerts, end to end (issue 13, RELIABILITY row 31): a paper bot with the webhook
 * strategy against the loopback exchange, alerts posted over real HTTP. Each action trades once, a
 * resent alert never trades again (after a restart too), stale, wrong-secret and unknown-pair alerts
 * are refused and counted, a burst is rate limited, the secret is nowhere, and the session's record
 * replayed through `backtest` gives the same trades.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readState, waitFor } from '../support/paper.js';
import { runCliAsync } from '../support/cli-async.js';
import { childEnv } from '../support/cli.js';
import { botOrders, filesContaining, inPosition, listenUrl, postAlert, startSignalBot, walkSim, WEBHOOK_SECRET } from '../support/signals.js';
import type { BotStateDoc } from '../../src/store/bot-state.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const state = (home: string) => readState(home, 'tv')!;
const counts = (home: string) => state(home).runtime.signals!.alerts!;

async function stopBot(home: string, child: { done: Promise<{ code: number | null; stderr: string }> }): Promise<void> {
  const r = await runCliAsync(['stop', 'tv'], { env: { TRADEBOT_HOME: home } });
  expect(r.code, r.stderr).toBe(0);
  const exit = await child.done;
  expect(exit.code, exit.stderr).toBe(0);
}

describe('tradebot paper --strategy webhook', () => {
  it('trades each alert once, refuses and counts the bad ones, and its record replays to the same trades', { timeout: 240_000 }, async () => {
    const sim = await walkSim();
    cleanups.push(() => sim.close());
    const home = tmp('tradebot-tv-');
    // at most 8 alerts with the right secret a minute: the burst below passes that
    writeFileSync(path.join(home, 'tradebot.config.yaml'), 'signals:\n  rateLimit: 8\n  maxLag: 30000\n');
    const args = ['--strategy', 'webhook', '--listen', '127.0.0.1:0'];

    // ---- first run
    let bot = startSignalBot({ mode: 'paper', home, bot: 'tv', url: sim.url, extra: args });
    cleanups.push(() => void bot.child.kill('SIGKILL'));
    let url = await listenUrl(home, 'tv', bot);

    const buy = await postAlert(url, { action: 'buy', id: 'b1' });
    expect(buy).toMatchObject({ status: 200, body: { status: 'accepted', key: 'id:b1', pair: 'BTC/USDT' } });
    await waitFor('the buy to fill', () => inPosition(readState(home, 'tv')), 30_000);
    // TradingView resends after a timeout: the same alert is a duplicate, answered 200 (no resend loop)
    expect(await postAlert(url, { action: 'buy', id: 'b1' })).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect((await postAlert(url, { action: 'sell', ticker: 'BINANCE:BTCUSDT', id: 's1' })).status).toBe(200);
    await waitFor('the sell to fill', () => !inPosition(readState(home, 'tv')), 30_000);

    // refused at the door, each with its own answer, nothing recorded
    expect(await postAlert(url, { action: 'buy', id: 'old', time: new Date(Date.now() - 120_000).toISOString() })).toMatchObject({ status: 422, body: { fate: 'stale' } });
    expect(await postAlert(url, { action: 'buy', id: 'x', secret: 'planted-webhook-secret-4b1d9f' })).toMatchObject({ status: 401, body: { fate: 'bad-secret' } });
    expect(await postAlert(url, { action: 'buy', id: 'y', pair: 'ETH/USDT' })).toMatchObject({ status: 422, body: { fate: 'unknown-pair' } });
    expect(await postAlert(url, { action: 'buy', id: 'z', sizeType: 'base', size: 0.5 })).toMatchObject({ status: 422, body: { fate: 'unsupported' } });
    expect((await fetch(url, { method: 'POST', body: 'x'.repeat(20_000) })).status).toBe(413);
    expect((await fetch(url.replace('/webhook', '/admin'), { method: 'POST', body: '{}' })).status).toBe(404);
    await waitFor('the counts in status', () => counts(home).stale === 1 && counts(home)['bad-secret'] === 1 && counts(home)['unknown-pair'] === 1, 10_000);
    const first = counts(home);
    expect(first).toMatchObject({ accepted: 2, acted: 2, duplicate: 1, stale: 1, 'bad-secret': 1, 'unknown-pair': 1, unsupported: 1, invalid: 1 });
    expect(botOrders(state(home))).toEqual({ entries: 1, exits: 1 });
    await stopBot(home, bot);

    // ---- restarted: the record still knows b1 and s1
    bot = startSignalBot({ mode: 'paper', home, bot: 'tv', url: null, extra: [] });
    cleanups.push(() => void bot.child.kill('SIGKILL'));
    url = await listenUrl(home, 'tv', bot);
    expect(await postAlert(url, { action: 'buy', id: 'b1' })).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await postAlert(url, { action: 'sell', ticker: 'BINANCE:BTCUSDT', id: 's1' })).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    await new Promise((r) => setTimeout(r, 2_500)); // two candles: nothing may come of them
    expect(inPosition(state(home))).toBe(false);
    expect(botOrders(state(home))).toEqual({ entries: 1, exits: 1 });

    expect((await postAlert(url, { action: 'buy', id: 'b2' })).status).toBe(200);
    await waitFor('the second buy to fill', () => inPosition(readState(home, 'tv')), 30_000);
    // a burst of exits: 3 alerts of this minute so far (b1, s1, b2), 8 allowed, the rest answered 429
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => postAlert(url, { action: 'exit', id: `e${i}` })));
    expect(burst.filter((a) => a.status === 429).length).toBe(5);
    expect(burst.filter((a) => a.status === 200).length).toBe(5);
    await waitFor('the exit to fill', () => !inPosition(readState(home, 'tv')), 30_000);
    await waitFor('every exit alert settled', () => counts(home).acted + counts(home).ignored + counts(home).superseded === 2 + 1 + 5, 15_000);
    const c = counts(home);
    expect(c['rate-limited']).toBe(5);
    expect(c.duplicate).toBe(3);
    expect(c.acted).toBe(4); // b1, s1, b2 and one exit
    expect(botOrders(state(home))).toEqual({ entries: 2, exits: 2 });

    // status shows it all, without the secret
    const st = await runCliAsync(['status', 'tv'], { env: { TRADEBOT_HOME: home } });
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/webhook listening on 127\.0\.0\.1:\d+: alerts .*5 rate-limited/);
    await stopBot(home, bot);
    expect(filesContaining(home, WEBHOOK_SECRET)).toEqual([]);
    expect(bot.stderr() + bot.stdout() + st.stdout).not.toContain(WEBHOOK_SECRET);

    // ---- the session's alerts replayed through the backtest, on the same candles
    const doc: BotStateDoc = state(home);
    const from = doc.bot.warmup!.until + 1000;
    const to = doc.engine!.lastBarTime[0]!;
    const bt = await runCliAsync(
      ['backtest', '--strategy', 'webhook', '--signals-file', path.join(home, 'bots', 'tv', 'alerts.jsonl'), '--exchange', 'binance', '--exchange-url', sim.url, '--pair', 'BTC/USDT', '--timeframe', '1s', '--from', String(from), '--to', String(to), '--json'],
      { env: { TRADEBOT_HOME: tmp('tradebot-tv-bt-') }, timeoutMs: 120_000 },
    );
    expect(bt.code, bt.stderr).toBe(0);
    expect(bt.stderr).toMatch(/alerts: 8 read, 4 acted on/);
    const replayed = (JSON.parse(bt.stdout) as { trades: { entryTime: number; exitTime: number | null; entryPrice: string; exitPrice: string | null; qty: string; pnl: string }[] }).trades;
    const session = doc.engine!.portfolio.closed.map((t) => ({ entryTime: t.entryTime, exitTime: t.exitTime, entryPrice: t.entryPrice, exitPrice: t.exitPrice, qty: t.entryQty }));
    expect(replayed.map((t) => ({ entryTime: t.entryTime, exitTime: t.exitTime, entryPrice: t.entryPrice, exitPrice: t.exitPrice, qty: t.qty }))).toEqual(session);
    expect(session).toHaveLength(2);
  });
});
