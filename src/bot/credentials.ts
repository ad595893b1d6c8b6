import { readFile, stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../core/errors.js';
import { registerSecret } from '../secrets.js';

export interface Credentials {
  apiKey: string;
  secret: string;
  password?: string;
}

/**
 * API credentials, read only in live mode: from TRADEBOT_API_KEY / TRADEBOT_API_SECRET /
 * TRADEBOT_API_PASSWORD, or a secrets file (YAML or JSON with apiKey, secret, password) that
 * only its owner can read. Never from a command-line flag: flags end up in shell history and `ps`.
 */
export async function loadCredentials(o: { env: NodeJS.ProcessEnv; secretsFile?: string | null }): Promise<Credentials> {
  let c: Partial<Credentials> = {};
  if (o.secretsFile) {
    const r = await readSecretsFile(o.secretsFile);
    if (r === null) throw new UsageError(`secrets file ${o.secretsFile} must hold apiKey and secret`);
    c = { apiKey: str(r.apiKey), secret: str(r.secret) };
    if (str(r.password)) c.password = str(r.password);
  }
  const apiKey = o.env.TRADEBOT_API_KEY || c.apiKey;
  const secret = o.env.TRADEBOT_API_SECRET || c.secret;
  const password = o.env.TRADEBOT_API_PASSWORD || c.password;
  if (!apiKey || !secret) {
    throw new UsageError('live trading needs API credentials: set TRADEBOT_API_KEY and TRADEBOT_API_SECRET, or secretsFile in the config (a file only you can read)');
  }
  registerSecret(apiKey);
  registerSecret(secret);
  registerSecret(password);
  return { apiKey, secret, ...(password ? { password } : {}) };
}

/**
 * The owner-only secrets file (YAML or JSON): refused when others can read it, or when it is not
 * a mapping (null for a file that holds nothing). Its values are secrets: callers register them.
 */
export async function readSecretsFile(path: string): Promise<Record<string, unknown> | null> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new UsageError(`secrets file not found: ${path}`);
  }
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new UsageError(`secrets file ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}): run chmod 600 ${path}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(path, 'utf8'));
  } catch {
    throw new UsageError(`secrets file ${path} is not valid YAML or JSON`);
  }
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`secrets file ${path} must be a mapping of names to values`);
  return raw as Record<string, unknown>;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
