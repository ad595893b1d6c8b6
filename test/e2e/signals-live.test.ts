/**
 * Live webhook bots against the loopback exchange: a kill -9 between the alert's answer and its
 * order leaves exactly one order (none lost, none twice); a paper shadow follows the live bot's
 * alerts without trading real money; `tradebot signal send` rehearses an alert.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readState, waitFor } from '../support/paper.js';
import { runCliAsync } from '../support/cli-async.js';
import { orderPosts, readJournal } from '../support/live.js';
import { inPosition, listenUrl, postAlert, startSignalBot, walkSim, WEBHOOK_SECRET } from '../support/signals.js';
import { idPrefixFor } from '../../src/core/ids.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const ARGS = ['--strategy', 'webhook', '--listen', '127.0.0.1:0'];

function recordedKeys(home: string, bot: string): string[] {
  try {
    return readFileSync(path.join(home, 'bots', bot, 'alerts.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { key: string }).key);
  } catch {
    return [];
  }
}

describe('tradebot live --strategy webhook', () => {
  for (const point of ['after-alert', 'after-journal', 'after-send']) {
    it(`a kill -9 at ${point} leaves exactly one order for the alert, after the restart`, { timeout: 120_000 }, async () => {
      const sim = await walkSim();
      cleanups.push(() => sim.close());
      const home = tmp('tradebot-lvtv-');
      const crashing = startSignalBot({ mode: 'live', home, bot: 'lv', url: sim.url, extra: ARGS, env: { TRADEBOT_CRASH_AT: point } });
      cleanups.push(() => void crashing.child.kill('SIGKILL'));
      const url = await listenUrl(home, 'lv', crashing);
      // after-alert kills the bot right after the answer went out: the sender may or may not read it
      const first = await postAlert(url, { action: 'buy', id: 'b1' }).then((a) => a.status, () => 'connection closed');
      if (point !== 'after-alert') expect(first).toBe(200);
      expect((await crashing.done).signal).toBe('SIGKILL');
      expect(recordedKeys(home, 'lv')).toEqual(['id:b1']);
      // where the kill struck: answered only; journaled, not sent; accepted by the exchange, not acknowledged
      const intents = readJournal(home, 'lv').filter((e) => e.type === 'intent').length;
      const placed = sim.control.state().orders.length;
      expect({ intents, placed }).toEqual(point === 'after-alert' ? { intents: 0, placed: 0 } : point === 'after-journal' ? { intents: 1, placed: 0 } : { intents: 1, placed: 1 });

      const again = startSignalBot({ mode: 'live', home, bot: 'lv', url: null, extra: [] });
      cleanups.push(() => void again.child.kill('SIGKILL'));
      const url2 = await listenUrl(home, 'lv', again);
      await waitFor('the alert acted on after the restart', () => inPosition(readState(home, 'lv')), 30_000);
      // the sender's resend finds it done
      expect(await postAlert(url2, { action: 'buy', id: 'b1' })).toMatchObject({ status: 200, body: { status: 'duplicate' } });
      await new Promise((r) => setTimeout(r, 2_500));
      const stop = await runCliAsync(['stop', 'lv'], { env: { TRADEBOT_HOME: home } });
      expect(stop.code, stop.stderr).toBe(0);
      expect((await again.done).code).toBe(0);

      const buys = sim.control.state().orders.filter((o) => o.side === 'BUY');
      expect(buys, JSON.stringify(buys)).toHaveLength(1);
      for (const [id, n] of orderPosts(sim)) expect(n, `${id} posted more than once`).toBe(1);
      const doc = readState(home, 'lv')!;
      expect(Object.keys(doc.engine!.portfolio.open)).toEqual(['BTC/USDT']);
      expect(recordedKeys(home, 'lv')).toEqual(['id:b1']);
    });
  }

  it('a paper shadow trades the alerts its live bot accepts, on paper; signal send rehearses them', { timeout: 150_000 }, async () => {
    const sim = await walkSim();
    cleanups.push(() => sim.close());
    const home = tmp('tradebot-shadow-');
    const live = startSignalBot({ mode: 'live', home, bot: 'lv', url: sim.url, extra: ARGS });
    cleanups.push(() => void live.child.kill('SIGKILL'));
    const url = await listenUrl(home, 'lv', live);
    // the shadow takes the live bot's exchange, pair, timeframe and strategy; it has no secret and no listener
    const shadow = startSignalBot({ mode: 'paper', home, bot: 'sh', url: null, extra: ['--shadow', 'lv', '--stake', '50%'], env: { TRADEBOT_WEBHOOK_SECRET: undefined } });
    cleanups.push(() => void shadow.child.kill('SIGKILL'));
    await waitFor(`the shadow to run (${shadow.stderr()})`, () => readState(home, 'sh')?.runtime.status === 'running', 60_000);
    expect(readState(home, 'sh')!.bot).toMatchObject({ pairs: ['BTC/USDT'], timeframe: '1s', exchange: 'binance', apiUrl: sim.url, strategy: { name: 'webhook' } });
    expect(readState(home, 'sh')!.runtime.signals).toMatchObject({ listen: null, shadowOf: 'lv' });

    const sent = await runCliAsync(['signal', 'send', '--bot', 'lv', '--action', 'buy', '--id', 'rehearsal-1'], { env: { TRADEBOT_HOME: home, TRADEBOT_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/^bot lv accepted the buy alert for BTC\/USDT \(id:rehearsal-1\)/);
    await waitFor('both in a position', () => inPosition(readState(home, 'lv')) && inPosition(readState(home, 'sh')), 30_000);
    expect(recordedKeys(home, 'sh')).toEqual(['id:rehearsal-1']);

    expect((await postAlert(url, { action: 'exit', id: 'x1' })).status).toBe(200);
    await waitFor('both flat', () => !inPosition(readState(home, 'lv')) && !inPosition(readState(home, 'sh')), 30_000);

    // the exchange saw the live bot's orders only
    const prefix = idPrefixFor('lv');
    const onExchange = sim.control.state().orders.map((o) => String(o.clientOrderId));
    expect(onExchange).toHaveLength(2);
    for (const id of onExchange) expect(id.startsWith(`${prefix}-`)).toBe(true);
    // and the shadow traded its own stake: half of its cash, where the live bot spent 99 %
    const trip = readState(home, 'sh')!.engine!.portfolio.closed[0]!;
    expect(Number(trip.entryCost)).toBeLessThan(5_100);
    expect(Number(trip.entryCost)).toBeGreaterThan(4_900);

    // signal send: refused by the bot, not sent to a shadow, not sent with a wrong secret
    const toShadow = await runCliAsync(['signal', 'send', '--bot', 'sh', '--action', 'buy'], { env: { TRADEBOT_HOME: home, TRADEBOT_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    expect(toShadow.code).toBe(2);
    expect(toShadow.stderr).toMatch(/shadow of lv/);
    const wrong = await runCliAsync(['signal', 'send', '--bot', 'lv', '--action', 'buy'], { env: { TRADEBOT_HOME: home, TRADEBOT_WEBHOOK_SECRET: 'not-the-secret-of-this-bot' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/refused the alert \(bad-secret\)/);
    const json = await runCliAsync(['signal', 'send', '--bot', 'lv', '--action', 'buy', '--id', 'x1', '--json'], { env: { TRADEBOT_HOME: home, TRADEBOT_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: 1, bot: 'lv', httpStatus: 200, answer: { status: 'duplicate' } });

    for (const [bot, child] of [['sh', shadow], ['lv', live]] as const) {
      const stop = await runCliAsync(['stop', bot], { env: { TRADEBOT_HOME: home } });
      expect(stop.code, stop.stderr).toBe(0);
      expect((await child.done).code).toBe(0);
    }
    // a stopped bot is not sent to: its old port may be someone else's now
    const stopped = await runCliAsync(['signal', 'send', '--bot', 'lv', '--action', 'buy'], { env: { TRADEBOT_HOME: home, TRADEBOT_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    expect(stopped.code).toBe(5);
    expect(stopped.stderr).toMatch(/is not running/);
  });
});
