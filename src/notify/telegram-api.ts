import { redact } from '../secrets.js';
import type { ChatId } from '../config/schema.js';

/**
 * The two Bot API methods tradebot needs, over plain fetch: sendMessage and getUpdates. The base
 * URL is configurable (the public API, a self-hosted Bot API server, a loopback fake in tests).
 * The token is part of every URL: errors never carry the URL, and pass through redact.
 */

/** A delivery that failed; `retryAfterMs` when the API said how long to wait (429). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(redact(message));
  }
}

export interface TelegramUpdate {
  update_id: number;
  message?: { message_id: number; chat: { id: number; type?: string }; from?: { id: number; username?: string }; text?: string; date?: number };
}

interface ApiAnswer<T> {
  ok: boolean;
  result?: T;
  description?: string;
  error_code?: number;
  parameters?: { retry_after?: number };
}

/** Telegram refuses longer texts. */
export const TELEGRAM_MAX_TEXT = 4096;

export class TelegramApi {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 15_000,
  ) {}

  private async call<T>(method: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    const url = `${this.apiUrl.replace(/\/+$/, '')}/bot${this.token}/${method}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new DeliveryError(`Telegram ${method} failed (${err instanceof Error ? err.name === 'TimeoutError' ? 'no answer' : err.message : String(err)}${cause})`);
    }
    let answer: ApiAnswer<T> | null = null;
    try {
      answer = (await res.json()) as ApiAnswer<T>;
    } catch {
      // a proxy's HTML page, an empty body: the status says enough
    }
    if (res.ok && answer?.ok) return answer.result as T;
    const retry = answer?.parameters?.retry_after ?? (res.status === 429 ? Number(res.headers.get('retry-after')) || 1 : null);
    throw new DeliveryError(`Telegram ${method} answered ${answer?.error_code ?? res.status}: ${answer?.description ?? res.statusText}`, retry !== null ? retry * 1000 : null);
  }

  async sendMessage(chatId: ChatId, text: string, silent: boolean): Promise<void> {
    await this.call('sendMessage', { chat_id: chatId, text: text.slice(0, TELEGRAM_MAX_TEXT), disable_notification: silent, link_preview_options: { is_disabled: true } }, this.timeoutMs);
  }

  /** Long poll: waits up to `timeoutSec` on the API's side for a message. */
  async getUpdates(offset: number, timeoutSec: number, signal?: AbortSignal): Promise<TelegramUpdate[]> {
    return this.call<TelegramUpdate[]>('getUpdates', { offset, timeout: timeoutSec, allowed_updates: ['message'] }, timeoutSec * 1000 + this.timeoutMs, signal);
  }
}
