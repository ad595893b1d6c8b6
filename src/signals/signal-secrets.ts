import { UsageError } from '../core/errors.js';
import { registerSecret } from '../secrets.js';

/** A shared secret shorter than this is guessable by anyone who can reach the listener. */
export const MIN_WEBHOOK_SECRET = 16;

const NAMES = {
  webhook: { env: 'TRADEBOT_WEBHOOK_SECRET', key: 'webhookSecret' },
  token: { env: 'TRADEBOT_SIGNAL_TOKEN', key: 'signalToken' },
} as const;

/**
 * The webhook's shared secret or the signal service's bearer token: from the environment, else the
 * owner-only secrets file; never from a flag or the config. Registered for redaction at once, so
 * it never reaches an output, a log or a state file.
 */
export async function loadSignalSecret(which: keyof typeof NAMES, o: { env: NodeJS.ProcessEnv; secretsFile: string | null }): Promise<string | null> {
  const n = NAMES[which];
  let value = o.env[n.env] || undefined;
  if (value === undefined && o.secretsFile) {
    // loaded here, not at the top: a backtest of a plain strategy must not load the secrets reader (and yaml)
    const { readSecretsFile } = await import('../bot/credentials.js');
    const v = (await readSecretsFile(o.secretsFile))?.[n.key];
    if (v !== undefined && v !== null && typeof v !== 'string') throw new UsageError(`secrets file ${o.secretsFile}: ${n.key} must be a string`);
    value = v || undefined;
  }
  if (value === undefined) return null;
  registerSecret(value);
  return value;
}

/** The webhook's secret, which it cannot run without. */
export async function requireWebhookSecret(o: { env: NodeJS.ProcessEnv; secretsFile: string | null }): Promise<string> {
  const s = await loadSignalSecret('webhook', o);
  if (s === null) throw new UsageError(`the webhook strategy needs a shared secret: set ${NAMES.webhook.env}, or ${NAMES.webhook.key} in the secrets file (secretsFile), and put the same secret in the alert`);
  if (s.length < MIN_WEBHOOK_SECRET) throw new UsageError(`the webhook secret is ${s.length} characters long: use at least ${MIN_WEBHOOK_SECRET} random ones (e.g. openssl rand -hex 16)`);
  return s;
}
