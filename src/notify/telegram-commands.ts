import type { LogLevel } from '../bot/bot-log.js';
import type { ChatId } from '../config/schema.js';
import type { NotifyFile } from './notify-file.js';
import type { TelegramApi, TelegramUpdate } from './telegram-api.js';

/** What a command does: its answer (short, for a phone). */
export type CommandHandler = (args: string[], chatId: ChatId) => Promise<string>;

export interface RemoteControlOptions {
  api: TelegramApi;
  file: NotifyFile;
  /** only these chats are listened to */
  chatIds: ChatId[];
  pollTimeoutSec: number;
  handlers: Record<string, CommandHandler>;
  /** /panic asks first; the confirmed panic runs this */
  panic: CommandHandler;
  reply: (chatId: ChatId, text: string) => void;
  log: (level: LogLevel, event: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

/** How long a /panic waits for its /confirm. */
export const PANIC_CONFIRM_MS = 60_000;

/**
 * Commands from Telegram: a long poll on getUpdates (against the configured Bot API URL). A
 * message from a chat that is not configured is logged and ignored: no answer, nothing changed.
 * Each command goes through the same path as the command line (the handlers write control
 * requests, or read the bot's files); they run one at a time, in the order they came.
 */
export class RemoteControl {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly allowed: Set<string>;
  private readonly pendingPanic = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly o: RemoteControlOptions) {
    this.allowed = new Set(o.chatIds.map(String));
    this.now = o.now ?? Date.now;
  }

  start(): void {
    this.loop = this.run();
  }

  /** Stop polling; a command being handled is finished first. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      let updates: TelegramUpdate[];
      try {
        updates = await this.o.api.getUpdates(this.o.file.doc.telegramOffset, this.o.pollTimeoutSec, this.abort.signal);
        if (failures > 0) this.o.log('info', 'telegram-poll-recovered', { after: failures });
        failures = 0;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        failures++;
        if (failures === 1 || failures % 10 === 0) this.o.log('warn', 'telegram-poll-failed', { message: err instanceof Error ? err.message : String(err), failures });
        await this.sleep(Math.min(1000 * 2 ** Math.min(failures - 1, 5), 30_000));
        continue;
      }
      for (const u of updates) {
        // confirmed before it is acted on: a crash mid-command never replays it (a second /forceexit)
        this.o.file.doc.telegramOffset = Math.max(this.o.file.doc.telegramOffset, u.update_id + 1);
        await this.o.file.save();
        await this.handle(u);
      }
      // an API that answers at once (a fake, a misbehaving proxy) must not be hammered
      if (updates.length === 0 && this.o.pollTimeoutSec === 0) await this.sleep(500);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      this.abort.signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(t);
        resolve();
      }
    });
  }

  private async handle(u: TelegramUpdate): Promise<void> {
    const m = u.message;
    if (!m || typeof m.text !== 'string') return;
    const chatId = m.chat.id;
    const words = m.text.trim().split(/\s+/);
    const command = (words[0] ?? '').toLowerCase().replace(/@\w+$/, '');
    if (!this.allowed.has(String(chatId))) {
      this.o.log('warn', 'telegram-ignored', { chatId, from: m.from?.id ?? null, command: /^\/[a-z_]{1,32}$/.test(command) ? command : '(not a command)' });
      return;
    }
    const key = String(chatId);
    const pending = this.pendingPanic.get(key);
    this.pendingPanic.delete(key);
    let answer: string;
    try {
      if (command === '/confirm' && pending !== undefined && pending > this.now()) {
        this.o.log('warn', 'telegram-command', { chatId, command: '/panic', confirmed: true });
        answer = await this.o.panic([], chatId);
      } else if (command === '/panic') {
        this.pendingPanic.set(key, this.now() + PANIC_CONFIRM_MS);
        answer = `PANIC cancels every open order of the bot and sells every position at market, then stops it. Send /confirm within ${PANIC_CONFIRM_MS / 1000} s to go ahead; anything else cancels.`;
      } else if (command === '/confirm') {
        answer = 'nothing to confirm (send /panic first)';
      } else {
        const handler = Object.hasOwn(this.o.handlers, command) ? this.o.handlers[command] : undefined;
        this.o.log('info', 'telegram-command', { chatId, command: handler ? command : '(unknown)' });
        answer = handler ? await handler(words.slice(1), chatId) : `unknown command ${command.slice(0, 40)}: send /help`;
      }
    } catch (err) {
      answer = `${command} failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.o.reply(chatId, answer);
  }
}
