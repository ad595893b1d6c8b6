/**
 * The http-signal strategy against a fake signal service started by the test (issue 13, RELIABILITY
 * row 32): a paper bot and a backtest over the same candles decide alike; a service that goes slow,
 * fails and answers garbage is retried, then stood in for by its last answer, then the breaker
 * opens (no request for 30 s) and status says since when it is down; once it recovers it is
 * followed again and the breaker closes. The request id of each decision is in the bot's log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logRecords } from '../support/bot-start.js';
import { readState, waitFor } from '../support/paper.js';
import { runCliAsync } from '../support/cli-async.js';
import { fakeService, filesContaining, inPosition, SIGNAL_TOKEN, startSignalBot, walkSim } from '../support/signals.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function stop(home: string, bot: string, child: { done: Promise<{ code: number | null; stderr: string }> }): Promise<void> {
  const r = await runCliAsync(['stop', bot], { env: { TRADEBOT_HOME: home } });
  expect(r.code, r.stderr).toBe(0);
  expect((await child.done).code).toBe(0);
}

describe('tradebot paper --strategy http-signal', () => {
  it('decides as a backtest over the same candles and the same service does', { timeout: 180_000 }, async () => {
    const sim = await walkSim();
    cleanups.push(() => sim.close());
    const svc = await fakeService();
    cleanups.push(() => svc.close());
    // long for three candles, flat for three: an answer that depends on the candle alone
    svc.mode = (body) => ({ signal: Math.floor(body.candles.at(-1)!.time / 1000) % 6 < 3 ? 'long' : 'flat', confidence: 0.8 });
    const home = tmp('tradebot-svc-');
    const bot = startSignalBot({ mode: 'paper', home, bot: 'sv', url: sim.url, extra: ['--strategy', 'http-signal', '--signal-url', svc.url] });
    cleanups.push(() => void bot.child.kill('SIGKILL'));
    await waitFor(`three round trips (${bot.stderr()})`, () => (readState(home, 'sv')?.engine?.portfolio.closed.length ?? 0) >= 3, 60_000);
    await stop(home, 'sv', bot);
    const doc = readState(home, 'sv')!;
    expect(svc.requests[0]!.headers.authorization).toBe(`Bearer ${SIGNAL_TOKEN}`);
    expect(svc.requests[0]!.body).toMatchObject({ symbol: 'BTC/USDT', timeframe: '1s' });
    expect(svc.requests[0]!.body.candles).toHaveLength(31); // the warm-up history and the candle that closed

    const bt = await runCliAsync(
      ['backtest', '--strategy', 'http-signal', '--signal-url', svc.url, '--exchange', 'binance', '--exchange-url', sim.url, '--pair', 'BTC/USDT', '--timeframe', '1s', '--from', String(doc.bot.warmup!.until + 1000), '--to', String(doc.engine!.lastBarTime[0]!), '--json'],
      { env: { TRADEBOT_HOME: tmp('tradebot-svc-bt-'), TRADEBOT_SIGNAL_TOKEN: SIGNAL_TOKEN }, timeoutMs: 120_000 },
    );
    expect(bt.code, bt.stderr).toBe(0);
    const trades = (JSON.parse(bt.stdout) as { trades: { entryTime: number; exitTime: number | null; entryPrice: string; qty: string }[] }).trades;
    const session = [...doc.engine!.portfolio.closed, ...Object.values(doc.engine!.portfolio.open)].map((t) => ({ entryTime: t.entryTime, entryPrice: t.entryPrice, qty: t.entryQty }));
    expect(trades.map((t) => ({ entryTime: t.entryTime, entryPrice: t.entryPrice, qty: t.qty }))).toEqual(session);
    expect(filesContaining(home, SIGNAL_TOKEN)).toEqual([]);
  });

  it('retries a slow, failing or garbled service, stands on its last answer, opens the breaker, and follows it again once it recovers', { timeout: 180_000 }, async () => {
    const sim = await walkSim();
    cleanups.push(() => sim.close());
    const svc = await fakeService();
    cleanups.push(() => svc.close());
    const home = tmp('tradebot-svc-');
    writeFileSync(path.join(home, 'tradebot.config.yaml'), 'signals:\n  timeout: 300\n  cacheTtl: 2000\n');
    const bot = startSignalBot({ mode: 'paper', home, bot: 'sv', url: sim.url, extra: ['--strategy', 'http-signal', '--signal-url', svc.url] });
    cleanups.push(() => void bot.child.kill('SIGKILL'));
    const sig = () => readState(home, 'sv')?.runtime.signals;

    await waitFor(`the long answer to enter (${bot.stderr()})`, () => inPosition(readState(home, 'sv')), 60_000);
    svc.mode = 'rotate-failures';
    await waitFor('the breaker to open', () => sig()?.service?.breaker === 'open', 30_000);
    const openedWith = svc.requests.length;
    // down, and said so; the position stays: without a fallback nothing new is decided
    const st = await runCliAsync(['status', 'sv'], { env: { TRADEBOT_HOME: home } });
    expect(st.stdout).toMatch(/degraded\s+signal service down since \d{4}-\d\d-\d\dT[\d:.]+Z: /);
    expect(st.stdout).toMatch(/breaker open until/);
    expect(inPosition(readState(home, 'sv'))).toBe(true);
    const failed = logRecords(home, 'sv').filter((r) => r.event === 'signal-request-failed').map((r) => String(r.message));
    expect(failed.length).toBeGreaterThanOrEqual(5);
    expect(failed.some((m) => /no answer within 300 ms/.test(m))).toBe(true);
    expect(failed.some((m) => /answered HTTP 503/.test(m))).toBe(true);
    expect(failed.some((m) => /answered garbage/.test(m))).toBe(true);
    const sources = logRecords(home, 'sv').filter((r) => r.event === 'signal-decision').map((r) => r.source);
    expect(sources).toContain('cache');

    // while open, no request goes out; the service comes back meanwhile and says flat
    svc.mode = 'flat';
    await new Promise((r) => setTimeout(r, 5_000));
    expect(svc.requests.length).toBe(openedWith);
    await waitFor('the flat answer to exit, after the breaker half-opens', () => !inPosition(readState(home, 'sv')), 60_000);
    await waitFor('the breaker to close', () => sig()?.service?.breaker === 'closed' && sig()?.degraded === null, 30_000);

    // the exit's decision names the request whose answer led to it
    const exit = logRecords(home, 'sv').find((r) => r.event === 'signal-decision' && r.asked === 'sell')!;
    expect(exit).toMatchObject({ source: 'service', signal: 'flat', outcome: 'submitted' });
    expect(svc.requests.map((q) => q.headers['x-request-id'])).toContain(exit.requestId);
    await stop(home, 'sv', bot);
    expect(filesContaining(home, SIGNAL_TOKEN)).toEqual([]);
  });
});
