/**
 * `tradebot notify test`: one message through every configured channel, against a loopback fake
 * Telegram Bot API and webhook receiver; exit 1 when one fails, 2 when nothing is configured.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmpDirs, makeTmpDir } from '../support/cli.js';
import { runCliAsync } from '../support/cli-async.js';
import { startFakeTelegram, startFakeWebhook } from '../support/fake-telegram.js';

afterAll(cleanupTmpDirs);
const TOKEN = '123456:AAplantedNotifyTestToken_xyz';

describe('tradebot notify test', { timeout: 60_000 }, () => {
  it('sends through each chat and the webhook; a failing channel makes it exit 1; the token shows nowhere', async () => {
    const tg = await startFakeTelegram(TOKEN);
    const hook = await startFakeWebhook();
    try {
      const dir = makeTmpDir();
      writeFileSync(
        path.join(dir, 'tradebot.config.yaml'),
        `notify:\n  telegram:\n    chatIds: [11, -22]\n    apiUrl: ${tg.url}\n  webhook:\n    url: ${hook.url}\n    headers: { Authorization: Bearer plantedheadersecret }\n    body: '{"text": "{message}"}'\n`,
      );
      const run = (args: string[], env: Record<string, string | undefined> = { TRADEBOT_TELEGRAM_TOKEN: TOKEN }) => runCliAsync(args, { cwd: dir, env: { TRADEBOT_HOME: dir, ...env } });
      const ok = await run(['notify', 'test']);
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toBe('ok    telegram 11\nok    telegram -22\nok    webhook\n');
      expect(ok.code).toBe(0);
      expect(tg.sent.map((m) => m.chatId)).toEqual([11, -22]);
      expect(tg.sent[0]!.text).toMatch(/^tradebot: test message from tradebot notify test/);
      expect(JSON.parse(hook.received[0]!.body)).toEqual({ text: expect.stringMatching(/^tradebot: test message/) });
      expect(hook.received[0]!.headers.authorization).toBe('Bearer plantedheadersecret');

      hook.fail = 502;
      const failed = await run(['notify', 'test', '--json']);
      expect(failed.code).toBe(1);
      const doc = JSON.parse(failed.stdout) as { ok: boolean; channels: { channel: string; ok: boolean; error: string | null }[] };
      expect(doc.ok).toBe(false);
      expect(doc.channels.find((c) => c.channel === 'webhook')).toMatchObject({ ok: false, error: 'webhook answered 502 Bad Gateway' });

      const noToken = await run(['notify', 'test'], { TRADEBOT_TELEGRAM_TOKEN: undefined });
      expect(noToken.code).toBe(2);
      expect(noToken.stderr).toMatch(/^tradebot: notify\.telegram\.chatIds is set but there is no bot token/);
      const wrong = await run(['notify', 'test'], { TRADEBOT_TELEGRAM_TOKEN: '123456:AAwrongButWellFormedToken' });
      expect(wrong.code).toBe(1);
      expect(wrong.stdout).toMatch(/^FAIL  telegram 11: Telegram sendMessage answered 401: Unauthorized$/m);

      for (const r of [ok, failed, noToken, wrong]) {
        expect(r.stdout + r.stderr).not.toContain(TOKEN);
        expect(r.stdout + r.stderr).not.toContain('plantedheadersecret');
      }
      const show = await run(['config', 'show']);
      expect(show.stdout).not.toContain('plantedheadersecret');
      expect(show.stdout).not.toContain('/hooks/T000');

      const empty = makeTmpDir();
      const none = await runCliAsync(['notify', 'test'], { cwd: empty, env: { TRADEBOT_HOME: empty } });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/^tradebot: no notification channel is configured/);
      writeFileSync(path.join(empty, 'tradebot.config.yaml'), 'notify:\n  telegram:\n    token: "123:abc"\n');
      const inFile = await runCliAsync(['notify', 'test'], { cwd: empty, env: { TRADEBOT_HOME: empty } });
      expect(inFile.code).toBe(2);
      expect(inFile.stderr).toMatch(/notify\.telegram\.token is never read from a config file/);
    } finally {
      await tg.close();
      await hook.close();
    }
  });
});
