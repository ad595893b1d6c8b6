import type { BotEvent } from '../bot/bot-events.js';
import type { LogLevel } from '../bot/bot-log.js';
import type { ChatId, NotifyConfig } from '../config/schema.js';
import { redact } from '../secrets.js';
import { noticeOf, type BotLabel, type Notice } from './messages.js';
import type { ChannelHealth, NotifyFile, QueuedMessage } from './notify-file.js';
import { DeliveryError, TELEGRAM_MAX_TEXT, type TelegramApi } from './telegram-api.js';
import type { WebhookChannel } from './webhook.js';

/** Telegram: about one message a second per chat, twenty a minute per group or channel. */
const CHAT_GAP_MS = 1000;
const GROUP_PER_MINUTE = 20;
const WEBHOOK_GAP_MS = 250;
/** a new message waits this long for the rest of a burst, which then goes as one message */
const GATHER_MS = 300;
const MAX_QUEUE = 1000;
const MAX_AGE_MS = 24 * 3_600_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export interface NotifierOptions {
  file: NotifyFile;
  cfg: NotifyConfig;
  label: BotLabel;
  telegram: TelegramApi | null;
  webhook: WebhookChannel | null;
  now?: () => number;
  /** the bot's log (never the event stream: a failed delivery must not produce a message) */
  log: (level: LogLevel, event: string, fields: Record<string, unknown>) => void;
  /** each delivery attempt, for metrics */
  onDelivery?: (channel: 'telegram' | 'webhook', ok: boolean) => void;
  /** the daily summary's text (null: nothing to say) and the heartbeat's */
  dailyText?: (day: string) => Promise<string | null>;
  heartbeatText?: () => Promise<string>;
  gatherMs?: number;
}

/**
 * Events -> messages -> channels, without ever blocking or breaking trading: a message is queued
 * (durably, in notify.json) and delivered by a timer, within Telegram's limits; a burst to one
 * chat goes as one message; a failed delivery is retried with back-off (the channel shows as
 * degraded in status meanwhile), after a restart of the bot too.
 */
export class Notifier {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private readonly busy = new Set<string>();
  private readonly sentAt = new Map<string, number[]>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** the degraded notices already given (the feed reports every failed poll) */
  private degradedTold = false;
  private closed = false;
  private readonly gatherMs: number;

  constructor(private readonly o: NotifierOptions) {
    this.now = o.now ?? Date.now;
    this.gatherMs = o.gatherMs ?? GATHER_MS;
    // left from the last run: deliver them now
    for (const m of this.doc.queue) m.nextAt = Math.min(m.nextAt, this.now());
  }

  private get doc() {
    return this.o.file.doc;
  }

  /** Where a message goes: every configured chat, and the webhook. */
  targets(): string[] {
    return [...(this.o.telegram ? this.o.cfg.telegram.chatIds.map((id) => `telegram:${id}`) : []), ...(this.o.webhook ? ['webhook'] : [])];
  }

  start(): void {
    this.schedule();
    const ev = this.o.cfg.events;
    if (ev.daily !== 'off' && this.o.dailyText) this.scheduleDaily();
    if (ev.heartbeat !== 'off' && this.o.heartbeatText) {
      const t = setInterval(() => {
        void this.o.heartbeatText!().then((text) => this.notify({ key: 'heartbeat', event: 'heartbeat', text: `${this.o.label.bot}: ${text}`, values: { bot: this.o.label.bot, mode: this.o.label.mode, event: 'heartbeat', message: text, time: new Date(this.now()).toISOString() } }), () => undefined);
      }, this.o.cfg.heartbeatMinutes * 60_000);
      t.unref();
      this.timers.push(t);
    }
  }

  onEvent(e: BotEvent): void {
    if (e.kind === 'feed-degraded' || e.kind === 'exchange-degraded') {
      if (this.degradedTold) return;
      this.degradedTold = true;
    } else if (e.kind === 'feed-recovered' || e.kind === 'exchange-recovered') {
      if (!this.degradedTold) return;
      this.degradedTold = false;
    }
    // the chat that gave a command gets its own answer
    if ((e.kind === 'control' || e.kind === 'control-done') && 'by' in e && e.by.startsWith('telegram')) return;
    const n = noticeOf(e, this.o.label);
    if (n) this.notify(n);
  }

  notify(n: Notice): void {
    const mode = this.o.cfg.events[n.key];
    if (mode === 'off' || this.closed) return;
    for (const target of this.targets()) this.enqueue(target, n.event, n.text, n.values, mode === 'silent');
  }

  /** An answer to a command, to the chat that gave it. */
  reply(chatId: ChatId, text: string): void {
    if (this.closed || !this.o.telegram) return;
    this.enqueue(`telegram:${chatId}`, 'reply', text, {}, false, 0);
  }

  private enqueue(target: string, event: string, text: string, values: Record<string, string>, silent: boolean, gather = this.gatherMs): void {
    const now = this.now();
    this.doc.queue.push({ id: ++this.doc.seq, target, event, text: redact(text), values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, redact(v)])), silent, createdAt: now, attempts: 0, nextAt: now + gather });
    if (this.doc.queue.length > MAX_QUEUE) {
      const over = this.doc.queue.length - MAX_QUEUE;
      this.doc.queue.splice(0, over);
      this.doc.dropped += over;
    }
    void this.o.file.save();
    this.schedule();
  }

  /** Health per channel, as status shows it. */
  health(): Record<string, ChannelHealth> {
    return this.doc.channels;
  }

  queued(): number {
    return this.doc.queue.length;
  }

  /** Deliver what can be delivered within `ms`, then stop; what is left waits in notify.json for the next start. */
  async close(ms = 5000): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    const deadline = this.now() + ms;
    while (this.doc.queue.some((m) => m.attempts === 0) && this.now() < deadline) {
      this.pump(true);
      await new Promise((r) => setTimeout(r, 50));
    }
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.o.file.save();
    await this.o.file.flushed();
  }

  // ---------------------------------------------------------------- delivery

  private readyAt(target: string, now: number): number {
    const times = (this.sentAt.get(target) ?? []).filter((t) => t > now - 60_000);
    this.sentAt.set(target, times);
    return readyAt(target, times);
  }

  private schedule(): void {
    if (this.closed) return;
    const now = this.now();
    let next = Infinity;
    const firstDue = new Map<string, number>();
    for (const m of this.doc.queue) firstDue.set(m.target, Math.min(firstDue.get(m.target) ?? Infinity, m.nextAt));
    for (const [target, due] of firstDue) if (!this.busy.has(target)) next = Math.min(next, Math.max(due, this.readyAt(target, now)));
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (next === Infinity) return;
    this.timer = setTimeout(() => this.pump(false), Math.max(0, next - now));
    this.timer.unref();
  }

  private pump(closing: boolean): void {
    const now = this.now();
    const old = this.doc.queue.filter((m) => now - m.createdAt > MAX_AGE_MS);
    if (old.length > 0) {
      this.doc.queue = this.doc.queue.filter((m) => !old.includes(m));
      this.doc.dropped += old.length;
      this.o.log('warn', 'notify-dropped', { messages: old.length, why: 'older than a day' });
    }
    const targets = new Set(this.doc.queue.map((m) => m.target));
    for (const target of targets) {
      if (this.busy.has(target) || this.readyAt(target, now) > now) continue;
      const due = this.doc.queue.filter((m) => m.target === target && (m.nextAt <= now || (closing && m.attempts === 0)));
      if (due.length > 0) void this.deliver(target, due);
    }
    this.schedule();
  }

  private async deliver(target: string, due: QueuedMessage[]): Promise<void> {
    this.busy.add(target);
    const channel = target === 'webhook' ? 'webhook' : 'telegram';
    // Telegram: whatever waits for the chat goes as one message (a burst, a backlog); a webhook:
    // one request per message, oldest first
    const batch = channel === 'webhook' ? due.slice(0, 1) : mergeable(this.doc.queue.filter((m) => m.target === target));
    try {
      if (channel === 'webhook') await this.o.webhook!.send({ ...batch[0]!.values, message: batch[0]!.values.message ?? batch[0]!.text });
      else await this.o.telegram!.sendMessage(chatIdOf(target), batch.map((m) => m.text).join('\n\n'), batch.every((m) => m.silent));
      const sent = new Set(batch.map((m) => m.id));
      this.doc.queue = this.doc.queue.filter((m) => !sent.has(m.id));
      this.markOk(channel);
    } catch (err) {
      const retryAfter = err instanceof DeliveryError ? err.retryAfterMs : null;
      for (const m of batch) {
        m.attempts++;
        m.nextAt = this.now() + Math.max(retryAfter ?? 0, Math.min(1000 * 2 ** (m.attempts - 1), MAX_BACKOFF_MS));
      }
      this.markFailed(channel, err instanceof Error ? err.message : String(err), batch.length);
    } finally {
      (this.sentAt.get(target) ?? this.sentAt.set(target, []).get(target)!).push(this.now());
      this.busy.delete(target);
      void this.o.file.save();
      this.schedule();
    }
  }

  private channelHealth(channel: string): ChannelHealth {
    return (this.doc.channels[channel] ??= { state: 'ok', since: null, lastError: null, failures: 0, sent: 0, failed: 0 });
  }

  private markOk(channel: 'telegram' | 'webhook'): void {
    const h = this.channelHealth(channel);
    if (h.state === 'degraded') this.o.log('info', 'notify-recovered', { channel, after: h.failures });
    Object.assign(h, { state: 'ok', since: null, lastError: null, failures: 0, sent: h.sent + 1 });
    this.o.onDelivery?.(channel, true);
  }

  private markFailed(channel: 'telegram' | 'webhook', message: string, messages: number): void {
    const h = this.channelHealth(channel);
    const first = h.state === 'ok';
    Object.assign(h, { state: 'degraded', since: h.since ?? this.now(), lastError: redact(message), failures: h.failures + 1, failed: h.failed + 1 });
    this.o.onDelivery?.(channel, false);
    // the first failure of a streak, then every tenth: the log is not flooded by a long outage
    if (first || h.failures % 10 === 0) this.o.log('warn', 'notify-failed', { channel, message: redact(message), failures: h.failures, waiting: messages });
  }

  // ---------------------------------------------------------------- daily summary

  private scheduleDaily(): void {
    const now = this.now();
    const hour = this.o.cfg.dailyHour * 3_600_000;
    const dayStart = now - (now % 86_400_000);
    let at = dayStart + hour;
    if (at <= now) at += 86_400_000;
    const t = setTimeout(() => {
      const yesterday = new Date(at - 86_400_000).toISOString().slice(0, 10);
      if (this.doc.lastDaily !== yesterday) {
        this.doc.lastDaily = yesterday;
        void this.o.file.save();
        void this.o.dailyText!(yesterday).then(
          (text) => text !== null && this.notify({ key: 'daily', event: 'daily', text: `${this.o.label.bot}: ${text}`, values: { bot: this.o.label.bot, mode: this.o.label.mode, event: 'daily', message: text, time: new Date(this.now()).toISOString() } }),
          () => undefined,
        );
      }
      this.scheduleDaily();
    }, at - now);
    t.unref();
    this.timers.push(t);
  }
}

/**
 * When a target may be sent to next, given its sends of the last minute (oldest first): a
 * Telegram chat a second after its last message, a group or channel also no more than twenty a
 * minute; a webhook a quarter second after its last request.
 */
export function readyAt(target: string, times: readonly number[]): number {
  const last = times.at(-1) ?? -Infinity;
  if (target === 'webhook') return last + WEBHOOK_GAP_MS;
  const id = target.slice('telegram:'.length);
  const group = id.startsWith('-') || id.startsWith('@');
  const perChat = last + CHAT_GAP_MS;
  return group && times.length >= GROUP_PER_MINUTE ? Math.max(perChat, times[times.length - GROUP_PER_MINUTE]! + 60_000) : perChat;
}

/** The oldest messages of a burst that fit in one Telegram message. */
function mergeable(due: QueuedMessage[]): QueuedMessage[] {
  const out: QueuedMessage[] = [];
  let len = 0;
  for (const m of due) {
    const add = m.text.length + (out.length > 0 ? 2 : 0);
    if (out.length > 0 && len + add > TELEGRAM_MAX_TEXT) break;
    out.push(m);
    len += add;
  }
  return out;
}

function chatIdOf(target: string): ChatId {
  const id = target.slice('telegram:'.length);
  return /^-?\d+$/.test(id) ? Number(id) : id;
}
