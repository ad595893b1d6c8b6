import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Notifier, readyAt } from '../../../src/notify/notifier.js';
import { emptyNotifyDoc, NotifyFile } from '../../../src/notify/notify-file.js';
import { DeliveryError, type TelegramApi } from '../../../src/notify/telegram-api.js';
import { renderTemplate } from '../../../src/notify/webhook.js';
import { noticeOf } from '../../../src/notify/messages.js';
import { CONFIG_DEFAULTS, type NotifyConfig } from '../../../src/config/schema.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tradebot-notifier-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Telegram limits', () => {
  it('a chat waits a second after its last message; a group also takes twenty a minute at most', () => {
    expect(readyAt('telegram:5', [])).toBe(-Infinity);
    expect(readyAt('telegram:5', [1000])).toBe(2000);
    const twenty = Array.from({ length: 20 }, (_, i) => 10_000 + i * 1000);
    expect(readyAt('telegram:5', twenty)).toBe(30_000); // a private chat: only the per-chat gap
    expect(readyAt('telegram:-100', twenty)).toBe(70_000); // a group: the first of the twenty + 60 s
    expect(readyAt('telegram:@chan', twenty)).toBe(70_000);
    expect(readyAt('webhook', [1000])).toBe(1250);
  });
});

function fakeApi(fail: () => DeliveryError | null) {
  const sent: { chatId: unknown; text: string; silent: boolean; at: number }[] = [];
  const api = {
    async sendMessage(chatId: unknown, text: string, silent: boolean) {
      const f = fail();
      if (f) throw f;
      sent.push({ chatId, text, silent, at: Date.now() });
    },
  } as unknown as TelegramApi;
  return { api, sent };
}

const cfg = (): NotifyConfig => ({ ...structuredClone(CONFIG_DEFAULTS.notify), telegram: { ...CONFIG_DEFAULTS.notify.telegram, chatIds: [7] } });
const notice = (text: string) => ({ key: 'fill' as const, event: 'fill', text, values: {} });

describe('Notifier', () => {
  it('sends a burst as one message, then keeps a second between messages to the chat', async () => {
    const { api, sent } = fakeApi(() => null);
    const file = new NotifyFile(path.join(tmp, 'a.json'), emptyNotifyDoc());
    const n = new Notifier({ file, cfg: cfg(), label: { bot: 'b', mode: 'paper', quote: 'USDT' }, telegram: api, webhook: null, log: () => undefined, gatherMs: 50 });
    n.start();
    for (const t of ['one', 'two', 'three']) n.notify(notice(t));
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.map((m) => m.text)).toEqual(['one\n\ntwo\n\nthree']);
    n.notify(notice('four'));
    await new Promise((r) => setTimeout(r, 1500));
    expect(sent.map((m) => m.text)).toEqual(['one\n\ntwo\n\nthree', 'four']);
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(990);
    await n.close(100);
    expect(JSON.parse(readFileSync(file.path, 'utf8'))).toMatchObject({ queue: [], channels: { telegram: { state: 'ok', sent: 2 } } });
  });

  it('keeps a failed message, marks the channel degraded, retries after back-off (or retry_after) and recovers', async () => {
    let failing = true;
    const { api, sent } = fakeApi(() => (failing ? new DeliveryError('Telegram sendMessage answered 429: Too Many Requests', 300) : null));
    const logs: string[] = [];
    const file = new NotifyFile(path.join(tmp, 'b.json'), emptyNotifyDoc());
    const n = new Notifier({ file, cfg: cfg(), label: { bot: 'b', mode: 'paper', quote: 'USDT' }, telegram: api, webhook: null, log: (_l, e) => logs.push(e), gatherMs: 0 });
    n.start();
    n.notify(notice('lost?'));
    await new Promise((r) => setTimeout(r, 100));
    expect(n.health().telegram).toMatchObject({ state: 'degraded', failures: 1, lastError: 'Telegram sendMessage answered 429: Too Many Requests' });
    expect(n.queued()).toBe(1);
    expect(logs).toEqual(['notify-failed']);
    failing = false;
    await new Promise((r) => setTimeout(r, 1300));
    expect(sent.map((m) => m.text)).toEqual(['lost?']);
    expect(n.health().telegram!.state).toBe('ok');
    expect(logs).toEqual(['notify-failed', 'notify-recovered']);
    await n.close(100);
  });

  it('takes up the queue a previous run left, and sends nothing for an event that is off', async () => {
    const doc = emptyNotifyDoc();
    doc.queue.push({ id: 1, target: 'telegram:7', event: 'stopped', text: 'b: stopped', values: {}, silent: false, createdAt: Date.now() - 1000, attempts: 3, nextAt: Date.now() + 3_600_000 });
    const { api, sent } = fakeApi(() => null);
    const c = cfg();
    c.events.fill = 'off';
    const n = new Notifier({ file: new NotifyFile(path.join(tmp, 'c.json'), doc), cfg: c, label: { bot: 'b', mode: 'paper', quote: 'USDT' }, telegram: api, webhook: null, log: () => undefined, gatherMs: 0 });
    n.start();
    n.notify(notice('not sent'));
    await new Promise((r) => setTimeout(r, 200));
    expect(sent.map((m) => m.text)).toEqual(['b: stopped']);
    await n.close(100);
  });
});

describe('messages and templates', () => {
  it('a JSON body template escapes the values; other templates take them as they are', () => {
    const v = { bot: 'b', message: 'said "hi"\nthen left', pair: 'BTC/USDT' };
    expect(JSON.parse(renderTemplate('{"content": "{bot}: {message}", "x": "{unknown}"}', v))).toEqual({ content: 'b: said "hi"\nthen left', x: '{unknown}' });
    expect(renderTemplate('{bot} {pair}', v)).toBe('b BTC/USDT');
  });

  it('an exit is told once, with its PnL and reason; signals and intents are not told', () => {
    const label = { bot: 'b', mode: 'paper', quote: 'USDT' };
    expect(noticeOf({ kind: 'fill', time: 0, clientOrderId: 'x', symbol: 'BTC/USDT', side: 'sell', price: '1', qty: '1', fee: '0', feeCurrency: 'USDT', tradeId: '1', purpose: 'exit' }, label)).toBeNull();
    expect(noticeOf({ kind: 'signal', time: 0, symbol: 'BTC/USDT', side: 'buy', type: 'market', close: 1 }, label)).toBeNull();
    const n = noticeOf({ kind: 'trade-closed', time: 0, symbol: 'BTC/USDT', entryTime: 0, entryPrice: '100', exitPrice: '110', qty: '0.5', fees: '0.1', pnl: '4.9', pnlPct: 0.098, purpose: 'stop-loss' }, label)!;
    expect(n.text).toBe('b: SELL 0.5 BTC/USDT at 110 (stop-loss): PnL +4.90 USDT (+9.80%)');
    expect(n.values).toMatchObject({ pnl: '4.9', pair: 'BTC/USDT', side: 'sell', event: 'trade-closed' });
  });
});

describe('the daily summary', () => {
  it('goes out at notify.dailyHour (UTC) about the day before, and records the day it told', async () => {
    const t0 = Date.now();
    const base = Date.UTC(2024, 0, 2, 0, 0, 0) - 150; // 150 ms before midnight UTC
    const now = () => base + (Date.now() - t0);
    const days: string[] = [];
    const file = new NotifyFile(path.join(tmp, 'd.json'), emptyNotifyDoc());
    const make = () => {
      const { api, sent } = fakeApi(() => null);
      const n = new Notifier({ file, cfg: cfg(), label: { bot: 'b', mode: 'paper', quote: 'USDT' }, telegram: api, webhook: null, log: () => undefined, now, gatherMs: 0, dailyText: async (day) => (days.push(day), `daily ${day}: 2 trade(s) closed`) });
      n.start();
      return { n, sent };
    };
    const first = make();
    await new Promise((r) => setTimeout(r, 400));
    expect(days).toEqual(['2024-01-01']);
    expect(first.sent.map((m) => m.text)).toEqual(['b: daily 2024-01-01: 2 trade(s) closed']);
    expect(file.doc.lastDaily).toBe('2024-01-01');
    await first.n.close(50);
  });
});
