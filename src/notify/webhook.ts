import type { WebhookConfig } from '../config/schema.js';
import { redact } from '../secrets.js';
import { DeliveryError } from './telegram-api.js';

/** The values a webhook body template can use: {bot}, {event}, {message} ... */
export type Placeholders = Record<string, string>;

export const PLACEHOLDERS = ['bot', 'mode', 'event', 'message', 'pair', 'side', 'price', 'qty', 'pnl', 'time'] as const;

/**
 * Fill a body template. In a JSON body (one that starts with { or [) each value is escaped as
 * the inside of a JSON string, so a message with quotes or line breaks keeps the body valid; an
 * unknown {name} stays as written. Values are data, never evaluated.
 */
export function renderTemplate(template: string, values: Placeholders): string {
  const json = /^\s*[[{]/.test(template);
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(values, name)) return whole;
    const v = values[name]!;
    return json ? JSON.stringify(v).slice(1, -1) : v;
  });
}

/** Without a template: a JSON object of every placeholder. */
export function defaultBody(values: Placeholders): string {
  return JSON.stringify(Object.fromEntries(PLACEHOLDERS.map((k) => [k, values[k] ?? ''])));
}

export class WebhookChannel {
  constructor(
    private readonly cfg: WebhookConfig & { url: string },
    private readonly timeoutMs = 15_000,
  ) {}

  async send(values: Placeholders): Promise<void> {
    const body = this.cfg.body === null ? defaultBody(values) : renderTemplate(this.cfg.body, values);
    const json = this.cfg.body === null || /^\s*[[{]/.test(this.cfg.body);
    const headers: Record<string, string> = { ...(json ? { 'content-type': 'application/json' } : { 'content-type': 'text/plain; charset=utf-8' }), ...this.cfg.headers };
    let res: Response;
    try {
      res = await fetch(this.cfg.method === 'GET' ? withQuery(this.cfg.url, values) : this.cfg.url, {
        method: this.cfg.method,
        headers,
        ...(this.cfg.method === 'GET' ? {} : { body }),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new DeliveryError(redact(`webhook failed (${err instanceof Error ? (err.name === 'TimeoutError' ? 'no answer' : err.message) : String(err)}${cause})`));
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    const retry = Number(res.headers.get('retry-after'));
    throw new DeliveryError(`webhook answered ${res.status} ${res.statusText}`, res.status === 429 && retry > 0 ? retry * 1000 : null);
  }
}

function withQuery(url: string, values: Placeholders): string {
  const u = new URL(url);
  for (const k of PLACEHOLDERS) if (values[k] !== undefined) u.searchParams.set(k, values[k]!);
  return u.toString();
}
