import { readFile, stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../core/errors.js';
import type { NotifyConfig } from '../config/schema.js';
import { registerSecret } from '../secrets.js';

/**
 * The Telegram bot token: TRADEBOT_TELEGRAM_TOKEN, else `telegramToken` in the secrets file (which
 * only its owner may read). Never from the config file or a flag. Registered as a secret, so no
 * output, log, message or file shows it. null when neither has one.
 */
export async function loadTelegramToken(o: { env: NodeJS.ProcessEnv; secretsFile: string | null }): Promise<string | null> {
  let token = o.env.TRADEBOT_TELEGRAM_TOKEN || null;
  if (!token && o.secretsFile) {
    const st = await stat(o.secretsFile).catch(() => null);
    if (!st) throw new UsageError(`secrets file not found: ${o.secretsFile}`);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new UsageError(`secrets file ${o.secretsFile} is readable by others (mode ${(st.mode & 0o777).toString(8)}): run chmod 600 ${o.secretsFile}`);
    }
    let raw: unknown;
    try {
      raw = parseYaml(await readFile(o.secretsFile, 'utf8'));
    } catch {
      throw new UsageError(`secrets file ${o.secretsFile} is not valid YAML or JSON`);
    }
    const t = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).telegramToken : undefined;
    token = typeof t === 'string' && t !== '' ? t : null;
  }
  if (token !== null && !/^\d{1,20}:[A-Za-z0-9_-]{10,100}$/.test(token)) {
    registerSecret(token);
    throw new UsageError('the Telegram bot token (TRADEBOT_TELEGRAM_TOKEN or telegramToken in the secrets file) does not look like one: 123456:ABC-DEF...');
  }
  registerSecret(token ?? undefined);
  return token;
}

/** A webhook URL carries its own secret (Discord's, Slack's), and so may its headers: never shown. */
export function registerWebhookSecrets(cfg: NotifyConfig['webhook']): void {
  if (cfg.url) {
    registerSecret(cfg.url);
    const u = new URL(cfg.url);
    // the path and query of a Discord or Slack webhook are the secret; the host is not
    if (u.pathname.length > 8) registerSecret(u.pathname + u.search);
    if (u.password) registerSecret(u.password);
  }
  for (const v of Object.values(cfg.headers)) registerSecret(v);
}

/** What is configured: Telegram needs chat ids and a token; chat ids without one are a usage error. */
export async function notifyChannels(cfg: NotifyConfig, o: { env: NodeJS.ProcessEnv; secretsFile: string | null }): Promise<{ token: string | null; telegram: boolean; webhook: boolean }> {
  const token = await loadTelegramToken(o);
  const telegram = cfg.telegram.chatIds.length > 0;
  if (telegram && token === null) {
    throw new UsageError('notify.telegram.chatIds is set but there is no bot token: set TRADEBOT_TELEGRAM_TOKEN, or telegramToken in the secrets file (secretsFile)');
  }
  registerWebhookSecrets(cfg.webhook);
  return { token, telegram, webhook: cfg.webhook.url !== null };
}
