/**
 * Every secret tradebot reads is registered here, and everything it prints or writes about an
 * error or an event passes through `redact`: a key can reach a message through a library's error
 * text (a URL, a request dump) without any of our code meaning to print it.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

/** The key as operators recognise it, without giving it away: `abcd…wxyz`. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '***';
  return `${key.slice(0, 4)}…${key.slice(-4)}`;
}
