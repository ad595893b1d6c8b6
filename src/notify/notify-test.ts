import { UsageError } from '../core/errors.js';
import type { NotifyConfig } from '../config/schema.js';
import { notifyChannels } from './notify-secrets.js';
import { TelegramApi } from './telegram-api.js';
import { WebhookChannel } from './webhook.js';

export interface ChannelResult {
  channel: string;
  ok: boolean;
  /** the failure, redacted */
  error: string | null;
}

/**
 * `tradebot notify test`: one message through every configured channel (each Telegram chat,
 * the webhook), sent now, not queued. A configuration with no channel is a usage error.
 */
export async function notifyTest(cfg: NotifyConfig, o: { env: NodeJS.ProcessEnv; secretsFile: string | null; bot: string | null; now: number }): Promise<ChannelResult[]> {
  const ch = await notifyChannels(cfg, o);
  if (!ch.telegram && !ch.webhook) throw new UsageError('no notification channel is configured: set notify.telegram.chatIds (and TRADEBOT_TELEGRAM_TOKEN) or notify.webhook.url');
  const who = o.bot ?? 'tradebot';
  const text = `${who}: test message from tradebot notify test (${new Date(o.now).toISOString()})`;
  const results: ChannelResult[] = [];
  const attempt = async (channel: string, send: () => Promise<void>) => {
    try {
      await send();
      results.push({ channel, ok: true, error: null });
    } catch (err) {
      results.push({ channel, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  };
  if (ch.telegram) {
    const api = new TelegramApi(cfg.telegram.apiUrl, ch.token!);
    for (const id of cfg.telegram.chatIds) await attempt(`telegram ${id}`, () => api.sendMessage(id, text, false));
  }
  if (ch.webhook) {
    const hook = new WebhookChannel({ ...cfg.webhook, url: cfg.webhook.url! });
    await attempt('webhook', () => hook.send({ bot: who, mode: '', event: 'test', message: text, time: new Date(o.now).toISOString() }));
  }
  return results;
}
