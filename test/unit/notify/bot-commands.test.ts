import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { botCommands, HELP } from '../../../src/notify/bot-commands.js';
import { RemoteControl } from '../../../src/notify/telegram-commands.js';
import { emptyNotifyDoc, NotifyFile } from '../../../src/notify/notify-file.js';
import type { TelegramApi, TelegramUpdate } from '../../../src/notify/telegram-api.js';
import { botDoc, writeBot } from '../../support/bot-fixture.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tradebot-commands-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** botDoc: a closed round trip 50000 -> 51000 (+89.9), an open one at 40000 marked at 41000 */
function home(): string {
  const h = path.join(tmp, String(Math.random()).slice(2));
  const dir = writeBot(h, 'b', botDoc('b', { now: Date.UTC(2024, 0, 1, 12) }));
  const line = (e: unknown) => `${JSON.stringify(e)}\n`;
  const fill = (id: string, tradeId: string, side: string, time: number, price: string) => line({ type: 'fill', time, fill: { tradeId, clientOrderId: id, symbol: 'BTC/USDT', side, qty: '0.1', price, cost: '0', fee: '0', feeCurrency: 'USDT', time } });
  writeFileSync(path.join(dir, 'journal.jsonl'), fill('b-1', '1', 'buy', 1_704_067_200_000, '50000') + fill('b-2', '2', 'sell', 1_704_070_800_000, '51000') + fill('b-3', '3', 'buy', 1_704_074_400_000, '40000'));
  return h;
}

describe("Telegram's read commands answer from the bot's files", () => {
  it('/trades, /profit, /daily, /balance, /help', async () => {
    const { handlers } = botCommands({ home: home(), name: 'b' });
    expect(await handlers['/trades']!([], 1)).toBe('#1 BTC/USDT 50000 -> 51000 1h00m signal: +89.90 (+1.80%)\n#2 BTC/USDT open since 2024-01-01 02:00 at 40000: +96.00 USDT');
    expect(await handlers['/profit']!([], 1)).toBe('realised +89.90 USDT (1 trades)\nunrealised +96.00 USDT (1 open)\nwin rate 100.0%, fees 14.1000 USDT\nbest #1 +89.90, worst #1 +89.90');
    const daily = (await handlers['/daily']!([], 1)).split('\n');
    expect(daily).toHaveLength(8);
    expect(daily.at(-1)).toBe('2024-01-01       1  +89.90');
    expect(await handlers['/balance']!([], 1)).toBe('USDT 6085.9\nBTC 0.1');
    expect(await handlers['/help']!([], 1)).toBe(HELP);
  });

  it('/status of a bot that is not running says so; /pause of it is refused with the reason', async () => {
    const h = home();
    const { handlers } = botCommands({ home: h, name: 'b' });
    expect((await handlers['/status']!([], 1)).split('\n')[0]).toBe('b: stopped (paper) BTC/USDT 5m');
    await expect(handlers['/pause']!([], 1)).rejects.toThrow(/bot b is not running \(stopped\): nothing to pause/);
    expect(await handlers['/forceexit']!([], 1)).toMatch(/^usage: \/forceexit PAIR/);
  });
});

describe('RemoteControl', () => {
  it('answers its chats only, asks before a panic, and marks each update read before handling it', async () => {
    const queue: TelegramUpdate[] = [];
    const api = {
      async getUpdates(offset: number) {
        await new Promise((r) => setTimeout(r, 20));
        return queue.filter((u) => u.update_id >= offset);
      },
    } as unknown as TelegramApi;
    const file = new NotifyFile(path.join(tmp, 'rc.json'), emptyNotifyDoc());
    const replies: [unknown, string][] = [];
    const logged: Record<string, unknown>[] = [];
    let panics = 0;
    const rc = new RemoteControl({
      api,
      file,
      chatIds: [5],
      pollTimeoutSec: 1,
      handlers: { '/status': async () => 'all fine' },
      panic: async () => `panic ${++panics}`,
      reply: (id, text) => replies.push([id, text]),
      log: (_l, event, f) => logged.push({ event, ...f }),
    });
    const msg = (id: number, chat: number, text: string): TelegramUpdate => ({ update_id: id, message: { message_id: id, chat: { id: chat }, from: { id: chat }, text } });
    queue.push(msg(1, 9, '/panic'), msg(2, 5, '/status@tradebot_bot'), msg(3, 5, '/confirm'), msg(4, 5, '/panic'), msg(5, 5, 'no'), msg(6, 5, '/confirm'), msg(7, 5, '/panic'), msg(8, 5, '/confirm'), msg(9, 5, '/nope'));
    rc.start();
    await new Promise((r) => setTimeout(r, 300));
    await rc.stop();
    expect(replies.map(([id]) => id).every((id) => id === 5)).toBe(true);
    expect(replies.map(([, t]) => t)).toEqual([
      'all fine',
      'nothing to confirm (send /panic first)',
      expect.stringMatching(/^PANIC cancels every open order/),
      'unknown command no: send /help',
      'nothing to confirm (send /panic first)',
      expect.stringMatching(/^PANIC cancels/),
      'panic 1',
      'unknown command /nope: send /help',
    ]);
    expect(panics).toBe(1);
    expect(logged.find((l) => l.event === 'telegram-ignored')).toEqual({ event: 'telegram-ignored', chatId: 9, from: 9, command: '/panic' });
    expect(file.doc.telegramOffset).toBe(10);
  });
});
