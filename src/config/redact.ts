/**
 * Hiding secrets before a config is shown (`tradebot config show`). Secrets are not config keys
 * today, but exchange credentials will be; strategy params may already hold tokens.
 */

/** Keys whose values are secret, at any depth. */
export const SECRET_KEY_PATTERN = /secret|passw(?:or)?d|passphrase|api[-_]?key|private[-_]?key|token|credential/i;

export const REDACTED = '***';

/** "https://user:pass@host/..." -> "https://***@host/..." */
function redactUrlCredentials(s: string): string {
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, `$1${REDACTED}@`);
}

/** "https://discord.com/api/webhooks/1/abc" -> "https://discord.com/***" */
function redactUrlPath(s: string): string {
  try {
    const u = new URL(s);
    return u.pathname === '/' && u.search === '' && !u.username ? s : `${u.protocol}//${u.host}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}

/**
 * A deep copy of `cfg` with the value of every key matching SECRET_KEY_PATTERN replaced by "***"
 * (null and undefined are kept: "not set" is not a secret), and credentials embedded in URLs
 * (https://user:pass@proxy) hidden. The input is not modified.
 */
export function redactConfig<T>(cfg: T): T {
  return redactValue(cfg, undefined) as T;
}

function redactValue(value: unknown, key: string | undefined): unknown {
  if (key !== undefined && SECRET_KEY_PATTERN.test(key) && value !== null && value !== undefined) return REDACTED;
  // a webhook's URL carries its secret in the path (Discord, Slack), its headers an Authorization
  if (key === 'headers' && value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  if (key === 'url' && typeof value === 'string') return redactUrlPath(value);
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, undefined));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]));
  }
  return value;
}
